"""SoLoMo Auditor: how a local business really appears where customers look."""

__version__ = "0.1.0"
