"""Ownership: owned when a profile points back at the business (its domain, its phone, a proven profile),
taken otherwise; absent → available; unknown stays unknown with its reason."""

from __future__ import annotations

from auditor.handles.detect import Observation, Outcome
from auditor.handles.ownership import profile_key, resolve
from auditor.models import HandleResult

DOMAIN = "boulangerie-dupont.fr"
PHONE = "+33478421010"


def seen(
    platform: str,
    outcome: Outcome = "exists",
    *,
    handle: str = "boulangeriedupont",
    links: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    reason: str | None = None,
    evidence: str | None = "HTTP 200",
) -> Observation:
    return Observation(
        platform=platform,
        handle=handle,
        outcome=outcome,
        reason=reason,
        evidence=evidence,
        url=f"https://www.{platform}.com/{handle}/",
        links=links,
        phones=phones,
        status=200,
    )


def run(
    *observations: Observation,
    proven_urls: tuple[str, ...] = (),
    declared: dict[str, str] | None = None,
    website_domain: str | None = DOMAIN,
    phone: str | None = PHONE,
) -> list[HandleResult]:
    return resolve(
        observations,
        website_domain=website_domain,
        phone_e164=phone,
        proven_urls=proven_urls,
        declared=declared or {},
    )


def statuses(results: list[HandleResult]) -> list[tuple[str, str, str | None]]:
    return [(result.platform, result.status, result.evidence) for result in results]


def test_a_link_to_the_business_domain_owns_the_profile() -> None:
    results = run(seen("instagram", links=("https://www.boulangerie-dupont.fr/commander?utm_source=ig",)))
    assert statuses(results) == [("instagram", "owned", "links to boulangerie-dupont.fr")]


def test_a_link_to_a_subdomain_counts_a_lookalike_domain_does_not() -> None:
    results = run(
        seen("instagram", links=("https://shop.boulangerie-dupont.fr",)),
        seen("tiktok", links=("https://boulangerie-dupont.fr.example.com",)),
    )
    assert [result.status for result in results] == ["owned", "taken"]


def test_the_business_phone_owns_the_profile_in_national_or_international_form() -> None:
    results = run(
        seen("facebook", phones=("0478421010",)),
        seen("yelp", phones=("330478421010",)),
        seen("x", phones=("0033478421010",)),
        seen("threads", phones=("04784210109",)),  # "04 78 42 10 10 9h-19h": run into the opening hours
        seen("tiktok", phones=("0478421011", "98478421010")),  # another number; an id that ends alike
    )
    assert statuses(results) == [
        ("facebook", "owned", "shows the business phone +33 4 78 42 10 10"),
        ("yelp", "owned", "shows the business phone +33 4 78 42 10 10"),
        ("x", "owned", "shows the business phone +33 4 78 42 10 10"),
        ("threads", "owned", "shows the business phone +33 4 78 42 10 10"),
        ("tiktok", "taken", "HTTP 200"),
    ]


def test_a_profile_the_business_website_links_to_is_owned() -> None:
    results = run(
        seen("instagram"),
        proven_urls=("http://instagram.com/BoulangerieDupont",),  # scheme, www, slash and case differ
    )
    assert statuses(results) == [("instagram", "owned", "linked from the business website")]


def test_a_profile_linking_to_a_proven_profile_is_owned() -> None:
    results = run(
        seen("threads", links=("https://www.instagram.com/boulangeriedupont",)),
        seen("instagram"),
        proven_urls=("https://instagram.com/boulangeriedupont/",),
    )
    assert statuses(results) == [
        ("threads", "owned", "links to https://www.instagram.com/boulangeriedupont"),
        ("instagram", "owned", "linked from the business website"),
    ]


def test_proof_travels_along_a_chain_of_two_whatever_the_order() -> None:
    # tiktok → x → instagram → the website's domain; listed so that one pass in order would not see it.
    results = run(
        seen("tiktok", links=("https://x.com/boulangeriedupont",)),
        seen("x", links=("https://instagram.com/boulangeriedupont",)),
        seen("instagram", links=("https://boulangerie-dupont.fr",)),
    )
    assert statuses(results) == [
        ("tiktok", "owned", "links to https://x.com/boulangeriedupont"),
        ("x", "owned", "links to https://instagram.com/boulangeriedupont"),
        ("instagram", "owned", "links to boulangerie-dupont.fr"),
    ]


def test_profiles_that_only_link_to_each_other_prove_nothing() -> None:
    results = run(
        seen("x", links=("https://www.tiktok.com/boulangeriedupont",)),
        seen("tiktok", links=("https://www.x.com/boulangeriedupont",)),
    )
    assert [result.status for result in results] == ["taken", "taken"]


def test_without_any_link_back_an_existing_profile_is_taken_with_its_presence_signal() -> None:
    results = run(
        seen(
            "instagram",
            links=("https://another-bakery.fr",),
            phones=("0612345678",),
            evidence="HTTP 200, JSON has id",
        )
    )
    assert results == [
        HandleResult(
            platform="instagram",
            handle="boulangeriedupont",
            status="taken",
            url="https://www.instagram.com/boulangeriedupont/",
            evidence="HTTP 200, JSON has id",
            links=("https://another-bakery.fr",),
        )
    ]


def test_without_domain_or_phone_only_proven_links_decide() -> None:
    results = run(
        seen("instagram", links=("https://boulangerie-dupont.fr",), phones=("0478421010",)),
        website_domain=None,
        phone=None,
    )
    assert results[0].status == "taken"


def test_a_website_on_a_platform_domain_proves_nothing_by_domain() -> None:
    # The "website" is a Facebook page: every profile linking to facebook.com would seem to link back.
    results = run(
        seen("facebook", handle="someoneelse"),
        seen("x", links=("https://www.facebook.com/someoneelse",)),
        website_domain="facebook.com",
    )
    assert [result.status for result in results] == ["taken", "taken"]


def test_absent_is_available_and_unknown_keeps_its_reason() -> None:
    results = run(
        seen("x", "absent", evidence="HTTP 404"),
        seen("instagram", "unknown", reason="rate_limited", evidence="HTTP 429"),
        seen("tiktok", "unknown", reason="blocked", evidence="Cloudflare challenge (HTTP 403)"),
        proven_urls=("https://www.instagram.com/boulangeriedupont/",),
    )
    assert [(r.platform, r.status, r.reason, r.evidence) for r in results] == [
        ("x", "available", None, "HTTP 404"),
        # linked from the website but not seen to exist: a block is never turned into an answer
        ("instagram", "unknown", "rate_limited", "HTTP 429"),
        ("tiktok", "unknown", "blocked", "Cloudflare challenge (HTTP 403)"),
    ]


def test_declared_handles_are_marked_per_platform() -> None:
    results = run(
        seen("instagram", handle="boulangeriedupont"),
        seen("x", handle="boulangeriedupont"),
        seen("tiktok", handle="dupont_lyon"),
        declared={"instagram": "@BoulangerieDupont", "tiktok": "dupont"},
    )
    assert [result.declared for result in results] == [True, False, False]


def test_profile_keys_ignore_scheme_www_slash_tracking_and_case() -> None:
    assert profile_key("HTTPS://WWW.Instagram.com/Dupont/?igshid=abc") == profile_key(
        "http://instagram.com/dupont"
    )
    assert profile_key("https://instagram.com/dupont") != profile_key("https://instagram.com/dupont2")
    assert profile_key("not a url") is None
