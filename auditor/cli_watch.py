"""`audit watch add|list|remove|run` and `audit history`: scheduled re-audits and what changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from auditor.cli_common import (
    business_from,
    fail,
    merge_shared,
    run_async,
    settings_from,
    setup_logging,
    shared_options,
)


@contextmanager
def _watches(store: str | None, settings: Any) -> Iterator[Any]:
    """The watch store (--store, $SOLOMO_STORE, else the data dir), closed after the command."""
    from auditor.watch import WatchStore, store_target

    db = WatchStore.open(store_target(store, settings.data_dir))
    try:
        yield db
    finally:
        db.close()


def register(cli: click.Group) -> None:
    @cli.group("watch")
    def watch_group() -> None:
        """Re-audit shops on a schedule (run by `audit worker`) and report what changed."""

    @watch_group.command("add")
    @click.argument("business_file", type=click.Path(path_type=Path))
    @click.option("--every", default="7d", show_default=True, help="How often: 30m, 12h, 7d, 2w...")
    @click.option("--webhook", metavar="URL", help="POST the drift here as JSON when something changed.")
    @click.option("--name", help="The watch's name (default: the file's name without .toml).")
    @click.option(
        "--store", metavar="URL", help="postgresql://... (default: $SOLOMO_STORE, else the data dir)."
    )
    @shared_options
    @click.pass_context
    def watch_add(
        ctx: click.Context, /, business_file: Path, every: str, webhook: str | None, name: str | None,
        store: str | None, **shared_given: Any,
    ) -> None:  # fmt: skip
        """Watch the shop of BUSINESS_FILE; its first audit runs at the worker's next minute."""
        from auditor.watch import WatchError, parse_every

        settings = settings_from(merge_shared(ctx, **shared_given))
        business = business_from(str(business_file), default_country=settings.default_country, aliases=())
        try:
            seconds = parse_every(every)
        except WatchError as exc:
            fail(str(exc))
        if webhook and not webhook.startswith(("http://", "https://")):
            fail(f"--webhook {webhook!r}: an http(s) URL")
        watch_name = name or business_file.stem
        with _watches(store, settings) as db:
            db.add(watch_name, business.as_dict(), seconds, webhook)
        click.echo(f"watching {business.name} as {watch_name!r} every {every}")

    @watch_group.command("list")
    @click.option("--store", metavar="URL")
    @shared_options
    @click.pass_context
    def watch_list(ctx: click.Context, /, store: str | None, **shared_given: Any) -> None:
        settings = settings_from(merge_shared(ctx, **shared_given))
        with _watches(store, settings) as db:
            watches = db.watches()
        for w in watches:
            hook = f"  → {w.webhook}" if w.webhook else ""
            click.echo(
                f"{w.name:<24} {w.business['name']:<32} every {w.every_s // 3600} h  next {w.next_due}{hook}"
            )
        if not watches:
            click.echo("no watches (audit watch add shop.toml --every 7d)")

    @watch_group.command("remove")
    @click.argument("name")
    @click.option("--store", metavar="URL")
    @shared_options
    @click.pass_context
    def watch_remove(ctx: click.Context, /, name: str, store: str | None, **shared_given: Any) -> None:
        settings = settings_from(merge_shared(ctx, **shared_given))
        with _watches(store, settings) as db:
            found = db.remove(name)
        if not found:
            fail(f"no watch named {name!r} (see `audit watch list`)")
        click.echo(f"no longer watching {name!r} (its history stays)")

    @watch_group.command("run")
    @click.option("--all", "everything", is_flag=True, help="Run every watch now, due or not.")
    @click.option("--store", metavar="URL")
    @shared_options
    @click.pass_context
    def watch_run(ctx: click.Context, /, everything: bool, store: str | None, **shared_given: Any) -> None:
        """Run the due watches now (what the worker does each minute): for cron, or to try a watch."""
        from auditor.watch import run_due

        shared = merge_shared(ctx, **shared_given)
        setup_logging(shared["verbose"])
        settings = settings_from(shared)
        with _watches(store, settings) as db:
            ran = run_async(run_due(settings, db, everything=everything))
        for item in ran:
            changes = ", ".join(c["kind"] for c in item["drift"]) or "no change"
            hook = f" (webhook: {item['webhook']})" if "webhook" in item else ""
            click.echo(f"{item['watch']}: score {item['score']}, {changes}{hook}")
        if not ran:
            click.echo("no watch due")

    @cli.command("history")
    @click.argument("name")
    @click.option(
        "--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True
    )
    @click.option("--store", metavar="URL")
    @shared_options
    @click.pass_context
    def history_command(
        ctx: click.Context, /, name: str, fmt: str, store: str | None, **shared_given: Any
    ) -> None:
        """The audits of a watched shop, oldest first, with what changed each time."""
        settings = settings_from(merge_shared(ctx, **shared_given))
        with _watches(store, settings) as db:
            entries = db.history(name)
        if not entries:
            fail(f"no history for {name!r} (see `audit watch list`)")
        if fmt == "json":
            click.echo(json.dumps({"watch": name, "history": entries}, ensure_ascii=False, indent=2))
            return
        for entry in entries:
            click.echo(f"{entry['at'][:16].replace('T', ' ')}  score {entry['score']}")
            for change in entry["drift"]:
                click.echo("    " + describe(change))


def describe(change: dict[str, Any]) -> str:
    kind = change["kind"]
    if kind == "field_changed":
        return f"{change['provider']}: {change['field']} {change['before']!r} → {change['after']!r}"
    if kind == "listing_lost":
        return f"{change['provider']}: the listing is gone"
    if kind == "listing_closed":
        return f"{change['provider']}: now shows the shop {change['status'].replace('_', ' ')}"
    if kind in ("handle_lost", "handle_unlinked"):
        what = "is gone" if kind == "handle_lost" else "no longer links to you"
        return f"{change['platform']} @{change['handle']} {what}"
    if kind == "score_dropped":
        return f"score {change['before']} → {change['after']}"
    return json.dumps(change)
