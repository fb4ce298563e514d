"""`audit batch shops.csv -o out/`: every shop of a CSV, resumable, with a portfolio summary.

Exit codes: 0 every row audited; 4 some rows were refused (see errors.csv) or every provider failed for
some shops; 2 the file itself cannot be read as shops (binary, empty, no name column, bad --map);
130 interrupted (run the same command again to resume).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from auditor.cli_common import fail, merge_shared, run_async, settings_from, setup_logging, shared_options
from auditor.redact import redact

if TYPE_CHECKING:
    from auditor.batch.run import BatchResult, Progress

EXIT_ROWS_FAILED = 4
EXIT_PENDING = 5  # --collect: shops still waiting for a worker
EXIT_INTERRUPTED = 130


def register(cli: click.Group) -> None:
    @cli.command("batch")
    @click.argument("csv_file", type=click.Path(path_type=Path))
    @click.option(
        "-o",
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=Path("audit-out"),
        show_default=True,
    )
    @click.option(
        "--map", "column_map", multiple=True, help='Column to field, e.g. "Enseigne=name" (repeatable).'
    )
    @click.option("--state", "state_file", type=click.Path(path_type=Path), help="Job state file (SQLite).")
    @click.option(
        "--fresh", is_flag=True, help="Forget earlier runs of this batch and audit every row again."
    )
    @click.option(
        "--concurrency", type=click.IntRange(1, 256), default=8, show_default=True, help="Shops in flight."
    )
    @click.option("--html", is_flag=True, help="Also write an HTML report per shop.")
    @click.option("--brand", is_flag=True, help="Also check handles and domains (36 platforms per shop).")
    @click.option("--lang", "language", type=click.Choice(["fr", "en"]), help="Language of the HTML reports.")
    @click.option("--enqueue", is_flag=True, help="Put the shops on the work queue for `audit worker`.")
    @click.option(
        "--collect", is_flag=True, help="Show a queued batch's progress; write the outputs when done."
    )
    @click.option(
        "--queue", "queue", metavar="URL", help="redis://host:6379/0 (default: embedded, or $SOLOMO_QUEUE)."
    )
    @click.option(
        "--store", metavar="URL", help="Results store: postgresql://... (default: SQLite in the data dir)."
    )
    @click.option(
        "--chunk", type=click.IntRange(1, 1000), default=20, show_default=True, help="Shops per queued task."
    )
    @shared_options
    @click.pass_context
    def batch_command(
        ctx: click.Context,
        /,
        csv_file: Path,
        out_dir: Path,
        column_map: tuple[str, ...],
        state_file: Path | None,
        fresh: bool,
        concurrency: int,
        html: bool,
        brand: bool,
        language: str | None,
        enqueue: bool,
        collect: bool,
        queue: str | None,
        store: str | None,
        chunk: int,
        **shared_given: Any,
    ) -> None:
        """Audit every shop of CSV_FILE (any spreadsheet's export: UTF-8 or CP1252, `,` `;` or tab)."""
        from auditor.batch.csv_input import CsvError, count_records, parse_map, read_shops
        from auditor.batch.run import BatchOptions, progress_printer, run_batch
        from auditor.batch.state import BatchState
        from auditor.brand import platform_labels
        from reports.i18n import language_from_environment

        shared = merge_shared(ctx, **shared_given)
        setup_logging(shared["verbose"])
        settings = settings_from(shared)
        try:
            fmt, rows = read_shops(
                csv_file,
                column_map=parse_map(column_map),
                platforms=tuple(platform_labels()),
                default_country=settings.default_country,
            )
        except CsvError as exc:
            fail(str(exc))
        batch_key = batch_id(csv_file, out_dir)
        state_path = state_file or settings.data_dir / "batches" / f"{csv_file.stem}-{batch_key}.sqlite"
        target: str | Path = store or state_path
        if fresh and store is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{state_path}{suffix}").unlink(missing_ok=True)
        elif fresh:  # a shared store holds other batches too: forget only this one's rows
            forgetting = BatchState.open(target, batch_key)
            forgetting.forget()
            forgetting.close()
        total = count_records(csv_file, fmt)
        click.echo(
            f"batch: {total} rows in {csv_file} ({fmt.encoding}, delimiter {fmt.delimiter!r}); "
            f"state in {redact(str(target))}",
            err=True,
        )
        if fmt.ignored:
            click.echo(f"batch: columns ignored: {', '.join(fmt.ignored)} (use --map to use one)", err=True)
        if enqueue or collect:
            _queued(
                ctx,
                csv_file,
                out_dir,
                rows,
                settings,
                shared,
                target,
                batch_key,
                queue,
                enqueue,
                chunk,
                html,
                brand,
            )
            return
        state = BatchState.open(target, batch_key)
        options = BatchOptions(
            out_dir=out_dir,
            concurrency=concurrency,
            html=html,
            brand=brand,
            language=language or language_from_environment(),
        )
        try:
            if sys.stderr.isatty():
                with progress_bar(total) as progress:
                    result = run_async(run_batch(rows, settings, state, options, progress))
            else:
                result = run_async(run_batch(rows, settings, state, options, progress_printer(total)))
        except OSError as exc:  # a full disk, an unwritable output directory: the shops done stay done
            fail(f"batch stopped: {exc.strerror or exc} ({exc.filename or out_dir}); fix it and run again", 1)
        finally:
            state.close()
        click.echo(
            f"batch: {result.audited} audited, {result.skipped} already done, {result.refused} refused "
            f"(errors.csv), {result.failed} with every provider failing, in {result.elapsed:.1f} s; "
            f"outputs in {out_dir}",
            err=True,
        )
        if result.interrupted:
            click.echo("batch: interrupted; run the same command again to resume where it stopped", err=True)
            sys.exit(EXIT_INTERRUPTED)
        if result.refused or result.failed:
            sys.exit(EXIT_ROWS_FAILED)


@contextmanager
def progress_bar(total: int) -> Iterator[Progress]:
    """A live bar on a terminal: rows done of the file, rate of audits, time left."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("batch"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} shops/s"),
        TimeRemainingColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task("batch", total=total, rate=0.0)
        started = time.monotonic()

        def update(result: BatchResult) -> None:
            rate = result.audited / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=result.audited + result.skipped + result.refused, rate=rate)

        yield update


def register_worker(cli: click.Group) -> None:
    @cli.command("worker")
    @click.option(
        "--queue", "queue", metavar="URL", help="redis://host:6379/0 (default: embedded, or $SOLOMO_QUEUE)."
    )
    @click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes."
    )
    @click.option("--burst", is_flag=True, help="Run the tasks waiting, then exit (cron, tests).")
    @shared_options
    @click.pass_context
    def worker_command(
        ctx: click.Context, /, queue: str | None, workers: int, burst: bool, **shared_given: Any
    ) -> None:
        """Run queued audits: embedded (SQLite) by default, Redis with --queue; stop with Ctrl-C."""
        from auditor.queue import make_queue, queue_url, run_worker

        shared = merge_shared(ctx, **shared_given)
        setup_logging(shared["verbose"])
        settings = settings_from(shared)
        url = queue_url(queue, settings.raw)
        try:
            work = make_queue(url, settings.data_dir)
        except ValueError as exc:
            fail(str(exc))
        # The periodic watch task loads settings in the consumer: it sees this command's choices this way.
        if shared.get("sandbox"):
            os.environ["SOLOMO_SANDBOX"] = shared["sandbox"]
        if shared.get("config_file"):
            os.environ["SOLOMO_CONFIG"] = str(shared["config_file"])
        click.echo(f"worker: on {redact(url) if url else 'the embedded queue'}", err=True)
        ran = run_worker(work, workers=workers, burst=burst)
        if burst:
            click.echo(f"worker: {ran} tasks run, queue empty", err=True)


def batch_id(csv_file: Path, out_dir: Path) -> str:
    """One batch per (input file, output directory): the same command resumes, another batch does not mix."""
    return hashlib.sha256(f"{csv_file.resolve()}\0{out_dir.resolve()}".encode()).hexdigest()[:16]


def _queued(
    ctx: click.Context,
    csv_file: Path,
    out_dir: Path,
    rows: Any,
    settings: Any,
    shared: dict[str, Any],
    target: str | Path,
    batch_key: str,
    queue: str | None,
    enqueue: bool,
    chunk: int,
    html: bool,
    brand: bool,
) -> None:
    """--enqueue: record the file's rows, put the shops not done yet on the queue. --collect: progress,
    and the outputs once every shop is done."""
    from auditor.batch.csv_input import BadRow
    from auditor.batch.distributed import collect, shop_payload
    from auditor.batch.state import BatchState
    from auditor.queue import enqueue_chunks, make_queue, queue_url

    state = BatchState.open(target, batch_key)
    try:
        if enqueue:
            url = queue_url(queue, settings.raw)
            try:
                work = make_queue(url, settings.data_dir)
            except ValueError as exc:
                fail(str(exc))
            state.start_run()
            refused = 0

            def payloads() -> Iterator[dict[str, Any]]:
                nonlocal refused
                for row in rows:
                    state.seen(row.key, row.line)
                    if isinstance(row, BadRow):
                        state.refused(row.key, row.line, row.reason, row.cells)
                        refused += 1
                    elif not state.is_done(row.key):
                        yield shop_payload(row)

            job = {
                "store": str(target),
                "batch": batch_key,
                "sandbox": settings.sandbox,
                "config_file": str(shared["config_file"]) if shared.get("config_file") else None,
                "no_cache": not settings.cache_enabled,
                "brand": brand,
                "shared_limits": url if url and url.startswith(("redis://", "rediss://")) else None,
            }
            tasks = enqueue_chunks(work, job, payloads(), chunk)
            where = redact(url) if url else "the embedded queue"
            click.echo(
                f"batch: {tasks} tasks on {where} ({refused} rows refused); run `audit worker` to audit "
                "them, then this command with --collect",
                err=True,
            )
            return
        # --collect
        for row in rows:  # the current file decides which rows belong to the batch
            state.seen(row.key, row.line)
        done, refused = state.counts()
        pending = state.pending()
        click.echo(f"batch: {done} done, {pending} waiting for a worker, {refused} refused", err=True)
        if pending:
            sys.exit(EXIT_PENDING)
        outputs = collect(state, out_dir, html=html)
        click.echo(f"batch: outputs written: {', '.join(str(p) for p in outputs)}", err=True)
        if refused:
            sys.exit(EXIT_ROWS_FAILED)
    finally:
        state.close()
