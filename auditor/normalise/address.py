"""Postal addresses, offline: split free text into parts and put each part in a comparison form.

Rule-based on purpose. A geocoder would parse better but needs the network and answers with its own
spelling; verdicts need to know what the listing itself wrote. The rules cover how addresses are written
in France, the US, the UK and Canada, with basics for neighbouring European countries. `parse_address`
never raises: a part it cannot place is left None, and `formatted` always keeps the text as given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import phonenumbers

from auditor.models import Address
from auditor.normalise.name import strip_accents

# --- countries -------------------------------------------------------------------------------------------

# Lookup keys are casefolded, accent-free, dots removed, hyphens as spaces (see _key).
_COUNTRY_NAMES: dict[str, str] = {
    "france": "FR", "republique francaise": "FR", "frankreich": "FR", "francia": "FR",
    "united kingdom": "GB", "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "royaume uni": "GB",
    "angleterre": "GB", "ecosse": "GB", "pays de galles": "GB", "irlande du nord": "GB",
    "united states": "US", "united states of america": "US", "usa": "US", "us": "US", "u s": "US",
    "u s a": "US", "america": "US", "etats unis": "US", "etats unis d amerique": "US",
    "canada": "CA",
    "germany": "DE", "deutschland": "DE", "allemagne": "DE",
    "belgium": "BE", "belgique": "BE", "belgie": "BE", "belgien": "BE",
    "switzerland": "CH", "suisse": "CH", "schweiz": "CH", "svizzera": "CH",
    "spain": "ES", "espagne": "ES", "espana": "ES",
    "italy": "IT", "italie": "IT", "italia": "IT",
    "netherlands": "NL", "the netherlands": "NL", "nederland": "NL", "pays bas": "NL", "holland": "NL",
    "luxembourg": "LU", "monaco": "MC", "andorra": "AD", "andorre": "AD",
    "portugal": "PT", "austria": "AT", "autriche": "AT", "osterreich": "AT", "oesterreich": "AT",
    "ireland": "IE", "irlande": "IE", "eire": "IE",
    "australia": "AU", "australie": "AU", "new zealand": "NZ", "nouvelle zelande": "NZ",
    "denmark": "DK", "danemark": "DK", "sweden": "SE", "suede": "SE", "norway": "NO", "norvege": "NO",
    "poland": "PL", "pologne": "PL", "japan": "JP", "japon": "JP", "mexico": "MX", "mexique": "MX",
    "morocco": "MA", "maroc": "MA", "tunisia": "TN", "tunisie": "TN", "algeria": "DZ", "algerie": "DZ",
    "senegal": "SN", "reunion": "RE", "la reunion": "RE", "guadeloupe": "GP", "martinique": "MQ",
}  # fmt: skip
_ALPHA3 = {
    "fra": "FR", "gbr": "GB", "usa": "US", "can": "CA", "deu": "DE", "bel": "BE", "che": "CH",
    "esp": "ES", "ita": "IT", "nld": "NL", "lux": "LU", "prt": "PT", "aut": "AT", "irl": "IE",
    "aus": "AU", "mco": "MC",
}  # fmt: skip
# How format_address names a country.
_COUNTRY_DISPLAY = {
    "FR": "France", "GB": "United Kingdom", "US": "USA", "CA": "Canada", "DE": "Germany",
    "BE": "Belgium", "CH": "Switzerland", "ES": "Spain", "IT": "Italy", "NL": "Netherlands",
    "LU": "Luxembourg", "MC": "Monaco", "PT": "Portugal", "AT": "Austria", "IE": "Ireland",
}  # fmt: skip
# Prefixes written before a postcode ("F-69002", "CH-1200").
_POSTCODE_PREFIXES = {"F": "FR", "FR": "FR", "D": "DE", "DE": "DE", "B": "BE", "BE": "BE", "CH": "CH",
                      "L": "LU", "A": "AT", "I": "IT", "E": "ES", "NL": "NL", "MC": "MC"}  # fmt: skip

# US states and Canadian provinces: written between the city and the postcode, never a city themselves.
_US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california",
    "CO": "colorado", "CT": "connecticut", "DE": "delaware", "DC": "district of columbia",
    "FL": "florida", "GA": "georgia", "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana",
    "IA": "iowa", "KS": "kansas", "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland",
    "MA": "massachusetts", "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri",
    "MT": "montana", "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey",
    "NM": "new mexico", "NY": "new york", "NC": "north carolina", "ND": "north dakota", "OH": "ohio",
    "OK": "oklahoma", "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island",
    "SC": "south carolina", "SD": "south dakota", "TN": "tennessee", "TX": "texas", "UT": "utah",
    "VT": "vermont", "VA": "virginia", "WA": "washington", "WV": "west virginia", "WI": "wisconsin",
    "WY": "wyoming", "PR": "puerto rico",
}  # fmt: skip
_CA_PROVINCES = {
    "QC": ("quebec",), "ON": ("ontario",), "BC": ("british columbia", "colombie britannique"),
    "AB": ("alberta",), "MB": ("manitoba",), "SK": ("saskatchewan",),
    "NS": ("nova scotia", "nouvelle ecosse"), "NB": ("new brunswick", "nouveau brunswick"),
    "NL": ("newfoundland and labrador", "terre neuve et labrador", "newfoundland"),
    "PE": ("prince edward island", "ile du prince edouard", "pei"), "YT": ("yukon",),
    "NT": ("northwest territories", "territoires du nord ouest"), "NU": ("nunavut",),
}  # fmt: skip


def _build_regions() -> dict[str, str]:
    regions: dict[str, str] = {}
    for code, name in _US_STATES.items():
        regions[code.lower()] = regions[name] = "US"
    for code, names in _CA_PROVINCES.items():
        regions[code.lower()] = "CA"
        for name in names:
            regions[name] = "CA"
    return regions


_REGIONS = _build_regions()  # key -> country the region belongs to
_REGION_CODES = frozenset(_US_STATES) | frozenset(_CA_PROVINCES)

_NON_ALNUM = re.compile(r"[^\w]+|_")


def _key(text: str) -> str:
    """Lookup form: casefolded, no accents, dots dropped, other punctuation as spaces."""
    return " ".join(_NON_ALNUM.sub(" ", strip_accents(text.casefold()).replace(".", "")).split())


def _supported_alpha2(code: str) -> bool:
    # libphonenumber's regions are the ISO alpha-2 codes in use: no list of our own to keep up to date.
    return code in phonenumbers.SUPPORTED_REGIONS


def country_code(name_or_code: str | None) -> str | None:
    """ISO alpha-2 code for a country name (English or French), code or alpha-3 code; None if unknown."""
    if not name_or_code or not name_or_code.strip():
        return None
    stripped = name_or_code.strip()
    key = _key(stripped)
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    if len(key) == 2 and key.isalpha() and _supported_alpha2(key.upper()):
        return key.upper()
    return _ALPHA3.get(key)


# --- postcodes ---------------------------------------------------------------------------------------------

_GB = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
_CA = r"(?:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?-?\d[ABCEGHJ-NPRSTV-Z]\d)"
_POSTCODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "GB": re.compile(rf"(?<![A-Z0-9]){_GB}(?![A-Z0-9])", re.IGNORECASE),
    "CA": re.compile(rf"(?<![A-Z0-9]){_CA}(?![A-Z0-9])", re.IGNORECASE),
    "US": re.compile(r"(?<!\d)(?<!\d-)\d{5}(?:-\d{4})?(?![\d-])"),
    "NL": re.compile(r"(?<!\d)\d{4} ?[A-Z]{2}(?![A-Za-z])"),
    "PT": re.compile(r"(?<!\d)\d{4}-\d{3}(?!\d)"),
}
# Not inside a longer number, a ZIP+4 or a "12-14" range; "F-69002" is fine.
_FIVE_DIGITS = re.compile(r"(?<!\d)(?<!\d-)\d{5}(?![\d-])")
_FOUR_DIGITS = re.compile(r"(?<!\d)(?<!\d-)\d{4}(?![\d-])")
_FIVE_DIGIT_COUNTRIES = frozenset({"FR", "DE", "IT", "ES", "MC", "FI", "MA", "DZ", "TN", "MX", "RE", "GP"})
_FOUR_DIGIT_COUNTRIES = frozenset({"BE", "CH", "AT", "DK", "NO", "LU", "AU", "NZ", "HU", "SN"})
# Tried in this order when the country is unknown: shapes that belong to one country first.
_UNAMBIGUOUS = ("GB", "CA", "NL", "PT")


def _pattern_for(country: str) -> re.Pattern[str] | None:
    if country in _POSTCODE_PATTERNS:
        return _POSTCODE_PATTERNS[country]
    if country in _FIVE_DIGIT_COUNTRIES:
        return _FIVE_DIGITS
    if country in _FOUR_DIGIT_COUNTRIES:
        return _FOUR_DIGITS
    return None


def normalise_postcode(postcode: str | None, country: str | None) -> str | None:
    """Canonical postcode: 'sw1a2aa' -> 'SW1A 2AA', 'h2t1r2' -> 'H2T 1R2', '75 002' -> '75002'."""
    if not postcode or not postcode.strip():
        return None
    text = " ".join(postcode.upper().split())
    prefix = re.match(r"^([A-Z]{1,2})-(?=\d)", text)
    if prefix and prefix.group(1) in _POSTCODE_PREFIXES:
        text = text[prefix.end() :]
    code = (country_code(country) if country else None) or _shape_country(text)
    compact = text.replace(" ", "").replace("-", "")
    if code in ("GB", "CA", "NL") and len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}" if code != "NL" else f"{compact[:4]} {compact[4:]}"
    if code == "US" and compact.isdigit() and len(compact) == 9:
        return f"{compact[:5]}-{compact[5:]}"
    if code == "PT" and compact.isdigit() and len(compact) == 7:
        return f"{compact[:4]}-{compact[4:]}"
    if code in _FIVE_DIGIT_COUNTRIES | _FOUR_DIGIT_COUNTRIES | {"US"} and compact.isdigit():
        return compact
    return text


def _shape_country(postcode: str) -> str | None:
    """The country a postcode's shape alone gives away, if only one has it."""
    for code in _UNAMBIGUOUS:
        if _POSTCODE_PATTERNS[code].fullmatch(postcode):
            return code
    if re.fullmatch(r"\d{5}-\d{4}", postcode):
        return "US"
    return None


# --- streets -----------------------------------------------------------------------------------------------

# Abbreviations used in French streets; applied when the street reads French.
_FR_ABBREVIATIONS = {
    "r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard",
    "boul": "boulevard", "pl": "place", "fg": "faubourg", "fbg": "faubourg", "rte": "route",
    "ch": "chemin", "chem": "chemin", "imp": "impasse", "all": "allee", "sq": "square", "qu": "quai",
    "crs": "cours", "st": "saint", "ste": "sainte", "pass": "passage", "prom": "promenade",
    "res": "residence", "mte": "montee", "gde": "grande", "gd": "grand", "pdt": "president",
    "gal": "general", "gen": "general", "mal": "marechal", "dr": "docteur", "pr": "professeur",
    "cdt": "commandant", "lt": "lieutenant", "hab": "hameau", "ham": "hameau", "lot": "lotissement",
    "zi": "zone industrielle", "za": "zone artisanale",
}  # fmt: skip
# English street types and words; "st" and "dr" depend on their place (see _expand_english).
_EN_ABBREVIATIONS = {
    "rd": "road", "ave": "avenue", "av": "avenue", "blvd": "boulevard", "bd": "boulevard",
    "ln": "lane", "ct": "court", "pl": "place", "sq": "square", "hwy": "highway", "pkwy": "parkway",
    "pky": "parkway", "cres": "crescent", "cir": "circle", "ter": "terrace", "terr": "terrace",
    "trl": "trail", "pde": "parade", "expy": "expressway", "fwy": "freeway", "mt": "mount",
    "ft": "fort", "hts": "heights", "grv": "grove", "gdns": "gardens", "cl": "close", "esp": "esplanade",
    "ste": "sainte", "bld": "boulevard", "boul": "boulevard",
}  # fmt: skip
_DIRECTIONS = {
    "n": "north", "s": "south", "e": "east", "w": "west",
    "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest",
}  # fmt: skip
_DIRECTION_WORDS = frozenset(_DIRECTIONS.values())
# Words that make a street read French (or Quebec French): abbreviations are then expanded the French way.
# None of them is produced by the English expansion, so a second pass decides the same way (idempotence).
_FRENCH_MARKERS = frozenset(
    {"rue", "chemin", "impasse", "allee", "quai", "cours", "faubourg", "route", "passage", "promenade",
     "residence", "montee", "hameau", "lotissement", "de", "du", "des", "la", "le", "les", "l", "d", "aux",
     "au", "sur", "sous", "imp", "fg", "fbg", "rte", "crs", "qu", "ch", "chem"}
)  # fmt: skip
_ENGLISH_TYPES = frozenset({"st", "street", "rd", "road", "ave", "avenue", "nw", "ne", "sw", "se"})
_STREET_APOSTROPHE = re.compile(r"['’ʼ`´]")
_STREET_PUNCT = re.compile(r"[^\w]+|_")


def _street_words(text: str) -> list[str]:
    folded = strip_accents(text.casefold())
    return _STREET_PUNCT.sub(" ", _STREET_APOSTROPHE.sub(" ", folded)).split()


def _expand_english(words: list[str]) -> list[str]:
    # The street type comes last ("Bay St", "Main St NW"); before a name "St" is Saint and "Dr" Doctor.
    last_name_word = len(words) - 1
    while last_name_word > 0 and (
        words[last_name_word] in _DIRECTIONS or words[last_name_word] in _DIRECTION_WORDS
    ):
        last_name_word -= 1
    out = []
    for index, word in enumerate(words):
        is_type_position = index == last_name_word and index > 0
        if word == "st":
            out.append("street" if is_type_position else "saint")
        elif word == "dr":
            out.append("drive" if is_type_position else "doctor")
        elif word in _DIRECTIONS and (index == 0 or index > last_name_word) and len(words) > 1:
            out.append(_DIRECTIONS[word])
        else:
            out.append(_EN_ABBREVIATIONS.get(word, word))
    return out


def _reads_french(words: list[str]) -> bool:
    if any(word in _FRENCH_MARKERS for word in words):
        return True
    # "R. Victor Hugo" is a rue; "R St NW" (Washington) is not.
    return words[0] == "r" and len(words) > 1 and not _ENGLISH_TYPES.intersection(words[1:])


def normalise_street(street: str) -> str:
    """Comparison form of a street: 'Av. Jean-Jaurès' -> 'avenue jean jaures', 'N Main St' ->
    'north main street'. Casefolded, accents and punctuation removed, abbreviations expanded. Idempotent.
    """
    words = _street_words(street)
    if not words:
        return ""
    if _reads_french(words):
        expanded = [_FR_ABBREVIATIONS.get(word, word) for word in words]
    else:
        expanded = _expand_english(words)
    return " ".join(" ".join(expanded).split())


def normalise_city(city: str | None) -> str | None:
    """Comparison form of a city: 'Lyon 2e' -> 'lyon', 'St-Étienne CEDEX 1' -> 'saint etienne'."""
    if not city or not city.strip():
        return None
    text = re.sub(r"\([^)]*\)", " ", city)  # "Montréal (Québec)"
    words = _street_words(text)
    if "cedex" in words:
        words = words[: words.index("cedex")]
    # Arrondissements: "Paris 2e", "Lyon 2ème", "Marseille 8e arrondissement", "Paris 02".
    while len(words) > 1 and (
        words[-1] in ("arrondissement", "arr", "arrt")
        or re.fullmatch(r"\d{1,2}(?:e|eme|er|ere|me)?", words[-1])
    ):
        words.pop()
    cities = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
    normalised = " ".join(cities.get(word, word) for word in words)
    return normalised or None


# --- units and house numbers -------------------------------------------------------------------------------

_UNIT_KINDS = {
    "suite": "unit", "unit": "unit", "apt": "unit", "apartment": "unit", "appartement": "unit",
    "appt": "unit", "bureau": "unit", "office": "unit", "room": "unit", "rm": "unit", "flat": "unit",
    "local": "unit", "ste": "unit", "#": "unit", "bldg": "building", "building": "building",
    "bat": "building", "batiment": "building", "floor": "floor", "fl": "floor", "etage": "floor",
    "escalier": "stair", "esc": "stair",
}  # fmt: skip
_UNIT_CORE = (
    r"(?:(?<![\w#])(?:suite|unit|apt\.?|apartment|appartement|appt\.?|bureau|office|room|rm\.?|flat|local"
    r"|bldg\.?|building|b[aâ]t\.?|b[aâ]timent|floor|fl\.?|[eé]tage|escalier|esc\.?)\s*[a-z0-9][\w-]*"
    r"|(?<![\w#])ste\.?\s*\d[\w-]*"
    r"|\#\s*[a-z0-9][\w-]*"
    r"|(?<!\w)\d{1,2}\s*(?:e|er|ère|ere|eme|ème|st|nd|rd|th)\.?\s+(?:[eé]tage|floor)"
    r"|(?<!\w)(?:rdc|rez[- ]de[- ]chauss[ée]e|ground\s+floor))(?!\w)"
)
_UNIT_WHOLE = re.compile(rf"\s*{_UNIT_CORE}\s*", re.IGNORECASE)
_UNIT_AT_END = re.compile(rf"[\s,]+({_UNIT_CORE})\s*$", re.IGNORECASE)
_UNIT_AT_START = re.compile(rf"^\s*({_UNIT_CORE})[\s,]+(?=\S)", re.IGNORECASE)

_HOUSE_NUMBER = r"\d+(?:\s*-\s*\d+)?(?:\s*(?:bis|ter|quater)\b|[a-z](?![\w']))?"
_LEADING_NUMBER = re.compile(rf"^({_HOUSE_NUMBER})\s*,?\s+(?=\D)(.+)$", re.IGNORECASE)
_TRAILING_NUMBER = re.compile(r"^(.*?\D)[\s,]+(\d+[a-z]?(?:\s*-\s*\d+[a-z]?)?)$", re.IGNORECASE)
_NUMBER_ONLY = re.compile(rf"^\s*(?:n[o°º]\.?\s*)?({_HOUSE_NUMBER})\s*$", re.IGNORECASE)
# Countries that write the house number after the street ("Hauptstraße 5", "Calle Mayor 10").
_NUMBER_AFTER_STREET = frozenset({"DE", "AT", "CH", "NL", "BE", "ES", "IT", "PT", "DK", "NO", "SE", "PL"})
_TRAILING_STREET_TYPES = re.compile(
    # German and Dutch street types end a compound word ("Hauptstraße"); the others are words of their own.
    r"(?:stra(?:ss|ß)e|str\.|weg|gasse|platz|allee|straat|gracht|plein|kade|laan)(?!\w)"
    r"|(?<!\w)(?:calle|avenida|via|viale|piazza|corso|rua|plaza|paseo|carrer|largo)(?!\w)",
    re.IGNORECASE,
)
_EN_STREET_TYPES = re.compile(
    r"(?<!\w)(street|st|road|rd|avenue|ave|av|boulevard|blvd|drive|dr|lane|ln|court|ct|place|pl|square|sq"
    r"|highway|hwy|parkway|pkwy|way|terrace|crescent|close|circle|trail|row|mews|gardens|grove|walk|hill"
    r"|parade)\.?(?!\w)",
    re.IGNORECASE,
)
_STREET_WORD = re.compile(
    r"(?<!\w)(rue|r\.|avenue|av\.?|bd|boulevard|chemin|impasse|all[ée]e|quai|cours|route|place|pl\.|"
    r"faubourg|square|passage|promenade|esplanade|montée|sentier|voie)(?!\w)",
    re.IGNORECASE,
)


def unit_key(unit: str | None) -> frozenset[tuple[str, str]]:
    """What a unit designates, whatever its spelling: 'Ste. 200', '#200', 'Suite 200' -> {(unit, 200)}."""
    if not unit:
        return frozenset()
    keys = set()
    for match in re.finditer(_UNIT_CORE, unit, re.IGNORECASE):
        words = _street_words(match.group(0))
        text = " ".join(words)
        if re.fullmatch(r"rdc|rez de chaussee|ground floor", text):
            keys.add(("floor", "0"))
        elif ordinal := re.match(r"(\d+)\D*\s+(etage|floor)$", text):
            keys.add(("floor", ordinal.group(1)))
        elif match.group(0).lstrip().startswith("#"):
            keys.add(("unit", "".join(words)))  # "#" is punctuation: only the identifier is left
        elif words:
            keys.add((_UNIT_KINDS.get(words[0], words[0]), "".join(words[1:])))
    return frozenset(keys)


def house_number_key(number: str) -> str:
    """'12 bis', '12bis', '12 B' and '12b' are one house number; '12-14' and '12 - 14' too."""
    compact = re.sub(r"[\s.]+", "", number.casefold())
    suffix = re.fullmatch(r"(\d+(?:-\d+)?)([btq])", compact)
    if suffix:
        compact = suffix.group(1) + {"b": "bis", "t": "ter", "q": "quater"}[suffix.group(2)]
    return compact


def _split_house_number(line: str, country: str | None) -> tuple[str | None, str]:
    """(house number, street) from a street line, number first or, where the country writes it so, last."""
    line = line.strip()
    leading = _LEADING_NUMBER.match(line)
    if leading and not _is_unit(leading.group(2)):
        return leading.group(1).strip(), leading.group(2).strip()
    if country in _NUMBER_AFTER_STREET or (country is None and _TRAILING_STREET_TYPES.search(line)):
        trailing = _TRAILING_NUMBER.match(line)
        if trailing:
            return trailing.group(2).strip(), trailing.group(1).strip(" ,")
    return None, line


def _is_unit(text: str) -> bool:
    return bool(_UNIT_WHOLE.fullmatch(text))


# A listing API's street field ("address1" on Yelp, "address" on Foursquare) holds one street line and no
# country to go by, so the number is taken wherever it stands, first or last.
_LISTING_NUMBER_FIRST = re.compile(
    r"^(\d+(?:[-/]\d+)?\s?(?:[a-z]\b|bis\b|ter\b|quater\b)?)[,\s]+(.+)$", re.IGNORECASE
)
_LISTING_NUMBER_LAST = re.compile(r"^(.+?)[,\s]+(\d+(?:[-/]\d+)?\s?[a-z]?)$", re.IGNORECASE)


def split_street_line(line: str) -> tuple[str | None, str]:
    """(house number, street) from one street line, number first ("12 bis Rue X") or last ("Hauptstr. 5")."""
    leading = _LISTING_NUMBER_FIRST.match(line)
    if leading:
        return leading.group(1).strip(), leading.group(2).strip()
    trailing = _LISTING_NUMBER_LAST.match(line)
    if trailing:
        return trailing.group(2).strip(), trailing.group(1).strip()
    return None, line


def _looks_like_street(text: str) -> bool:
    return bool(
        re.match(r"^\d", text.strip())
        or _STREET_WORD.search(text)
        or _EN_STREET_TYPES.search(text)
        or _TRAILING_STREET_TYPES.search(text)
    )


# --- parsing -----------------------------------------------------------------------------------------------


@dataclass
class _Postcode:
    part_index: int
    start: int
    end: int
    text: str
    country: str | None  # the country its shape or position gives, if any


def _strip_region(text: str) -> tuple[str, str | None]:
    """Remove a trailing US state / Canadian province ("Springfield IL", "Montréal (Québec)").

    Returns the rest and the country the region belongs to.
    """
    rest = text.strip(" ,")
    found: str | None = None
    paren = re.search(r"\(([^)]*)\)\s*$", rest)
    if paren:
        found = _REGIONS.get(_key(paren.group(1)))
        rest = rest[: paren.start()].strip(" ,")
    words = rest.split()
    for size in range(min(4, len(words)), 0, -1):
        tail = " ".join(words[-size:])
        key = _key(tail)
        is_code = len(key) == 2 and tail.isupper()  # "IN", "ON", "ME": only codes written in capitals
        if (key in _REGIONS and len(key) > 2) or (is_code and tail.upper() in _REGION_CODES):
            return " ".join(words[:-size]).strip(" ,"), found or _REGIONS[key]
    return rest, found


def _find_postcode(parts: list[str], country: str | None) -> _Postcode | None:
    """The postcode, searched from the last part backwards (a house number comes first, a postcode last)."""
    candidates: list[tuple[re.Pattern[str], str | None]]
    if country is not None:
        pattern = _pattern_for(country)
        candidates = [(pattern, country)] if pattern else []
    else:
        candidates = [(_POSTCODE_PATTERNS[code], code) for code in _UNAMBIGUOUS]
        candidates += [(_POSTCODE_PATTERNS["US"], None)]
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        for pattern, shape_country in candidates:
            matches = [m for m in pattern.finditer(part) if _postcode_position_ok(parts, index, m)]
            if matches:
                last = matches[-1]
                found_country = shape_country
                if found_country is None and "-" in last.group(0):
                    found_country = "US"  # ZIP+4
                return _Postcode(index, last.start(), last.end(), last.group(0), found_country)
    return None


def _postcode_position_ok(parts: list[str], index: int, match: re.Match[str]) -> bool:
    """A number opening the first part of a multi-part address is a house number ("12345 Main St, ...")."""
    part = parts[index]
    if index != 0 or match.start() != 0:
        return True
    if len(parts) > 1:
        return False
    return not _looks_like_street(part[match.end() :])


@dataclass
class _WrittenCountry:
    code: str
    text: str  # as written: "United Kingdom", "UK"


def _split_country(parts: list[str]) -> tuple[list[str], _WrittenCountry | None]:
    """Remove a country written last ("…, France", "… 69002 Lyon France")."""
    if not parts:
        return parts, None
    last = parts[-1]
    code = _country_word(last, alone=len(parts) == 1)
    if code:
        return parts[:-1], _WrittenCountry(code, last)
    words = last.split()
    for size in range(min(5, len(words) - 1), 0, -1):
        tail = " ".join(words[-size:])
        code = _country_word(tail, alone=False)
        if code:
            return [*parts[:-1], " ".join(words[:-size])], _WrittenCountry(code, tail)
    return parts, None


def written_country(text: str | None) -> str | None:
    """The country as an address text names it at its end ('United Kingdom'); None when it names none."""
    if not text:
        return None
    _, written = _split_country(_split_parts(text))
    return written.text if written else None


def written_postcode(address: Address) -> str | None:
    """The postcode as `formatted` writes it ('SW1A2AA'), for notes; the canonical one when not found."""
    if not address.postcode or not address.formatted:
        return address.postcode
    characters = [re.escape(ch) for ch in address.postcode if ch.isalnum()]
    pattern = r"(?<![A-Za-z0-9])" + r"[\s-]?".join(characters) + r"(?![A-Za-z0-9])"
    found = re.search(pattern, address.formatted, re.IGNORECASE)
    return found.group(0) if found else address.postcode


def _country_word(text: str, *, alone: bool) -> str | None:
    key = _key(text)
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    # Two letters after a city may be a US state ("CA", "DE"): a country code only when not one.
    if len(key) == 2 and text.strip().upper() not in _REGION_CODES and not alone:
        return country_code(key) if text.strip().isupper() else None
    if len(key) == 3 and text.strip().isupper():
        return _ALPHA3.get(key)
    return None


def _postcode_prefix(before: str) -> tuple[str, str | None]:
    """'F-' in 'F-69002': removed, and the country it names."""
    prefix = re.search(r"(?:^|\s)([A-Za-z]{1,2})-$", before)
    if prefix and prefix.group(1).upper() in _POSTCODE_PREFIXES:
        return before[: prefix.start()], _POSTCODE_PREFIXES[prefix.group(1).upper()]
    return before, None


@dataclass
class _Locality:
    city: str | None
    postcode: str | None
    country: str | None  # as inferred from postcode shape, prefix or region
    street_parts: list[str]  # what precedes the locality: street lines, units, building names


def _locality_with_postcode(parts: list[str], found: _Postcode) -> _Locality:
    part = parts[found.part_index]
    before_raw, prefix_country = _postcode_prefix(part[: found.start].rstrip())
    before_raw = before_raw.strip(" ,")
    before, region_country = _strip_region(before_raw)
    after = part[found.end :].strip(" ,")
    if after.startswith("("):
        after, after_region = _strip_region(after)
        region_country = region_country or after_region
    street_parts = parts[: found.part_index]
    city: str | None = None
    if after:  # "69002 Lyon": the postcode comes first, the city after it
        city = after
        if before_raw:
            street_parts = [*street_parts, before_raw]
    elif before:  # "London SW1A 2AA", "Springfield IL 62701"
        if found.part_index == 0 or (not street_parts and _looks_like_street(before)):
            street_line, city = _split_street_and_city(before)
            if street_line:
                street_parts = [*street_parts, street_line]
        else:
            city = before
    else:
        city, street_parts, skipped_region = _city_before_postcode(
            street_parts, region_seen=bool(region_country)
        )
        region_country = region_country or skipped_region
        if city is None and before_raw:
            city = before_raw  # "Québec G1R 4P5": the city is named like its province
        elif city is None and found.part_index + 1 < len(parts):
            city = parts[found.part_index + 1]  # "75002, Paris"
    country = found.country or prefix_country or region_country
    return _Locality(city or None, found.text, country, street_parts)


def _city_before_postcode(
    street_parts: list[str], *, region_seen: bool
) -> tuple[str | None, list[str], str | None]:
    """The city when the postcode stands alone: the part before it, skipping a state or province part.

    "New York, NY 10118" names the state next to the postcode, so "New York" is the city; in
    "Springfield, Illinois, 62701" the state has its own part, which is skipped. Returns the city, the
    remaining street parts and the country of a skipped region.
    """
    skipped_region: str | None = None
    if not region_seen and len(street_parts) > 1:
        rest, region = _strip_region(street_parts[-1])
        if not rest and region and not _looks_like_street(street_parts[-2]):
            skipped_region = region
            street_parts = street_parts[:-1]
    if street_parts and not _looks_like_street(street_parts[-1]) and not _is_unit(street_parts[-1]):
        return street_parts[-1], street_parts[:-1], skipped_region
    return None, street_parts, skipped_region


def _split_street_and_city(text: str) -> tuple[str | None, str | None]:
    """'10 Downing Street London' -> ('10 Downing Street', 'London'): the city follows the street type."""
    types = list(_EN_STREET_TYPES.finditer(text))
    units = list(re.finditer(_UNIT_CORE, text, re.IGNORECASE))
    ends = [m.end() for m in types] + [m.end() for m in units if types and m.start() >= types[-1].end()]
    if ends:
        cut = max(ends)
        street, city = text[:cut].strip(" ,"), text[cut:].strip(" ,")
        return street or None, city or None
    if _looks_like_street(text):
        return text, None
    return None, text


def _locality_without_postcode(parts: list[str]) -> _Locality:
    parts = list(parts)
    country: str | None = None
    if parts:
        rest, region = _strip_region(parts[-1])
        if region:
            country = region
            parts = [*parts[:-1], rest] if rest else parts[:-1]
    if not parts:
        return _Locality(None, None, country, [])
    last = parts[-1]
    if len(parts) == 1:
        if _looks_like_street(last) or _is_unit(last):
            return _Locality(None, None, country, parts)
        return _Locality(last, None, country, [])
    if _looks_like_street(last) or _is_unit(last) or _NUMBER_ONLY.match(last):
        return _Locality(None, None, country, parts)
    return _Locality(last, None, country, parts[:-1])


@dataclass
class _StreetLine:
    house_number: str | None
    street: str | None
    unit: str | None


def _street_from_parts(parts: list[str], country: str | None) -> _StreetLine:
    units: list[str] = []
    lines: list[str] = []
    pending_number: str | None = None
    house_number: str | None = None
    for part in parts:
        part = part.strip()
        if not part:
            continue
        number_only = _NUMBER_ONLY.match(part)
        if number_only:
            if lines and house_number is None and _split_house_number(lines[-1], country)[0] is None:
                house_number = number_only.group(1)  # "Calle Mayor, 10"
            else:
                pending_number = number_only.group(1)  # "1234, rue Saint-Denis"
            continue
        if _is_unit(part):
            units.append(part)
            continue
        line, embedded_units = _take_units(part)
        units.extend(embedded_units)
        if pending_number:
            line = f"{pending_number} {line}"
            pending_number = None
        lines.append(line)
    street_line = _pick_street_line(lines)
    street: str | None = None
    if street_line is not None:
        number, street = _split_house_number(street_line, country)
        house_number = house_number or number
    elif pending_number:
        house_number = pending_number
    return _StreetLine(house_number, street or None, ", ".join(units) or None)


def _take_units(line: str) -> tuple[str, list[str]]:
    """Units written inside a street line: '123 Main St Suite 200', 'Bât. B 5 rue X'."""
    units: list[str] = []
    while end := _UNIT_AT_END.search(line):
        if not line[: end.start()].strip():
            break
        units.insert(0, end.group(1).strip())
        line = line[: end.start()].rstrip(" ,")
    while start := _UNIT_AT_START.match(line):
        units.append(start.group(1).strip())
        line = line[start.end() :]
    return line.strip(), units


def _pick_street_line(lines: list[str]) -> str | None:
    """The line that is the street: one with a house number or a street word; building names are not."""
    if not lines:
        return None
    for line in lines:
        if re.match(r"^\d", line):
            return line
    for line in lines:
        if _looks_like_street(line):
            return line
    return lines[-1]


# French streets start with their type ("Place Bellecour"), English ones end with it ("Carlton Pl").
_FRENCH_LEADING_TYPES = frozenset(
    {"rue", "avenue", "av", "boulevard", "bd", "place", "pl", "square", "allee", "quai", "cours", "chemin",
     "impasse", "route", "passage", "promenade", "esplanade", "faubourg", "villa", "cite", "residence"}
)  # fmt: skip
_NUMBER_SUFFIXES = frozenset({"bis", "ter", "quater"})
_STREET_LANGUAGES = (
    ("DE", re.compile(r"(?:stra(?:ss|ß)e|str\.|weg|gasse|platz)(?!\w)", re.IGNORECASE)),
    ("IT", re.compile(r"(?<!\w)(?:via|viale|piazza|corso|largo)(?!\w)", re.IGNORECASE)),
    ("ES", re.compile(r"(?<!\w)(?:calle|avenida|plaza|paseo|carrer|c/)(?!\w)", re.IGNORECASE)),
    ("US", _EN_STREET_TYPES),
)


def _five_digit_country_from_street(street_text: str) -> str | None:
    """Five digits are a French, German, Italian, Spanish or US postcode: the street's language tells which.

    "12 rue de la République, 69002 Lyon" is French without saying so; Belgium, Switzerland and
    Luxembourg, which also write "rue", use four digits.
    """
    words = [
        word for word in _street_words(street_text) if not word[0].isdigit() and word not in _NUMBER_SUFFIXES
    ]
    if not words:
        return None
    if _reads_french(words) or words[0] in _FRENCH_LEADING_TYPES:
        return "FR"
    for code, pattern in _STREET_LANGUAGES:
        if pattern.search(street_text):
            return code
    return None


def _split_parts(text: str) -> list[str]:
    parts = (part.strip() for part in re.split(r"[,;\n]+", text))
    return [part for part in parts if any(ch.isalnum() for ch in part)]


def parse_address(text: str | None, country_hint: str | None = None) -> Address:
    """Split free address text into house number, street, unit, postcode, city and country. Never raises.

    `country_hint` (a code or name) decides between countries whose postcodes look alike (FR, DE, US
    five digits) and is the country when the text names none. `formatted` keeps the text as given.
    """
    if not text or not text.strip():
        return Address()
    formatted = ", ".join(line.strip() for line in text.strip().splitlines() if line.strip())
    parts, written = _split_country(_split_parts(text))
    written_country = written.code if written else None
    hint = country_code(country_hint) if country_hint else None
    country = written_country or hint
    found = _find_postcode(parts, written_country) or (
        _find_postcode(parts, hint) if hint and not written_country else None
    )
    if found is None and not written_country and hint:
        found = _find_postcode(parts, None)
    locality = _locality_with_postcode(parts, found) if found else _locality_without_postcode(parts)
    if not written_country and locality.country:
        country = locality.country
    if found and not written_country and found.country is None and not locality.country:
        if hint:
            country = hint
        elif locality.city and "cedex" in _key(locality.city).split():
            country = "FR"  # CEDEX, the French business mail service
        else:
            country = _five_digit_country_from_street(" ".join(locality.street_parts))
    street_line = _street_from_parts(locality.street_parts, country)
    postcode = normalise_postcode(locality.postcode, country) if locality.postcode else None
    return Address(
        formatted=formatted,
        house_number=street_line.house_number,
        street=street_line.street,
        postcode=postcode,
        city=locality.city.strip(" ,") if locality.city else None,
        country_code=country,
        unit=street_line.unit,
    )


def with_parts(address: Address, country_hint: str | None = None) -> Address:
    """The address with its parts filled from `formatted` when a source gave only the formatted text.

    A street that still carries its number ("123 Main St" in a street field) is split too.
    """
    if any((address.street, address.postcode, address.city, address.house_number)):
        if address.street and not address.house_number:
            number, street = _split_house_number(address.street, address.country_code or country_hint)
            if number:
                return replace(address, house_number=number, street=street)
        return address
    if not address.formatted:
        return address
    parsed = parse_address(address.formatted, address.country_code or country_hint)
    return replace(
        parsed,
        country_code=address.country_code or parsed.country_code,
        unit=address.unit or parsed.unit,
        lat=address.lat,
        lon=address.lon,
        geocoder=address.geocoder,
    )


# --- formatting --------------------------------------------------------------------------------------------


def format_address(a: Address) -> str:
    """One line from the parts, in the country's order ('12 rue X, 69002 Lyon, France';
    '123 Main St, Suite 200, Springfield 62701, USA'); `formatted` when there are no parts."""
    if not any((a.house_number, a.street, a.postcode, a.city, a.unit)):
        return a.formatted or (_COUNTRY_DISPLAY.get(a.country_code, a.country_code) if a.country_code else "")
    number_last = a.country_code in _NUMBER_AFTER_STREET
    street_parts = [a.street, a.house_number] if number_last else [a.house_number, a.street]
    street_line = " ".join(p for p in street_parts if p)
    city_first = a.country_code in ("GB", "US", "CA")
    locality_parts = [a.city, a.postcode] if city_first else [a.postcode, a.city]
    locality = " ".join(p for p in locality_parts if p)
    country = _COUNTRY_DISPLAY.get(a.country_code, a.country_code) if a.country_code else None
    return ", ".join(p for p in (street_line, a.unit, locality, country) if p)
