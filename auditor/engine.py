"""The audit, as one flow: input → normalise → providers concurrently → match & judge → findings and score.

Round trips are what an audit waits on, so steps only wait for what they need: the geocoder and every
provider whose query is complete start together; a provider that needs a value the user did not give (the
website when only a name was given) starts as soon as the other sources agree on one; details endpoints are
asked only for the listing that matched. A provider that fails is recorded with its reason and never stops
the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Collection, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from auditor import __version__
from auditor.brand import (
    BrandOutcome,
    BrandRequest,
    brand_findings,
    brand_score,
    load_platform_set,
    run_brand_check,
)
from auditor.business import infer_country
from auditor.config import Settings
from auditor.consensus import SOURCE_PRIORITY, ReferenceSet, build_references
from auditor.findings import listing_findings, site_findings, sort_findings
from auditor.geocode import GeocodeError, geocode_address
from auditor.http import FetchError, HttpClient
from auditor.match import MatchResult, MatchTarget, best_match, distance_m, duplicates, names_agree
from auditor.models import (
    Address,
    AuditError,
    AuditReport,
    Business,
    Candidate,
    FieldVerdict,
    Finding,
    Listing,
    ListingStatus,
    NormalizedBusiness,
)
from auditor.normalise.address import format_address, normalise_city, parse_address
from auditor.normalise.hours import parse_opening_hours
from auditor.normalise.name import normalise_name
from auditor.normalise.phone import normalise_phone
from auditor.normalise.website import registrable_domain
from auditor.plugins import default_providers
from auditor.redact import redact
from auditor.score import compute_score
from auditor.verdicts import judge_address, judge_hours, judge_name, judge_phone, judge_website
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery

log = logging.getLogger("auditor.engine")
T = TypeVar("T")


@dataclass
class ProviderRun:
    """One provider's progress through the audit."""

    provider: Provider
    status: ListingStatus = "not_found"
    reason: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    duplicates: list[Candidate] = field(default_factory=list)
    matched: tuple[Candidate, MatchResult] | None = None
    enriched: set[str] = field(default_factory=set)  # listing ids already through `enrich`


def _order(provider_id: str) -> tuple[int, str]:
    priority = SOURCE_PRIORITY.index(provider_id) if provider_id in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
    return priority, provider_id


def _merge_address(parsed: Address | None, geocoded: Address | None) -> Address | None:
    """The user's address as written, placed on the map by the geocoder (parts the text lacked filled in)."""
    if parsed is None or parsed.is_empty():
        return geocoded
    if geocoded is None:
        return parsed
    return replace(
        parsed,
        house_number=parsed.house_number or geocoded.house_number,
        street=parsed.street or geocoded.street,
        postcode=parsed.postcode or geocoded.postcode,
        city=parsed.city or geocoded.city,
        country_code=parsed.country_code or geocoded.country_code,
        lat=geocoded.lat,
        lon=geocoded.lon,
        geocoder=geocoded.geocoder,
    )


class Audit:
    """One audit of one business; holds the shared client and the per-provider runs."""

    def __init__(
        self,
        business: Business,
        settings: Settings,
        http: HttpClient,
        providers: Mapping[str, Provider],
        only: Collection[str] | None = None,
        skip: Collection[str] = (),
    ) -> None:
        self.business = business
        self.settings = settings
        self.http = http
        self.region = infer_country(business, settings.default_country)
        self.errors: list[AuditError] = []
        self.timings: dict[str, float] = {}
        selected = [
            p
            for p in providers.values()
            if p.kind == "listing" and (only is None or p.id in only) and p.id not in skip
        ]
        self.runs = {p.id: ProviderRun(p) for p in sorted(selected, key=lambda p: _order(p.id))}
        self.contexts: dict[str, ProviderContext] = {}
        self.with_brand = only is None and "handles" not in skip
        self.brand: BrandOutcome | None = None
        self.brand_request = BrandRequest(
            name=business.name, city=business.city, declared=business.handles, country_code=self.region
        )

    # -- step helpers -------------------------------------------------------------------------------------

    def _prepare(self, run: ProviderRun) -> bool:
        """Decide whether a provider can run at all; record `skipped` with the reason when not."""
        provider = run.provider
        if not self.settings.provider_enabled(provider.id, provider.enabled_by_default):
            run.status, run.reason = (
                "skipped",
                f"disabled in config (providers.{provider.id}.enabled = false)"
                if provider.enabled_by_default
                else f"off by default (no public API): --enable {provider.id} to read its public pages",
            )
            return False
        key = self.settings.provider_key(provider.id, provider.key_env) if provider.key_env else None
        if provider.key_env and not key:
            run.status, run.reason = "skipped", f"no API key: set {provider.key_env}"
            return False
        self.contexts[provider.id] = ProviderContext(
            http=self.http,
            key=key,
            settings={
                "page_size": self.settings.candidates_per_provider,
                **self.settings.provider_settings(provider.id),
            },
            cache_ttl=self.settings.cache_ttl if self.settings.cache_enabled else None,
            language=self.settings.language,
        )
        return True

    async def _guarded(self, run: ProviderRun, what: str, call: Coroutine[Any, Any, T]) -> T | None:
        """Await a provider call under the provider deadline; failures become the run's status and reason."""
        try:
            async with asyncio.timeout(self.settings.provider_timeout):
                return await call
        except ProviderSkipped as exc:
            run.status, run.reason = "skipped", exc.reason
        except ProviderError as exc:
            run.status, run.reason = "error", redact(exc.reason)
        except FetchError as exc:
            run.status, run.reason = "error", redact(str(exc))
        except TimeoutError:
            run.status = "error"
            run.reason = f"timeout: no answer within {self.settings.provider_timeout:g} s"
        except Exception as exc:  # a provider bug must not sink the audit
            log.exception("provider %s failed in %s", run.provider.id, what)
            run.status, run.reason = "error", redact(f"internal error in {what}: {type(exc).__name__}: {exc}")
        if run.status == "error":
            self.errors.append(AuditError(run.provider.id, f"{what}: {run.reason}"))
        return None

    async def _search(self, run: ProviderRun, query: SearchQuery) -> None:
        result = await self._guarded(
            run, "search", run.provider.search(self.contexts[run.provider.id], query)
        )
        if isinstance(result, list):
            run.candidates = result[: self.settings.candidates_per_provider]
            run.status = "found" if run.candidates else "not_found"
            if not run.candidates:
                run.reason = "no result for the business"

    async def _enrich(self, run: ProviderRun) -> None:
        if run.matched is None:
            return
        candidate, result = run.matched
        marker = candidate.listing_id or candidate.url or ""
        if marker in run.enriched:
            return
        run.enriched.add(marker)
        enriched = await self._guarded(
            run, "enrich", run.provider.enrich(self.contexts[run.provider.id], candidate)
        )
        if isinstance(enriched, Candidate):
            run.matched = (enriched, result)
            run.candidates = [enriched if c is candidate else c for c in run.candidates]
        else:  # details failed: judge what the search gave rather than nothing, and say so
            run.status, run.reason = "found", f"details unavailable ({run.reason})"

    async def _geocode(self, text: str | None) -> Address | None:
        if not text:
            return None
        geo = self.settings.geocoder
        if geo.name == "ban" and self.region not in (None, "FR"):
            geo = replace(geo, name="nominatim")  # the BAN only knows French addresses
        try:
            return await geocode_address(self.http, geo, text, self.region, self.settings.http.user_agent)
        except GeocodeError as exc:
            self.errors.append(AuditError("geocoder", redact(f"could not geocode the address: {exc}")))
        except FetchError as exc:
            self.errors.append(AuditError("geocoder", redact(f"could not geocode the address: {exc}")))
        return None

    async def _brand(self, proven: Awaitable[list[str]]) -> BrandOutcome | None:
        """Handles and domains for the primary brand forms; a failure is recorded, never fatal."""
        b = self.business
        try:
            platforms, blocks = load_platform_set()
            return await run_brand_check(
                self.http,
                self.brand_request,
                platforms,
                blocks,
                self.settings.domains,
                website_domain=registrable_domain(b.website) if b.website else None,
                phone_e164=normalise_phone(b.phone, self.region) if b.phone else None,
                proven_urls=proven,
                name_candidates=self.settings.handles.candidates_in_audit,
                timeout=self.settings.handles.timeout,
            )
        except Exception as exc:  # the brand check must not sink the listing audit
            log.exception("brand check failed")
            self.errors.append(AuditError("handles", redact(f"brand check failed: {exc}")))
            return None

    # -- references and matching -------------------------------------------------------------------------

    def _given_references(self, geocoded: Address | None) -> ReferenceSet:
        b = self.business
        parsed = parse_address(b.address, self.region) if b.address else None
        hours = parse_opening_hours(b.hours) if b.hours else None
        return ReferenceSet(
            name=b.name,
            name_source="business",
            phone=b.phone,
            phone_e164=normalise_phone(b.phone, self.region) if b.phone else None,
            phone_source="business" if b.phone else "none",
            website=b.website,
            website_source="business" if b.website else "none",
            address=_merge_address(parsed, geocoded) if parsed else None,
            address_source="business" if parsed else "none",
            hours=hours,
            hours_text=b.hours,
            hours_source="business" if b.hours else "none",
        )

    def _target(self, refs: ReferenceSet) -> MatchTarget:
        alias_phones = tuple(p for p in (normalise_phone(a, self.region) for a in self.business.aliases) if p)
        alias_names = tuple(a for a in self.business.aliases if not normalise_phone(a, self.region))
        return MatchTarget(
            name=refs.name,
            phone=refs.phone_e164,
            address=refs.address,
            region=self.region,
            alias_names=alias_names,
            alias_phones=alias_phones,
        )

    def _in_city(self, candidate: Candidate) -> bool:
        city = self.business.city
        if not city:
            return True
        wanted = normalise_city(city)
        address = candidate.address
        if address is None:
            return False
        if address.city and normalise_city(address.city) == wanted:
            return True
        return bool(wanted and address.formatted and wanted in (normalise_city(address.formatted) or ""))

    def _consensus_pool(self, target: MatchTarget) -> list[Candidate]:
        """Per provider, the one candidate most likely to be the business, to vote on missing references."""
        known = sum(1 for value in (target.name, target.phone, target.address) if value)
        pool: list[Candidate] = []
        for run in self.runs.values():
            if run.status != "found" or run.provider.identifies_business:
                continue
            if known >= self.settings.match.min_signals:
                found = best_match(run.candidates, target, self.settings.match)
                if found:
                    pool.append(found[0])
                continue
            for candidate in run.candidates:
                agree, _ = names_agree(
                    self.business.name, candidate.name or "", self.settings.match.name_threshold
                )
                if agree and self._in_city(candidate):
                    pool.append(candidate)
                    break
        return pool

    def _website_candidate(self) -> Candidate | None:
        for run in self.runs.values():
            if run.provider.identifies_business and run.status == "found" and run.candidates:
                return run.candidates[0]
        return None

    def _match_all(self, target: MatchTarget) -> None:
        for run in self.runs.values():
            if run.status != "found" or not run.candidates:
                continue
            if run.provider.identifies_business:
                run.matched = (run.candidates[0], MatchResult(signals=(), name_score=100.0, distance_m=None))
                continue
            run.matched = best_match(run.candidates, target, self.settings.match)
            if run.matched is not None:
                run.duplicates = duplicates(run.candidates, run.matched[0], target, self.settings.match)

    def _query(self, refs: ReferenceSet) -> SearchQuery:
        b = self.business
        address = refs.address
        return SearchQuery(
            name=b.name,
            address=b.address or (format_address(address) if address else None),
            city=b.city or (address.city if address else None),
            postcode=address.postcode if address else None,
            country_code=self.region,
            phone=refs.phone_e164,
            website=refs.website,
            lat=address.lat if address else None,
            lon=address.lon if address else None,
            handles=dict(b.handles),
        )

    # -- the flow ----------------------------------------------------------------------------------------

    async def run(self) -> AuditReport:
        started = time.perf_counter()
        given = self._given_references(None)
        query = self._query(given)
        ready = [run for run in self.runs.values() if self._prepare(run)]
        first = [run for run in ready if all(getattr(query, need) for need in run.provider.needs)]
        deferred = [run for run in ready if run not in first]

        # Step 1: the geocoder, every provider with a complete query and the brand probes, all at once.
        geocode_task = asyncio.create_task(self._geocode(self.business.address))
        proven: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
        brand_task = asyncio.create_task(self._brand(proven)) if self.with_brand else None
        await asyncio.gather(*(self._search(run, query) for run in first))
        geocoded = await geocode_task
        self.timings["search_s"] = round(time.perf_counter() - started, 3)

        given = self._given_references(geocoded)
        refs = build_references(
            given, self._website_candidate(), self._consensus_pool(self._target(given)), self.region
        )
        self._match_all(self._target(refs))

        # Step 2: what needed the consensus (deferred providers, geocoding a discovered address) and the
        # details of matched listings, together.
        query = self._query(refs)
        step2: list[asyncio.Task[object]] = []
        for run in deferred:
            missing = [need for need in run.provider.needs if not getattr(query, need)]
            if missing:
                run.status = run.provider.absent_need_status
                what = "position" if missing[0] in ("lat", "lon") else missing[0]
                run.reason = f"no {what} given, and none found on the other sources"
            else:
                step2.append(asyncio.create_task(self._search(run, query)))
        discovered_geocode: asyncio.Task[Address | None] | None = None
        if refs.address is not None and refs.address_source != "business":
            discovered_geocode = asyncio.create_task(self._geocode(format_address(refs.address)))
        step2.extend(asyncio.create_task(self._enrich(run)) for run in self.runs.values() if run.matched)
        await asyncio.gather(*step2)
        geocoded_reference = await discovered_geocode if discovered_geocode else None

        # The website may now speak for fields the user left empty, and a geocoded address places the pin.
        refs = build_references(
            given, self._website_candidate(), self._consensus_pool(self._target(refs)), self.region
        )
        if geocoded_reference is not None and refs.address is not None and refs.address_source != "business":
            refs = replace(
                refs,
                address=replace(
                    refs.address,
                    lat=geocoded_reference.lat,
                    lon=geocoded_reference.lon,
                    geocoder=geocoded_reference.geocoder,
                ),
            )
        self._match_all(self._target(refs))
        site = self._website_candidate()
        proven.set_result(
            [*site.extra.get("social_links", []), *site.extra.get("same_as", [])] if site else []
        )
        await asyncio.gather(*(self._enrich(run) for run in self.runs.values() if run.matched))
        if brand_task is not None:
            self.brand = await brand_task
            if self.brand is not None:
                self.brand.settle(website_domain=registrable_domain(refs.website) if refs.website else None)
        self.timings["total_s"] = round(time.perf_counter() - started, 3)
        return self._report(refs, geocoded if refs.address_source == "business" else geocoded_reference)

    # -- judging and reporting ---------------------------------------------------------------------------

    def _judge(self, candidate: Candidate, refs: ReferenceSet) -> dict[str, FieldVerdict]:
        if candidate.hours is None and candidate.hours_text:
            hours = FieldVerdict(
                candidate.hours_text,
                refs.as_report()["hours"].value,
                "unknown",
                "hours published in a form that could not be read",
            )
        else:
            hours = judge_hours(candidate.hours, refs.hours, candidate.hours_text, refs.hours_text)
        fields = {
            "name": judge_name(candidate.name, refs.name),
            "address": judge_address(candidate.address, refs.address),
            "phone": judge_phone(candidate.phone, refs.phone, self.region),
            "website": judge_website(candidate.website, refs.website),
            "hours": hours,
        }
        for name in candidate.not_carried:
            fields[name] = FieldVerdict(
                None, fields[name].reference, "unknown", "not published by this source"
            )
        alias_keys = {normalise_name(a) for a in self.business.aliases} | {
            p for p in (normalise_phone(a, self.region) for a in self.business.aliases) if p
        }
        for name in ("name", "phone"):
            verdict = fields[name]
            if verdict.verdict == "mismatch" and verdict.value:
                key = (
                    normalise_name(verdict.value)
                    if name == "name"
                    else normalise_phone(verdict.value, self.region)
                )
                if key in alias_keys:
                    fields[name] = replace(verdict, note="a former value (alias) still shown: update it")
        return fields

    def _listing(self, run: ProviderRun, refs: ReferenceSet) -> Listing:
        if run.status != "found":
            return Listing(run.provider.id, run.status, run.reason)
        if run.matched is None:
            best = run.candidates[0].name if run.candidates else None
            reason = f"{len(run.candidates)} result(s), none matched the business" + (
                f" (first: {best!r})" if best else ""
            )
            return Listing(run.provider.id, "not_found", reason)
        candidate, result = run.matched
        return Listing(
            provider=run.provider.id,
            status="found",
            reason=run.reason,
            url=candidate.url,
            listing_id=candidate.listing_id,
            fields=self._judge(candidate, refs),
            distance_m=None
            if run.provider.identifies_business
            else distance_m(candidate.address, refs.address),
            business_status=candidate.business_status,
            rating=candidate.rating,
            review_count=candidate.review_count,
            review_url=candidate.review_url,
            match_signals=result.signals,
            candidate=candidate,
            duplicates=tuple(run.duplicates),
        )

    def _report(self, refs: ReferenceSet, geocoded: Address | None) -> AuditReport:
        listings = [self._listing(run, refs) for run in self.runs.values()]
        query = self._query(refs)
        findings: list[Finding] = []
        site = None
        for listing, run in zip(listings, self.runs.values(), strict=True):
            candidate = run.matched[0] if run.matched else None
            fix_url = run.provider.fix_url(query, candidate)
            findings.extend(
                listing_findings(listing, run.provider.label, fix_url, self.settings.match.radius_m)
            )
            if run.provider.identifies_business and candidate is not None:
                site = candidate.extra.get("site")
        if site:
            findings.extend(site_findings(site))
        brand_score_value = None
        if self.brand is not None:
            findings.extend(brand_findings(self.brand, self.brand_request, self.settings.domains))
            brand_score_value = brand_score(self.brand)
        if self.business.address and geocoded is None:
            findings.append(
                Finding(
                    "info",
                    "address_not_geocoded",
                    "The address could not be placed on the map: pin distances are not checked.",
                )
            )
        address = refs.address or Address()
        normalized = NormalizedBusiness(
            name=normalise_name(refs.name) if refs.name else None,
            phone=refs.phone_e164,
            website=registrable_domain(refs.website) if refs.website else None,
            address=replace(address, formatted=address.formatted or format_address(address) or None),
            hours=refs.hours,
        )
        return AuditReport(
            business=self.business,
            normalized=normalized,
            references=refs.as_report(),
            listings=listings,
            findings=sort_findings(findings),
            score=compute_score(listings, self.settings.score, brand_score_value),
            errors=self.errors,
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            tool_version=__version__,
            site=site,
            timings=self.timings,
            handles=self.brand.handles if self.brand else [],
            domains=self.brand.domains if self.brand else [],
        )


async def run_audit(
    business: Business,
    settings: Settings,
    *,
    providers: Mapping[str, Provider] | None = None,
    only: Collection[str] | None = None,
    skip: Collection[str] = (),
    http: HttpClient | None = None,
) -> AuditReport:
    """Audit one business. Pass `http` to share one client across audits (batch); else one is made."""
    providers = providers if providers is not None else default_providers()
    if http is not None:
        return await Audit(business, settings, http, providers, only, skip).run()
    async with make_client(settings) as client:
        return await Audit(business, settings, client, providers, only, skip).run()


def make_client(settings: Settings) -> HttpClient:
    return HttpClient(
        settings.http,
        sandbox=settings.sandbox,
        cache_dir=settings.cache_dir,
        cache_ttl=settings.cache_ttl,
        no_cache=not settings.cache_enabled,
    )


def every_provider_failed(listings: Sequence[Listing]) -> bool:
    """True when no provider produced an answer (exit code 3), skipped ones aside."""
    ran = [listing for listing in listings if listing.status != "skipped"]
    return bool(ran) and all(listing.status == "error" for listing in ran)
