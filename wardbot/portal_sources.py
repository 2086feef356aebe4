"""What a source given to the portal importer is, and where it points: a page or a feed
(by its media type, else by its first bytes), its address as remembered, its items' page
addresses and days, and the articles a page lists as a news list does.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import email.utils
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from wardbot.hours import VIETNAM
from wardbot.portal_extract import decode_html, error_page, error_why, possible_date, text_date
from wardbot.portal_fetch import Fetched, FetchError, is_web_address
from wardbot.portal_listing import LISTED_AT_LEAST, Listed, listed_articles
from wardbot.portal_log import TRACKING

_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}
_SNIFFABLE = {"", "text/plain", "application/octet-stream"}


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _head(body: bytes) -> bytes:
    """The start of a page or feed as sniffed: after its byte order mark (which some
    portals' feeds begin with), in UTF-8, without leading white space, lower case."""
    head = body[:2048]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, "ignore").encode("utf-8")
            break
    return head.lstrip().lower()


def source_kind(content_type: str, body: bytes) -> str | None:
    """'page', 'feed', or None (neither) from the media type, sniffing when it is vague."""
    head = _head(body)
    looks_feed = head.startswith(b"<?xml") and any(t in head for t in (b"<rss", b"<feed", b"<rdf"))
    looks_feed = looks_feed or head.startswith((b"<rss", b"<feed"))
    if content_type in _HTML_TYPES:
        return "feed" if looks_feed else "page"
    if content_type in _FEED_TYPES:
        return "feed" if looks_feed or b"<html" not in head else "page"
    if content_type in _SNIFFABLE:
        if looks_feed:
            return "feed"
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            return "page"
    return None


def clean_url(url: str) -> str:
    """The address as requested and remembered: percent-encoded, without its #fragment."""
    if not is_web_address(url):  # ("http://[phuong5.gov.vn": httpx would take it)
        raise FetchError("not a valid web address")
    try:
        parts = urlsplit(str(httpx.URL(url)))
    except (httpx.InvalidURL, ValueError):
        raise FetchError("not a valid web address") from None
    # The host in lower case; a user name and password as written.
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user}{at}{host.lower()}"
    # Without what a share adds (?utm_source=zalo, &fbclid=...): one article, one address.
    query = "&".join(pair for pair in parts.query.split("&") if pair and not TRACKING.match(pair))
    return urlunsplit((parts.scheme, netloc, parts.path or "/", query, ""))


def item_url(base: str, link: str) -> str:
    """A feed item's page address (relative links are the feed's); FetchError when its
    link is none or malformed ("https://host:80a/...", "http://[host/...")."""
    if not link:
        raise FetchError("a feed item has no page link")
    try:
        item = urljoin(base, link) if base else link
        if is_web_address(item):
            return clean_url(item)
    except (ValueError, FetchError):
        pass
    raise FetchError("a feed item's page link is not a valid web address")


def feed_item_day(written: str, parsed: Any, today: dt.date) -> dt.date | None:
    """A feed item's day in Vietnam, from its date as written: feedparser's own reading
    (`parsed`) is in UTC ("Tue, 12 Mar 2024 06:20:00 +0700" is 11 March there), and it
    reads none from "12/03/2024 06:20", the way Vietnamese portals write it."""
    written = written.strip()
    posted: dt.datetime | None = None
    with contextlib.suppress(TypeError, ValueError, IndexError):
        posted = email.utils.parsedate_to_datetime(written)
    if posted is None:
        with contextlib.suppress(ValueError):
            posted = dt.datetime.fromisoformat(written)
    if posted is None and parsed:
        posted = dt.datetime(*tuple(parsed)[:6]).replace(tzinfo=dt.UTC)
    if posted is None:
        return text_date(written, today)
    try:  # a date without its zone is the portal's: Vietnam's
        day = (posted.astimezone(VIETNAM) if posted.tzinfo else posted).date()
    except OverflowError:  # "9999-12-31T23:00:00-05:00"
        return None
    # Not a day the ward could have posted on (the year 1, the year 2099): no date.
    return day if possible_date(day, today) else None


def page_not_feed(fetched: Fetched) -> str:
    """Why a web page is no feed to follow: an error or maintenance page (the portal's
    moment), or a page staff named in PORTAL_FEEDS that lists no news (an article)."""
    error = error_page(decode_html(fetched.body, fetched.charset))
    if error:
        return error_why(error, "a feed")
    return (
        "a web page that is neither a news list nor an RSS/Atom feed (PORTAL_FEEDS takes the "
        "portal's RSS addresses, or the pages listing its news)"
    )


def listed_on(
    html: str,
    url: str,
    *,
    other_news: bool = True,
    today: dt.date | None = None,
    at_least: int = LISTED_AT_LEAST,
) -> list[Listed]:
    """The articles a page links to as a news list does (none: not a news list);
    `other_news`, `today`: as listed_articles; `at_least`: the articles a list has
    (one on a list's last page)."""
    if error_page(html):
        return []
    listed = listed_articles(html, url, other_news=other_news, today=today)
    return listed if len(listed) >= at_least else []
