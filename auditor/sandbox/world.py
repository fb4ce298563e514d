"""The sandbox's world: the shops, what each provider says about them, the geocoders' address points and the
shops' websites, loaded from a data file (`world.json` beside this module, site files under `sites/`).

Each provider's record holds that provider's own view of a shop, deliberate inconsistencies included; the
emulation modules only render those records in each API's wire format. Opening hours are written in the
data file in the OpenStreetMap `opening_hours` subset below and turned into every API's own day numbering by
the emulations, so one week is typed once per provider and cannot be mistyped in four formats.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_WORLD_PATH = Path(__file__).with_name("world.json")
MINUTES_PER_DAY = 1440
DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")  # index 0 = Monday, as in auditor.models


class WorldError(ValueError):
    """The world data file is malformed; raised at load time so a bad edit fails fast."""


@dataclass(frozen=True)
class Span:
    """One opening span: day 0 = Monday; `end` <= `start` means the span runs past midnight."""

    day: int
    start: int  # minutes after midnight
    end: int  # minutes after midnight, 1440 for "24:00"

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class WeekHours:
    spans: tuple[Span, ...]
    source: str  # the opening_hours text as written in the data file

    def days(self) -> list[list[Span]]:
        by_day: list[list[Span]] = [[] for _ in range(7)]
        for span in self.spans:
            by_day[span.day].append(span)
        return [sorted(spans, key=lambda s: s.start) for spans in by_day]

    def is_open(self, weekday: int, minute: int) -> bool:
        """Open at this local time? Spans from the day before that run past midnight count too."""
        for span in self.spans:
            if span.day == weekday and (
                span.start <= minute < span.end or (span.overnight and minute >= span.start)
            ):
                return True
            if span.overnight and (span.day + 1) % 7 == weekday and minute < span.end:
                return True
        return False


_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_opening_hours(text: str) -> WeekHours:
    """Parse the subset of OSM opening_hours the data file uses: `Mo-Fr 07:00-19:30; Sa 07:00-13:00`.

    Rules are `;`-separated, each `DAYS TIMES` with DAYS a comma list of days or day ranges (`Mo-Fr,Su`) and
    TIMES a comma list of `HH:MM-HH:MM`. A close at or before the open runs past midnight.
    """
    spans: list[Span] = []
    for rule in (part.strip() for part in text.split(";")):
        if not rule:
            continue
        try:
            days_text, times_text = rule.split(None, 1)
        except ValueError as exc:
            raise WorldError(f"opening_hours rule without times: {rule!r}") from exc
        days = _parse_days(days_text)
        for time_range in times_text.replace(" ", "").split(","):
            match = _TIME_RANGE.match(time_range)
            if not match:
                raise WorldError(f"bad time range {time_range!r} in {text!r}")
            open_h, open_m, close_h, close_m = (int(g) for g in match.groups())
            start, end = open_h * 60 + open_m, close_h * 60 + close_m
            if start >= MINUTES_PER_DAY or end > MINUTES_PER_DAY:
                raise WorldError(f"bad time range {time_range!r} in {text!r}")
            spans.extend(Span(day, start, end) for day in days)
    return WeekHours(tuple(spans), text)


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        try:
            start = DAY_CODES.index(first)
            stop = DAY_CODES.index(last) if last else start
        except ValueError as exc:
            raise WorldError(f"bad day {part!r}") from exc
        day = start
        while True:
            days.append(day)
            if day == stop:
                break
            day = (day + 1) % 7
    return days


@dataclass(frozen=True)
class AddressPoint:
    """An address a geocoder knows (Nominatim house, BAN housenumber)."""

    id: str
    house_number: str
    street: str
    postcode: str
    city: str
    country_code: str  # ISO alpha-2, upper case
    country: str  # the country's name as the geocoders print it
    lat: float
    lon: float
    osm_id: int
    place_id: int
    suburb: str | None = None
    district: str | None = None  # Lyon 2e Arrondissement: Nominatim city_district, BAN district
    county: str | None = None
    state: str | None = None
    citycode: str | None = None  # French INSEE code, for BAN
    context: str | None = None  # BAN context: "69, Rhône, Auvergne-Rhône-Alpes"
    ban_street_code: str | None = None


@dataclass(frozen=True)
class OsmPoi:
    osm_type: str
    osm_id: int
    place_id: int
    category: str  # the main OSM key: shop, amenity
    type: str  # its value: bakery, pub
    name: str
    lat: float
    lon: float
    address: dict[str, str]  # Nominatim address parts without the POI's own name, in display order
    extratags: dict[str, str]
    namedetails: dict[str, str]
    importance: float


@dataclass(frozen=True)
class PostalParts:
    """A provider's structured address, for the formats that split it (Google addressComponents...)."""

    house_number: str | None
    street: str | None
    city: str | None
    postcode: str | None
    country: str
    country_code: str
    unit: str | None = None
    street_short: str | None = None
    district: str | None = None
    region: str | None = None
    region_short: str | None = None


@dataclass(frozen=True)
class GooglePlace:
    id: str
    cid: str
    display_name: str
    language: str
    formatted_address: str
    short_formatted_address: str
    parts: PostalParts
    lat: float
    lon: float
    phone: str | None  # E.164; the API renders national and international forms from it
    website: str | None
    hours: WeekHours | None
    business_status: str
    rating: float | None
    user_rating_count: int | None
    primary_type: str
    primary_type_label: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class YelpBusiness:
    id: str
    alias: str
    name: str
    address1: str
    address2: str
    address3: str
    city: str
    zip_code: str
    state: str
    country: str  # ISO alpha-2
    lat: float
    lon: float
    phone: str  # E.164 or ""
    hours: WeekHours | None
    is_closed: bool
    is_claimed: bool
    rating: float
    review_count: int
    categories: tuple[tuple[str, str], ...]  # (alias, title)
    price: str | None
    image_url: str


@dataclass(frozen=True)
class FoursquareCategory:
    id: str
    name: str
    short_name: str
    plural_name: str
    icon_prefix: str


@dataclass(frozen=True)
class FoursquarePlace:
    fsq_place_id: str
    name: str
    lat: float
    lon: float
    address: str
    locality: str
    region: str
    postcode: str
    country: str  # ISO alpha-2
    formatted_address: str
    tel: str | None  # E.164
    website: str | None
    email: str | None
    hours: WeekHours | None
    rating: float | None  # 0-10
    total_ratings: int | None
    categories: tuple[FoursquareCategory, ...]
    date_closed: str | None
    date_created: str
    date_refreshed: str


@dataclass(frozen=True)
class TripadvisorLocation:
    location_id: str
    name: str
    category: str  # restaurant, attraction, hotel
    street1: str
    street2: str
    city: str
    postalcode: str
    country: str  # the country's name, as Tripadvisor writes it
    lat: float
    lon: float
    phone: str | None  # as displayed ("+33 4 78 42 10 10")
    website: str | None
    hours: WeekHours | None
    rating: float | None
    num_reviews: int | None
    geo_id: str  # the city's Tripadvisor id, in its URLs (g187265 = Lyon)
    slug: str  # the listing's URL words


@dataclass(frozen=True)
class HerePlace:
    id: str  # here:pds:place:...
    title: str
    house_number: str
    street: str
    postal_code: str
    city: str
    district: str
    state: str
    country_code: str  # ISO alpha-3, as HERE writes it
    country_name: str
    lat: float
    lon: float
    phone: str | None  # E.164
    www: str | None
    hours: WeekHours | None
    category: str


@dataclass(frozen=True)
class TomtomPoi:
    id: str
    name: str
    street_number: str
    street_name: str
    municipality: str
    postal_code: str
    country_code: str  # ISO alpha-2
    country: str
    lat: float
    lon: float
    phone: str | None  # as displayed ("+33 4 78 42 10 10")
    url: str | None  # often without a scheme ("www.x.fr")
    hours: WeekHours | None
    categories: tuple[str, ...]


@dataclass(frozen=True)
class FacebookPage:
    id: str
    username: str
    name: str
    street: str
    city: str
    zip: str
    country: str  # the country's name
    lat: float
    lon: float
    phone: str | None
    website: str | None
    hours: WeekHours | None


@dataclass(frozen=True)
class ApplePlace:
    id: str
    name: str
    sub_thoroughfare: str  # house number
    thoroughfare: str
    locality: str
    post_code: str
    administrative_area: str
    country: str
    country_code: str  # ISO alpha-2
    lat: float
    lon: float
    category: str


@dataclass(frozen=True)
class Shop:
    key: str
    timezone: str
    truth: dict[str, Any]  # what the owner would type: documentation and demo input, not served
    osm: OsmPoi | None
    google: GooglePlace | None
    yelp: YelpBusiness | None
    foursquare: FoursquarePlace | None
    tripadvisor: TripadvisorLocation | None = None
    here: HerePlace | None = None
    tomtom: TomtomPoi | None = None
    facebook: FacebookPage | None = None
    apple: ApplePlace | None = None
    # Sites without an API, by host family ("pagesjaunes", "thefork"): what their public search page shows.
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def tz(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone)
        except ZoneInfoNotFoundError:
            return UTC

    def local_now(self, now: datetime | None = None) -> datetime:
        return (now or datetime.now(UTC)).astimezone(self.tz())

    def utc_offset_minutes(self, now: datetime | None = None) -> int:
        offset = self.local_now(now).utcoffset() or timedelta(0)
        return int(offset.total_seconds() // 60)


def open_now(hours: WeekHours | None, shop: Shop, now: datetime | None = None) -> bool:
    if hours is None:
        return False
    local = shop.local_now(now)
    return hours.is_open(local.weekday(), local.hour * 60 + local.minute)


@dataclass(frozen=True)
class Website:
    """One business website: the hosts that serve it and the files under sites/<root>/."""

    hosts: tuple[str, ...]
    canonical_host: str  # other hosts redirect here
    https: bool  # false: an https request is reset, as a closed port 443 would fail
    redirect_http: bool  # an http request to an https site gets a 301 to https
    last_modified: datetime
    files: dict[str, bytes]  # "/" and "/sitemap.xml" ... to content


@dataclass(frozen=True)
class World:
    shops: tuple[Shop, ...]
    addresses: tuple[AddressPoint, ...]
    websites: tuple[Website, ...] = field(default_factory=tuple)

    def shop_for(self, record: object) -> Shop:
        """The shop a provider record belongs to (for its time zone)."""
        for shop in self.shops:
            mine = (
                shop.osm,
                shop.google,
                shop.yelp,
                shop.foursquare,
                shop.tripadvisor,
                shop.here,
                shop.tomtom,
                shop.facebook,
                shop.apple,
            )
            if any(record is item for item in mine):
                return shop
        raise KeyError("record is not part of this world")

    @property
    def osm_pois(self) -> list[OsmPoi]:
        return [shop.osm for shop in self.shops if shop.osm is not None]

    @property
    def google_places(self) -> list[GooglePlace]:
        return [shop.google for shop in self.shops if shop.google is not None]

    @property
    def yelp_businesses(self) -> list[YelpBusiness]:
        return [shop.yelp for shop in self.shops if shop.yelp is not None]

    @property
    def foursquare_places(self) -> list[FoursquarePlace]:
        return [shop.foursquare for shop in self.shops if shop.foursquare is not None]

    @property
    def apple_places(self) -> list[ApplePlace]:
        return [shop.apple for shop in self.shops if shop.apple is not None]

    @property
    def facebook_pages(self) -> list[FacebookPage]:
        return [shop.facebook for shop in self.shops if shop.facebook is not None]

    @property
    def tomtom_pois(self) -> list[TomtomPoi]:
        return [shop.tomtom for shop in self.shops if shop.tomtom is not None]

    @property
    def here_places(self) -> list[HerePlace]:
        return [shop.here for shop in self.shops if shop.here is not None]

    @property
    def tripadvisor_locations(self) -> list[TripadvisorLocation]:
        return [shop.tripadvisor for shop in self.shops if shop.tripadvisor is not None]


def load_world(path: Path | None = None) -> World:
    """Read the world data file; site files are resolved relative to its folder."""
    path = path or DEFAULT_WORLD_PATH
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return World(
            shops=tuple(_shop(item) for item in raw["shops"]),
            addresses=tuple(AddressPoint(**item) for item in raw["addresses"]),
            websites=tuple(_website(item, path.parent) for item in raw.get("websites", [])),
        )
    except (KeyError, TypeError) as exc:
        raise WorldError(f"{path}: {exc!r}") from exc


def _hours(value: str | None) -> WeekHours | None:
    return parse_opening_hours(value) if value else None


def _shop(raw: dict[str, Any]) -> Shop:
    return Shop(
        key=raw["key"],
        timezone=raw["timezone"],
        truth=raw["truth"],
        osm=OsmPoi(**raw["osm"]) if raw.get("osm") else None,
        google=_google(raw["google"]) if raw.get("google") else None,
        yelp=_yelp(raw["yelp"]) if raw.get("yelp") else None,
        foursquare=_foursquare(raw["foursquare"]) if raw.get("foursquare") else None,
        tripadvisor=_tripadvisor(raw["tripadvisor"]) if raw.get("tripadvisor") else None,
        here=_here(raw["here"]) if raw.get("here") else None,
        tomtom=_tomtom(raw["tomtom"]) if raw.get("tomtom") else None,
        facebook=_facebook(raw["facebook"]) if raw.get("facebook") else None,
        apple=ApplePlace(**raw["apple"]) if raw.get("apple") else None,
        pages=dict(raw.get("pages", {})),
    )


def _google(raw: dict[str, Any]) -> GooglePlace:
    raw = dict(raw)
    raw["parts"] = PostalParts(**raw["parts"])
    raw["hours"] = _hours(raw.get("hours"))
    raw["types"] = tuple(raw["types"])
    return GooglePlace(**raw)


def _yelp(raw: dict[str, Any]) -> YelpBusiness:
    raw = dict(raw)
    raw["hours"] = _hours(raw.get("hours"))
    raw["categories"] = tuple((alias, title) for alias, title in raw["categories"])
    return YelpBusiness(**raw)


def _foursquare(raw: dict[str, Any]) -> FoursquarePlace:
    raw = dict(raw)
    raw["hours"] = _hours(raw.get("hours"))
    raw["categories"] = tuple(FoursquareCategory(**item) for item in raw["categories"])
    return FoursquarePlace(**raw)


def _facebook(raw: dict[str, Any]) -> FacebookPage:
    return FacebookPage(**{**raw, "hours": _hours(raw.get("hours"))})


def _here(raw: dict[str, Any]) -> HerePlace:
    return HerePlace(**{**raw, "hours": _hours(raw.get("hours"))})


def _tomtom(raw: dict[str, Any]) -> TomtomPoi:
    return TomtomPoi(**{**raw, "hours": _hours(raw.get("hours")), "categories": tuple(raw["categories"])})


def _tripadvisor(raw: dict[str, Any]) -> TripadvisorLocation:
    return TripadvisorLocation(**{**raw, "hours": _hours(raw.get("hours"))})


def _website(raw: dict[str, Any], base: Path) -> Website:
    root = base / raw["root"]
    files = {
        ("/" if item.name == "index.html" else f"/{item.name}"): item.read_bytes()
        for item in sorted(root.iterdir())
        if item.is_file()
    }
    hosts = tuple(host.lower() for host in raw["hosts"])
    return Website(
        hosts=hosts,
        canonical_host=raw.get("canonical_host", hosts[0]).lower(),
        https=raw["https"],
        redirect_http=raw.get("redirect_http", raw["https"]),
        last_modified=datetime.fromisoformat(raw["last_modified"]).astimezone(UTC),
        files=files,
    )
