"""Keeping the translation catalogs in step with the sources: `python -m reports.catalogs` (`make messages`).

Extracts every msgid (templates through Jinja2's Babel extractor; `N_` and `P_` markers in Python) and
merges them into each `reports/locale/<lang>/LC_MESSAGES/messages.po`: new msgids arrive untranslated,
gone ones are dropped. The test suite runs `missing_translations()` so that an untranslated string cannot
ship.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from reports.i18n import CATALOG_DOMAIN, LANGUAGES, catalog_path

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("reports/templates/**.html", "jinja2.ext:babel_extract"),
    ("auditor/messages.py", "python"),
    ("reports/**.py", "python"),
]
OPTIONS = {"reports/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
KEYWORDS = {"_": None, "N_": None, "P_": (1, 2)}


def extract() -> Catalog:
    catalog = Catalog(
        domain=CATALOG_DOMAIN,
        project="SoLoMo Auditor",
        charset="utf-8",
        msgid_bugs_address="https://github.com/solomo-auditor/solomo-auditor/issues",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        if language == "en":
            continue
        path = Path(catalog_path(language))
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=language, domain=CATALOG_DOMAIN)
        else:
            catalog = Catalog(locale=language, domain=CATALOG_DOMAIN, project="SoLoMo Auditor")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=110, sort_output=False, ignore_obsolete=True, include_lineno=False)
        print(f"{path}: {len(catalog)} messages")


def missing_translations(language: str) -> list[str]:
    """msgids of the sources that the language's catalog does not translate (or marks fuzzy)."""
    with open(catalog_path(language), "rb") as f:
        catalog = read_po(f, locale=language, domain=CATALOG_DOMAIN)
    missing = []
    for message in extract():
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        strings = translated.string if translated is not None else None
        if (
            translated is None
            or translated.fuzzy
            or not strings
            or (isinstance(strings, tuple) and not all(strings))
        ):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


if __name__ == "__main__":
    update()
    sys.exit(0)
