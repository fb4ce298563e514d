"""The business's own website: what the owner says about themselves, and how well the site is kept.

The site is the best reference for name, address, phone and hours when it publishes schema.org JSON-LD,
because the owner wrote it for machines; failing that, the NAP printed on the page is read conservatively (a
tel: link or the number printed most often; an address only when a street line sits next to a postcode and
city). Signals of upkeep (https, a mobile viewport, fresh sitemap, copyright year) feed the report's website
section.

Every URL here comes from the business or from the web, so every fetch is `untrusted=True` (SSRF-guarded by
the HTTP client), and parsing is bounded: capped input sizes and only linear regular expressions.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from itertools import islice
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import phonenumbers
from bs4 import BeautifulSoup, Tag

from auditor.hookspecs import hookimpl
from auditor.http import FetchError, HttpResponse
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.hours import hhmm_to_minutes, parse_opening_hours_list, weekly_from_intervals
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.payload import error_from_fetch

DEFAULT_MAX_PAGES = 4  # home page, robots.txt, /sitemap.xml, a sitemap robots.txt declares elsewhere
# html.parser is linear but slow (~1 s per MB); a home page worth auditing is far below this.
MAX_HTML_BYTES = 2_000_000
MAX_TEXT_CHARS = 200_000
MAX_JSON_LD_CHARS = 500_000
MAX_JSON_LD_NODES = 300
MAX_LINE_CHARS = 200
PHONE_MATCHER_MAX_TRIES = 200
MAX_PROBE_HOPS = 3  # http://a.fr → http://www.a.fr → https://www.a.fr is the longest common chain
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# LocalBusiness and its schema.org subtypes (https://schema.org/LocalBusiness "More specific Types"), plus the
# suffix rule below for the long tail (…Store, …Restaurant) that sites also invent.
# fmt: off
LOCAL_BUSINESS_TYPES = frozenset([
    "LocalBusiness", "AnimalShelter", "ArchiveOrganization", "AutomotiveBusiness", "AutoBodyShop",
    "AutoDealer", "AutoPartsStore", "AutoRental", "AutoRepair", "AutoWash", "GasStation",
    "MotorcycleDealer", "MotorcycleRepair", "ChildCare", "Dentist", "DryCleaningOrLaundry",
    "EmergencyService", "FireStation", "Hospital", "PoliceStation", "EmploymentAgency",
    "EntertainmentBusiness", "AdultEntertainment", "AmusementPark", "ArtGallery", "Casino", "ComedyClub",
    "MovieTheater", "NightClub", "FinancialService", "AccountingService", "AutomatedTeller",
    "BankOrCreditUnion", "InsuranceAgency", "FoodEstablishment", "Bakery", "BarOrPub", "Brewery",
    "CafeOrCoffeeShop", "Distillery", "FastFoodRestaurant", "IceCreamShop", "Restaurant", "Winery",
    "GovernmentOffice", "PostOffice", "HealthAndBeautyBusiness", "BeautySalon", "DaySpa", "HairSalon",
    "HealthClub", "NailSalon", "TattooParlor", "HomeAndConstructionBusiness", "Electrician",
    "GeneralContractor", "HVACBusiness", "HousePainter", "Locksmith", "MovingCompany", "Plumber",
    "RoofingContractor", "InternetCafe", "LegalService", "Attorney", "Notary", "Library",
    "LodgingBusiness", "BedAndBreakfast", "Campground", "Hostel", "Hotel", "Motel", "Resort",
    "VacationRental", "MedicalBusiness", "CommunityHealth", "Dermatology", "DietNutrition", "Emergency",
    "Geriatric", "Gynecologic", "MedicalClinic", "Midwifery", "Nursing", "Obstetric", "Oncologic",
    "Optician", "Optometric", "Otolaryngologic", "Pediatric", "Pharmacy", "Physician", "Physiotherapy",
    "PlasticSurgery", "Podiatric", "PrimaryCare", "Psychiatric", "PublicHealth", "ProfessionalService",
    "RadioStation", "RealEstateAgent", "RecyclingCenter", "SelfStorage", "ShoppingCenter",
    "SportsActivityLocation", "BowlingAlley", "ExerciseGym", "GolfCourse", "PublicSwimmingPool",
    "SkiResort", "SportsClub", "StadiumOrArena", "TennisComplex", "Store", "BikeStore", "BookStore",
    "ClothingStore", "ComputerStore", "ConvenienceStore", "DepartmentStore", "ElectronicsStore",
    "Florist", "FurnitureStore", "GardenStore", "GroceryStore", "HardwareStore", "HobbyShop",
    "HomeGoodsStore", "JewelryStore", "LiquorStore", "MensClothingStore", "MobilePhoneStore",
    "MovieRentalStore", "MusicStore", "OfficeEquipmentStore", "OutletStore", "PawnShop", "PetStore",
    "ShoeStore", "SportingGoodsStore", "TireShop", "ToyStore", "WholesaleStore", "TelevisionStation",
    "TouristInformationCenter", "TravelAgency",
])
# fmt: on
LOCAL_BUSINESS_SUFFIXES = ("Store", "Shop", "Restaurant", "Business", "Salon")
# Used only when no LocalBusiness node exists and the node carries an address or a phone.
FALLBACK_TYPES = frozenset({"Organization", "Corporation", "Place", "OnlineStore"})
# Properties under which sites nest the business inside another node (WebPage.about, Event.location…).
NESTING_KEYS = ("mainEntity", "about", "publisher", "location", "provider")
SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
# fmt: off
BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "address",
    "section", "article", "header", "footer", "nav", "aside", "main", "table", "tr", "td", "th",
    "blockquote", "pre", "hr", "figure", "figcaption", "form", "option",
)
# fmt: on
SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# fmt: off
SOCIAL_DOMAINS = (
    "instagram.com", "facebook.com", "fb.com", "tiktok.com", "x.com", "twitter.com", "youtube.com",
    "linkedin.com", "threads.net", "threads.com", "snapchat.com", "tumblr.com", "vimeo.com",
    "mastodon.social",
)
# fmt: on
PINTEREST_HOST = re.compile(r"(?:^|\.)pinterest\.[a-z]{2,3}(?:\.[a-z]{2})?$")
# Hosts that are the same platform under another name, so one profile is listed once.
SOCIAL_ALIASES = {"twitter.com": "x.com", "fb.com": "facebook.com", "threads.com": "threads.net"}
# First path segments that are share buttons, embeds or posts rather than the business's profile.
# fmt: off
NOT_A_PROFILE = frozenset([
    "sharer", "sharer.php", "share", "share.php", "sharearticle", "intent", "dialog", "plugins", "tr",
    "embed", "watch", "p", "reel", "reels", "pin", "hashtag", "explore", "search", "login", "home",
    "home.php", "policies", "privacy", "legal", "help", "about", "terms",
])
# fmt: on

# A country-code TLD is a fair hint of where a small business is when nothing else says.
TLD_COUNTRIES = {
    "fr": "FR", "de": "DE", "be": "BE", "ch": "CH", "at": "AT", "es": "ES", "it": "IT", "nl": "NL",
    "lu": "LU", "pt": "PT", "uk": "GB", "us": "US", "ca": "CA",
}  # fmt: skip

# "12 rue X", "12bis, rue X" (number first) or "Hauptstraße 5" (number last).
NUMBER_FIRST = re.compile(r"^(\d{1,5}(?:\s?(?:bis|ter|quater|[a-zA-Z]))?\b)[,\s]+(\S.{1,80})$", re.IGNORECASE)
NUMBER_LAST = re.compile(r"^([^\d,]{3,80}?)\s+(\d{1,5}[a-zA-Z]?)$")
UNIT_SUFFIX = re.compile(
    r"^(.{3,120}?)[,\s]+((?:suite|ste\.?|apt\.?|apartment|unit|floor|fl\.|bât\.?|bâtiment|#)\s?"
    r"(?:[\w-]{0,9}\d[\w-]{0,9}|[^\W\d_]))$",  # "Suite 200", "#4B", "bât. B"; not "Floor Street"
    re.IGNORECASE,
)
# Where the city comes before the postcode when an address is written out.
CITY_REGION_POSTCODE = frozenset({"US", "CA", "AU"})
CITY_POSTCODE = frozenset({"GB", "IE"})
CITY = r"[^\W\d_][^\d,;|()]{1,40}?"
# Postcode before the city ("75002 Paris"): most of continental Europe.
POSTCODE_FIRST_PATTERNS = {
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "FI": r"\d{5}",
    "BE": r"\d{4}",
    "CH": r"\d{4}",
    "AT": r"\d{4}",
    "DK": r"\d{4}",
    "NO": r"\d{4}",
    "LU": r"(?:L-)?\d{4}",
    "NL": r"\d{4}\s?[A-Z]{2}",
    "PT": r"\d{4}-\d{3}",
}
# A segment separator inside one printed line: "12 rue X, 75002 Paris | Tél. 01 23…".
SEGMENT_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")

COPYRIGHT_YEAR = re.compile(
    r"(?:©|copyright)[^\d\n]{0,60}?((?:19|20)\d{2})(?:\s{0,3}[-–—/]\s{0,3}((?:19|20)\d{2}))?"
    r"|\(c\)\s{0,3}((?:19|20)\d{2})(?:\s{0,3}[-–—/]\s{0,3}((?:19|20)\d{2}))?",
    re.IGNORECASE,
)
LASTMOD = re.compile(r"<(?:\w{1,20}:)?lastmod>\s*(\d{4}-\d{2}-\d{2})[^<]{0,40}</", re.IGNORECASE)
ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
# Page names that CMS themes put first in a home page title ("Accueil – Boulangerie Dupont").
GENERIC_TITLES = frozenset({"accueil", "home", "homepage", "home page", "bienvenue", "welcome", "startseite"})
TITLE_SEPARATOR = re.compile(r"\s[|\-–—·:]\s|\|")
CDATA_OR_COMMENT = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")


@dataclass(frozen=True)
class SiteSignals:
    """How the site is kept; goes to the report's website section as a plain dict."""

    final_url: str
    status: int
    https: bool
    http_redirects_to_https: bool | None  # None: could not be checked
    viewport: bool
    has_json_ld: bool
    title: str | None = None
    last_modified: str | None = None  # ISO date from the Last-Modified header
    sitemap_url: str | None = None
    sitemap_lastmod: str | None = None  # newest <lastmod>, ISO date
    copyright_year: int | None = None


@dataclass(frozen=True)
class BusinessFacts:
    """Name, address, phone and hours as one source on the page states them."""

    name: str | None = None
    address: Address | None = None
    phone: str | None = None
    hours: WeeklyHours | None = None
    hours_text: str | None = None
    hours_unparsed: bool = False
    declared_url: str | None = None
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageFacts:
    """Everything the home page tells, before the other fetches add their signals."""

    business: BusinessFacts
    source: str  # "json-ld" or "page-text"
    filled_from_page_text: tuple[str, ...] = ()
    title: str | None = None
    viewport: bool = False
    has_json_ld: bool = False
    copyright_year: int | None = None
    social_links: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()


# --- JSON-LD ---------------------------------------------------------------------------------------------


def json_ld_blocks(soup: BeautifulSoup) -> list[Any]:
    """Every parseable JSON-LD block; a broken block next to a good one must not hide the good one."""
    blocks: list[Any] = []
    for script in soup.find_all("script"):
        kind = str(script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        raw = script.get_text()[:MAX_JSON_LD_CHARS]
        raw = CDATA_OR_COMMENT.sub("", raw.strip())
        try:
            # strict=False: raw newlines inside strings are the commonest hand-written JSON-LD mistake.
            blocks.append(json.loads(raw, strict=False))
        except ValueError:
            continue
    return blocks


def iter_nodes(value: Any, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from iter_nodes(item, depth + 1)
    elif isinstance(value, Mapping):
        yield value
        yield from iter_nodes(value.get("@graph"), depth + 1)
        for key in NESTING_KEYS:
            nested = value.get(key)
            if isinstance(nested, Mapping | list):
                yield from iter_nodes(nested, depth + 1)


def schema_types(node: Mapping[str, Any]) -> list[str]:
    raw = node.get("@type")
    names = raw if isinstance(raw, list) else [raw]
    out = []
    for name in names:
        if isinstance(name, str):
            for prefix in SCHEMA_PREFIXES:
                name = name.removeprefix(prefix)
            out.append(name)
    return out


def is_local_business(node: Mapping[str, Any]) -> bool:
    return any(t in LOCAL_BUSINESS_TYPES or t.endswith(LOCAL_BUSINESS_SUFFIXES) for t in schema_types(node))


def find_business_node(nodes: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The LocalBusiness node; else an Organization or Place that at least carries an address or phone."""
    for node in nodes:
        if is_local_business(node):
            return node
    for node in nodes:
        if FALLBACK_TYPES.intersection(schema_types(node)) and (node.get("address") or node.get("telephone")):
            return node
    return None


def text_value(value: Any) -> str | None:
    """A schema.org text property: a string, a {"name": …} object, or a list whose first item is one."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("@value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = " ".join(unescape(value).split())
    return cleaned or None


def string_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def split_street(street_line: str) -> tuple[str | None, str, str | None]:
    """(house number, street, unit) from one street line; a part the line lacks is None.

    The unit ("Suite 200") is split off first, so that "120 Maple St Suite 200" is not read as a street
    named "Maple St Suite" at number 200.
    """
    line = " ".join(street_line.split())
    unit = None
    if match := UNIT_SUFFIX.match(line):
        line, unit = match.group(1), match.group(2)
    if match := NUMBER_FIRST.match(line):
        return match.group(1), match.group(2).strip(" ,"), unit
    if match := NUMBER_LAST.match(line):
        return match.group(2), match.group(1).strip(" ,"), unit
    return None, line, unit


def country_code_of(value: str | None) -> str | None:
    """Only an ISO alpha-2 code is trusted; a country name stays in `formatted` for the normaliser."""
    if value and len(value) == 2 and value.isalpha():
        return value.upper()
    return None


def parse_postal_address(value: Any, country: str | None = None) -> Address | None:
    """A PostalAddress object (or a list of them: the first), or a plain string.

    A string is split like a printed address when its layout is known for `country`; otherwise it is kept
    whole as `formatted` for the normaliser.
    """
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, Mapping | str)), None)
    if isinstance(value, str):
        text = text_value(value)
        if not text:
            return None
        parsed = find_address([text], country)
        return replace(parsed, formatted=text) if parsed else Address(formatted=text)
    if not isinstance(value, Mapping):
        return None
    street_line = text_value(value.get("streetAddress"))
    postcode = text_value(value.get("postalCode"))
    city = text_value(value.get("addressLocality"))
    region = text_value(value.get("addressRegion"))
    country_text = text_value(value.get("addressCountry"))
    house_number, street, unit = split_street(street_line) if street_line else (None, None, None)
    country_code = country_code_of(country_text) or country
    parts: tuple[str | None, ...]
    if country_code in CITY_REGION_POSTCODE:  # "Portland, OR 97205"
        parts = (street_line, city, " ".join(p for p in (region, postcode) if p), country_text)
    elif country_code in CITY_POSTCODE:  # "Bath BA1 5AW"
        parts = (street_line, " ".join(p for p in (city, postcode) if p), region, country_text)
    else:  # "75002 Paris", most of continental Europe
        parts = (street_line, " ".join(p for p in (postcode, city) if p), region, country_text)
    formatted = ", ".join(part for part in parts if part)
    if not formatted:
        return None
    return Address(
        formatted=formatted,
        house_number=house_number,
        street=street,
        postcode=postcode,
        city=city,
        country_code=country_code,
        unit=unit,
    )


def parse_coordinate(value: Any, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -limit <= number <= limit else None


def parse_geo(node: Mapping[str, Any]) -> tuple[float | None, float | None]:
    geo = node.get("geo")
    if isinstance(geo, list):
        geo = geo[0] if geo else None
    source = geo if isinstance(geo, Mapping) else node
    lat = parse_coordinate(source.get("latitude"), 90.0)
    lon = parse_coordinate(source.get("longitude"), 180.0)
    return (lat, lon) if lat is not None and lon is not None else (None, None)


def schema_day(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    name = value.rstrip("/").rsplit("/", 1)[-1].removeprefix("schema:")
    return SCHEMA_DAYS.index(name) if name in SCHEMA_DAYS else None


def parse_hours_specification(value: Any) -> tuple[WeeklyHours | None, str | None]:
    """openingHoursSpecification to a week, and a compact rendering of it for the report.

    Specs with validFrom/validThrough are holiday exceptions, not the regular week, so they are left out.
    opens == closes == 00:00 is Google's documented way to say "closed that day".
    """
    specs = [spec for spec in (value if isinstance(value, list) else [value]) if isinstance(spec, Mapping)]
    regular = [spec for spec in specs if not (spec.get("validFrom") or spec.get("validThrough"))]
    intervals: list[tuple[int, int, int]] = []
    rendered: list[str] = []
    for spec in regular:
        opens, closes = spec.get("opens"), spec.get("closes")
        if not isinstance(opens, str) or not isinstance(closes, str):
            continue
        try:
            start, end = hhmm_to_minutes(opens[:5]), hhmm_to_minutes(closes[:5])
        except ValueError:
            continue
        raw_days = spec.get("dayOfWeek")
        days = [schema_day(day) for day in (raw_days if isinstance(raw_days, list) else [raw_days])]
        known_days = [day for day in days if day is not None]
        if not known_days:
            continue
        names = ",".join(SCHEMA_DAYS[day][:2] for day in known_days)
        if start == 0 and end == 0:
            rendered.append(f"{names} closed")
            continue
        rendered.append(f"{names} {opens[:5]}-{closes[:5]}")
        intervals.extend((day, start, end) for day in known_days)
    if not rendered:
        return None, None
    return weekly_from_intervals(intervals), "; ".join(rendered)


def hours_from_node(node: Mapping[str, Any]) -> tuple[WeeklyHours | None, str | None, bool]:
    """(hours, raw text, unparsed): the structured specification first, the openingHours strings next."""
    hours, text = parse_hours_specification(node.get("openingHoursSpecification"))
    if hours is not None:
        return hours, text, False
    items = string_list(node.get("openingHours"))
    if not items:
        return None, None, False
    raw = "; ".join(items)
    try:
        return parse_opening_hours_list(items), raw, False
    except ValueError:
        return None, raw, True


def facts_from_json_ld(node: Mapping[str, Any], country: str | None = None) -> BusinessFacts:
    address = parse_postal_address(node.get("address"), country)
    lat, lon = parse_geo(node)
    if lat is not None and lon is not None:
        address = replace(address or Address(), lat=lat, lon=lon)
    hours, hours_text, unparsed = hours_from_node(node)
    url = node.get("url")
    return BusinessFacts(
        name=text_value(node.get("name")),
        address=address,
        phone=text_value(node.get("telephone")),
        hours=hours,
        hours_text=hours_text,
        hours_unparsed=unparsed,
        declared_url=url.strip() if isinstance(url, str) and url.strip() else None,
        same_as=tuple(string_list(node.get("sameAs"))),
    )


# --- the page as printed ---------------------------------------------------------------------------------


def visible_text(soup: BeautifulSoup) -> str:
    """The text a visitor reads, one line per block element or <br>, inline elements joined by spaces.

    It changes the tree (drops scripts, adds line breaks), so it runs after everything else is read.
    """
    for hidden in soup.find_all(["script", "style", "noscript", "template", "svg", "head"]):
        hidden.decompose()
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")
    for block in soup.find_all(BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    return soup.get_text(" ")[:MAX_TEXT_CHARS]


def text_lines(text: str) -> list[str]:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line and len(line) <= MAX_LINE_CHARS]


def country_hint(query: SearchQuery, site_url: str) -> str | None:
    """Where the business is, to read local phone numbers and address layouts: the query's country, else
    the country of its phone number, else the site's country-code domain."""
    if query.country_code:
        return query.country_code.upper()
    if query.phone:
        try:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(query.phone, None))
        except phonenumbers.NumberParseException:
            region = None
        if region and region != "ZZ":
            return str(region)
    return country_from_host(site_url)


def e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def phone_from_links(soup: BeautifulSoup, region: str | None) -> str | None:
    """The first valid tel: link: the number the owner made tappable is the one they want called."""
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if not href.lower().startswith("tel:"):
            continue
        raw = unquote(href[4:]).split(";")[0].strip()
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return raw
    return None


def most_printed_phone(text: str, region: str | None) -> str | None:
    """The valid number printed most often (the first printed on ties), as printed."""
    counts: Counter[str] = Counter()
    first_printed: dict[str, str] = {}
    matcher = phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID, max_tries=PHONE_MATCHER_MAX_TRIES
    )
    for match in matcher:
        key = e164(match.number)
        counts[key] += 1
        first_printed.setdefault(key, match.raw_string)
    if not counts:
        return None
    order = list(first_printed)
    best = max(order, key=lambda key: (counts[key], -order.index(key)))
    return first_printed[best]


def looks_like_street(segment: str) -> bool:
    return bool(NUMBER_FIRST.match(segment) or NUMBER_LAST.match(segment)) and any(
        ch.isalpha() for ch in segment
    )


def locality_patterns(country: str) -> list[re.Pattern[str]]:
    """Patterns for the "postcode city" part of an address, maybe after the street on the same line.

    Each has the groups `street` (may be None), `locality` (the printed postcode-and-city part), `postcode`
    and `city`. Lines are capped at MAX_LINE_CHARS, so the lazy street prefix stays cheap.
    """
    street = r"(?:(?P<street>.{3,80}?),?\s+)?"
    if country in POSTCODE_FIRST_PATTERNS:
        code = POSTCODE_FIRST_PATTERNS[country]
        locality = rf"(?P<locality>(?P<postcode>{code})\s+(?P<city>{CITY}))"
        return [re.compile(rf"^{street}{locality}(?:\s*,\s*[^\W\d_][^\d,;|]{{1,30}})?$")]
    if country == "US":
        locality = rf"(?P<locality>(?P<city>{CITY}),\s*[A-Z]{{2}}\s+(?P<postcode>\d{{5}}(?:-\d{{4}})?))"
        return [re.compile(rf"^{street}{locality}$")]
    if country == "GB":
        postcode = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
        return [re.compile(rf"^{street}(?P<locality>(?P<city>{CITY}),?\s+(?P<postcode>{postcode}))$")]
    return []


def find_address(lines: Iterable[str], country: str | None) -> Address | None:
    """A street line next to a "postcode city" line, for the countries whose layout we know.

    The street may be on the same line ("12 rue X, 75002 Paris") or the line before. Other countries, and any
    postcode without a street-looking line next to it, give None rather than a guess.
    """
    patterns = locality_patterns(country) if country else []
    if not patterns:
        return None
    segments = [part.strip() for line in lines for part in SEGMENT_SEPARATOR.split(line) if part.strip()]
    for index, segment in enumerate(segments):
        for pattern in patterns:
            match = pattern.match(segment)
            if not match:
                continue
            street_line = match.group("street")
            if street_line is None and index > 0:
                street_line = segments[index - 1]
            if not street_line or not looks_like_street(street_line):
                continue
            street_line = street_line.strip(" ,")
            house_number, street, unit = split_street(street_line)
            return Address(
                formatted=f"{street_line}, {match.group('locality')}",
                house_number=house_number,
                street=street,
                postcode=match.group("postcode"),
                city=match.group("city").strip(),
                country_code=country,
                unit=unit,
            )
    return None


def page_name(soup: BeautifulSoup) -> str | None:
    """og:site_name, which sites set to the brand; else the title's first part ("Dupont | Boulangerie")."""
    site_name = soup.find("meta", attrs={"property": "og:site_name"})
    name = text_value(site_name.get("content")) if isinstance(site_name, Tag) else None
    if name:
        return name
    title = page_title(soup)
    parts = [part.strip() for part in TITLE_SEPARATOR.split(title or "") if part.strip()]
    named = [part for part in parts if part.lower() not in GENERIC_TITLES]
    return named[0] if named else None


def page_title(soup: BeautifulSoup) -> str | None:
    title = soup.find("title")
    text = text_value(title.get_text()) if title else None
    return text[:MAX_LINE_CHARS] if text else None


def has_viewport(soup: BeautifulSoup) -> bool:
    return any(
        str(meta.get("name", "")).strip().lower() == "viewport"
        for meta in soup.find_all("meta", attrs={"name": True})
    )


def copyright_year(text: str, today: date | None = None) -> int | None:
    """The latest year in a "© 2015-2024" / "Copyright 2023" / "(c) 2022" notice; future years are typos."""
    this_year = (today or date.today()).year
    years = [
        int(year)
        for match in COPYRIGHT_YEAR.finditer(text)
        for year in match.groups()
        if year is not None and int(year) <= this_year + 1
    ]
    return max(years) if years else None


# --- social links ----------------------------------------------------------------------------------------


def social_platform_host(host: str) -> str | None:
    host = host.lower().rstrip(".")
    for domain in SOCIAL_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return SOCIAL_ALIASES.get(domain, domain)
    if PINTEREST_HOST.search(host):
        return "pinterest.com"
    return None


def social_profile(url: str) -> tuple[str, str] | None:
    """(dedup key, clean URL) for a link to a profile on a social platform; None for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    platform = social_platform_host(parts.hostname)
    path = parts.path.rstrip("/")
    segments = [segment for segment in path.split("/") if segment]
    if platform is None or not segments or segments[0].lower() in NOT_A_PROFILE:
        return None
    query = ""
    if segments[0].lower() == "profile.php":  # Facebook profiles without a vanity name: the id is the profile
        ids = parse_qs(parts.query).get("id")
        if not ids:
            return None
        query = f"?id={ids[0]}"
    clean = f"https://{platform}{path}{query}"
    return clean.lower(), clean


def social_links(urls: Iterable[str]) -> list[str]:
    """Profiles on social platforms, each once, in page order (twitter.com and x.com are one platform)."""
    seen: set[str] = set()
    out: list[str] = []
    for url in urls:
        profile = social_profile(url)
        if profile and profile[0] not in seen:
            seen.add(profile[0])
            out.append(profile[1])
    return out


def dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- the home page as a whole ----------------------------------------------------------------------------


def parse_home_page(
    html: bytes | str,
    base_url: str,
    *,
    region: str | None = None,
    country: str | None = None,
    today: date | None = None,
) -> PageFacts:
    """What the home page says: JSON-LD first, the printed page for whatever JSON-LD leaves out.

    `region` is the default region for phone numbers written without +country; `country` picks the address
    layout to look for in the printed text (None: no printed address is guessed).
    """
    soup = BeautifulSoup(html[:MAX_HTML_BYTES], "html.parser")
    blocks = json_ld_blocks(soup)
    nodes = list(islice(iter_nodes(blocks), MAX_JSON_LD_NODES))
    business_node = find_business_node(nodes)
    json_ld = facts_from_json_ld(business_node, country) if business_node is not None else BusinessFacts()
    organisation_same_as = [
        url
        for node in nodes
        if FALLBACK_TYPES.intersection(schema_types(node))
        for url in string_list(node.get("sameAs"))
    ]
    same_as = dedupe([*json_ld.same_as, *organisation_same_as])
    hrefs = [urljoin(base_url, str(link["href"])) for link in soup.find_all("a", href=True)]
    title = page_title(soup)
    viewport = has_viewport(soup)
    name_on_page = page_name(soup)
    phone_link = phone_from_links(soup, region or country)
    text = visible_text(soup)  # changes the tree: every lookup above must come first
    country = country or (json_ld.address.country_code if json_ld.address else None)

    filled: list[str] = []
    phone = json_ld.phone
    if phone is None:
        phone = phone_link or most_printed_phone(text, region or country)
        if phone:
            filled.append("phone")
    address = json_ld.address
    if address is None or address.is_empty():
        printed = find_address(text_lines(text), country)
        if printed is not None:
            address = printed if address is None else replace(printed, lat=address.lat, lon=address.lon)
            filled.append("address")
    name = json_ld.name or name_on_page
    if json_ld.name is None and name:
        filled.append("name")
    business = replace(json_ld, name=name, address=address, phone=phone, same_as=tuple(same_as))
    return PageFacts(
        business=business,
        source="json-ld" if business_node is not None else "page-text",
        filled_from_page_text=tuple(filled) if business_node is not None else (),
        title=title,
        viewport=viewport,
        has_json_ld=bool(blocks),
        copyright_year=copyright_year(text, today),
        social_links=tuple(social_links([*hrefs, *same_as])),
        same_as=tuple(same_as),
    )


def sitemap_lastmod(xml: str) -> str | None:
    """The newest <lastmod> date in a sitemap or sitemap index, as an ISO date."""
    dates = [match.group(1) for match in LASTMOD.finditer(xml[:MAX_HTML_BYTES])]
    valid = [value for value in dates if is_iso_date(value)]
    return max(valid) if valid else None


def is_iso_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def sitemaps_from_robots(text: str) -> list[str]:
    urls = (match.group(1) for match in ROBOTS_SITEMAP.finditer(text[:100_000]))
    return [url for url in urls if urlsplit(url).scheme in ("http", "https")]


def http_date_to_iso(value: str | None) -> str | None:
    """A Last-Modified header ("Wed, 21 Oct 2015 07:28:00 GMT") as an ISO date; None when malformed."""
    if not value:
        return None
    try:
        parsed: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date().isoformat()


def country_from_host(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return TLD_COUNTRIES.get(host.rsplit(".", 1)[-1])


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def with_scheme(website: str) -> tuple[str, bool]:
    """(URL, scheme_was_given): owners often write "boulangerie.fr"."""
    website = website.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", website):
        return website, True
    return f"https://{website.lstrip('/')}", False


def build_candidate(home: HttpResponse, facts: PageFacts, signals: SiteSignals) -> Candidate:
    business = facts.business
    extra: dict[str, Any] = {
        "site": asdict(signals),
        "same_as": list(facts.same_as),
        "social_links": list(facts.social_links),
        "source": facts.source,
    }
    if facts.filled_from_page_text:
        extra["filled_from_page_text"] = list(facts.filled_from_page_text)
    if business.hours_unparsed:
        extra["hours_unparsed"] = True
    if business.declared_url:
        extra["declared_url"] = business.declared_url
    return Candidate(
        provider=WebsiteProvider.id,
        name=business.name,
        address=business.address,
        phone=business.phone,
        website=home.url,
        hours=business.hours,
        hours_text=business.hours_text,
        listing_id=None,
        url=home.url,
        extra=extra,
    )


def home_page_error(response: HttpResponse) -> ProviderError:
    if response.status == 429:
        return ProviderError("rate_limited: the website answered 429")
    if response.status >= 500:
        return ProviderError(f"server_error: the home page answered HTTP {response.status}")
    # 403 is most often a bot challenge (Cloudflare & co.), which visitors do not see.
    return ProviderError(f"bad_response: the home page answered HTTP {response.status}")


def charset_of(response: HttpResponse) -> str | None:
    match = re.search(
        r"charset=[\"']?([\w.:-]{1,40})", response.headers.get("content-type", ""), re.IGNORECASE
    )
    return match.group(1) if match else None


class WebsiteProvider(Provider):
    id = "website"
    label = "Website"
    kind = "listing"
    key_env = None
    hosts = ()
    needs = ("website",)
    absent_need_status = "not_found"  # no website given and none found: that is the finding
    identifies_business = True  # the owner's own site is theirs by definition: never matched
    docs_url = "https://developers.google.com/search/docs/appearance/structured-data/local-business"
    quota = "No key; the home page plus up to two small files (robots.txt, sitemap) per audit"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not query.website:
            raise ProviderSkipped("no website given")
        max_pages = max(1, int(ctx.settings.get("max_pages", DEFAULT_MAX_PAGES)))
        # Round trips are what an audit waits on: robots.txt, the sitemap and the http→https probe are
        # asked of the given origin at the same time as the home page. Most sites answer from the origin
        # they are given; only when the home page redirects to another origin are they asked again there.
        given_origin = origin_of(with_scheme(query.website)[0])
        home_task = asyncio.create_task(self.fetch_home(ctx, query.website))
        early_sitemap = asyncio.create_task(self.fetch_sitemap(ctx, given_origin, extra_pages=max_pages - 1))
        early_probe = asyncio.create_task(self.probe_http_upgrade(ctx, urlsplit(given_origin).netloc))
        try:
            home, scheme_given = await home_task
        except BaseException:
            early_sitemap.cancel()
            early_probe.cancel()
            raise
        origin = origin_of(home.url)
        if origin != given_origin:
            early_sitemap.cancel()
            early_probe.cancel()
            sitemap_task = asyncio.create_task(self.fetch_sitemap(ctx, origin, extra_pages=max_pages - 1))
            probe_task = asyncio.create_task(self.probe_http_upgrade(ctx, urlsplit(origin).netloc))
        else:
            sitemap_task, probe_task = early_sitemap, early_probe
        country = country_hint(query, home.url)
        # Parsing a large page takes a CPU second: in a thread, it overlaps the other fetches and does not
        # stall the event loop that every other provider's requests run on.
        redirect_check, sitemap, facts = await asyncio.gather(
            self.check_http_redirect(query.website, home, scheme_given, probe_task),
            sitemap_task,
            asyncio.to_thread(parse_home_page, decode(home), home.url, region=country, country=country),
        )
        signals = SiteSignals(
            final_url=home.url,
            status=home.status,
            https=home.url.startswith("https://"),
            http_redirects_to_https=redirect_check,
            viewport=facts.viewport,
            has_json_ld=facts.has_json_ld,
            title=facts.title,
            last_modified=http_date_to_iso(home.headers.get("last-modified")),
            sitemap_url=sitemap.url if sitemap else None,
            sitemap_lastmod=sitemap_lastmod(sitemap.text) if sitemap else None,
            copyright_year=facts.copyright_year,
        )
        return [build_candidate(home, facts, signals)]

    async def fetch_home(self, ctx: ProviderContext, website: str) -> tuple[HttpResponse, bool]:
        url, scheme_given = with_scheme(website)
        try:
            response = await ctx.http.get(url, untrusted=True)
        except FetchError as error:
            if scheme_given or error.reason not in ("connect_error", "timeout"):
                raise error_from_fetch(error, url) from error
            # No scheme given and no https answer: the site may be http only.
            try:
                response = await ctx.http.get("http://" + url.removeprefix("https://"), untrusted=True)
            except FetchError as second:
                raise error_from_fetch(second, url) from second
        if not response.ok:
            raise home_page_error(response)
        return response, scheme_given

    async def check_http_redirect(
        self, website: str, home: HttpResponse, scheme_given: bool, probe: asyncio.Task[bool | None]
    ) -> bool | None:
        """Does plain http lead to the https site? The probe answers unless it is known already."""
        if not home.url.startswith("https://") or (
            scheme_given and website.strip().lower().startswith("http://")
        ):
            probe.cancel()
            # An http-only site cannot upgrade; a fetch that started on http and ended on https just did.
            return home.url.startswith("https://")
        return await probe

    async def probe_http_upgrade(self, ctx: ProviderContext, netloc: str) -> bool | None:
        """Follow http://netloc/ by hand until the first https Location, without fetching the https page.

        The probe reads no page, so it does not count against `max_pages`.
        """
        url = f"http://{netloc}/"
        for _ in range(MAX_PROBE_HOPS):
            try:
                hop = await ctx.http.get(
                    url, untrusted=True, follow_redirects=False, cache=ctx.cache_ttl is not None
                )
            except FetchError:
                return None
            location = hop.headers.get("location")
            if hop.status not in REDIRECT_STATUSES or not location:
                return False  # plain http answers by itself (or fails): no upgrade
            url = urljoin(url, location)
            if url.startswith("https://"):
                return True
        return None

    async def fetch_sitemap(self, ctx: ProviderContext, origin: str, extra_pages: int) -> HttpResponse | None:
        """The sitemap within what is left of the page budget: robots.txt and /sitemap.xml together, then
        the sitemap robots.txt declares elsewhere, when the budget allows (one more round trip)."""
        if extra_pages <= 0:
            return None
        if extra_pages == 1:
            return await self.fetch_optional(ctx, f"{origin}/sitemap.xml")
        robots, default = await asyncio.gather(
            self.fetch_optional(ctx, f"{origin}/robots.txt"),
            self.fetch_optional(ctx, f"{origin}/sitemap.xml"),
        )
        declared = (
            [url for url in sitemaps_from_robots(robots.text) if not url.endswith(".gz")] if robots else []
        )
        # The sitemap robots.txt names is the site's own word; /sitemap.xml may be a stale leftover.
        if not declared or declared[0] == f"{origin}/sitemap.xml" or extra_pages < 3:
            return default
        return await self.fetch_optional(ctx, declared[0]) or default

    async def fetch_optional(self, ctx: ProviderContext, url: str) -> HttpResponse | None:
        """A file the site may well not have: absence, errors and refusals just mean no signal."""
        try:
            response = await ctx.http.get(url, untrusted=True)
        except FetchError:
            return None
        return response if response.ok else None


def decode(response: HttpResponse) -> bytes | str:
    """Text when the server named its charset; bytes otherwise, so BeautifulSoup reads <meta charset>."""
    charset = charset_of(response)
    if charset:
        try:
            return response.content.decode(charset, errors="replace")
        except LookupError:
            pass
    return response.content


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(WebsiteProvider())
