"""What the providers without an API share: asking robots.txt before fetching a public page.

Off by default (`enabled_by_default = False`): a scraping provider runs only when the user enables it
(`--enable pagesjaunes`, or `[providers.pagesjaunes] enabled = true`), fetches at most the configured rate
(1 request/second in config/defaults.toml) and through the HTTP cache, and never fetches a path the site's
robots.txt forbids to our User-Agent (urllib.robotparser, the standard library's implementation).
"""

from __future__ import annotations

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from auditor.http import FetchError
from providers.base import ProviderContext, ProviderSkipped


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
