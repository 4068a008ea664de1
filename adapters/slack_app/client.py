"""One way to build the Web API client: base URL from settings, rate limits honoured by waiting."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack_app.config import SlackSettings

#: A 429 is waited out (Retry-After) this many times before the call fails and the job retries.
RATE_LIMIT_RETRIES = 10


def make_client(cfg: SlackSettings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """With ``session`` every call reuses its connections (the web process); without, one per call."""
    client = AsyncWebClient(token=cfg.bot_token, base_url=cfg.api_url, session=session)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def is_transient(exc: BaseException) -> bool:
    """Server errors, exhausted rate limits and network trouble are worth another try later."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status >= 500 or status == 429 or exc.response.get("error") in {"ratelimited", "internal_error",
                                                                                "fatal_error", "service_unavailable"}
    return isinstance(exc, aiohttp.ClientError | TimeoutError | ConnectionError)
