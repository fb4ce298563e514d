"""`audit batch shops.csv -o out/`: every shop of a CSV, resumable, with a portfolio summary.

Exit codes: 0 every row audited; 4 some rows were refused (see errors.csv) or every provider failed for
some shops; 2 the file itself cannot be read as shops (binary, empty, no name column, bad --map);
130 interrupted (run the same command again to resume).
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from auditor.cli_common import fail, merge_shared, run_async, settings_from, setup_logging, shared_options

if TYPE_CHECKING:
    from auditor.batch.run import BatchResult, Progress

EXIT_ROWS_FAILED = 4
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
        state_path = state_file or _default_state(settings.data_dir, csv_file, out_dir)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{state_path}{suffix}").unlink(missing_ok=True)
        total = count_records(csv_file, fmt)
        click.echo(
            f"batch: {total} rows in {csv_file} ({fmt.encoding}, delimiter {fmt.delimiter!r}); "
            f"state in {state_path}",
            err=True,
        )
        if fmt.ignored:
            click.echo(f"batch: columns ignored: {', '.join(fmt.ignored)} (use --map to use one)", err=True)
        state = BatchState(state_path)
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


def _default_state(data_dir: Path, csv_file: Path, out_dir: Path) -> Path:
    """One state per (input file, output directory): the same command resumes, another batch does not mix."""
    digest = hashlib.sha256(f"{csv_file.resolve()}\0{out_dir.resolve()}".encode()).hexdigest()[:16]
    return data_dir / "batches" / f"{csv_file.stem}-{digest}.sqlite"
