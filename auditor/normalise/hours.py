"""Opening hours: every source's format to one weekly form (`auditor.models.WeeklyHours`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.models import DayHours, WeeklyHours

MINUTES_PER_DAY = 1440


def weekly_from_intervals(intervals: Iterable[tuple[int, int, int]]) -> WeeklyHours:
    """Build a week from (day, open_minute, close_minute) triples, day 0 = Monday.

    Providers convert their own day numbering first (Google 0 = Sunday, Foursquare 1 = Monday, Yelp
    0 = Monday). A close at or before the open means the span runs past midnight: the part after midnight
    is put on the next day, so "Fr 22:00-02:00" and "Fr 22:00-24:00; Sa 00:00-02:00" compare equal.
    Overlapping or touching spans on one day are merged.
    """
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for day, start, end in intervals:
        day %= 7
        start = max(0, min(start, MINUTES_PER_DAY))
        end = max(0, min(end, MINUTES_PER_DAY))
        if end <= start:
            if start < MINUTES_PER_DAY:
                days[day].append((start, MINUTES_PER_DAY))
            if end > 0:
                days[(day + 1) % 7].append((0, end))
        else:
            days[day].append((start, end))
    merged: list[DayHours] = []
    for spans in days:
        out: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if out and start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        merged.append(tuple(out))
    return (merged[0], merged[1], merged[2], merged[3], merged[4], merged[5], merged[6])


def hhmm_to_minutes(text: str) -> int:
    """'0730', '07:30' or '7:30' to minutes after midnight; '24:00' / '2400' is 1440."""
    digits = text.replace(":", "").strip()
    if not digits.isdigit() or len(digits) not in (3, 4):
        raise ValueError(f"not a time of day: {text!r}")
    hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"not a time of day: {text!r}")
    return hours * 60 + minutes


# --- OSM opening_hours / schema.org openingHours -------------------------------------------------------
#
# The subset real shops use: day selectors, time spans, "off", "24/7", rules separated by ";" where a later
# rule replaces the days it names. Public and school holidays (PH, SH) are not days of a normal week: rules
# about them are skipped. Anything else (months, weeks, comments) raises, so a provider keeps the text and
# reports the hours as unreadable instead of guessing.

DAY_CODES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# OSM's two-letter codes, English and French names and abbreviations. No German: "Di" is Dienstag there
# and dimanche here. No French three-letter forms: "Mar" would be mardi or March.
_DAY_NAMES: dict[str, int] = {
    name: index
    for index, names in enumerate(
        (
            ("mo", "mon", "monday", "lu", "lundi"),
            ("tu", "tue", "tues", "tuesday", "ma", "mardi"),
            ("we", "wed", "wednesday", "me", "mercredi"),
            ("th", "thu", "thur", "thurs", "thursday", "je", "jeudi"),
            ("fr", "fri", "friday", "ve", "vendredi"),
            ("sa", "sat", "saturday", "samedi"),
            ("su", "sun", "sunday", "di", "dimanche"),
        )
    )
    for name in names
}
_HOLIDAYS = frozenset({"ph", "sh"})
_CLOSED_WORDS = frozenset({"off", "closed", "close", "ferme", "fermé"})
_MONTHS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "week"}
)
# One token at a time: a time of day, a word, "24/7", or a punctuation mark the grammar uses.
_TOKEN = re.compile(
    r"\s*(?:(?P<always>24/7)|(?P<time>\d{1,2}(?:[:h.]\d{2}|h)?)|(?P<word>[^\W\d_]+)|(?P<punct>[-,:]))",
    re.IGNORECASE,
)
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-"})

# Per-day spans as written, before midnight spill-over is resolved: (open, close) with close <= open
# meaning "past midnight". Keeping them per source day lets a later rule replace Saturday without erasing
# Friday's 22:00-02:00, as opening_hours.js does.
_RawWeek = list[list[tuple[int, int]]]


@dataclass
class _Token:
    kind: str  # "always", "time", "word", "punct"
    text: str


@dataclass
class _Rule:
    days: set[int] | None = None  # None: the rule names no day, so it applies to every day
    spans: list[tuple[int, int]] = field(default_factory=list)
    closed: bool = False
    holiday_only: bool = False  # only PH/SH named: not part of a normal week
    additive: bool = False  # joined to the previous rule by "," or juxtaposition, not ";"


def _tokenise(rule_text: str, whole: str) -> list[_Token]:
    tokens = []
    position = 0
    text = rule_text.translate(_DASHES).rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found or found.end() == position:
            bad = text[position:].strip().split()[0]
            raise ValueError(f"cannot read opening hours {whole!r}: unexpected {bad!r}")
        kind = found.lastgroup or ""
        tokens.append(_Token(kind, found.group(kind)))
        position = found.end()
    return tokens


def _time_minutes(text: str, whole: str) -> int:
    digits = text.lower().replace("h", ":").replace(".", ":").rstrip(":")
    hours_text, _, minutes_text = digits.partition(":")
    hours, minutes = int(hours_text), int(minutes_text or "0")
    # OSM allows "26:00" for 2 a.m. the next day; beyond 48h nothing sensible is meant.
    if hours > 48 or minutes > 59:
        raise ValueError(f"cannot read opening hours {whole!r}: bad time {text!r}")
    return hours * 60 + minutes


def _day(token: _Token, whole: str) -> int | None:
    """Day index for a day-name token, None for PH/SH; ValueError for any other word."""
    word = token.text.casefold()
    if word in _DAY_NAMES:
        return _DAY_NAMES[word]
    if word in _HOLIDAYS:
        return None
    if word[:3] in _MONTHS:
        raise ValueError(f"cannot read opening hours {whole!r}: month or week selector {token.text!r}")
    raise ValueError(f"cannot read opening hours {whole!r}: unexpected {token.text!r}")


def _is_day_word(token: _Token) -> bool:
    word = token.text.casefold()
    return token.kind == "word" and (word in _DAY_NAMES or word in _HOLIDAYS or word[:3] in _MONTHS)


class _RuleParser:
    """Recursive-descent parser over one ';'-separated part; it may hold several additive rules."""

    def __init__(self, tokens: list[_Token], whole: str) -> None:
        self.tokens = tokens
        self.position = 0
        self.whole = whole

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def fail(self, token: _Token | None) -> ValueError:
        where = repr(token.text) if token else "end of text"
        return ValueError(f"cannot read opening hours {self.whole!r}: unexpected {where}")

    def rules(self) -> list[_Rule]:
        found = [self.rule(additive=False)]
        while (token := self.peek()) is not None:
            if token.text == ",":
                self.take()
            following = self.peek()
            if following is None or not _is_day_word(following):
                raise self.fail(following)  # an added rule must say which days it adds to
            found.append(self.rule(additive=True))
        return found

    def rule(self, *, additive: bool) -> _Rule:
        rule = _Rule(additive=additive)
        token = self.peek()
        if token is not None and _is_day_word(token):
            rule.days, rule.holiday_only = self.day_selector()
            following = self.peek()
            if rule.holiday_only and following is not None and _is_day_word(following):
                self.day_selector()  # "SH Mo-Fr 10:00-12:00": still a holiday-only rule
            if (colon := self.peek()) is not None and colon.text == ":":
                self.take()  # "Mo-Fr: 08:00-18:00", as people write it by hand
        token = self.peek()
        if token is None or (token.kind == "punct" and token.text == ","):
            if rule.days is None:
                raise self.fail(token)
            rule.spans = [(0, MINUTES_PER_DAY)]  # OSM: a day selector alone means open all day
        elif token.kind == "always":
            self.take()
            rule.spans = [(0, MINUTES_PER_DAY)]
        elif token.kind == "word" and token.text.casefold() in _CLOSED_WORDS:
            self.take()
            rule.closed = True
        elif token.kind == "time":
            rule.spans = self.time_selector()
        else:
            raise self.fail(token)
        return rule

    def day_selector(self) -> tuple[set[int], bool]:
        days: set[int] = set()
        named_holiday = False
        while True:
            first = _day(self.take(), self.whole)
            dash = self.peek()
            if dash is not None and dash.kind == "punct" and dash.text == "-":
                self.take()
                last_token = self.peek()
                if last_token is None or last_token.kind != "word":
                    raise self.fail(last_token)
                last = _day(self.take(), self.whole)
                if first is None or last is None:
                    raise self.fail(last_token)
                days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
            elif first is None:
                named_holiday = True
            else:
                days.add(first)
            comma, after = self.peek(), self.peek(1)
            if comma is None or comma.text != "," or after is None or not _is_day_word(after):
                break
            self.take()
        return days, named_holiday and not days

    def time_selector(self) -> list[tuple[int, int]]:
        spans = []
        while True:
            start_token = self.take()
            dash = self.peek()
            if dash is None or dash.text != "-":
                raise ValueError(
                    f"cannot read opening hours {self.whole!r}: {start_token.text!r} has no end time"
                )
            self.take()
            end_token = self.peek()
            if end_token is None or end_token.kind != "time":
                raise self.fail(end_token)
            self.take()
            start = _time_minutes(start_token.text, self.whole)
            end = _time_minutes(end_token.text, self.whole)
            if start >= MINUTES_PER_DAY:
                raise ValueError(f"cannot read opening hours {self.whole!r}: bad time {start_token.text!r}")
            if end > MINUTES_PER_DAY:
                end -= MINUTES_PER_DAY
            spans.append((start, end))
            following = self.peek()
            if following is not None and following.kind == "time":
                continue  # "08:00-12:00 14:00-19:00": a missing comma
            comma, after = following, self.peek(1)
            if comma is None or comma.text != "," or after is None or after.kind != "time":
                return spans
            self.take()


def _apply(rule: _Rule, week: _RawWeek, *, replace: bool) -> None:
    if rule.holiday_only:
        return
    for day in sorted(rule.days if rule.days is not None else range(7)):
        if replace or rule.closed:
            week[day] = []
        week[day].extend(rule.spans)


def _parse_raw(text: str) -> _RawWeek:
    whole = text.strip()
    week: _RawWeek = [[] for _ in range(7)]
    parts = [part for part in re.split(r"[;\n]", whole) if part.strip()]
    if not parts:
        raise ValueError("cannot read opening hours: empty text")
    for part in parts:
        tokens = _tokenise(part, whole)
        for rule in _RuleParser(tokens, whole).rules():
            _apply(rule, week, replace=not rule.additive)
    return week


def _weekly(raw: _RawWeek) -> WeeklyHours:
    return weekly_from_intervals((day, start, end) for day, spans in enumerate(raw) for start, end in spans)


def parse_opening_hours(text: str) -> WeeklyHours:
    """Weekly hours from OSM `opening_hours` or schema.org `openingHours` text.

    "Mo-Fr 08:00-12:00,14:00-19:00; Sa 08:00-12:00; PH off" and "Lu-Ve 8h-19h" both work. A later
    ";" rule replaces the days it names; rules joined by "," or a space add to them, as schema.org
    writers mean by "Mo-Sa 11:00-14:30 Mo-Th 17:00-21:30". ValueError names the part it cannot read.
    """
    return _weekly(_parse_raw(text))


def parse_opening_hours_list(items: Iterable[str]) -> WeeklyHours:
    """Weekly hours from schema.org's list form: ["Mo-Fr 07:00-19:30", "Sa 07:00-13:00"].

    Items add up rather than replace: a list is a set of statements, none overriding another.
    """
    week: _RawWeek = [[] for _ in range(7)]
    texts = [item for item in items if item and item.strip()]
    if not texts:
        raise ValueError("cannot read opening hours: empty list")
    for item in texts:
        for day, spans in enumerate(_parse_raw(item)):
            week[day].extend(spans)
    return _weekly(week)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_spans(spans: DayHours) -> str:
    """'07:00-12:00,14:00-19:00' for one day, 'closed' when it has no span."""
    if not spans:
        return "closed"
    # A close past 24:00 is a span format_hours rejoined across midnight: written as the next day's time.
    return ",".join(
        f"{_clock(start)}-{_clock(end % MINUTES_PER_DAY if end > MINUTES_PER_DAY else end)}"
        for start, end in spans
    )


def _rejoin_overnight(hours: WeeklyHours) -> list[DayHours]:
    """Undo the midnight split where it reads back unambiguously: Fr 22:00-24:00 + Sa 00:00-02:00 ->
    Fr 22:00-02:00. Only when the morning part ends before the evening part starts, or "22:00-23:00"
    style text would be read as a same-day span."""
    days = [list(spans) for spans in hours]
    for day in range(7):
        following = days[(day + 1) % 7]
        if not days[day] or not following:
            continue
        start, end = days[day][-1]
        morning_start, morning_end = following[0]
        if end == MINUTES_PER_DAY and start > 0 and morning_start == 0 and morning_end < start:
            days[day][-1] = (start, MINUTES_PER_DAY + morning_end)
            following.pop(0)
    return [tuple(spans) for spans in days]


def _day_selector(days: list[int]) -> str:
    """'Mo-We,Fr' for days [0, 1, 2, 4]: consecutive runs become ranges."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_CODES[run[0]] if len(run) == 1 else f"{DAY_CODES[run[0]]}-{DAY_CODES[run[-1]]}" for run in runs
    )


def format_hours(hours: WeeklyHours) -> str:
    """Canonical OSM-style text: 'Mo-Fr 07:00-19:30; Sa 07:00-13:00'. parse_opening_hours reads it back.

    Days with equal hours are grouped, closed days left out; "24/7" when always open, "off" when never.
    """
    if all(spans == ((0, MINUTES_PER_DAY),) for spans in hours):
        return "24/7"
    days = _rejoin_overnight(hours)
    groups: dict[DayHours, list[int]] = {}
    for day, spans in enumerate(days):
        if spans:
            groups.setdefault(spans, []).append(day)
    if not groups:
        return "off"
    return "; ".join(f"{_day_selector(group)} {format_spans(spans)}" for spans, group in groups.items())
