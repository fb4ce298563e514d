"""Handle candidates from a business name and its declared handles, and per-platform rule filtering.

The platforms here are small synthetic definitions (validated by the real schema), with rules shaped like
real ones: X's 4–15 letters/digits/underscores, Instagram's lower-case dotted handles, a case-sensitive
lower-case-only server.
"""

from __future__ import annotations

from typing import Any

import pytest

from auditor.handles.candidates import (
    HandleCandidate,
    candidates_for,
    handle_candidates,
    validate_handle,
)
from auditor.handles.platforms import Platform, PlatformError, parse_platform

X_RULES = "letters, digits and underscores"
INSTAGRAM_RULES = "letters, digits, periods and underscores; no period first, last or twice in a row"


def platform(
    platform_id: str, rules: dict[str, Any], existing: str = "abcd", absent: str = "zzzz"
) -> Platform:
    return parse_platform(
        {
            "id": platform_id,
            "label": platform_id.title(),
            "profile_url": f"https://{platform_id}.example/{{handle}}",
            "probe": {"url": f"https://{platform_id}.example/{{handle}}"},
            "exists": {"status": [200]},
            "absent": {"status": [404]},
            "handle_rules": rules,
            "self_test": {"existing": existing, "absent": absent},
        }
    )


X = platform(
    "x",
    {"pattern": "[A-Za-z0-9_]+", "min_length": 4, "max_length": 15, "description": X_RULES},
)
INSTAGRAM = platform(
    "instagram",
    {
        "pattern": r"(?!\.)(?!.*\.\.)[a-z0-9._]+(?<!\.)",
        "min_length": 1,
        "max_length": 30,
        "case": "lower",
        "description": INSTAGRAM_RULES,
    },
)
STRICT = platform("strict", {"pattern": "[a-z0-9_]+", "min_length": 1, "max_length": 30, "case": "sensitive"})


def handles(candidates: list[HandleCandidate]) -> list[str]:
    return [candidate.handle for candidate in candidates]


# -- forms from the name ------------------------------------------------------------------------------


def test_the_five_forms_of_the_issue_in_order() -> None:
    candidates = handle_candidates("Boulangerie Dupont", "Lyon")

    assert handles(candidates) == [
        "boulangeriedupont",
        "boulangerie_dupont",
        "boulangerie.dupont",
        "dupontboulangerie",
        "boulangeriedupontlyon",
    ]
    assert [candidate.origin for candidate in candidates] == ["name"] * 4 + ["name+city"]
    assert not any(candidate.declared for candidate in candidates)


def test_without_a_city_there_is_no_city_form() -> None:
    assert handles(handle_candidates("Boulangerie Dupont")) == [
        "boulangeriedupont",
        "boulangerie_dupont",
        "boulangerie.dupont",
        "dupontboulangerie",
    ]


def test_accents_punctuation_case_and_legal_forms_are_dropped() -> None:
    candidates = handle_candidates("SARL Pâtisserie L'Étoile & Fils", "Saint-Étienne")

    assert handles(candidates) == [
        "patisserieletoilefils",
        "patisserie_letoile_fils",
        "patisserie.letoile.fils",
        "filspatisserieletoile",  # three words and more: the last word first
        "patisserieletoilefilssaintetienne",
    ]


def test_a_trailing_legal_suffix_is_not_a_word_of_the_handle() -> None:
    assert handles(handle_candidates("Maple Street Bakery LLC"))[0] == "maplestreetbakery"
    assert handles(handle_candidates("Dupont GmbH", "Köln")) == ["dupont", "dupontkoln"]


def test_a_one_word_name_gives_each_form_once() -> None:
    assert handles(handle_candidates("Dupont", "Lyon")) == ["dupont", "dupontlyon"]


def test_a_name_without_letters_gives_only_declared_handles() -> None:
    candidates = handle_candidates("!!!", "Lyon", {"x": "dupont"})
    assert handles(candidates) == ["dupont"]


# -- declared handles ---------------------------------------------------------------------------------


def test_declared_handles_come_first_once_each_with_their_platforms() -> None:
    candidates = handle_candidates(
        "Boulangerie Dupont",
        "Lyon",
        {"instagram": "@BoulangerieDupont", "x": "dupont_lyon", "tiktok": " dupont_lyon "},
    )

    assert candidates[:2] == [
        HandleCandidate("BoulangerieDupont", True, "declared", frozenset({"instagram"})),
        HandleCandidate("dupont_lyon", True, "declared", frozenset({"x", "tiktok"})),
    ]
    assert handles(candidates[2:]) == handles(handle_candidates("Boulangerie Dupont", "Lyon"))


def test_a_declared_handle_that_is_also_a_name_form_applies_everywhere_once() -> None:
    candidates = handle_candidates("Boulangerie Dupont", None, {"instagram": "boulangeriedupont"})

    assert handles(candidates).count("boulangeriedupont") == 1
    assert candidates[0] == HandleCandidate("boulangeriedupont", True, "declared", frozenset())
    assert candidates_for(X, candidates)[0][0].handle == "boulangeriedupont"


def test_a_declared_handle_applies_only_to_its_platform() -> None:
    candidates = handle_candidates("Dupont", None, {"x": "dupont_x", "instagram": "dupont.ig"})

    assert [c.handle for c, _ in candidates_for(X, candidates)] == ["dupont_x", "dupont"]
    assert [c.handle for c, _ in candidates_for(INSTAGRAM, candidates)] == ["dupont.ig", "dupont"]
    assert [c.handle for c, _ in candidates_for(STRICT, candidates)] == ["dupont"]


# -- per-platform rules -------------------------------------------------------------------------------


def test_x_rules_filter_with_the_reason_in_words() -> None:
    reasons = dict(
        (c.handle, reason) for c, reason in candidates_for(X, handle_candidates("Café Dupont", "Lyon"))
    )

    assert reasons == {
        "cafedupont": None,
        "cafe_dupont": None,
        "cafe.dupont": f"'.' not allowed ({X_RULES})",
        "dupontcafe": None,
        "cafedupontlyon": None,
    }
    assert validate_handle("boulangeriedupontlyon", X) == f"too long: 21 characters, at most 15 ({X_RULES})"
    assert validate_handle("dup", X) == f"too short: 3 characters, at least 4 ({X_RULES})"
    assert validate_handle("dupônt", X) == f"'ô' not allowed ({X_RULES})"


def test_a_lower_case_platform_folds_what_people_type() -> None:
    candidates = handle_candidates("Boulangerie Dupont", None, {"instagram": "BoulangerieDupont"})
    checked = candidates_for(INSTAGRAM, candidates)

    # The declared "BoulangerieDupont" is the account "boulangeriedupont": one check, still declared.
    assert checked[0] == (
        HandleCandidate("boulangeriedupont", True, "declared", frozenset({"instagram"})),
        None,
    )
    assert [c.handle for c, _ in checked].count("boulangeriedupont") == 1
    assert validate_handle("BoulangerieDupont", INSTAGRAM) is None


def test_a_character_allowed_inside_but_not_at_the_end_is_named_as_such() -> None:
    assert validate_handle("dupont.", INSTAGRAM) == f"'.' not allowed here ({INSTAGRAM_RULES})"
    assert validate_handle("dupont-lyon", INSTAGRAM) == f"'-' not allowed ({INSTAGRAM_RULES})"


def test_a_case_sensitive_platform_rejects_capitals_with_the_reason() -> None:
    assert validate_handle("Dupont", STRICT) == "must be lower case"
    assert validate_handle("dupont", STRICT) is None


def test_without_a_description_the_reason_is_derived_from_the_pattern() -> None:
    digits_first = platform(
        "digits", {"pattern": "[0-9][a-z]+", "min_length": 2, "max_length": 9}, existing="1ab", absent="9zz"
    )
    assert validate_handle("dupont", digits_first) == "does not match [0-9][a-z]+"


def test_an_insensitive_platform_accepts_capitals_whatever_case_its_pattern_is_written_in() -> None:
    lower_pattern = platform("lowerpattern", {"pattern": "[a-z]+", "min_length": 1, "max_length": 9})
    assert validate_handle("Dupont", lower_pattern) is None
    assert [
        c.handle
        for c, _ in candidates_for(
            lower_pattern, handle_candidates("Dupont", None, {"lowerpattern": "DUPONT"})
        )
    ] == [
        "DUPONT",
        "dupont",
    ]


def test_self_test_handles_must_obey_the_platforms_own_rules() -> None:
    with pytest.raises(PlatformError, match=r"'x2'.*self_test\.existing.*'ab'.*too short"):
        platform("x2", {"pattern": "[a-z]+", "min_length": 3, "max_length": 9}, existing="ab", absent="zzz")
