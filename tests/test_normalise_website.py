from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from auditor.normalise import website
from auditor.normalise.website import canonical_url, registrable_domain


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Boulangerie-Dupont.fr/?utm_source=x", "boulangerie-dupont.fr"),
        ("www.boulangerie-dupont.fr", "boulangerie-dupont.fr"),
        ("boulangerie-dupont.fr/contact", "boulangerie-dupont.fr"),
        ("//boulangerie-dupont.fr", "boulangerie-dupont.fr"),
        ("http://shop.dupont.co.uk/basket", "dupont.co.uk"),
        ("https://www.joespizza.com:8443/menu", "joespizza.com"),
        ("https://lefournil.qc.ca", "lefournil.qc.ca"),
        ("https://café-dupont.fr", "café-dupont.fr"),
        ("https://xn--caf-dupont-d7a.fr", "café-dupont.fr"),  # IDN in ASCII form: same domain
        ("https://user:pw@www.dupont.fr", "dupont.fr"),
        ("https://www.facebook.com/boulangeriedupont", "facebook.com"),
        ("http://192.0.2.10/site", "192.0.2.10"),
        ("http://intranet.local-shop", "intranet.local-shop"),  # no public suffix: the host itself
    ],
)
def test_registrable_domain(url: str, domain: str) -> None:
    assert registrable_domain(url) == domain


@pytest.mark.parametrize(
    "url", [None, "", "  ", "Boulangerie Dupont", "mailto:contact@dupont.fr", "tel:+33478421010", "http://"]
)
def test_registrable_domain_of_a_non_url_is_none(url: str | None) -> None:
    assert registrable_domain(url) is None


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.Boulangerie-Dupont.fr/?utm_source=x", "https://www.boulangerie-dupont.fr"),
        ("HTTPS://WWW.DUPONT.FR/Contact/", "https://www.dupont.fr/Contact"),  # the path keeps its case
        ("http://dupont.fr:80/", "http://dupont.fr"),
        ("https://dupont.fr:443/a", "https://dupont.fr/a"),
        ("https://dupont.fr:8443/a", "https://dupont.fr:8443/a"),
        ("http://dupont.fr", "http://dupont.fr"),  # the scheme is kept
        ("dupont.fr", "http://dupont.fr"),
        ("https://dupont.fr/#contact", "https://dupont.fr"),
        (
            "https://dupont.fr/p?utm_medium=a&utm_campaign=b&gclid=1&fbclid=2&mc_cid=3&mc_eid=4&_ga=5"
            "&yclid=6&msclkid=7&ref=8",
            "https://dupont.fr/p",
        ),
        ("https://dupont.fr/p?b=2&utm_source=x&a=1", "https://dupont.fr/p?b=2&a=1"),  # order kept
        ("https://dupont.fr/search?q=pain%20complet", "https://dupont.fr/search?q=pain%20complet"),
        ("https://xn--caf-dupont-d7a.fr/", "https://café-dupont.fr"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


@pytest.mark.parametrize("url", [None, "", "not a url", "mailto:a@b.fr", "https://dupont.fr:99999/"])
def test_canonical_url_of_a_non_url_is_none(url: str | None) -> None:
    assert canonical_url(url) is None


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record, and refuse, every attempt to resolve a name or open a connection."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[:2]}")
            raise OSError(f"network access in a test: {name}")

        return refused

    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    website._extractor.cache_clear()  # a fresh extractor, so loading the suffix list happens under the patch
    yield attempts
    website._extractor.cache_clear()


def test_suffix_list_is_never_fetched(network_attempts: list[str]) -> None:
    # tldextract falls back to its snapshot when a fetch fails, so a failure alone would go unnoticed:
    # the attempts themselves are what must not happen.
    assert registrable_domain("https://shop.dupont.co.uk/") == "dupont.co.uk"
    assert registrable_domain("https://www.example.com.au") == "example.com.au"
    assert network_attempts == []
