"""The sandbox: a loopback HTTP server that plays the web (geocoders, listing APIs, shop websites) by Host.

Used by `make demo`, by `audit --sandbox URL` and by the test suite, so that none of them needs the
internet or a real API key. See docs/sandbox.md for the hosts, the relevance rule, the control API and the
demo world.
"""

from auditor.sandbox.server import build_app, serve

__all__ = ["build_app", "serve"]
