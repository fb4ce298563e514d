"""What every `audit` subcommand shares: failing with exit code 2, the options accepted before and after
the business name, settings, the business record from a name or a file, and atomic writes."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from auditor.business import (
    InputError,
    business_from_mapping,
    load_business_file,
    looks_like_business_file,
    validate_business,
)
from auditor.config import ConfigError, Settings, load_settings
from auditor.files import write_whole
from auditor.models import Business
from auditor.redact import install_redacting_filter, redact

EXIT_FAIL_UNDER = 1
EXIT_BAD_INPUT = 2
EXIT_ALL_FAILED = 3
FORMATS = ("terminal", "json", "html", "markdown", "csv")

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"audit: error: {redact(message)}", err=True)
    sys.exit(code)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine on the event loop auditor.loop chooses; a bad choice is bad input."""
    from auditor.loop import loop_factory

    try:
        factory = loop_factory()
    except ValueError as exc:
        coro.close()  # never started: closing it avoids a "never awaited" warning
        fail(str(exc))
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(coro)


def shared_options(func: F) -> F:
    """Options accepted both before the business name (group) and after it (command)."""
    func = click.option(
        "--sandbox", metavar="URL", help="Send every request to this sandbox (or $SOLOMO_SANDBOX)."
    )(func)
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Config file (default: <config dir>/config.toml or $SOLOMO_CONFIG).",
    )(func)
    func = click.option(
        "--no-cache", is_flag=True, default=None, help="Neither read nor write the HTTP cache."
    )(func)
    func = click.option(
        "-v", "--verbose", is_flag=True, default=None, help="Log HTTP traffic to stderr (keys redacted)."
    )(func)
    return func


def merge_shared(ctx: click.Context, **given: Any) -> dict[str, Any]:
    parent = ctx.find_root().params
    return {
        key: given.get(key) if given.get(key) is not None else parent.get(key)
        for key in ("sandbox", "config_file", "no_cache", "verbose")
    }


def setup_logging(verbose: bool | None) -> None:
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
        )
        for noisy in ("hpack", "httpcore", "asyncio", "anysqlite", "hishel"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redacting_filter()


def settings_from(shared: dict[str, Any], geocoder: str | None = None) -> Settings:
    try:
        return load_settings(
            shared["config_file"],
            sandbox=shared["sandbox"],
            no_cache=bool(shared["no_cache"]),
            geocoder=geocoder,
        )
    except ConfigError as exc:
        fail(str(exc))


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write the whole file or nothing (auditor.files); a write error is a clear message, exit 2."""
    try:
        write_whole(path, text)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


def business_from(
    target: str, *, default_country: str | None, aliases: tuple[str, ...], **options: str | None
) -> Business:
    given = {key: value for key, value in options.items() if value is not None}
    try:
        if looks_like_business_file(target):
            path = Path(target)
            business = load_business_file(path)
            if given or aliases:
                merged = {**business.as_dict(), **given}
                if aliases:
                    merged["aliases"] = [*business.aliases, *aliases]
                business = business_from_mapping(merged, str(path))
            source = str(path)
        else:
            business = business_from_mapping({"name": target, **given, "aliases": list(aliases)})
            source = None
        if business.website and not business.website.startswith(("http://", "https://")):
            business = replace(business, website=f"https://{business.website}")
        validate_business(business, source, default_country)
    except InputError as exc:
        fail(str(exc))
    return business
