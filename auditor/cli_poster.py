"""`audit poster`: a printable PDF with a QR code to each of the shop's profiles.

From a business file (its website, its declared handles, its `[links]`), or from a saved JSON report (the
listings found, their review links, the profiles shown to be the shop's). No network: a poster is made from
what is already known, so it can be printed again and again without auditing again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from auditor.cli_common import business_from, fail, write_atomically


def register(cli: click.Group) -> None:
    """Attach the poster command to the main group."""

    @cli.command("poster")
    @click.argument("source", type=click.Path(path_type=Path))
    @click.option(
        "--size",
        type=click.Choice(["a4", "a5", "letter", "table-tent", "stickers"]),
        default="a4",
        show_default=True,
    )
    @click.option("--lang", "language", type=click.Choice(["fr", "en"]), help="Default: from the locale.")
    @click.option("--only", help="Comma-separated profiles: google, google_review, instagram, website...")
    @click.option(
        "--logo",
        type=click.Path(path_type=Path),
        help="An image (PNG, JPEG) in the middle of each code; codes then use error correction H.",
    )
    @click.option("--utm", is_flag=True, help="Tag the URLs with utm_source=qr&utm_medium=poster.")
    @click.option(
        "-o", "--output", type=click.Path(path_type=Path), default=Path("poster.pdf"), show_default=True
    )
    def poster_command(
        source: Path,
        size: str,
        language: str | None,
        only: str | None,
        logo: Path | None,
        utm: bool,
        output: Path,
    ) -> None:
        """A printable PDF of QR codes to the shop's profiles.

        SOURCE is a business file (dupont.toml) or a saved report (audit ... --format json -o dupont.json).
        """
        from reports.i18n import language_from_environment
        from reports.poster import PosterError, render_poster
        from reports.profiles import select

        name, profiles = _from_report(source) if source.suffix.lower() == ".json" else _from_business(source)
        chosen = select(profiles, only.split(",") if only else None)
        if not chosen:
            what = f" matching --only {only}" if only else ""
            fail(
                f"{source}: no profile URL{what} to put on a poster (a business file needs a website, "
                "handles or [links]; a report needs listings found or profiles shown to be the shop's)"
            )
        try:
            pdf = render_poster(
                name,
                chosen,
                size=size,  # type: ignore[arg-type]  # click.Choice holds exactly the Size values
                language=language or language_from_environment(),
                logo=logo,
                utm=utm,
            )
        except PosterError as exc:
            fail(str(exc))
        write_atomically(output, pdf)
        click.echo(f"poster written to {output} ({len(chosen)} codes, {size})", err=True)


def _from_report(path: Path) -> tuple[str, list[Any]]:
    from auditor.brand import platform_labels
    from reports.json_report import validate_report
    from reports.profiles import profiles_from_report

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read report {path}: {exc.strerror or exc}")
    except ValueError as exc:
        fail(f"{path}: not a JSON report: {exc}")
    try:
        validate_report(data)
    except Exception as exc:  # jsonschema.ValidationError: the message names the field
        fail(f"{path}: not an audit report ({getattr(exc, 'message', exc)})")
    return str(data["business"]["name"]), profiles_from_report(data, platform_labels())


def _from_business(path: Path) -> tuple[str, list[Any]]:
    from auditor.brand import BrandError, load_platform_set
    from reports.profiles import profiles_from_business

    business = business_from(str(path), default_country=None, aliases=())
    try:
        platforms, _ = load_platform_set()
    except BrandError as exc:
        fail(str(exc))
    by_id = {platform.id: platform for platform in platforms}
    unknown = sorted(set(business.handles) - set(by_id))
    if unknown:
        fail(f"{path}: handles: unknown platform {unknown[0]!r} (see `audit platforms list`)")
    profile_urls = {
        platform: (by_id[platform].label, by_id[platform].profile_url_for(handle))
        for platform, handle in business.handles.items()
    }
    return business.name, profiles_from_business(
        business.website, business.handles, business.links, profile_urls
    )
