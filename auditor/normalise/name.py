"""Business names in a comparison form, and the tests that tell a variant from a stuffed or different name.

"Boulangerie Dupont SARL", "BOULANGERIE DUPONT" and "Boulangerie Dupont" are one name to a customer;
"Boulangerie Dupont - Meilleur Pain Lyon" is the same business with keywords added to rank better,
which Google's guidelines forbid and which we report.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Legal forms, lower case without dots. Only removed as whole words at the end (any of them) or at the
# start (those French forms that people put first, "SARL Dupont"): "Sa Maison" keeps its "Sa".
LEGAL_SUFFIXES = frozenset(
    {
        # France, Belgium, Switzerland, Luxembourg
        "sarl", "sas", "sasu", "eurl", "sa", "snc", "sci", "ei", "eirl", "sca", "scop", "selarl", "selas",
        "sprl", "srl", "scs", "cie",
        # English-speaking countries
        "inc", "incorporated", "llc", "ltd", "limited", "llp", "lp", "plc", "pllc", "pc", "co", "corp",
        "corporation", "pty",
        # Germany, Austria, Netherlands, Italy, Spain
        "gmbh", "ag", "kg", "ohg", "ug", "gbr", "ev", "bv", "nv", "bvba", "spa", "sl", "slu",
    }
)  # fmt: skip
LEADING_LEGAL_FORMS = frozenset(
    {"sarl", "sas", "sasu", "eurl", "snc", "sci", "selarl", "selas", "eirl", "scop", "sprl"}
)
# "&", "+" and the word for "and" in the languages we meet, as separate words: one canonical token.
CONNECTOR_WORDS = frozenset({"and", "et", "und", "y"})
CONNECTOR = "and"
# Letters NFKD does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "þ": "th"})
# "S.A.R.L." and "E.V.": dots between single letters vanish so the acronym survives as one word.
_DOTTED_ACRONYM = re.compile(r"\b(?:\w\.){2,}(?:\w\b)?")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
# French elision ("l'Église", "d'Or", "qu'"): the apostrophe separates two words, unlike "McDonald's".
_ELISION = re.compile(r"\b(\w|qu)['’ʼ`´](?=\w)")
_NON_WORD = re.compile(r"[^\w&+]+|_")
# What separates a name from appended keywords: "Dupont - Pain", "Dupont | Lyon", "Dupont (Lyon)".
_SEPARATORS = re.compile(r"\s[-–—]\s|[|:·•,/(\[]|\s[-–—]|[-–—]\s")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(raw: str, *, accents: bool = True, punctuation: bool = True, connectors: bool = True) -> list[str]:
    """The name's words after casefolding and the optional steps; each flag turns one step off.

    The flags exist so that a verdict can name what made two names differ ("legal suffix", "accents").
    """
    # Compatibility forms first ("𝓐", "ﬁ", full-width letters are letters), then case: in the other order a
    # styled capital would survive casefolding and turn up as a capital after NFKD.
    text = unicodedata.normalize("NFKC", raw).casefold()
    if accents:
        text = strip_accents(text)
    if punctuation:
        text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
        text = _ELISION.sub(r"\1 ", text)
        text = _APOSTROPHES.sub("", text)
        text = _NON_WORD.sub(" ", text)
    if connectors:
        text = text.replace("&", " & ").replace("+", " + ")
        words = [CONNECTOR if w in CONNECTOR_WORDS or w in ("&", "+") else w for w in text.split()]
    else:
        words = text.split()
    return words


def _strip_legal_forms(words: list[str]) -> list[str]:
    """Remove legal forms at either end, never emptying the name ("SAS" alone stays "sas")."""
    changed = True
    while changed and len(words) > 1:
        changed = False
        if words[-1] in LEGAL_SUFFIXES or words[-1] == CONNECTOR:
            words = words[:-1]
            changed = True
        elif words[0] in LEADING_LEGAL_FORMS:
            words = words[1:]
            changed = True
    return words


def _normalise(raw: str, *, legal: bool = True, **steps: bool) -> str:
    words = _words(raw, **steps)
    if legal:
        words = _strip_legal_forms(words)
    return " ".join(words)


def normalise_name(raw: str | None) -> str:
    """Comparison form of a business name: 'Boulangerie Dupont & Fils SARL' -> 'boulangerie dupont and fils'.

    Casefolded, accents and punctuation removed, '&'/et/and/und/y unified, legal forms removed at the ends.
    Leading articles are kept ("Le Petit Café" is not "Petit Café" on a sign). Idempotent.
    """
    if not raw:
        return ""
    return _normalise(raw)


def name_similarity(a: str, b: str) -> float:
    """0-100 similarity of two names; token-based so that word order and extra words weigh little.

    token_set_ratio scores a name contained in the other as 100: that is what matching a listing needs
    ("Dupont" is the same shop as "Boulangerie Dupont"); telling a stuffed name apart is the verdict's job.
    """
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_set_ratio(left, right))


def name_differences(value: str, reference: str) -> list[str]:
    """What makes two equal-once-normalised names differ as written: 'accents', 'legal suffix', ...

    Each step of normalisation is turned off in turn; a step without which the names differ is a reason.
    """
    reasons = []
    steps = (
        ("legal suffix", {"legal": False}),
        ("accents", {"accents": False}),
        ("& / and", {"connectors": False}),
        ("punctuation", {"punctuation": False}),
    )
    for label, off in steps:
        if _normalise(value, **off) != _normalise(reference, **off):
            reasons.append(label)
    return reasons or ["spelling"]


def _is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(word in remaining for word in needle)


def extra_words(listing: str, reference: str) -> list[str] | None:
    """The listing's words beyond the reference's, or None when the listing lacks some reference word."""
    listing_words = normalise_name(listing).split()
    reference_words = normalise_name(reference).split()
    if not reference_words or not _is_subsequence(reference_words, listing_words):
        return None
    extra = list(listing_words)
    for word in reference_words:
        extra.remove(word)
    return [w for w in extra if w not in LEGAL_SUFFIXES and w != CONNECTOR]


def is_keyword_stuffed(listing: str, reference: str) -> bool:
    """Whether the listing is the reference name plus marketing words ("Dupont - Meilleur Pain Lyon").

    Stuffed means: every word of the reference, in order, plus extra words, either two or more of them or
    set apart by a separator the reference does not have ("Dupont | Lyon"). One word without a separator
    ("Boulangerie Dupont" for "Dupont") is more often the sign than a keyword; it is a different name.
    """
    if not listing or not reference:
        return False
    extra = extra_words(listing, reference)
    if not extra:
        return False
    if len(extra) >= 2:
        return True
    return bool(_SEPARATORS.search(listing)) and not _SEPARATORS.search(reference)
