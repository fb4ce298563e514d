"""What the HTML and Markdown reports say first: a few sentences a shop owner reads before any table.

Counted from the report's JSON shape ("3 listings disagree on your phone number"), in the report's language
with plural forms (`P_` pairs are extracted as msgid/msgid_plural).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.messages import N_
from reports.i18n import Formatter


def P_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular/plural pair for extraction (`pybabel extract -k P_:1,2`)."""
    return singular, plural


DISAGREE = {
    "name": P_("{n} listing disagrees on your name", "{n} listings disagree on your name"),
    "address": P_("{n} listing disagrees on your address", "{n} listings disagree on your address"),
    "phone": P_("{n} listing disagrees on your phone number", "{n} listings disagree on your phone number"),
    "website": P_("{n} listing disagrees on your website", "{n} listings disagree on your website"),
    "hours": P_("{n} listing disagrees on your hours", "{n} listings disagree on your hours"),
}
MISSING = {
    "name": P_("{n} listing does not show your name", "{n} listings do not show your name"),
    "address": P_("{n} listing does not show your address", "{n} listings do not show your address"),
    "phone": P_("{n} listing does not show your phone number", "{n} listings do not show your phone number"),
    "website": P_("{n} listing does not link to your website", "{n} listings do not link to your website"),
    "hours": P_("{n} listing does not show your hours", "{n} listings do not show your hours"),
}
NOT_FOUND = P_("{n} directory has no listing for you", "{n} directories have no listing for you")
CLOSED = P_("{n} listing shows you as closed", "{n} listings show you as closed")
HANDLES_FREE = P_(
    "Your name is free on {n} major platform: reserve it",
    "Your name is free on {n} major platforms: reserve it",
)
DOMAINS = P_("{n} of your domains needs attention", "{n} of your domains need attention")
ALL_GOOD = N_("Your listings agree with each other and with your details.")


def summary_sentences(report: Mapping[str, Any], fmt: Formatter) -> list[str]:
    listings = [item for item in report.get("listings", []) if item.get("provider") != "website"]
    found = [item for item in listings if item.get("status") == "found"]
    sentences: list[str] = []

    def say(pair: tuple[str, str], n: int) -> None:
        if n:
            sentences.append(fmt.ngettext(pair[0], pair[1], n).format(n=n))

    codes = [finding.get("code") for finding in report.get("findings", [])]
    say(CLOSED, codes.count("listing_closed"))
    for field, pair in DISAGREE.items():
        say(pair, sum(1 for item in found if _verdict(item, field) == "mismatch"))
    say(NOT_FOUND, sum(1 for item in listings if item.get("status") == "not_found"))
    for field, pair in MISSING.items():
        say(pair, sum(1 for item in found if _verdict(item, field) == "missing"))
    say(HANDLES_FREE, codes.count("handle_available"))
    say(DOMAINS, sum(1 for code in codes if code in ("domain_expiring", "domain_lapsed")))
    if not sentences and found:
        sentences.append(fmt.gettext(ALL_GOOD))
    return sentences


def _verdict(listing: Mapping[str, Any], field: str) -> str | None:
    verdict = listing.get("fields", {}).get(field)
    return verdict.get("verdict") if isinstance(verdict, Mapping) else None
