"""`audit poster`: PDFs in every size, from a business file and from a saved report, read back by a real
decoder (poppler rasterises, zbar decodes): every code must decode to exactly the intended URL."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw
from reportlab.lib.units import mm

from auditor.cli import cli
from reports.poster import SIZES, poster_code_side
from tests.test_audit_cli import DUPONT, FAST_CONFIG, KEYS

needs_decoder = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are not installed",
)
REVIEW = "https://g.page/r/CabcDEF123/review"
BUSINESS = f"""
name = "Boulangerie Dupont"
address = "12 rue de la République, 69002 Lyon"
website = "https://www.boulangerie-dupont.fr"

[handles]
instagram = "boulangeriedupont"
facebook = "boulangeriedupont"

[links]
google_review = "{REVIEW}"
tripadvisor = "https://www.tripadvisor.fr/Restaurant_Review-g187265-d1234567"
"""
EXPECTED = {
    REVIEW,
    "https://www.tripadvisor.fr/Restaurant_Review-g187265-d1234567",
    "https://www.boulangerie-dupont.fr",
    "https://www.instagram.com/boulangeriedupont/",
    "https://www.facebook.com/boulangeriedupont",
}


@pytest.fixture
def business_file(tmp_path: Path) -> Path:
    path = tmp_path / "dupont.toml"
    path.write_text(BUSINESS, encoding="utf-8")
    return path


def poster(*args: str) -> Result:
    return CliRunner().invoke(cli, ["poster", *args])


def decoded(pdf: Path) -> list[str]:
    """Every code of every page, as zbar reads it from a 150 dpi rendering (a cheap office print)."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True, capture_output=True)
    found: list[str] = []
    for page in sorted(pdf.parent.glob(f"{prefix.name}-*.png")):
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        found += [line for line in done.stdout.splitlines() if line.strip()]
    return found


@needs_decoder
@pytest.mark.parametrize("size", SIZES)
def test_every_code_of_every_size_decodes_to_its_url(business_file: Path, tmp_path: Path, size: str) -> None:
    out = tmp_path / f"{size}.pdf"
    result = poster(str(business_file), "--size", size, "--lang", "fr", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    codes = decoded(out)
    assert set(codes) == EXPECTED
    if size == "stickers":
        assert len(codes) == 12  # the five codes repeated to fill the sheet
    if size == "table-tent":
        assert len(codes) == 2 * len(EXPECTED)  # each code on both faces


@needs_decoder
def test_utm_tags_and_a_logo_still_decode(business_file: Path, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    image = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), fill="darkred")
    image.save(logo)
    out = tmp_path / "logo.pdf"
    result = poster(str(business_file), "--utm", "--logo", str(logo), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert set(decoded(out)) == {
        url + ("&" if "?" in url else "?") + "utm_source=qr&utm_medium=poster" for url in EXPECTED
    }


@needs_decoder
def test_only_keeps_the_named_profiles_and_families(business_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "only.pdf"
    result = poster(str(business_file), "--only", "google,instagram", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert set(decoded(out)) == {REVIEW, "https://www.instagram.com/boulangeriedupont/"}


@needs_decoder
def test_a_saved_report_gives_the_listings_reviews_and_owned_profiles(
    sandbox_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    report_path = tmp_path / "dupont.json"
    prefix = ["--sandbox", sandbox_server, "--config", str(config), "--no-cache"]
    audited = CliRunner().invoke(cli, [*prefix, *DUPONT, "--format", "json", "-o", str(report_path)])
    assert audited.exit_code == 0, audited.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    found = [
        item for item in report["listings"] if item["status"] == "found" and item["provider"] != "website"
    ]
    expected = {item["url"] for item in found if item["url"]}  # a TomTom listing has no public page
    expected |= {item["review_url"] for item in found if item["review_url"]}
    expected |= {h["url"] for h in report["handles"] if h["status"] == "owned"}
    expected.add(report["business"]["website"])
    out = tmp_path / "from-report.pdf"
    result = poster(str(report_path), "--size", "a4", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert any("writereview" in url for url in expected)  # Google's review link is on it
    assert set(decoded(out)) == expected


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_codes_are_at_least_3_cm_wide_on_a4_and_a5(size: str) -> None:
    for count in range(1, 7):
        assert poster_code_side(size, count) >= 30 * mm  # type: ignore[arg-type]


def test_no_profile_url_is_a_clear_error_and_no_file(tmp_path: Path) -> None:
    bare = tmp_path / "bare.toml"
    bare.write_text('name = "Boulangerie Dupont"\n', encoding="utf-8")
    out = tmp_path / "none.pdf"
    result = poster(str(bare), "-o", str(out))
    assert result.exit_code == 2
    assert "no profile URL" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "option", "message"),
    [
        (BUSINESS, ["--logo", "missing.png"], "cannot read the logo"),
        ('name = "X"\n[handles]\nmyspace = "x"\n', [], "unknown platform 'myspace'"),
        ('name = "X"\n[links]\ngoogle_review = "javascript:alert(1)"\n', [], "not an http(s) URL"),
        (BUSINESS, ["--only", "tiktok"], "no profile URL matching --only tiktok"),
    ],
)
def test_bad_input_is_named_with_exit_code_2_and_no_file(
    tmp_path: Path, content: str, option: list[str], message: str
) -> None:
    source = tmp_path / "shop.toml"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "bad.pdf"
    result = poster(str(source), *option, "-o", str(out))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_a_json_file_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "other.json"
    source.write_text('{"hello": "world"}', encoding="utf-8")
    result = poster(str(source), "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "not an audit report" in result.output
