"""HTML, Markdown and CSV reports from real audits against the sandbox.

The HTML report is opened in headless Chromium (no console error, no request but its own file, no dialog;
a screenshot is kept in test-artifacts/), its QR codes are read back by zbar from that screenshot, and the
sandbox's hostile shop (markup and formulas typed into its listings) must come out as text everywhere.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from auditor.cli import cli
from reports.catalogs import missing_translations
from reports.i18n import language_from_environment
from tests.browser import PageRun, chromium_path, open_page
from tests.test_audit_cli import DUPONT, FAST_CONFIG, KEYS

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("SOLOMO_TEST_ARTIFACTS", ROOT / "test-artifacts"))
HOSTILE = ["Chez Hôte", "--address", "9 place du Tertre, 75018 Paris", "--phone", "01 46 06 20 20"]
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="Debian chromium is not installed")
needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) is not installed"
)

Audit = Callable[..., Result]


@pytest.fixture(scope="module")
def audit(sandbox_server: str, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The real CLI against the session's sandbox, with demo keys; results cached per argument list, since
    several tests read the same report."""
    config = tmp_path_factory.mktemp("config") / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    cache: dict[tuple[str, ...], Result] = {}

    def invoke(*args: str) -> Result:
        if args not in cache:
            env = {**KEYS, "SOLOMO_CONFIG_DIR": str(tmp_path_factory.mktemp("user-config"))}
            prefix = ["--sandbox", sandbox_server, "--config", str(config), "--no-cache"]
            cache[args] = CliRunner(env=env).invoke(cli, [*prefix, *args], catch_exceptions=False)
        return cache[args]

    return invoke


def _written(result: Result, path: Path) -> str:
    assert result.exit_code == 0, result.output
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


def _html(audit: Audit, reports_dir: Path, name: str, *args: str) -> Path:
    path = reports_dir / f"{name}.html"
    if not path.exists():
        _written(audit(*args, "--format", "html", "-o", str(path)), path)
    return path


def _keep(run: PageRun, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(run.screenshot)


# -- HTML in Chromium -----------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize(
    ("lang", "heading", "call_to_action"),
    [("fr", "À corriger", "Suivez-nous sur Instagram"), ("en", "What to fix", "Follow us on Instagram")],
)
def test_the_html_report_renders_in_chromium_with_no_error_and_no_request(
    audit: Audit, reports_dir: Path, lang: str, heading: str, call_to_action: str
) -> None:
    path = _html(audit, reports_dir, f"dupont-{lang}", *DUPONT, "--lang", lang)
    run = open_page(path, evaluate={"lang": "document.documentElement.lang"})
    _keep(run, f"report-dupont-{lang}")

    assert run.console_errors == [] and run.exceptions == []
    assert run.requests == [path.resolve().as_uri()]  # its own file, nothing else
    assert run.dialogs == []
    assert run.values["lang"] == lang
    assert heading in run.text
    assert call_to_action in run.text  # the Instagram profile the website links to is the shop's
    assert "Boulangerie Dupont" in run.text


@needs_chromium
def test_hostile_listing_names_render_as_text(audit: Audit, reports_dir: Path) -> None:
    path = _html(audit, reports_dir, "hostile-en", *HOSTILE, "--lang", "en")
    html = path.read_text(encoding="utf-8")
    run = open_page(
        path,
        evaluate={
            "scripts": "document.scripts.length",
            "handlers": "document.querySelectorAll('[onmouseover],[onerror]').length",
            "bold": "Array.from(document.querySelectorAll('b')).map(e => e.textContent)",
            "hrefs": "Array.from(document.links).map(a => a.protocol)",
        },
    )
    _keep(run, "report-hostile")

    assert run.dialogs == [] and run.exceptions == []
    assert run.values["scripts"] == 0
    assert run.values["handlers"] == 0
    assert "Chez Hôte" not in run.values["bold"]
    assert set(run.values["hrefs"]) <= {"https:", "http:"}  # javascript:alert(4) from OSM is not a link
    # The names are shown, literally.
    assert "Chez Hôte Tertre Paris<script>alert(1)</script>" in run.text
    assert 'Chez Hôte" onmouseover="x' in run.text
    assert "<b>Chez Hôte</b>" in run.text
    assert "<script>alert(1)" not in html


@needs_chromium
@needs_zbar
def test_the_report_codes_decode_to_the_profiles_with_the_utm_tag(audit: Audit, reports_dir: Path) -> None:
    path = _html(audit, reports_dir, "dupont-utm", *DUPONT, "--lang", "fr", "--utm")
    run = open_page(path, width=1400)
    shot = reports_dir / "dupont-utm.png"
    shot.write_bytes(run.screenshot)
    decoded = _zbar(shot)
    report = json.loads(_json_report(audit))
    owned = {h["url"] for h in report["handles"] if h["status"] == "owned"}
    assert owned, "the demo shop owns profiles"
    expected = {u + ("&" if "?" in u else "?") + "utm_source=qr&utm_medium=poster" for u in owned}
    assert expected <= decoded
    assert all(url.startswith(("https://", "http://")) and "utm_source=qr" in url for url in decoded)


def _json_report(audit: Audit) -> str:
    result = audit(*DUPONT, "--format", "json")
    assert result.exit_code == 0, result.output
    return result.stdout


def _zbar(image: Path) -> set[str]:
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 4), done.stderr  # 4: no code found (asserted by the caller)
    return {line.strip() for line in done.stdout.splitlines() if line.strip()}


def _with_user_template(
    sandbox_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, *business: str
) -> tuple[Result, Path]:
    """An HTML report with `template` as report.html in the user's config dir (the autouse fixture points
    SOLOMO_CONFIG_DIR at tmp_path/solomo-config)."""
    templates = tmp_path / "solomo-config" / "templates"
    templates.mkdir(parents=True)
    (templates / "report.html").write_text(template, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "report.html"
    prefix = ["--sandbox", sandbox_server, "--config", str(config), "--no-cache"]
    return CliRunner().invoke(cli, [*prefix, *business, "--format", "html", "-o", str(out)]), out


def test_a_template_in_the_config_dir_replaces_the_shipped_one_and_still_escapes(
    sandbox_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = (
        "<p class=mine>{% for l in report.listings %}{% if l.fields.name %}{{ l.fields.name.value }} / "
        "{% endif %}{% endfor %}</p>"
    )
    result, out = _with_user_template(sandbox_server, tmp_path, monkeypatch, mine, *HOSTILE)
    text = _written(result, out)
    assert text.startswith("<p class=mine>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text


def test_a_broken_user_template_is_a_clear_error_and_writes_nothing(
    sandbox_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "{{ report.no_such_field.x }}"
    result, out = _with_user_template(sandbox_server, tmp_path, monkeypatch, broken, *DUPONT)
    assert result.exit_code == 2, result.output
    assert "report.html" in result.output and "no_such_field" in result.output
    assert not out.exists()


# -- languages ------------------------------------------------------------------------------------------


def test_every_string_of_the_reports_has_a_french_translation() -> None:
    assert missing_translations("fr") == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANG": "C"}, "fr"),
        ({}, "fr"),
    ],
)
def test_the_default_language_comes_from_the_locale_else_french(
    environ: dict[str, str], expected: str
) -> None:
    assert language_from_environment(environ) == expected


def test_markdown_follows_the_locale_and_escapes_what_came_from_the_web(audit: Audit) -> None:
    result = audit(*HOSTILE, "--format", "markdown", "--lang", "fr")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "## À corriger" in text
    assert "&lt;script&gt;alert\\(1\\)" not in text  # parentheses are not escaped, only markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>" not in text and "&lt;b&gt;Chez Hôte&lt;/b&gt;" in text
    columns = None
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        pipes = len(re.findall(r"(?<!\\)\|", line))  # a pipe inside a value is escaped
        columns = columns or pipes
        assert pipes == columns, line


# -- CSV ------------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_provider_and_field_and_neutralises_formulas(audit: Audit) -> None:
    result = audit(*HOSTILE, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    report = json.loads(audit(*HOSTILE, "--format", "json").stdout)
    expected = sum(max(1, len(listing["fields"])) for listing in report["listings"])
    assert len(rows) == expected
    google_site = next(r for r in rows if r["provider"] == "google_places" and r["field"] == "website")
    assert google_site["value"] == '\'=HYPERLINK("http://evil.example","Chez Hôte")'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), row


def test_csv_with_bom_opens_as_utf8_in_excel(audit: Audit, tmp_path: Path) -> None:
    out = tmp_path / "dupont.csv"
    result = audit(*DUPONT, "--format", "csv", "--bom", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "République".encode() in raw
    without = audit(*DUPONT, "--format", "csv")
    assert not without.stdout.startswith("\ufeff")


def test_json_findings_carry_their_template_and_parameters(audit: Audit) -> None:
    """A consumer rebuilds (or translates) each message from template + params by the documented rule."""
    report: dict[str, Any] = json.loads(_json_report(audit))
    assert report["findings"]
    for finding in report["findings"]:
        assert finding["template"].format(**_documented_params(finding["params"])) == finding["message"]


def _documented_params(params: dict[str, Any]) -> dict[str, Any]:
    """report.schema.json: `note` reads " (note)" when set, `items` are rendered and joined with "; "."""
    values = dict(params)
    if "note" in values:
        values["note"] = f" ({values['note']})" if values["note"] else ""
    if "items" in values:
        values["items"] = "; ".join(
            item["template"].format(**_documented_params(item["params"])) for item in values["items"]
        )
    return values
