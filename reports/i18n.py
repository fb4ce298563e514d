"""The reports' languages: gettext catalogs (Babel) for the words, Babel's CLDR data for dates and numbers.

English is the source language (the msgids); each other language has `reports/locale/<lang>/LC_MESSAGES/
messages.po`, read as text and compiled in memory on first use, so a translator edits one file and nothing
binary is kept in the repository. `make messages` re-extracts the msgids from the templates and from
auditor/messages.py and merges them into the catalogs; a test fails when a msgid has no translation.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LANGUAGES = ("fr", "en")
# French-speaking shops are the first market: French unless the locale says a language we speak.
DEFAULT_LANGUAGE = "fr"
CATALOG_DOMAIN = "messages"


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The first of LC_ALL, LC_MESSAGES, LANG, LANGUAGE that names a language we have (`en_GB.UTF-8`
    → en), else French."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        for value in env.get(name, "").split(":"):
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
            if code and code not in ("c", "posix"):
                break
    return DEFAULT_LANGUAGE


def catalog_path(language: str) -> str:
    return str(files("reports").joinpath("locale", language, "LC_MESSAGES", f"{CATALOG_DOMAIN}.po"))


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r} (known: {', '.join(LANGUAGES)})")
    if language == "en":
        return gettext.NullTranslations()
    with open(catalog_path(language), "rb") as po:
        catalog = read_po(po, locale=language, domain=CATALOG_DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=CATALOG_DOMAIN)


@dataclass(frozen=True)
class Formatter:
    """Words, dates and numbers of one language, as the templates call them."""

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.language).ngettext(singular, plural, n)

    def number(self, value: float, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.language)

    def percent(self, value: float) -> str:
        return format_percent(value, locale=self.language)

    def date(self, value: str | dt.datetime | None) -> str:
        """An ISO date or timestamp as the language writes it ("22 nov. 2026"); the input when unreadable."""
        return self._when(value, lambda when: format_date(when.date(), format="medium", locale=self.language))

    def datetime(self, value: str | dt.datetime | None) -> str:
        return self._when(value, lambda when: format_datetime(when, format="medium", locale=self.language))

    @staticmethod
    def _when(value: str | dt.datetime | None, formatted: Callable[[dt.datetime], str]) -> str:
        if value is None:
            return ""
        parsed = _parse(value)
        return str(value) if parsed is None else formatted(parsed)


def _parse(value: str | dt.datetime) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
