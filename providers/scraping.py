"""What the providers without an API share: asking robots.txt before fetching a public page.

Off by default (`enabled_by_default = False`): a scraping provider runs only when the user enables it
(`--enable pagesjaunes`, or `[providers.pagesjaunes] enabled = true`), fetches at most the configured rate
(1 request/second in config/defaults.toml) and through the HTTP cache, and never fetches a path the site's
robots.txt forbids to our User-Agent (urllib.robotparser, the standard library's implementation).
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from auditor.http import FetchError
from auditor.models import Candidate
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.payload import reason_word


class PublicSearchPage(Provider):
    """A directory read from its public search page: subclasses say where the page is and how to read it."""

    kind = "listing"
    key_env = None
    enabled_by_default = False
    countries: ClassVar[tuple[str, ...]] = ("FR",)  # the site lists businesses of these countries only

    def search_url(self, query: SearchQuery) -> str:
        raise NotImplementedError

    def parse(self, html: str, url: str) -> list[Candidate]:
        raise NotImplementedError

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if query.country_code is not None and query.country_code not in self.countries:
            raise ProviderSkipped(f"{self.label} lists businesses in {', '.join(self.countries)} only")
        url = self.search_url(query)
        await check_robots(ctx, url, ctx.http.settings.user_agent)
        response = await ctx.http.get(url, headers={"Accept": "text/html"}, cache=ctx.cache_ttl is not None)
        if not response.ok:
            raise ProviderError(
                f"{reason_word(response.status)}: HTTP {response.status} from the search page"
            )
        return self.parse(response.text, url)

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # Disabled or not found, the search page is where the shop can look by hand.
        return candidate.url if candidate is not None and candidate.url else self.search_url(query)


async def check_robots(ctx: ProviderContext, url: str, user_agent: str) -> None:
    """ProviderSkipped when robots.txt forbids `url`; a missing robots.txt allows everything."""
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        response = await ctx.http.get(robots_url, cache=True, retries=1)
    except FetchError:
        return  # unreachable robots.txt: the page fetch itself will tell
    if response.status in (401, 403):
        raise ProviderSkipped(f"robots.txt of {parts.netloc} is forbidden to us (HTTP {response.status})")
    if not response.ok:
        return  # 404: no rules
    rules = RobotFileParser()
    rules.parse(response.text.splitlines())
    if not rules.can_fetch(user_agent, url):
        raise ProviderSkipped(f"robots.txt of {parts.netloc} disallows {parts.path} to our User-Agent")
