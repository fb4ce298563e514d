"""Which existing profiles are the business's own: owned, or merely taken.

A profile is owned when it points back at the business: a link to the business's registrable domain, the
business's phone in its text, or a link to a profile already proven the business's. The business website's
own social links are proven from the start (the business vouches for them), and proof travels along links:
a profile linking to an owned profile is owned too, so we iterate until nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import phonenumbers
from phonenumbers import NumberParseException

from auditor.handles.detect import Observation
from auditor.models import HandleResult, HandleStatus
from auditor.normalise.phone import format_phone_international
from auditor.normalise.website import canonical_url, registrable_domain

WEBSITE_EVIDENCE = "linked from the business website"
# A national significant number shorter than this is too easy to find by accident in a page's digits.
_MIN_NATIONAL_DIGITS = 6


def resolve(
    observations: Sequence[Observation],
    *,
    website_domain: str | None,
    phone_e164: str | None,
    proven_urls: Iterable[str],
    declared: Mapping[str, str],
) -> list[HandleResult]:
    """One result per observation, in the same order."""
    website_proven = {key for key in (profile_key(url) for url in proven_urls) if key}
    domain = _usable_domain(website_domain, observations)
    phone = _PhoneMatcher.from_e164(phone_e164)
    ownership = _owned_profiles(observations, website_proven, domain, phone)
    return [
        _result(index, observation, ownership, declared) for index, observation in enumerate(observations)
    ]


def profile_key(url: str) -> str | None:
    """A profile URL in a form that ignores scheme, 'www.', a trailing slash, tracking parameters and case."""
    canonical = canonical_url(url)
    if canonical is None:
        return None
    return canonical.partition("://")[2].removeprefix("www.").lower()


def _usable_domain(website_domain: str | None, observations: Sequence[Observation]) -> str | None:
    """The business's domain, unless its "website" is itself a platform page (facebook.com/…): every
    profile on that platform would then seem to link back."""
    if not website_domain:
        return None
    domain = website_domain.strip().lower().removeprefix("www.")
    platform_domains = {registrable_domain(observation.url) for observation in observations}
    return None if domain in platform_domains else domain


class _PhoneMatcher:
    """Recognises the business phone among a page's digit runs, written nationally or internationally."""

    def __init__(self, national: str, prefixes: frozenset[str], shown: str) -> None:
        # What may stand before the national number: nothing, the trunk 0, 33, 0033, 33 (0), 0033 (0).
        self.written_forms = tuple(prefix + national for prefix in prefixes)
        self.shown = shown

    @classmethod
    def from_e164(cls, e164: str | None) -> _PhoneMatcher | None:
        if not e164:
            return None
        try:
            number = phonenumbers.parse(e164, None)
        except NumberParseException:
            return None
        national = phonenumbers.national_significant_number(number)
        if len(national) < _MIN_NATIONAL_DIGITS:
            return None
        code = str(number.country_code)
        prefixes = frozenset({"", "0", code, f"00{code}", f"{code}0", f"00{code}0"})
        return cls(national, prefixes, format_phone_international(e164))

    def matches(self, digits: str) -> bool:
        """Whether a digit sequence starts with the number: the page may have run it into the next one."""
        return digits.startswith(self.written_forms)


def _direct_evidence(
    observation: Observation, website_proven: set[str], domain: str | None, phone: _PhoneMatcher | None
) -> str | None:
    """Why this profile is the business's on its own merits, the strongest reason first."""
    if profile_key(observation.url) in website_proven:
        return WEBSITE_EVIDENCE
    if domain is not None and any(registrable_domain(link) == domain for link in observation.links):
        return f"links to {domain}"
    if phone is not None and any(phone.matches(digits) for digits in observation.phones):
        return f"shows the business phone {phone.shown}"
    return None


def _owned_profiles(
    observations: Sequence[Observation],
    website_proven: set[str],
    domain: str | None,
    phone: _PhoneMatcher | None,
) -> dict[int, str]:
    """Index of each owned observation → the evidence, proof spreading along links to a fixpoint."""
    existing = [index for index, observation in enumerate(observations) if observation.outcome == "exists"]
    evidence: dict[int, str] = {}
    for index in existing:
        found = _direct_evidence(observations[index], website_proven, domain, phone)
        if found is not None:
            evidence[index] = found
    proven = set(website_proven)
    proven.update(key for index in evidence if (key := profile_key(observations[index].url)))
    link_keys = {
        index: [(key, link) for link in observations[index].links if (key := profile_key(link))]
        for index in existing
        if index not in evidence
    }
    changed = True
    while changed:
        changed = False
        for index, links in link_keys.items():
            if index in evidence:
                continue
            proof = next((link for key, link in links if key in proven), None)
            if proof is None:
                continue
            evidence[index] = f"links to {proof}"
            key = profile_key(observations[index].url)
            if key:
                proven.add(key)
            changed = True
    return evidence


def _result(
    index: int, observation: Observation, ownership: Mapping[int, str], declared: Mapping[str, str]
) -> HandleResult:
    status: HandleStatus
    reason = None
    evidence = observation.evidence
    if observation.outcome == "exists":
        owned = ownership.get(index)
        status = "owned" if owned is not None else "taken"
        evidence = owned or evidence
    elif observation.outcome == "absent":
        status = "available"
    else:
        status = "unknown"
        reason = observation.reason or "unrecognised"
    return HandleResult(
        platform=observation.platform,
        handle=observation.handle,
        status=status,
        reason=reason,
        url=observation.url,
        evidence=evidence,
        declared=_is_declared(observation, declared),
        links=observation.links,
    )


def _is_declared(observation: Observation, declared: Mapping[str, str]) -> bool:
    handle = declared.get(observation.platform)
    if handle is None:
        return False
    return handle.strip().removeprefix("@").casefold() == observation.handle.casefold()
