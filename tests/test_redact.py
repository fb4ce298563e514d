"""auditor.redact: registered secrets never appear in text, log output or tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from auditor.redact import (
    RedactingFilter,
    contains_secret,
    forget_secrets,
    install_redacting_filter,
    redact,
    register_secret,
)


@pytest.fixture(autouse=True)
def clean_secrets() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.fixture
def root_output() -> Iterator[io.StringIO]:
    """A handler on the root logger, as the CLI's logging setup would add; removed with its filters."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    auditor_logger = logging.getLogger("auditor")
    previous_level = auditor_logger.level
    root.addHandler(handler)
    auditor_logger.setLevel(logging.DEBUG)
    yield output
    root.removeHandler(handler)
    auditor_logger.setLevel(previous_level)
    for existing in list(auditor_logger.filters):
        if isinstance(existing, RedactingFilter):
            auditor_logger.removeFilter(existing)


def test_registered_secrets_are_masked_everywhere_in_the_text() -> None:
    register_secret("AIzaSyA-key-0001")
    register_secret("  yelp-token-xyz  ")
    text = "GET /maps?key=AIzaSyA-key-0001&again=AIzaSyA-key-0001 Authorization: Bearer yelp-token-xyz"
    assert redact(text) == "GET /maps?key=***&again=*** Authorization: Bearer ***"
    assert contains_secret("x AIzaSyA-key-0001 y")
    assert not contains_secret("nothing to see")


def test_short_values_are_ignored() -> None:
    register_secret("abc12")
    register_secret("")
    assert redact("abc12 stays") == "abc12 stays"
    assert not contains_secret("abc12")


def test_a_secret_containing_another_is_masked_whole() -> None:
    register_secret("secret-1")
    register_secret("secret-1-extended")
    assert redact("token=secret-1-extended") == "token=***"


def test_log_records_are_redacted_through_root_handlers(root_output: io.StringIO) -> None:
    secret = "fsq3-live-key-abcdef"
    register_secret(secret)
    install_redacting_filter()
    logging.getLogger("auditor.providers.foursquare").warning(
        "calling with %s and %r", secret, {"key": secret}
    )
    output = root_output.getvalue()
    assert secret not in output
    assert "calling with *** and {'key': '***'}" in output


def test_third_party_loggers_are_covered_too(root_output: io.StringIO) -> None:
    secret = "sk-third-party-0001"
    register_secret(secret)
    install_redacting_filter()
    logging.getLogger("httpx").warning("HTTP Request: GET https://api.test/?key=%s", secret)
    assert secret not in root_output.getvalue()
    assert "key=***" in root_output.getvalue()


def test_tracebacks_are_redacted(root_output: io.StringIO) -> None:
    secret = "yelp-bearer-0123456"
    register_secret(secret)
    install_redacting_filter()
    try:
        raise RuntimeError(f"request failed with header Bearer {secret}")
    except RuntimeError:
        logging.getLogger("auditor.engine").exception("provider crashed")
    output = root_output.getvalue()
    assert "RuntimeError: request failed with header Bearer ***" in output
    assert secret not in output


def test_install_is_idempotent(root_output: io.StringIO) -> None:
    first = install_redacting_filter()
    second = install_redacting_filter()
    assert first is second
    root_handlers = logging.getLogger().handlers
    for handler in root_handlers:
        assert sum(isinstance(existing, RedactingFilter) for existing in handler.filters) <= 1
    for handler in root_handlers:
        handler.removeFilter(first)


def test_filter_without_secrets_leaves_records_alone() -> None:
    record = logging.LogRecord("auditor", logging.INFO, __file__, 1, "value %s", ("kept",), None)
    assert RedactingFilter().filter(record)
    assert (record.msg, record.args) == ("value %s", ("kept",))
