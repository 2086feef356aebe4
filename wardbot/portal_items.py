"""The items a followed source lists: an RSS/Atom feed's entries (its newest, newest
first, each with its date when the feed dates them one by one), or the articles a news
list links to, for a portal without RSS (wardbot.portal_listing finds them).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from wardbot.portal_extract import NotAnArticle, decode_html, extract_article
from wardbot.portal_fetch import Fetched, FetchError
from wardbot.portal_listing import LISTED_AT_LEAST, Pages, page_links
from wardbot.portal_sources import feed_item_day, listed_on, page_not_feed

MAX_FEED_ITEMS = 30  # the newest items of a feed looked at on each read
# A news list's articles have no date of their own in the list: once imported, they are
# read again only as a feed's items keeping their date are (see `Importer._recheck`).
LISTED = "listed"


@dataclass(frozen=True)
class Item:
    """A feed's item, or an article a news list links to."""

    link: str  # as written (relative links are the feed's)
    stamp: str  # its date as the feed writes it: another one, the article was edited
    date: dt.date | None = None  # its day, for a page that shows none
    title: str = ""  # as the feed or the list shows it (told admins when its page fails)


def feed_items(body: bytes, today: dt.date) -> list[Item]:
    """The newest items of the feed in `body` (FetchError: not a feed, or an empty one)."""
    parsed = feedparser.parse(io.BytesIO(body))
    entries = list(parsed.entries)
    if not entries:
        problem = "not a readable RSS/Atom feed" if parsed.bozo else "the feed has no items"
        raise FetchError(problem)
    # A feed giving all its items one date and time (when it was made) says nothing of
    # when each was posted.
    written = {str(dict.get(e, "published") or dict.get(e, "updated") or "") for e in entries}
    dated = len(entries) < 2 or len(written) > 1
    items = []
    for entry in _newest(entries, today):
        # dict.get: feedparser's own get() maps 'updated' to 'published' with a warning.
        field = functools.partial(dict.get, entry)
        stamp = str(field("updated") or field("published") or field("id") or "")
        day = _entry_date(entry, today) if dated else None
        title = " ".join(str(entry.get("title") or "").split())
        items.append(Item(str(entry.get("link") or "").strip(), stamp, day, title))
    return items


def feed_page(body: bytes, url: str, today: dt.date) -> tuple[list[Item], str | None]:
    """A feed's newest items (as `feed_items`), and the address of its next page: its
    `rel="next"` link (RFC 5005, Atom; some RSS too), else for a WordPress feed, which
    links none, the next `?paged=` (None: no next page known)."""
    items = feed_items(body, today)
    parsed = feedparser.parse(io.BytesIO(body))
    for link in parsed.feed.get("links", ()):
        if link.get("rel") == "next" and link.get("href"):
            return items, urljoin(url, str(link["href"]))
    if "wordpress.org" in str(parsed.feed.get("generator", "")).lower():
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        try:
            number = int(query.get("paged", ["1"])[0])
        except ValueError:
            return items, None
        query["paged"] = [str(number + 1)]
        return items, urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    return items, None


def list_page(
    url: str, fetched: Fetched, today: dt.date, *, other_news: bool = True, more: bool = False
) -> tuple[list[Item], Pages]:
    """A news list's page: its articles in its order, each with the day the list shows
    beside it (if any: the date of an article whose page shows none), and its links to
    the list's other pages. FetchError: no news list (an article, an error or maintenance
    page). `more`: one of the list's other pages (its last may list one article)."""
    html = decode_html(fetched.body, fetched.charset)
    at_least = 1 if more else LISTED_AT_LEAST
    listed = listed_on(html, fetched.url, other_news=other_news, today=today, at_least=at_least)
    if listed:
        try:
            extract_article(html, url=url, today=today)
        except NotAnArticle:
            items = [Item(item.url, LISTED, item.day, item.title) for item in listed]
            return items, page_links(html, fetched.url)
    raise FetchError(page_not_feed(fetched))


def oldest_first(items: list[Item]) -> bool:
    """Whether a news list's page lists its articles oldest first (by the days it shows):
    mostly so, one after the other (an old notice pinned at the top of a list newest first
    does not make it one)."""
    days = [item.date for item in items if item.date is not None]
    pairs = list(itertools.pairwise(days))
    return sum(a < b for a, b in pairs) > sum(a > b for a, b in pairs)


def newest_listed(items: list[Item]) -> list[Item]:
    """A news list's MAX_FEED_ITEMS newest articles, newest first: by the days the list
    shows when it dates each (some portals list theirs oldest first), else in its order."""
    if items and all(item.date is not None for item in items):
        # (A stable sort: articles of one day keep the list's order.)
        items = sorted(items, key=lambda item: item.date or dt.date.min, reverse=True)
    return items[:MAX_FEED_ITEMS]


def _newest(entries: list[Any], today: dt.date) -> list[Any]:
    """The feed's MAX_FEED_ITEMS newest items, newest first: by their dates when every
    item has one (some portals list theirs oldest first, and the newest would never
    be read), else in the feed's order."""
    dated = [(_entry_date(entry, today), entry) for entry in entries]
    if all(day is not None for day, _ in dated):
        # (A stable sort: items of one day keep the feed's order.)
        dated.sort(key=lambda pair: pair[0] or dt.date.min, reverse=True)
        entries = [entry for _, entry in dated]
    return entries[:MAX_FEED_ITEMS]


def _entry_date(entry: Any, today: dt.date) -> dt.date | None:
    # dict.get: feedparser's own get() maps 'updated' to 'published' with a warning.
    field = functools.partial(dict.get, entry)
    written = str(field("published") or field("updated") or "")
    when = field("published_parsed") or field("updated_parsed")
    return feed_item_day(written, when, today)
