"""`audit batch`: hostile CSVs, streaming, outputs, and resuming after SIGKILL, against the sandbox."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from auditor.batch.csv_input import BadRow, CsvError, Shop, read_shops
from tests.test_audit_cli import FAST_CONFIG, KEYS

HEADER = "Nom;Adresse;Code postal;Ville;Téléphone;Site web;Ref"
SHOPS = [
    "Boulangerie Dupont;12 rue de la République;69002;Lyon;04 78 42 10 10;www.boulangerie-dupont.fr;{ref}",
    "Le Café des Arts;5 place du Tertre;75018;Paris;01 46 06 10 10;;{ref}",
    "Chez Hôte;9 place du Tertre;75018;Paris;01 46 06 20 20;;{ref}",
    "Boulangerie Durand;20 rue de la République;69002;Lyon;;;{ref}",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path, **kwargs: Any) -> list[Shop | BadRow]:
    _, rows = read_shops(path, platforms=("instagram", "facebook"), **kwargs)
    return list(rows)


def shops_csv(path: Path, count: int) -> Path:
    lines = [HEADER] + [SHOPS[i % len(SHOPS)].format(ref=f"R{i:03d}") for i in range(count)]
    return write(path, "\r\n".join(lines) + "\r\n")


# -- hostile CSVs: the reader ---------------------------------------------------------------------------


def test_utf8_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", "\ufeff" + HEADER + "\n" + SHOPS[0].format(ref="A1") + "\n")
    [shop] = rows_of(path)
    assert isinstance(shop, Shop)
    assert shop.business.name == "Boulangerie Dupont" and shop.ident == "A1"
    assert shop.business.address == "12 rue de la République, 69002 Lyon"


def test_cp1252_accents_from_a_french_excel(tmp_path: Path) -> None:
    path = write(tmp_path / "excel.csv", HEADER + "\r\n" + SHOPS[1].format(ref="A2") + "\r\n", "cp1252")
    fmt, rows = read_shops(path)
    [shop] = list(rows)
    assert fmt.encoding == "cp1252" and fmt.delimiter == ";"
    assert isinstance(shop, Shop) and shop.business.name == "Le Café des Arts"


def test_tab_separated_with_english_headers_and_a_handle_column(tmp_path: Path) -> None:
    text = "Business name\tStreet address\tZIP\tCity\tPhone number\tInstagram\n"
    text += "Maple Street Bakery\t120 Maple Street\t97205\tPortland\t(503) 555-0120\t@maplestreetbakery\n"
    [shop] = rows_of(write(tmp_path / "tabs.tsv", text))
    assert isinstance(shop, Shop)
    assert shop.business.handles == {"instagram": "maplestreetbakery"}
    assert shop.business.address == "120 Maple Street, 97205 Portland"


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    assert rows_of(write(tmp_path / "header.csv", HEADER + "\n")) == []
    with pytest.raises(CsvError, match="is empty"):
        read_shops(write(tmp_path / "empty.csv", ""))
    with pytest.raises(CsvError, match="is empty"):
        read_shops(write(tmp_path / "blank.csv", "\ufeff\r\n\r\n"))


def test_duplicated_header_names_take_the_first_value_given(tmp_path: Path) -> None:
    text = "Nom;Téléphone;Tel;Nom\nDupont;;+33 4 78 42 10 10;Autre nom\n"
    [shop] = rows_of(write(tmp_path / "dup.csv", text))
    assert isinstance(shop, Shop)
    assert shop.business.name == "Dupont" and shop.business.phone == "+33 4 78 42 10 10"


def test_a_10_mb_cell_is_refused_with_a_reason_and_the_rest_goes_on(tmp_path: Path) -> None:
    big = "x" * (10 * 1024 * 1024)
    rows = [HEADER, SHOPS[0].format(ref="A1"), f"Big;{big};69002;Lyon;;;A2", SHOPS[1].format(ref="A3")]
    text = "\n".join(rows)
    read = rows_of(write(tmp_path / "big.csv", text + "\n"))
    assert [type(r).__name__ for r in read] == ["Shop", "BadRow", "Shop"]
    bad = read[1]
    assert isinstance(bad, BadRow) and bad.line == 3 and "more than" in bad.reason


def test_mixed_line_endings_and_a_quoted_newline(tmp_path: Path) -> None:
    text = HEADER + "\r\n" + SHOPS[0].format(ref="A1") + "\n"
    text += 'Le Café des Arts;"5 place du Tertre\nBât. B";75018;Paris;;;A2\r'
    text += SHOPS[2].format(ref="A3") + "\r\n"
    rows = rows_of(write(tmp_path / "mixed.csv", text))
    assert [r.business.name for r in rows if isinstance(r, Shop)] == [
        "Boulangerie Dupont",
        "Le Café des Arts",
        "Chez Hôte",
    ]
    assert [r.line for r in rows] == [2, 3, 5]


def test_wrong_cell_counts_no_name_and_bad_phones_are_bad_rows(tmp_path: Path) -> None:
    lines = [HEADER, "Dupont;12 rue;69002", ";12 rue;69002;Lyon;;;A2", "Dupont;;;;pas un numéro;;A3"]
    text = "\n".join(lines)
    reasons = [r.reason for r in rows_of(write(tmp_path / "bad.csv", text + "\n")) if isinstance(r, BadRow)]
    assert reasons[0] == "3 cells where the header has 7"
    assert reasons[1] == "no name"
    assert "phone" in reasons[2]


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CsvError, match="not a CSV file"):
        read_shops(_binary(tmp_path / "photo.csv"))


def _binary(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    return path


def test_fifty_thousand_rows_stream_in_flat_memory(tmp_path: Path) -> None:
    path = shops_csv(tmp_path / "big.csv", 50_000)
    tracemalloc.start()
    try:
        _, rows = read_shops(path)
        count = sum(1 for _ in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_000
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while reading"  # the file alone is ~4.5 MB


# -- the command, against the sandbox -------------------------------------------------------------------


def batch(
    sandbox_url: str, tmp_path: Path, csv_file: Path, *extra: str, wait: bool = True
) -> subprocess.CompletedProcess[str] | subprocess.Popen[str]:
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    argv = [
        sys.executable, "-m", "auditor", "--sandbox", sandbox_url, "--config", str(config), "--no-cache",
        "batch", str(csv_file), "-o", str(tmp_path / "out"), "--state", str(tmp_path / "state.sqlite"),
        *extra,
    ]  # fmt: skip
    env = {**os.environ, **KEYS}
    if not wait:
        return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_batch_writes_summary_errors_reports_and_index(sandbox: Any, tmp_path: Path) -> None:
    text = "\r\n".join([HEADER, SHOPS[0].format(ref="A1"), ";no name;;;;;A2", SHOPS[2].format(ref="=1+1")])
    done = batch(sandbox.url, tmp_path, write(tmp_path / "shops.csv", text + "\r\n", "cp1252"))
    assert isinstance(done, subprocess.CompletedProcess)
    assert done.returncode == 4, done.stderr  # a row was refused
    out = tmp_path / "out"
    summary = read_csv(out / "summary.csv")
    assert [row["name"] for row in summary] == ["Boulangerie Dupont", "Chez Hôte"]
    assert summary[1]["id"] == "'=1+1"  # neutralised
    assert all((out / row["report"]).is_file() for row in summary)
    assert int(summary[0]["score"]) > 0 and summary[0]["top_finding"]
    [error] = read_csv(out / "errors.csv")
    assert error["line"] == "3" and error["reason"] == "no name"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("Chez Hôte") < index.index("Boulangerie Dupont")  # worst score first
    assert "script-src 'sha256-" in index


def test_bad_files_exit_2_and_write_nothing(sandbox: Any, tmp_path: Path) -> None:
    for name, content in [("empty.csv", b""), ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 100)]:
        path = tmp_path / name
        path.write_bytes(content)
        done = batch(sandbox.url, tmp_path, path)
        assert isinstance(done, subprocess.CompletedProcess)
        assert done.returncode == 2, done.stderr
        assert "audit: error:" in done.stderr and "Traceback" not in done.stderr
    no_name = write(tmp_path / "noname.csv", "Adresse;Ville\n12 rue;Lyon\n")
    done = batch(sandbox.url, tmp_path, no_name)
    assert isinstance(done, subprocess.CompletedProcess) and done.returncode == 2
    assert "no column for the shop's name" in done.stderr
    assert not (tmp_path / "out").exists()
    mapped_csv = write(tmp_path / "mapped.csv", "Enseigne;Ville\nDupont;Lyon\n")
    mapped = batch(sandbox.url, tmp_path, mapped_csv, "--map", "Enseigne=name")
    assert isinstance(mapped, subprocess.CompletedProcess) and mapped.returncode == 0, mapped.stderr


def test_a_batch_killed_mid_run_resumes_with_nothing_lost_or_done_twice(sandbox: Any, tmp_path: Path) -> None:
    total = 16
    csv_file = shops_csv(tmp_path / "shops.csv", total)
    sandbox.configure(latency_ms=150)
    process = batch(sandbox.url, tmp_path, csv_file, "--concurrency", "2", wait=False)
    assert isinstance(process, subprocess.Popen)
    state = tmp_path / "state.sqlite"
    done_at_kill = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        done_at_kill = _done(state)
        if done_at_kill >= 3:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # reaps it and closes its pipes
    done_at_kill = _done(state)  # what was committed when it died
    assert 3 <= done_at_kill < total, "the kill should land mid-batch"

    sandbox.configure(latency_ms=0)
    again = batch(sandbox.url, tmp_path, csv_file)
    assert isinstance(again, subprocess.CompletedProcess)
    assert again.returncode == 0, again.stderr
    assert f"{total - done_at_kill} audited, {done_at_kill} already done" in again.stderr
    assert _done(state) == total
    summary = read_csv(tmp_path / "out" / "summary.csv")
    assert sorted(row["id"] for row in summary) == [f"R{i:03d}" for i in range(total)]
    assert len(list((tmp_path / "out" / "reports").glob("*.json"))) == total


def _done(state: Path) -> int:
    if not state.exists():
        return 0
    with sqlite3.connect(f"file:{state}?mode=ro", uri=True) as db:
        try:
            return int(db.execute("SELECT count(*) FROM shops").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not created yet
            return 0


def test_sigint_stops_after_the_shops_in_flight_and_says_how_to_resume(sandbox: Any, tmp_path: Path) -> None:
    csv_file = shops_csv(tmp_path / "shops.csv", 12)
    sandbox.configure(latency_ms=150)
    process = batch(sandbox.url, tmp_path, csv_file, "--concurrency", "2", wait=False)
    assert isinstance(process, subprocess.Popen)
    deadline = time.monotonic() + 120
    while _done(tmp_path / "state.sqlite") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    summary = read_csv(tmp_path / "out" / "summary.csv")
    assert 2 <= len(summary) < 12
    assert len(summary) == _done(tmp_path / "state.sqlite")  # every shop started was finished and recorded


def test_a_fifty_thousand_row_batch_runs_in_flat_memory(sandbox: Any, tmp_path: Path) -> None:
    """Every row refused (no name), so the whole path runs — reading, state, errors.csv — without auditing
    50,000 shops; the process's peak memory stays near an empty batch's."""
    rows = ["Nom;Adresse;Ref"] + [f";{i} rue du Test;R{i:06d}" for i in range(50_000)]
    csv_file = write(tmp_path / "many.csv", "\n".join(rows) + "\n")
    argv_prefix = [sys.executable, "-c", MEASURE]
    done = subprocess.run(
        [*argv_prefix, "--sandbox", sandbox.url, "batch", str(csv_file), "-o", str(tmp_path / "out"),
         "--state", str(tmp_path / "state.sqlite")],
        env={**os.environ, **KEYS}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 4, done.stderr  # every row refused
    peak_mb = float(done.stdout.strip().splitlines()[-1])
    assert len(read_csv(tmp_path / "out" / "errors.csv")) == 50_000
    assert peak_mb < 150, f"peak RSS {peak_mb:.0f} MB"


# Runs the CLI in-process, then prints the process's peak RSS in MB. VmHWM, not getrusage's ru_maxrss:
# Linux carries ru_maxrss over from the parent across fork and exec, so a child of a large pytest process
# would report pytest's peak.
MEASURE = """
import sys
from auditor.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="audit", standalone_mode=True)
except SystemExit as exit:
    code = exit.code
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) / 1024)
sys.exit(code)
"""
