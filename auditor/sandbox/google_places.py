"""Google Places API (New), places.googleapis.com: Text Search and Place Details.

What clients get wrong against the real service is emulated on purpose: the key check (403 without a key,
400 API_KEY_INVALID with a bad one), the mandatory field mask (400 without it, 400 for a path that is no
Place field), pruning the response to exactly the mask, `{}` for a search that finds nothing, unknown JSON
body fields refused, Sunday = day 0 in opening periods and narrow no-break spaces in English hours text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import phonenumbers
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, place_score, ranked
from auditor.sandbox.world import GooglePlace, Span, WeekHours, World, open_now

HOST = "places.googleapis.com"
MEDIA_TYPE = "application/json; charset=UTF-8"
MAX_RESULTS = 20
SEARCH_TEXT_FIELDS = frozenset(
    {
        "textQuery",
        "languageCode",
        "regionCode",
        "rankPreference",
        "includedType",
        "openNow",
        "minRating",
        "maxResultCount",
        "pageSize",
        "pageToken",
        "priceLevels",
        "strictTypeFiltering",
        "locationBias",
        "locationRestriction",
        "evOptions",
        "routingParameters",
        "searchAlongRouteParameters",
        "includePureServiceAreaBusinesses",
    }
)
SEARCH_ROOT_FIELDS = frozenset(
    {"places", "nextPageToken", "contextualContents", "routingSummaries", "searchUri"}
)
# Place's fields in the API reference; a mask naming anything else is refused as Google does.
PLACE_FIELDS = frozenset(
    {
        "name",
        "id",
        "displayName",
        "types",
        "primaryType",
        "primaryTypeDisplayName",
        "nationalPhoneNumber",
        "internationalPhoneNumber",
        "formattedAddress",
        "shortFormattedAddress",
        "postalAddress",
        "addressComponents",
        "plusCode",
        "location",
        "viewport",
        "rating",
        "googleMapsUri",
        "websiteUri",
        "reviews",
        "regularOpeningHours",
        "timeZone",
        "photos",
        "adrFormatAddress",
        "businessStatus",
        "priceLevel",
        "attributions",
        "iconMaskBaseUri",
        "iconBackgroundColor",
        "currentOpeningHours",
        "currentSecondaryOpeningHours",
        "regularSecondaryOpeningHours",
        "editorialSummary",
        "paymentOptions",
        "parkingOptions",
        "subDestinations",
        "fuelOptions",
        "evChargeOptions",
        "generativeSummary",
        "containingPlaces",
        "pureServiceAreaBusiness",
        "addressDescriptor",
        "priceRange",
        "reviewSummary",
        "evChargeAmenitySummary",
        "neighborhoodSummary",
        "consumerAlert",
        "movedPlace",
        "movedPlaceId",
        "utcOffsetMinutes",
        "userRatingCount",
        "takeout",
        "delivery",
        "dineIn",
        "curbsidePickup",
        "reservable",
        "servesBreakfast",
        "servesLunch",
        "servesDinner",
        "servesBeer",
        "servesWine",
        "servesBrunch",
        "servesVegetarianFood",
        "outdoorSeating",
        "liveMusic",
        "menuForChildren",
        "servesCocktails",
        "servesDessert",
        "servesCoffee",
        "goodForChildren",
        "allowsDogs",
        "restroom",
        "goodForGroups",
        "goodForWatchingSports",
        "accessibilityOptions",
        "googleMapsLinks",
    }
)
DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
CLOSED_WORD = {"en": "Closed", "fr": "Fermé"}
NARROW_NBSP, THIN_SPACE = "\u202f", "\u2009"


def _error(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> Response:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return JSONBody({"error": error}, status_code=code, media_type=MEDIA_TYPE)


def _auth_error(request: Request) -> Response | None:
    key = request.headers.get("x-goog-api-key") or request.query_params.get("key")
    if not key:
        return _error(403, "PERMISSION_DENIED", "The request is missing a valid API key.")
    if not is_sandbox_key(key):
        message = "API key not valid. Please pass a valid API key."
        return _error(
            400,
            "INVALID_ARGUMENT",
            message,
            [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": HOST},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": message,
                },
            ],
        )
    return None


def _field_mask(request: Request, example: str) -> list[tuple[str, ...]] | Response:
    raw = (
        request.headers.get("x-goog-fieldmask")
        or request.query_params.get("fields")
        or request.query_params.get("$fields")
    )
    paths = [tuple(part.strip().split(".")) for part in (raw or "").split(",") if part.strip()]
    if not paths:
        return _error(
            400,
            "INVALID_ARGUMENT",
            "FieldMask is a required parameter. See https://cloud.google.com/apis/docs/system-parameters "
            "on how to provide it. As an example, you can set the header 'X-Goog-FieldMask' to value "
            f"{example} to ask for the display name and the place id of a place. You can also set the value "
            "to '*' in manual testing to get all the available response fields.",
        )
    return paths


def _bad_path(path: tuple[str, ...]) -> Response:
    return _error(
        400,
        "INVALID_ARGUMENT",
        f"Error expanding 'fields' parameter. Cannot find matching fields for path '{'.'.join(path)}'.",
    )


def prune(value: Any, paths: Sequence[tuple[str, ...]]) -> Any:
    """Keep only what the field mask names; a path through a list applies to each element, `*` to all keys."""
    if any(not path for path in paths):
        return value
    if isinstance(value, list):
        return [prune(item, paths) for item in value]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for key, item in value.items():
        sub = [path[1:] for path in paths if path[0] in (key, "*")]
        if sub:
            kept[key] = prune(item, sub)
    return kept


def _phone_forms(e164: str | None) -> dict[str, str]:
    if not e164:
        return {}
    number = phonenumbers.parse(e164)
    return {
        "nationalPhoneNumber": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        "internationalPhoneNumber": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
    }


def _clock(minute: int, language: str) -> str:
    hour, minute = divmod(minute % 1440, 60)
    if language == "fr":
        return f"{hour:02d}:{minute:02d}"
    suffix = "AM" if hour < 12 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d}{NARROW_NBSP}{suffix}"


def _weekday_descriptions(hours: WeekHours, language: str) -> list[str]:
    names = DAY_NAMES.get(language, DAY_NAMES["en"])
    dash = "–" if language == "fr" else f"{THIN_SPACE}–{THIN_SPACE}"
    lines = []
    for day, spans in enumerate(hours.days()):
        if not spans:
            text = CLOSED_WORD.get(language, CLOSED_WORD["en"])
        else:
            text = ", ".join(f"{_clock(s.start, language)}{dash}{_clock(s.end, language)}" for s in spans)
        lines.append(f"{names[day]}: {text}")
    return lines


def _period(span: Span) -> dict[str, Any]:
    google_day = (span.day + 1) % 7  # Google counts from Sunday = 0
    close_day = (google_day + 1) % 7 if span.overnight or span.end == 1440 else google_day
    end = span.end % 1440
    return {
        "open": {"day": google_day, "hour": span.start // 60, "minute": span.start % 60},
        "close": {"day": close_day, "hour": end // 60, "minute": end % 60},
    }


def _address_components(place: GooglePlace) -> list[dict[str, Any]]:
    parts = place.parts
    rows: list[tuple[str | None, str | None, list[str]]] = [
        (parts.unit, parts.unit, ["subpremise"]),
        (parts.house_number, parts.house_number, ["street_number"]),
        (parts.street, parts.street_short or parts.street, ["route"]),
        (parts.district, parts.district, ["sublocality_level_1", "sublocality", "political"]),
        (parts.city, parts.city, ["locality", "political"]),
        (parts.region, parts.region_short or parts.region, ["administrative_area_level_1", "political"]),
        (parts.country, parts.country_code, ["country", "political"]),
        (parts.postcode, parts.postcode, ["postal_code"]),
    ]
    return [
        {"longText": long, "shortText": short, "types": types, "languageCode": place.language}
        for long, short, types in rows
        if long
    ]


def _maps_links(place: GooglePlace) -> dict[str, str]:
    return {
        "directionsUri": f"https://www.google.com/maps/dir/?api=1&destination_place_id={place.id}",
        "placeUri": f"https://maps.google.com/?cid={place.cid}",
        "writeAReviewUri": f"https://search.google.com/local/writereview?placeid={place.id}",
        "reviewsUri": f"https://search.google.com/local/reviews?placeid={place.id}",
        "photosUri": f"https://www.google.com/maps/place/?q=place_id:{place.id}&photos=1",
    }


class GooglePlaces:
    def __init__(self, world: World) -> None:
        self.world = world
        self.places = {place.id: place for place in world.google_places}

    def place_json(self, place: GooglePlace, language: str | None) -> dict[str, Any]:
        """The full Place resource, keys in the API's order; the field mask prunes it afterwards."""
        shop = self.world.shop_for(place)
        language = (language or place.language).split("-")[0].lower()
        out: dict[str, Any] = {"name": f"places/{place.id}", "id": place.id, "types": list(place.types)}
        out.update(_phone_forms(place.phone))
        out["formattedAddress"] = place.formatted_address
        out["addressComponents"] = _address_components(place)
        out["location"] = {"latitude": place.lat, "longitude": place.lon}
        out["viewport"] = {
            "low": {"latitude": round(place.lat - 0.0013, 7), "longitude": round(place.lon - 0.0013, 7)},
            "high": {"latitude": round(place.lat + 0.0013, 7), "longitude": round(place.lon + 0.0013, 7)},
        }
        if place.rating is not None:
            out["rating"] = place.rating
        out["googleMapsUri"] = f"https://maps.google.com/?cid={place.cid}"
        if place.website:
            out["websiteUri"] = place.website
        if place.hours is not None:
            out["regularOpeningHours"] = {
                "openNow": open_now(place.hours, shop),
                "periods": [
                    _period(span) for span in sorted(place.hours.spans, key=lambda s: (s.day, s.start))
                ],
                "weekdayDescriptions": _weekday_descriptions(place.hours, language),
            }
        out["utcOffsetMinutes"] = shop.utc_offset_minutes()
        out["businessStatus"] = place.business_status
        if place.user_rating_count is not None:
            out["userRatingCount"] = place.user_rating_count
        out["displayName"] = {"text": place.display_name, "languageCode": place.language}
        out["primaryTypeDisplayName"] = {"text": place.primary_type_label, "languageCode": language}
        out["primaryType"] = place.primary_type
        out["shortFormattedAddress"] = place.short_formatted_address
        out["googleMapsLinks"] = _maps_links(place)
        out["timeZone"] = {"id": shop.timezone}
        out["postalAddress"] = {
            "regionCode": place.parts.country_code,
            "languageCode": place.language,
            "postalCode": place.parts.postcode,
            "locality": place.parts.city,
            "addressLines": [" ".join(p for p in (place.parts.house_number, place.parts.street) if p)],
        }
        return out

    async def search_text(self, request: Request) -> Response:
        if (auth := _auth_error(request)) is not None:
            return auth
        mask = _field_mask(request, "'places.displayName', 'places.id'")
        if isinstance(mask, Response):
            return mask
        for path in mask:
            if path[0] != "*" and (
                path[0] not in SEARCH_ROOT_FIELDS
                or (path[0] == "places" and len(path) > 1 and path[1] not in PLACE_FIELDS | {"*"})
            ):
                return _bad_path(path)
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        text = body.get("textQuery")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "INVALID_ARGUMENT", "Empty text_query is not allowed.")
        count = body.get("pageSize") or body.get("maxResultCount") or MAX_RESULTS
        if not isinstance(count, int) or count < 1:
            return _error(400, "INVALID_ARGUMENT", "max_result_count must be a positive integer.")
        found = self._search(text, body)[: min(count, MAX_RESULTS)]
        if not found:
            return JSONBody({}, media_type=MEDIA_TYPE)
        language = body.get("languageCode") if isinstance(body.get("languageCode"), str) else None
        response = {"places": [self.place_json(place, language) for place in found]}
        return JSONBody(prune(response, mask), media_type=MEDIA_TYPE)

    @staticmethod
    async def _body(request: Request) -> dict[str, Any] | Response:
        raw = await request.body()
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.")
        if not isinstance(body, dict):
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.")
        for key in body:
            if key not in SEARCH_TEXT_FIELDS:
                return _error(
                    400,
                    "INVALID_ARGUMENT",
                    f'Invalid JSON payload received. Unknown name "{key}": Cannot find field.',
                    [
                        {
                            "@type": "type.googleapis.com/google.rpc.BadRequest",
                            "fieldViolations": [
                                {
                                    "description": f'Invalid JSON payload received. Unknown name "{key}": '
                                    "Cannot find field."
                                }
                            ],
                        }
                    ],
                )
        return body

    def _search(self, text: str, body: dict[str, Any]) -> list[GooglePlace]:
        query = Query.of(text)
        center = _bias_center(body.get("locationBias"))
        included_type = body.get("includedType")
        min_rating = body.get("minRating")
        hits: list[Scored[GooglePlace]] = []
        for place in self.places.values():
            if included_type and included_type not in place.types:
                continue
            if isinstance(min_rating, int | float) and (place.rating or 0) < min_rating:
                continue
            if body.get("openNow") and not open_now(place.hours, self.world.shop_for(place)):
                continue
            where = Where(
                place.parts.house_number, place.parts.street, place.parts.city, place.parts.postcode
            )
            score = place_score(query, place.display_name, where)
            if score is None:
                continue
            distance = distance_m(center[0], center[1], place.lat, place.lon) if center else None
            hits.append(Scored(place, score, distance, place.id))
        return [hit.item for hit in ranked(hits)]

    async def details(self, request: Request) -> Response:
        if (auth := _auth_error(request)) is not None:
            return auth
        mask = _field_mask(request, "'displayName', 'id'")
        if isinstance(mask, Response):
            return mask
        for path in mask:
            if path[0] != "*" and path[0] not in PLACE_FIELDS:
                return _bad_path(path)
        place = self.places.get(request.path_params["place_id"])
        if place is None:
            return _error(404, "NOT_FOUND", "Requested entity was not found.")
        language = request.query_params.get("languageCode")
        return JSONBody(prune(self.place_json(place, language), mask), media_type=MEDIA_TYPE)


def _bias_center(bias: Any) -> tuple[float, float] | None:
    try:
        center = bias["circle"]["center"]
        return float(center["latitude"]), float(center["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


def emulation(world: World) -> Emulation:
    service = GooglePlaces(world)
    app = Starlette(
        routes=[
            Route("/v1/places:searchText", service.search_text, methods=["POST"]),
            Route("/v1/places/{place_id}", service.details, methods=["GET"]),
        ]
    )
    return Emulation(name="google_places", hosts=(HOST,), app=app)
