"""Finding texts: English templates that are also the msgids of the report catalogs (reports/locale).

A finding keeps its template and parameters, not only the finished English sentence, so that the HTML and
Markdown reports can say the same thing in French: `render(template, params, gettext)`. Templates are
whole sentences per case (per field, per state) rather than fragments glued together, because a
translator must see the sentence: French agrees articles and adjectives with the field (« le numéro »,
« l'adresse », « les horaires »).

What stays in English in every language: the values the web gave (a listing's name), and `note`, the
verdict's technical detail ("house number 12 vs 14"), which is data rather than prose.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from auditor.models import Finding, Severity

Translate = Callable[[str], str]


def N_(text: str) -> str:
    """Marks a template for extraction into the catalogs (`pybabel extract -k N_`), translates nothing."""
    return text


def _same(text: str) -> str:
    return text


def render(template: str, params: Mapping[str, Any], translate: Translate = _same) -> str:
    """The sentence in the language of `translate` (English by default).

    Two parameters are shaped here so that every language gets them the same way: `note` becomes
    " (note)" or nothing, and `items` (a list of {"template", "params"}) becomes the rendered items
    joined with "; ".
    """
    values = dict(params)
    if "note" in values:
        values["note"] = f" ({values['note']})" if values["note"] else ""
    if "items" in values:
        values["items"] = "; ".join(
            render(item["template"], item["params"], translate) for item in values["items"]
        )
    return translate(template).format(**values)


def finding(
    severity: Severity,
    code: str,
    template: str,
    provider: str | None = None,
    fix_url: str | None = None,
    **params: Any,
) -> Finding:
    return Finding(
        severity,
        code,
        render(template, params),
        provider,
        fix_url,
        template=template,
        params=params,
    )


# -- listings ------------------------------------------------------------------------------------------

PROVIDER_SKIPPED = N_("{label} was not checked: {reason}.")
PROVIDER_ERROR = N_("{label} could not be checked: {reason}.")
NO_WEBSITE = N_("No website found for the business ({reason}).")
LISTING_NOT_FOUND = N_(
    "No {label} listing found for the business: customers searching {label} will not see it."
)
LISTING_CLOSED = {
    "closed_permanently": N_(
        "{label} shows the business as permanently closed: customers will think it no longer trades."
    ),
    "closed_temporarily": N_(
        "{label} shows the business as temporarily closed: customers will think it no longer trades."
    ),
}
MISMATCH = {
    "name": N_("{label} shows the name “{value}”, the reference is “{reference}”{note}."),
    "address": N_("{label} shows the address “{value}”, the reference is “{reference}”{note}."),
    "phone": N_("{label} shows the phone number “{value}”, the reference is “{reference}”{note}."),
    "website": N_("{label} shows the website “{value}”, the reference is “{reference}”{note}."),
    "hours": N_("{label} shows the hours “{value}”, the reference is “{reference}”{note}."),
}
MISSING = {
    "name": N_("{label} has no name; add “{reference}”."),
    "address": N_("{label} has no address; add “{reference}”."),
    "phone": N_("{label} has no phone number; add “{reference}”."),
    "website": N_("{label} has no website; add “{reference}”."),
    "hours": N_("{label} has no hours; add “{reference}”."),
}
VARIANT_ITEM = {
    "name": N_("name “{value}”{note}"),
    "address": N_("address “{value}”{note}"),
    "phone": N_("phone number “{value}”{note}"),
    "website": N_("website “{value}”{note}"),
    "hours": N_("hours “{value}”{note}"),
}
VARIANTS = N_(
    "{label} writes {count} field(s) differently from the reference: {items}. Same values, but identical "
    "spelling everywhere helps search engines trust the listing."
)
PIN_FAR = N_("{label} puts the pin {distance} m from the address.")
DUPLICATE_LISTING = N_(
    "{label} has {count} listings for the business ({urls}): duplicates split the reviews and confuse maps; "
    "ask {label} to merge them."
)

# -- the website -----------------------------------------------------------------------------------------

NO_HTTPS = N_("The website is not served over HTTPS: browsers mark it “not secure”.")
NO_HTTPS_REDIRECT = N_(
    "http:// does not redirect to https://: visitors typing the address get the insecure page."
)
NOT_MOBILE_FRIENDLY = N_("The home page has no viewport meta tag: it will render badly on phones.")
NO_STRUCTURED_DATA = N_(
    "The website has no schema.org LocalBusiness data: search engines must guess its name, address, "
    "phone and hours."
)
STALE_SITE = N_("The website's copyright notice says {year}: it looks unmaintained.")

# -- handles -----------------------------------------------------------------------------------------------

DECLARED_HANDLE_MISSING = N_("The {label} handle you list, @{handle}, does not exist.")
HANDLE_NOT_LINKED = N_(
    "{label} @{handle} does not link to your website or phone: add your website to the profile so "
    "customers can tell it is yours."
)
HANDLE_AVAILABLE = N_("@{handle} is free on {label}: reserve it before someone else does.")
HANDLE_TAKEN = N_("@{handle} on {label} belongs to someone else ({evidence}).")

# -- domains -----------------------------------------------------------------------------------------------

DOMAIN_AVAILABLE = N_("{domain} is free: registering it keeps the name from someone else.")
DOMAIN_LAPSED = N_(
    "{domain}, the business's website, is not registered to anyone: the site is down or about to be, "
    "and anyone can take the name. Register it again now."
)
DOMAIN_EXPIRED = N_("{domain} expired on {expires}: renew it before someone else takes it.")
DOMAIN_EXPIRED_AT = N_("{domain} expired on {expires}: renew it at {registrar} before someone else takes it.")
DOMAIN_EXPIRES_TODAY = N_("{domain}, the business's website, expires today ({expires}): renew it.")
DOMAIN_EXPIRES_TODAY_AT = N_(
    "{domain}, the business's website, expires today ({expires}): renew it at {registrar}."
)
DOMAIN_EXPIRES_IN_ONE_DAY = N_("{domain}, the business's website, expires in 1 day ({expires}): renew it.")
DOMAIN_EXPIRES_IN_ONE_DAY_AT = N_(
    "{domain}, the business's website, expires in 1 day ({expires}): renew it at {registrar}."
)
DOMAIN_EXPIRES_IN = N_("{domain}, the business's website, expires in {days} days ({expires}): renew it.")
DOMAIN_EXPIRES_IN_AT = N_(
    "{domain}, the business's website, expires in {days} days ({expires}): renew it at {registrar}."
)
DOMAIN_TAKEN = N_("{domain} is registered by someone other than the business.")
DOMAIN_TAKEN_AT = N_("{domain} is registered by someone other than the business (registrar: {registrar}).")
DOMAIN_TAKEN_UNTIL = N_("{domain} is registered by someone other than the business. It expires on {expires}.")
DOMAIN_TAKEN_AT_UNTIL = N_(
    "{domain} is registered by someone other than the business (registrar: {registrar}). It expires on "
    "{expires}."
)
