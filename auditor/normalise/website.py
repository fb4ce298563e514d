"""Website URLs: the registrable domain (who owns the site) and a canonical URL (what page it is).

The public suffix list comes from tldextract's bundled snapshot and is never fetched: an audit must not
depend on publicsuffix.org being reachable, and a fetch at import time would slow every CLI start.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit, urlunsplit

if TYPE_CHECKING:
    import tldextract

# Query parameters that only say where a click came from: two URLs differing only by these are one page.
TRACKING_PARAMS = frozenset(
    {
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "fbclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "yclid",
        "msclkid",
        "ref",
        "srsltid",  # added by Google to organic shopping results
    }
)
TRACKING_PREFIXES = ("utm_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# A scheme without "//" and without a dot before the colon: "mailto:x@y.fr", not "dupont.fr:8080".
_OTHER_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+-]*:(?!\d)")


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() forbids the network fetch; cache_dir=None keeps the bundled snapshot in memory
    # rather than writing a cache file under the user's home. Imported here: it pulls in `requests`
    # (about 100 ms), which a run that never needs a registrable domain should not pay for.
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def _split(url: str) -> SplitResult | None:
    text = url.strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    if "://" not in text:
        if _OTHER_SCHEME.match(text):  # mailto:, tel:, javascript: are not web sites
            return None
        # "www.dupont.fr" or "//dupont.fr": people and listings often omit the scheme.
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return parts


def _unicode_host(host: str) -> str:
    """Host in lower-case Unicode, so 'xn--caf-dma.fr' and 'café.fr' compare equal."""
    labels = []
    for label in host.rstrip(".").split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):  # not punycode after all: keep as is
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(unicodedata.normalize("NFC", label).lower())
    return ".".join(labels)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def registrable_domain(url: str | None) -> str | None:
    """'https://www.Boulangerie-Dupont.fr/?utm_source=x' -> 'boulangerie-dupont.fr'; None for a non-URL.

    The registrable domain is what an owner buys: 'shop.dupont.co.uk' and 'www.dupont.co.uk' share
    'dupont.co.uk'. A host with no public suffix (an intranet name) is returned whole, minus 'www.'.
    """
    if not url:
        return None
    parts = _split(url)
    if parts is None or parts.hostname is None:
        return None
    host = _unicode_host(parts.hostname)
    if _is_ip(host):
        return host
    extracted = _extractor()(host)
    if extracted.domain and extracted.suffix:
        return f"{extracted.domain}.{extracted.suffix}"
    return host.removeprefix("www.") if "." in host else None


def _is_tracking(pair: str) -> bool:
    key = pair.split("=", 1)[0].lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """The URL with what does not change the page removed; None for a non-URL.

    Lower-case scheme and host, no default port, no trailing slash, no fragment, no tracking parameters.
    The scheme and 'www.' are kept: whether http vs https matters is the verdict's call, not ours. Other
    query parameters keep their order and encoding, since a site may rely on either.
    """
    if not url:
        return None
    parts = _split(url)
    if parts is None or parts.hostname is None:
        return None
    scheme = parts.scheme.lower()
    host = _unicode_host(parts.hostname)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    path = parts.path.rstrip("/")
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair)]
    return urlunsplit((scheme, netloc, path, "&".join(kept), ""))
