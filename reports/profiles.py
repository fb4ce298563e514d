"""The business's profiles worth a QR code: where a customer should land from the report or the shop window.

From a report (the JSON shape, which the HTML report renders from too): each listing found with its URL,
each review link (Google's `googleMapsLinks.writeAReviewUri`, Yelp's write-a-review page), each social
profile shown to be the business's (`owned`, or declared by the business and existing), and the website.
From a business file: its website, its declared handles, and its `[links]` table (e.g. a Google review
short link the shop got from its Business Profile). Review links come first: they are what a poster is for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from auditor.messages import N_
from reports.qr import QrError, checked_url

Action = Literal["review", "listing", "follow", "website"]

# provider id -> (family used by --only, label printed on the poster)
PROVIDER_FAMILIES: dict[str, tuple[str, str]] = {
    "google_places": ("google", "Google"),
    "yelp": ("yelp", "Yelp"),
    "foursquare": ("foursquare", "Foursquare"),
    "osm": ("openstreetmap", "OpenStreetMap"),
    "tripadvisor": ("tripadvisor", "Tripadvisor"),
    "apple_maps": ("apple", "Apple Maps"),
    "facebook": ("facebook", "Facebook"),
    "here": ("here", "HERE WeGo"),
    "tomtom": ("tomtom", "TomTom"),
    "azure_maps": ("bing", "Bing Maps"),
    "pagesjaunes": ("pagesjaunes", "PagesJaunes"),
    "thefork": ("thefork", "TheFork"),
}
FAMILY_LABELS = dict(PROVIDER_FAMILIES.values())
CALLS_TO_ACTION: dict[Action, str] = {
    "review": N_("Leave us a review on {label}"),
    "listing": N_("Find us on {label}"),
    "follow": N_("Follow us on {label}"),
    "website": N_("Visit our website"),
}
_ORDER: dict[Action, int] = {"review": 0, "listing": 1, "website": 2, "follow": 3}


@dataclass(frozen=True)
class Profile:
    id: str  # "google_review", "google", "instagram", "website": unique per poster
    family: str  # what --only names: "google" selects google and google_review
    label: str
    url: str
    action: Action

    def call_to_action(self, gettext: Any = None) -> str:
        template = CALLS_TO_ACTION[self.action]
        return (gettext(template) if gettext else template).format(label=self.label)


def profiles_from_report(data: Mapping[str, Any], platform_labels: Mapping[str, str]) -> list[Profile]:
    found: list[Profile] = []
    for listing in data.get("listings", []):
        if listing.get("status") != "found" or listing.get("provider") == "website":
            continue
        provider = str(listing["provider"])
        family, label = PROVIDER_FAMILIES.get(provider, (provider, provider.replace("_", " ").title()))
        if listing.get("review_url"):
            found.append(Profile(f"{family}_review", family, label, listing["review_url"], "review"))
        if listing.get("url"):
            found.append(Profile(family, family, label, listing["url"], "listing"))
    for handle in data.get("handles", []):
        mine = handle.get("status") == "owned" or (handle.get("declared") and handle.get("status") == "taken")
        if mine and handle.get("url"):
            platform = str(handle["platform"])
            label = platform_labels.get(platform, platform.title())
            found.append(Profile(platform, platform, label, handle["url"], "follow"))
    business = data.get("business", {})
    website = business.get("website") or _site_url(data)
    if website:
        found.append(Profile("website", "website", "Website", website, "website"))
    found += _links(business.get("links", {}), platform_labels)
    return _clean(found)


def profiles_from_business(
    website: str | None,
    handles: Mapping[str, str],
    links: Mapping[str, str],
    profile_urls: Mapping[str, tuple[str, str]],
) -> list[Profile]:
    """`profile_urls`: platform id -> (label, profile URL of the declared handle)."""
    found: list[Profile] = []
    for platform in handles:
        if platform in profile_urls:
            label, url = profile_urls[platform]
            found.append(Profile(platform, platform, label, url, "follow"))
    if website:
        found.append(Profile("website", "website", "Website", website, "website"))
    found += _links(links, {platform: label for platform, (label, _) in profile_urls.items()})
    return _clean(found)


def select(profiles: Sequence[Profile], only: Iterable[str] | None) -> list[Profile]:
    """Those --only names, by id ("google_review") or family ("google" = listing and review)."""
    if not only:
        return list(profiles)
    wanted = {name.strip().lower() for name in only if name.strip()}
    return [p for p in profiles if p.id in wanted or p.family in wanted]


def _links(links: Mapping[str, str], platform_labels: Mapping[str, str]) -> list[Profile]:
    out: list[Profile] = []
    for name, url in links.items():
        review = name.endswith("_review")
        family = name.removesuffix("_review")
        label = FAMILY_LABELS.get(family) or platform_labels.get(family, family.replace("_", " ").title())
        action: Action = "review" if review else ("website" if family == "website" else "listing")
        out.append(Profile(name, family, label, url, action))
    return out


def _site_url(data: Mapping[str, Any]) -> str | None:
    website = next((item for item in data.get("listings", []) if item.get("provider") == "website"), None)
    if website is not None and website.get("status") == "found" and website.get("url"):
        return str(website["url"])
    return None


def _clean(profiles: list[Profile]) -> list[Profile]:
    """http(s) only, one code per URL and per id, review links first."""
    seen_urls: set[str] = set()
    seen_ids: set[str] = set()
    out: list[Profile] = []
    for profile in sorted(profiles, key=lambda p: _ORDER[p.action]):
        try:
            url = checked_url(profile.url)
        except QrError:
            continue
        if url in seen_urls or profile.id in seen_ids:
            continue
        seen_urls.add(url)
        seen_ids.add(profile.id)
        out.append(Profile(profile.id, profile.family, profile.label, url, profile.action))
    return out


def short_url(url: str, limit: int = 48) -> str:
    """The URL as printed under a code: no scheme, no www., shortened in the middle when long."""
    parts = urlsplit(url)
    text = (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")
    if parts.query:
        text += "?" + parts.query
    return text if len(text) <= limit else text[: limit - 13] + "…" + text[-12:]
