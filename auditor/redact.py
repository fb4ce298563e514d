"""Keep API keys out of logs, error messages and reports.

Providers register their keys once (`register_secret`); after that every log record and every
`FetchError` message goes through `redact`, so a key that ends up in a URL, a header dump or an exception
text is shown as `***`. Short values are ignored: replacing "abc" everywhere would mangle ordinary text,
and no real API key is that short.
"""

from __future__ import annotations

import logging
import threading

MIN_SECRET_LENGTH = 6
MASK = "***"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
# Longest first, so that a secret containing another one is masked whole; rebuilt on registration only.
_ordered_secrets: tuple[str, ...] = ()


def register_secret(value: str) -> None:
    """Remember `value` as something never to print; values shorter than MIN_SECRET_LENGTH are ignored."""
    global _ordered_secrets
    value = value.strip()
    if len(value) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        if value in _secrets:
            return
        _secrets.add(value)
        _ordered_secrets = tuple(sorted(_secrets, key=len, reverse=True))


def redact(text: str) -> str:
    """`text` with every registered secret replaced by `***`."""
    for secret in _ordered_secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def contains_secret(text: str) -> bool:
    """Whether `text` holds a registered secret (the HTTP client drops such headers on cross-host hops)."""
    return any(secret in text for secret in _ordered_secrets)


def forget_secrets() -> None:
    """Drop every registered secret; for tests, which must not leak state into each other."""
    global _ordered_secrets
    with _secrets_lock:
        _secrets.clear()
        _ordered_secrets = ()


class RedactingFilter(logging.Filter):
    """Rewrites a record so that its message, arguments and traceback carry no registered secret.

    The message is formatted here (msg % args) and the result stored as the new msg with no args: a secret
    can hide in any argument, including objects whose repr is computed late.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _ordered_secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's problem to report, not ours
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redacting_filter() -> RedactingFilter:
    """Attach one RedactingFilter to the root logger's handlers and to the "auditor" logger.

    Handler filters see records propagated from every child logger (auditor.http, httpx, hishel), which
    logger filters do not; the "auditor" logger gets it too for handlers attached there. Call it after
    logging is configured: handlers added later are not covered. Calling it twice adds nothing.
    """
    redacting = _existing_filter() or RedactingFilter()
    auditor_logger = logging.getLogger("auditor")
    targets: list[logging.Filterer] = [
        *logging.getLogger().handlers,
        auditor_logger,
        *auditor_logger.handlers,
    ]
    for target in targets:
        if not any(isinstance(existing, RedactingFilter) for existing in target.filters):
            target.addFilter(redacting)
    return redacting


def _existing_filter() -> RedactingFilter | None:
    for existing in logging.getLogger("auditor").filters:
        if isinstance(existing, RedactingFilter):
            return existing
    return None
