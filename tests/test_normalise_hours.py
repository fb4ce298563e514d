from __future__ import annotations

import random

import pytest

from auditor.models import WeeklyHours
from auditor.normalise.hours import (
    format_hours,
    parse_opening_hours,
    parse_opening_hours_list,
    weekly_from_intervals,
)

MO, TU, WE, TH, FR, SA, SU = range(7)
WEEKDAYS = (MO, TU, WE, TH, FR)
ALL_DAYS = (*WEEKDAYS, SA, SU)


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def week(*rules: tuple[tuple[int, ...], str, str]) -> WeeklyHours:
    """A week from (days, open, close) rules, through the same builder the providers use."""
    return weekly_from_intervals((day, hm(start), hm(end)) for days, start, end in rules for day in days)


CLOSED_WEEK = weekly_from_intervals([])

PARSED = [
    ("Mo-Fr 07:00-19:30; Sa 07:00-13:00", week((WEEKDAYS, "07:00", "19:30"), ((SA,), "07:00", "13:00"))),
    ("Mo,We,Fr 09:00-12:00", week(((MO, WE, FR), "09:00", "12:00"))),
    ("Sa-Su 10:00-18:00", week(((SA, SU), "10:00", "18:00"))),
    ("Mo-Fr,Su 09:00-10:00", week(((*WEEKDAYS, SU), "09:00", "10:00"))),
    ("Fr-Mo 10:00-11:00", week(((FR, SA, SU, MO), "10:00", "11:00"))),  # a range across Sunday
    (
        "Mo-Fr 08:00-12:00,14:00-19:00",
        week((WEEKDAYS, "08:00", "12:00"), (WEEKDAYS, "14:00", "19:00")),
    ),
    (
        "Mo-Fr 08:00-12:00, 14:00-19:00",
        week((WEEKDAYS, "08:00", "12:00"), (WEEKDAYS, "14:00", "19:00")),
    ),
    ("Mo-Fr 08:00-18:00; We off", week(((MO, TU, TH, FR), "08:00", "18:00"))),
    ("Mo-Fr 08:00-18:00; We closed", week(((MO, TU, TH, FR), "08:00", "18:00"))),
    ("Mo-Sa 09:00-19:00; Sa 09:00-12:00", week((WEEKDAYS, "09:00", "19:00"), ((SA,), "09:00", "12:00"))),
    ("24/7", week((ALL_DAYS, "00:00", "24:00"))),
    ("Mo-Su 00:00-24:00", week((ALL_DAYS, "00:00", "24:00"))),
    ("off", CLOSED_WEEK),
    ("closed", CLOSED_WEEK),
    ("Fr 22:00-02:00", week(((FR,), "22:00", "24:00"), ((SA,), "00:00", "02:00"))),
    ("Fr 22:00-26:00", week(((FR,), "22:00", "24:00"), ((SA,), "00:00", "02:00"))),  # OSM's extended hours
    ("Mo-Sa 18:00-02:00", week(((MO, TU, WE, TH, FR, SA), "18:00", "02:00"))),
    # A later rule replaces its days but not the spill-over of the day before.
    ("Fr 22:00-02:00; Sa 10:00-12:00", week(((FR,), "22:00", "02:00"), ((SA,), "10:00", "12:00"))),
    ("Mo-Fr 09:00-18:00; PH off", week((WEEKDAYS, "09:00", "18:00"))),
    ("Mo-Fr 09:00-18:00; PH 10:00-12:00", week((WEEKDAYS, "09:00", "18:00"))),
    ("Mo-Fr 09:00-18:00; SH Mo-Fr 10:00-12:00", week((WEEKDAYS, "09:00", "18:00"))),
    ("Mo-Fr,PH 09:00-18:00", week((WEEKDAYS, "09:00", "18:00"))),
    (
        "Lu-Ve 8h-12h, 14h-19h; Sa 8h30-12h",
        week((WEEKDAYS, "08:00", "12:00"), (WEEKDAYS, "14:00", "19:00"), ((SA,), "08:30", "12:00")),
    ),
    ("lu-ve 08:00-18:00; di fermé", week((WEEKDAYS, "08:00", "18:00"))),
    ("Mon-Fri 9:00-17:00; Sat 10:00-14:00", week((WEEKDAYS, "09:00", "17:00"), ((SA,), "10:00", "14:00"))),
    ("Mo-Fr: 08:00-18:00", week((WEEKDAYS, "08:00", "18:00"))),
    ("Mo-Fr 08:00–18:00", week((WEEKDAYS, "08:00", "18:00"))),  # en dash
    ("08:00-18:00", week((ALL_DAYS, "08:00", "18:00"))),  # no day selector: every day
    # schema.org writers put rules side by side; they add up.
    (
        "Mo-Sa 11:00-14:30 Mo-Th 17:00-21:30",
        week(((*WEEKDAYS, SA), "11:00", "14:30"), ((MO, TU, WE, TH), "17:00", "21:30")),
    ),
    ("Mo-Fr 08:00-12:00, We 14:00-18:00", week((WEEKDAYS, "08:00", "12:00"), ((WE,), "14:00", "18:00"))),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[p[0] for p in PARSED])
def test_parse_opening_hours(text: str, expected: WeeklyHours) -> None:
    assert parse_opening_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("Jul-Aug Mo-Fr 10:00-12:00", "'Jul'"),
        ("Mo-Fr 10:00", "'10:00' has no end time"),
        ("Mo-Fr 10:00-", "end of text"),
        ("blah", "'blah'"),
        ("Mo-Fr 08:00-18:00 open", "'open'"),
        ("Mo-Fr 25:00-26:00", "'25:00'"),
        ('Mo "on appointment"', "'\"on'"),
        ("Mo-Fr 08:00-18:00 off", "'off'"),
        ("Mo-", "end of text"),
        ("Xy-Fr 10:00-12:00", "'Xy'"),
        ("", "empty"),
        (" ; ", "empty"),
    ],
)
def test_unreadable_hours_name_the_bad_part(text: str, bad_part: str) -> None:
    with pytest.raises(ValueError, match="cannot read opening hours") as raised:
        parse_opening_hours(text)
    assert bad_part in str(raised.value)


def test_schema_org_list_items_add_up() -> None:
    assert parse_opening_hours_list(["Mo-Fr 07:00-19:30", "Sa 07:00-13:00"]) == parse_opening_hours(
        "Mo-Fr 07:00-19:30; Sa 07:00-13:00"
    )
    # Overlapping items are lunch and dinner, not a correction of each other.
    assert parse_opening_hours_list(["Mo-Sa 11:00-14:30", "Mo-Th 17:00-21:30"]) == parse_opening_hours(
        "Mo-Sa 11:00-14:30 Mo-Th 17:00-21:30"
    )


def test_schema_org_list_rejects_empty_and_bad_items() -> None:
    with pytest.raises(ValueError, match="empty"):
        parse_opening_hours_list(["", "  "])
    with pytest.raises(ValueError, match="'Xy'"):
        parse_opening_hours_list(["Mo-Fr 07:00-19:30", "Xy 07:00-13:00"])


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (week((WEEKDAYS, "07:00", "19:30"), ((SA,), "07:00", "13:00")), "Mo-Fr 07:00-19:30; Sa 07:00-13:00"),
        (week((ALL_DAYS, "00:00", "24:00")), "24/7"),
        (CLOSED_WEEK, "off"),
        (week(((MO, TU, TH, FR), "08:00", "18:00")), "Mo-Tu,Th-Fr 08:00-18:00"),
        (week((WEEKDAYS, "08:00", "12:00"), (WEEKDAYS, "14:00", "19:00")), "Mo-Fr 08:00-12:00,14:00-19:00"),
        (week(((MO, TU, WE, TH, FR, SA), "18:00", "02:00")), "Mo-Sa 18:00-02:00"),
        (week(((SU,), "20:00", "01:00")), "Su 20:00-01:00"),
        (week(((SA,), "00:00", "24:00")), "Sa 00:00-24:00"),
        # A morning span longer than the evening start cannot be written as "22:00-23:00": kept apart.
        (week(((MO,), "10:00", "24:00"), ((TU,), "00:00", "11:00")), "Mo 10:00-24:00; Tu 00:00-11:00"),
    ],
)
def test_format_hours(hours: WeeklyHours, text: str) -> None:
    assert format_hours(hours) == text
    assert parse_opening_hours(text) == hours


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[p[0] for p in PARSED])
def test_format_is_idempotent_on_parsed_text(text: str, expected: WeeklyHours) -> None:
    canonical = format_hours(parse_opening_hours(text))
    assert format_hours(parse_opening_hours(canonical)) == canonical


def test_parse_of_format_is_identity_on_random_weeks() -> None:
    rng = random.Random(1234)
    for _ in range(2000):
        spans = [
            (rng.randrange(7), rng.randrange(0, 1440, 15), rng.randrange(0, 1441, 15))
            for _ in range(rng.randint(0, 9))
        ]
        hours = weekly_from_intervals(spans)
        assert parse_opening_hours(format_hours(hours)) == hours, spans
