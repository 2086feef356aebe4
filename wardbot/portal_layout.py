"""A followed news list whose articles no longer read: the portal's new layout (its
articles' date or text where the bot no longer finds them), not pages about the ward.

A news list's link to a page that is no article is skipped without a word to admins (a
category, a page about the ward: the list's links are told apart from its menus by their
looks alone). When a list's pages are skipped so and none reads as an article, the newest
article imported from it is read again: if it no longer reads either, every article of
the portal is skipped alike, and admins must hear of it (a failure of the list itself).
A list the bot imported articles from that shows no list any more (filled in by
JavaScript now) is told as such, not as an address that was never a news list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from wardbot.portal_extract import NotAnArticle, decode_html, extract_article
from wardbot.portal_fetch import Fetcher, FetchError, is_web_address, shown_address
from wardbot.portal_log import ImportLog, page_key, record_date
from wardbot.portal_outcome import NEW, SKIPPED, UPDATED, Outcome, not_an_article
from wardbot.portal_sources import source_kind

# Why a followed news list fails when its articles no longer read (reason_vi's key).
UNREAD = "the news list's articles no longer read as articles"
# Why a followed news list fails when the page lists no news any more (reason_vi's key).
UNLISTED = "the news list the bot read before lists no news any more"


def from_list(book: ImportLog, feed: str) -> list[tuple[str, str]]:
    """(date, address) of the articles imported from the news list `feed`, still notices."""
    return [
        (record_date(record), key)
        for key, record in book.articles.items()
        if record.get("file")
        and not record.get("same_as")
        and not record.get("withdrawn")
        and page_key(str(record.get("feed"))) == page_key(feed)
        and is_web_address(key)
    ]


def unlisted_layout(book: ImportLog, feed: str, why: str) -> str:
    """Why a page followed as a news list fails, which reads as no news list now (`why`,
    as page_not_feed says it): a list the bot imported articles from lists them no more
    (the portal's new layout; its list filled in by JavaScript), not a wrong address."""
    if why.startswith("a web page that is neither") and from_list(book, feed):
        return f"{UNLISTED} (the portal's layout may have changed)"
    return why


def unread_layout(
    book: ImportLog,
    feed: str,
    seen: dict[str, Any],
    outcomes: Sequence[Outcome],
    fetcher: Fetcher,
    today: dt.date,
) -> str | None:
    """Why the news list `feed` fails (UNREAD...), judged after a poll of it (`outcomes`:
    its items'; `seen`: what is remembered of the list, "layout" the reason it failed so
    at its last poll), or None: an article read, or nothing skipped, or the newest
    article imported from it still reads (or cannot be had: nothing is known)."""
    if any(outcome.action in (NEW, UPDATED) for outcome in outcomes):
        return None
    if not seen.get("layout") and not any(o.action == SKIPPED for o in outcomes):
        return None
    imported = from_list(book, feed)
    if not imported:
        return None
    _, newest = max(imported)
    try:
        fetched = fetcher.get(newest)
        if source_kind(fetched.content_type, fetched.body) != "page":
            return None
        extract_article(decode_html(fetched.body, fetched.charset), url=newest, today=today)
    except FetchError:
        return None
    except NotAnArticle as exc:
        if not_an_article(exc.why):
            return f"{UNREAD} ({exc.why}), not even {shown_address(newest)}, imported before"
    return None
