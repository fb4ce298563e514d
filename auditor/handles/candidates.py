"""The handles a business would use, from its name and the handles it declared, and which of them each
platform's rules allow.

A handle is how people type the name without spaces: "Boulangerie Dupont" → boulangeriedupont,
boulangerie_dupont, boulangerie.dupont, dupontboulangerie, boulangeriedupontlyon. Declared handles come
first and are always checked, because they are what the business says it uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from auditor.handles.platforms import Platform
from auditor.normalise.name import LEADING_LEGAL_FORMS, LEGAL_SUFFIXES, strip_accents

# "McDonald's" is one word in a handle (mcdonalds), as is "L'Atelier" (latelier).
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NON_ALNUM = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class HandleCandidate:
    """One handle to look up.

    `platforms` limits a declared handle to the platforms it was declared for; empty means every platform
    (a name form, or a declared handle that is also a name form).
    """

    handle: str
    declared: bool
    origin: str  # "declared", "name", "name+city"
    platforms: frozenset[str] = frozenset()

    def applies_to(self, platform_id: str) -> bool:
        return not self.platforms or platform_id in self.platforms


def handle_candidates(
    name: str, city: str | None = None, declared: Mapping[str, str] | None = None
) -> list[HandleCandidate]:
    """Declared handles first, then the forms of the name; each handle once, in a stable order."""
    name_forms = _name_forms(name, city)
    by_handle: dict[str, HandleCandidate] = {}
    for platform_id, raw in (declared or {}).items():
        handle = raw.strip().removeprefix("@")
        if not handle:
            continue
        previous = by_handle.get(handle)
        platforms = frozenset({platform_id}) | (previous.platforms if previous else frozenset())
        by_handle[handle] = HandleCandidate(handle, True, "declared", platforms)
    for handle, origin in name_forms:
        previous = by_handle.get(handle)
        if previous is None:
            by_handle[handle] = HandleCandidate(handle, False, origin)
        elif previous.platforms:
            # Declared for some platforms and a name form for all: checked everywhere.
            by_handle[handle] = replace(previous, platforms=frozenset())
    return list(by_handle.values())


def _name_forms(name: str, city: str | None) -> list[tuple[str, str]]:
    words = _handle_words(name)
    if not words:
        return []
    joined = "".join(words)
    # Two words swap ("dupontboulangerie"); a longer name puts its last word first, usually the family
    # name or the distinctive word ("Le Petit Fournil Dupont" → dupontlepetitfournil).
    reversed_joined = "".join([words[-1], *words[:-1]])
    forms = [
        (joined, "name"),
        ("_".join(words), "name"),
        (".".join(words), "name"),
        (reversed_joined, "name"),
    ]
    city_words = _plain_words(city) if city else []
    if city_words:
        forms.append((joined + "".join(city_words), "name+city"))
    return list({handle: (handle, origin) for handle, origin in forms}.values())


def _plain_words(text: str) -> list[str]:
    folded = strip_accents(text.casefold())
    return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", folded)).split()


def _handle_words(name: str) -> list[str]:
    """The name's words without accents, punctuation or legal form ("SARL", "GmbH") at either end."""
    words = _plain_words(name)
    while len(words) > 1:
        if words[-1] in LEGAL_SUFFIXES:
            words = words[:-1]
        elif words[0] in LEADING_LEGAL_FORMS:
            words = words[1:]
        else:
            break
    return words


def validate_handle(handle: str, platform: Platform) -> str | None:
    """None when `handle` can exist on `platform`, else why not in words (length, characters, case)."""
    return platform.rules.problem(platform.canonical_handle(handle))


def candidates_for(
    platform: Platform, candidates: Sequence[HandleCandidate]
) -> list[tuple[HandleCandidate, str | None]]:
    """The candidates that apply to `platform`, each with None when valid there or the reason it is not.

    On a platform that folds case, the candidate carries the folded handle: that is the account it names.
    """
    out: list[tuple[HandleCandidate, str | None]] = []
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate.applies_to(platform.id):
            continue
        handle = platform.canonical_handle(candidate.handle)
        if handle in seen:
            continue
        seen.add(handle)
        if handle != candidate.handle:
            candidate = replace(candidate, handle=handle)
        out.append((candidate, platform.rules.problem(handle)))
    return out
