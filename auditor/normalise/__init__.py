"""Offline normalisers: one module per field, so the verdict rules can compare like with like."""
