"""Importing announcements from the ward's web portal (`bot.py import`, the feed follower).

A source is a page URL, a saved HTML file, or an RSS/Atom feed (URL or file), whose items
are imported one by one. Each article becomes `content/YYYY-MM-DD-slug.md` (title, date,
topics tagged from faq.yaml's keywords as the loader does, source), written in a staging
folder, checked by the loader, then renamed in. `data/portal-imports.json`
(wardbot.portal_log) remembers what was imported, so that nothing comes twice and nothing
staff did is undone:

- the same page again (by URL, or by the canonical address it names) changes nothing;
  a page whose text changed rewrites its file under the same name (same id: no new alert);
- another page with the same text (a re-post: nearly the same text is one only under the
  same title and date, with the same numbers and names) is skipped, and remembered as such;
- an article that moved (nearly the same text, the same date, its old address gone or
  showing the new text) updates its file, and its record follows it to the new address;
- a file staff deleted is not imported again; a file staff edited is left alone until the
  portal's text changes (the staff version is then kept in `data/portal-replaced/`).

Bad input never raises: every source ends as an `Outcome`, a failure saying why.

Here: reading sources and following feeds (what is read, when, in which order). The rest
is its helpers': a feed's or a news list's items (portal_items), a followed feed's
failing items tried again (portal_retry), what a page read becomes in the import log and
its file (portal_decide, portal_files), articles the portal took down (portal_withdraw),
a news list whose articles no longer read (portal_layout).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wardbot import portal_items
from wardbot.config import Settings
from wardbot.hours import vietnam_today
from wardbot.models import Announcement
from wardbot.portal_decide import Decider, edited, moved_from
from wardbot.portal_extract import NotAnArticle, decode_html, extract_article
from wardbot.portal_fetch import (
    Fetched,
    Fetcher,
    FetchError,
    is_web_address,
    looks_web,
    read_file,
    shown_address,
)
from wardbot.portal_files import BacklogNotRemembered, NoticeFiles, Refused
from wardbot.portal_items import (
    LISTED,
    Item,
    feed_items,
    feed_page,
    list_page,
    newest_listed,
    oldest_first,
)
from wardbot.portal_layout import unlisted_layout, unread_layout
from wardbot.portal_listing import Pages
from wardbot.portal_log import (
    IMPORT_LOG,
    LOG_VERSION,
    UNTOLD,
    ImportLog,
    ImportLogError,
    locked,
    page_key,
)
from wardbot.portal_outcome import (
    DELETED,
    DUPLICATE,
    FAILED,
    KEPT,
    NEW,
    NO_ARTICLE_FOUND,
    UNCHANGED,
    WITHDRAWN,
    Outcome,
    failure,
    no_article,
    portal_wide,
)
from wardbot.portal_retry import Failing, count, of_backlog, remembered, to_retry, waiting
from wardbot.portal_sources import clean_url, item_url, source_kind
from wardbot.portal_withdraw import REMOVED, gone_from, removed_there, withdraw
from wardbot.publish import served_faq

log = logging.getLogger(__name__)

# A news list followed for a portal without RSS: the pages it links to that were never
# imported, read at most in one poll (its first read excepted: up to MAX_FEED_ITEMS).
NEW_PAGES_PER_POLL = 10
# An article the portal may still edit (its feed item keeping its date) is read again when
# its feed changes, RECHECK_EVERY at most, for RECHECK_DAYS after the day it was posted;
# so is one its feed no longer shows (see wardbot.portal_withdraw).
RECHECK_DAYS = 7
RECHECK_EVERY = 3600.0
# A followed news list's other pages read in one poll at most ("Trang sau", or its last
# pages for a list dated oldest first), when its first ends on news (see _news_to_its_end).
MORE_LIST_PAGES = 3
# A news list showing no dates: its order as read from its articles' days, remembered with
# the feed ("order") so that they are read once.
OLDEST_FIRST, NEWEST_FIRST = "oldest first", "newest first"


def _each_once(base: str, items: list[Item]) -> list[Item]:
    """A news list's articles read from several of its pages, each once (an article moves
    to the next page as news is posted while they are read; some portals pin one on every
    page), where it came first."""
    seen: set[str] = set()
    once = []
    for item in items:
        try:
            key = page_key(item_url(base, item.link))
        except FetchError:
            key = item.link
        if key not in seen:
            seen.add(key)
            once.append(item)
    return once


def _as_told(outcome: Outcome, stamp: str, title: str | None) -> Outcome:
    """An item's outcome as admins hear of it: a news list's link to a page that is no
    article (a category, a page about the ward) is skipped, not a failure, whenever read;
    a page that failed under the `title` its feed or list shows (admins told of a bare
    address could not tell which post it is)."""
    if outcome.failed and title and not outcome.title:
        outcome = replace(outcome, title=title)
    return no_article(outcome) if stamp == LISTED else outcome


class Importer:
    """Imports sources into the content folder (or, with `dry_run`, only says what it would).

    `allowed_hosts` (None: any) limits the hosts fetched, redirects included.
    `on_backlog(notice)` is called for each new notice of a feed read for the first time,
    before its file is in the content folder (the follower has it remembered as alerted:
    what the portal already had is no news to subscribers). `clock` (seconds, the epoch's)
    says when a followed feed's failing items are due to be tried again. `untold`: each
    new notice is marked in the import log until admins hear of it (the feed follower's:
    see portal_log.UNTOLD).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        dry_run: bool = False,
        allowed_hosts: Sequence[str] | None = None,
        today: Callable[[], dt.date] = vietnam_today,
        fetcher: Fetcher | None = None,
        on_backlog: Callable[[Announcement], None] | None = None,
        clock: Callable[[], float] = time.time,
        untold: bool = False,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.untold = untold
        self._every_item = False  # follow(every_item=...)
        # After follow(): the feeds whose items read were all refused as the portal
        # refuses every page (True), or not (False); a feed with no item read: absent.
        self.items_down: dict[str, bool] = {}
        self.dry_run = dry_run
        self.on_backlog = on_backlog
        self._backlog = False  # reading a feed for the first time
        self._deferred = False  # a news list's pages left for the next poll (NEW_PAGES_PER_POLL)
        self._feed_url: str | None = None  # the feed whose items are being imported
        self._order: dict[str, str] = {}  # a news list showing no dates -> its order
        self.today = today
        self.fetcher = fetcher or Fetcher(allowed_hosts)
        self.max_bytes = self.fetcher.max_bytes
        # The topics the bot serves tag the notices: of two sharing an id, the one served;
        # while a mistake keeps faq.yaml from serving ('topic:' for 'topics:'), the last good.
        faq, _ = served_faq(settings)
        self.topics = faq.topics
        self.faq_ids = {entry.id for entry in faq.faq}
        self.log_path = settings.data_dir / IMPORT_LOG
        self._dry_log: ImportLog | None = None
        self.files = NoticeFiles(
            settings, self.topics, self.faq_ids, dry_run=dry_run, on_backlog=on_backlog
        )
        self.decider = Decider(settings, self.files, dry_run=dry_run)

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> Importer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- sources ----------------------------------------------------------------------

    def run(self, sources: Sequence[str]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for source in sources:
            outcomes.extend(self.import_source(source))
        return outcomes

    def import_source(self, source: str) -> list[Outcome]:
        """A page URL, a feed URL, a saved page or a saved feed; never raises for bad input."""
        try:
            if is_web_address(source) or looks_web(source):
                url = clean_url(source)  # (FetchError: not a valid web address)
                fetched = self._read(source, url, self._log().find([url]))
                if isinstance(fetched, Outcome):  # an imported article the portal withdrew
                    return [fetched]
                if fetched.not_modified:
                    return [self._unchanged(source, url)]
                kind = source_kind(fetched.content_type, fetched.body)
                if kind is None:
                    shown = fetched.content_type or "no Content-Type"
                    raise FetchError(f"not an HTML page or an RSS/Atom feed ({shown})")
                if kind == "feed":
                    items = self._feed_pages(url, fetched, {}, False)
                    return self._feed(source, url, fetched.body, items=items)
                try:
                    return [self._page(source, url, fetched)]
                except NotAnArticle as exc:
                    if not exc.why.startswith(NO_ARTICLE_FOUND):  # (an article, undated)
                        raise
                    no_article = exc
                try:  # a portal without RSS: its news list, its articles imported as a feed's
                    # (Staff gave this page: not an article's "Tin liên quan" read as a list.)
                    listed = self._news_list(url, fetched, {}, False, other_news=False)
                except FetchError:
                    raise no_article from None  # neither an article nor a list of them
                return self._feed(source, url, fetched.body, listed=listed)
            path = Path(source)
            body = read_file(path, self.max_bytes)
            suffix = path.suffix.lower()
            kind = {".html": "page", ".htm": "page", ".xhtml": "page"}.get(suffix)
            kind = kind or {".xml": "feed", ".rss": "feed", ".atom": "feed"}.get(suffix)
            kind = kind or source_kind("", body)
            if kind is None:
                raise FetchError("not an HTML page or an RSS/Atom feed")
            if kind == "feed":
                return self._feed(source, None, body)
            fetched = Fetched(f"file:{path.resolve()}", 200, body, "text/html")
            return [self._page(source, None, fetched)]
        except Exception as exc:
            return [failure(source, exc)]

    def follow(self, feeds: Sequence[str], *, every_item: bool = False) -> list[Outcome]:
        """Read each feed if it changed since the last read (ETag / Last-Modified), and
        try again those of its items that failed and are due (see `portal_retry`): an item
        that keeps failing is neither fetched at each poll nor keeps its feed read in full
        (the items failing are remembered with the feed's validators). `every_item`: those
        not due yet too (an admin's /reload, after staff fixed the portal)."""
        outcomes: list[Outcome] = []
        now = self.clock()
        self._every_item = every_item
        for feed in feeds:
            try:
                url = clean_url(feed)
                seen = self._log().feeds.get(url, {})
                fetched = self.fetcher.get(
                    url, etag=seen.get("etag"), last_modified=seen.get("last_modified")
                )
                failing = remembered(seen.get("failing"))
                if fetched.not_modified:
                    items = self._retry(failing, now)
                else:
                    listed = None
                    # Never read before (at most failing: added while the portal was down).
                    first_read = "etag" not in self._log().feeds.get(url, {})
                    self._deferred = False
                    entries = None  # a feed's
                    if source_kind(fetched.content_type, fetched.body) == "page":
                        try:  # a portal without RSS
                            listed = self._news_list(url, fetched, failing, first_read)
                        except FetchError as exc:
                            raise FetchError(unlisted_layout(self._log(), url, exc.why)) from None
                    else:
                        entries = self._feed_pages(url, fetched, failing, first_read)
                    self._backlog = first_read
                    try:
                        items = self._feed(
                            feed,
                            url,
                            fetched.body,
                            failing=failing,
                            now=now,
                            listed=listed,
                            items=entries,
                        )
                    finally:
                        self._backlog = False
                    if self._deferred:  # the list's next poll reads it whole again
                        fetched = replace(fetched, etag=None, last_modified=None)
                outcomes.extend(items)
                read = [o for o in items if o.source != feed]
                if read:
                    self.items_down[feed] = all(o.failed and portal_wide(o.why or "") for o in read)
                book = self._log()
                layout = unread_layout(book, url, seen, items, self.fetcher, self.today())
                if layout:
                    outcomes.append(Outcome(feed, FAILED, why=layout))
                # Read: what it lists from now on is news.
                self._remember_feed(url, fetched, failing, seen, layout)
            except Exception as exc:
                failed = failure(feed, exc)
                outcomes.append(failed)
                with contextlib.suppress(ImportLogError, OSError):  # (what failed, maybe)
                    self._remember_feed_failed(feed, failed.why or "")
        return outcomes

    def failing(self, feeds: Sequence[str]) -> dict[str, str]:
        """What failed at its last try among `feeds` and their items, with why (as the
        Outcome said it): the feeds themselves, and their items still to be tried again.
        A follower starting again tells admins only of what is new."""
        try:
            book = self._log()
        except ImportLogError:
            return {}  # each feed's poll says so
        found = {}
        for feed in feeds:
            with contextlib.suppress(FetchError):
                seen = book.feeds.get(clean_url(feed), {})
                if seen.get("failed") or seen.get("layout"):
                    found[feed] = str(seen.get("failed") or seen["layout"])
                items = seen.get("failing")
                for item in items.values() if isinstance(items, dict) else ():
                    if isinstance(item, dict) and item.get("url") and item.get("why"):
                        found[str(item["url"])] = str(item["why"])
        return found

    def withdrawn(self) -> int:
        """How many imported notices were withdrawn as the portal took their articles down."""
        try:
            return sum(bool(record.get("withdrawn")) for record in self._log().articles.values())
        except ImportLogError:
            return 0

    # --- feeds ------------------------------------------------------------------------

    def _feed(
        self,
        source: str,
        url: str | None,
        body: bytes,
        *,
        failing: dict[str, Any] | None = None,
        now: float = 0.0,
        listed: list[Item] | None = None,
        items: list[Item] | None = None,
    ) -> list[Outcome]:
        """The feed's items imported (`items`: as read, its next pages' too: see
        `_feed_pages`; `listed`: a news list's articles, for a portal without RSS); with
        `failing` (a followed feed's items that failed, by their page_key), those not due
        again are skipped and the list is kept. What is imported is recorded as the
        feed's (see `_imported`)."""
        self._feed_url = url
        try:
            if listed is not None:
                # Its first read, and `bot.py import` of it (not followed): every page.
                cap = None if self._backlog or failing is None else NEW_PAGES_PER_POLL
                return self._items(source, url, listed, failing=failing, now=now, cap=cap)
            if items is None:
                items = feed_items(body, self.today())
            return self._items(source, url, items, failing=failing, now=now)
        finally:
            self._feed_url = None

    def _items(
        self,
        source: str,
        url: str | None,
        items: list[Item],
        *,
        failing: dict[str, Any] | None,
        now: float,
        cap: int | None = None,
    ) -> list[Outcome]:
        """A feed's (or a news list's) items, newest first, imported oldest first; `cap`:
        how many pages never imported are read at most (the rest: at the next poll)."""
        base = url or ""
        outcomes = []
        listed: dict[str, dt.date | None] = {}  # page_key -> the item's date
        if self._backlog and any(self._imported(base, item.link) for item in items):
            # Followed before, by a version that wrote no record of a feed with an item
            # failing: what it lists now that is not imported yet is news.
            self._backlog = False
        new_pages = 0
        # Oldest first: files appear, and admins hear of them, in the portal's order.
        for item in reversed(items):
            try:
                url = item_url(base, item.link)
            except FetchError as exc:  # this item only: the others are still imported
                failed = Outcome(item.link or source, FAILED, why=exc.why)
                outcomes.append(_as_told(failed, item.stamp, item.title))
                continue
            listed[page_key(url)] = item.date
            # A page never read (one failing is tried again as it falls due, besides).
            tried = page_key(url) in (failing or {})
            new = cap is not None and not tried and self._log().find([url]) is None
            if new and new_pages >= (cap or 0):
                self._deferred = True
                continue
            outcome: Outcome | None
            if failing is None:
                outcome = self._feed_item(url, item.stamp, item.date)
            else:
                outcome = self._feed_item_again(url, item, failing, now)
            if outcome is not None:  # (None: a failing item not due, not read)
                new_pages += new
                outcomes.append(_as_told(outcome, item.stamp, item.title))
        if failing is not None:
            for gone in set(failing) - set(listed):  # no longer among the feed's newest
                del failing[gone]
        if self._feed_url is not None:
            outcomes.extend(self._gone_from(self._feed_url, listed))
        return outcomes

    def _gone_from(self, feed: str, listed: dict[str, dt.date | None]) -> list[Outcome]:
        """The recent articles `feed` no longer lists (see portal_withdraw.gone_from), read
        again at most once per RECHECK_EVERY: those the portal answers 404 or 410 for are
        withdrawn. Anything else (a server error, no answer) withdraws nothing; a page
        still there stays a notice."""
        outcomes = []
        for key, record in gone_from(self._log(), feed, listed, self.today()):
            checked = float(record.get("checked") or 0)
            if self.clock() - checked < RECHECK_EVERY and not self._every_item:
                continue
            try:
                fetched = self._read(key, key, (key, record))
            except FetchError as exc:
                log.info("portal: %s, no longer listed: %s", shown_address(key), exc.why)
                continue
            except (OSError, ImportLogError) as exc:
                outcomes.append(failure(key, exc))
                continue
            if isinstance(fetched, Outcome):
                outcomes.append(fetched)
            elif removed := removed_there(key, fetched, self.today()):
                outcomes.append(self._withdraw(key, key, removed))
            else:
                self._checked(key)
        return outcomes

    def _news_list(
        self,
        url: str,
        fetched: Fetched,
        failing: Failing,
        first_read: bool,
        *,
        other_news: bool = True,
    ) -> list[Item]:
        """A news list's articles, newest first (see portal_items.newest_listed), each
        once, with those of its next pages when its first ends on news, its oldest entry never
        read (more were posted since the last read than it shows: the bot was stopped, say;
        an old notice pinned at its top does not count), at most
        MORE_LIST_PAGES more: for the follower (not at a `first_read`) and `bot.py import`
        alike. A list oldest first (see `_oldest_first`) has its newest on its last page:
        that one is read (and the ones before it, as long as they end on news),
        and its first page is read whole at each poll (it does not change as news is added
        at the end). `other_news`: as portal_listing.listed_articles. FetchError: the
        first page is no news list."""
        today = self.today()
        items, pages = list_page(url, fetched, today, other_news=other_news)
        first = {page_key(url), page_key(fetched.url)}
        read = set(first)
        backwards = self._oldest_first(url, items, pages)
        if backwards:
            items.reverse()
        found: list[list[Item]] = []  # newest first
        there: str | None = None
        from_last = backwards and pages.last is not None
        if from_last:
            self._deferred = True  # (its validators are not kept: see follow)
            there = pages.last
        else:
            found.append(items)
            if not backwards and not first_read and self._news_to_its_end(url, items, failing):
                there = pages.next

        def page_of(address: str, fetched: Fetched) -> tuple[list[Item], str | None]:
            more, pages = list_page(address, fetched, today, more=True)
            if backwards:
                return list(reversed(more)), pages.previous
            return more, pages.next

        there = self._more_pages(url, there, read, failing, page_of, found)
        if from_last and (not found or (there and page_key(there) in first)):
            # Read back to the second page: the first's articles are the next older ones;
            # or its last page could not be read: they are all there is. (Else they are the
            # oldest, and not news: the list's news is on its last pages.)
            found.append(items)
        return newest_listed(_each_once(url, [item for page in found for item in page]))

    def _feed_pages(
        self, url: str, fetched: Fetched, failing: Failing, first_read: bool
    ) -> list[Item]:
        """A feed's newest items (see portal_items.feed_items), with those of its next
        pages (its `rel="next"` link, WordPress's `?paged=2`) when its first holds nothing
        but news, as a news list's are read (see `_news_list`): the bot was stopped while
        more was posted than the feed shows (WordPress: 10 posts). FetchError: no feed."""
        today = self.today()
        items, there = feed_page(fetched.body, fetched.url, today)
        found = [items]
        if not first_read and self._news_to_its_end(url, items, failing):
            read = {page_key(url), page_key(fetched.url)}

            def page_of(address: str, fetched: Fetched) -> tuple[list[Item], str | None]:
                return feed_page(fetched.body, address, today)

            self._more_pages(url, there, read, failing, page_of, found)
        return newest_listed(_each_once(url, [item for page in found for item in page]))

    def _more_pages(
        self,
        url: str,
        there: str | None,
        read: set[str],
        failing: Failing,
        page_of: Callable[[str, Fetched], tuple[list[Item], str | None]],
        found: list[list[Item]],
    ) -> str | None:
        """A news list's or a feed's other pages, from `there` on, added to `found` (their
        items, and the page they lead to, by `page_of`): up to MORE_LIST_PAGES pages in
        all besides the first, each once (`read`: the pages read), until one lists an
        article read before or cannot be read. Where it stopped (None: no page further)."""
        while there and len(read) <= MORE_LIST_PAGES and page_key(there) not in read:
            read.add(page_key(there))
            try:
                more, following = page_of(there, self.fetcher.get(there))
            except FetchError as exc:  # the pages read are imported all the same
                log.info("portal: %s, another page: %s", shown_address(there), exc.why)
                break
            found.append(more)
            if not self._news_to_its_end(url, more, failing):
                break
            there = following
        return there

    def _oldest_first(self, url: str, items: list[Item], pages: Pages) -> bool:
        """Whether a news list lists its articles oldest first: by the days it shows beside
        them; a list showing none, by the days of its first page's first and last articles
        (as imported, else read from their pages: two requests, once, its order then
        remembered with the feed), when the order matters (the list has other pages, or
        more articles than are read)."""
        if sum(item.date is not None for item in items) >= 2:
            return oldest_first(items)
        if len(items) < 2 or (pages == Pages() and len(items) <= portal_items.MAX_FEED_ITEMS):
            return False
        order = self._log().feeds.get(url, {}).get("order") or self._order.get(url)
        if order not in (OLDEST_FIRST, NEWEST_FIRST):
            first, last = self._article_day(url, items[0]), self._article_day(url, items[-1])
            if first is None or last is None or first == last:
                return False  # (as most portals list theirs; asked again at the next read)
            order = OLDEST_FIRST if first < last else NEWEST_FIRST
        self._order[url] = order
        return order == OLDEST_FIRST

    def _article_day(self, base: str, item: Item) -> dt.date | None:
        """The day of the article a news list links to: as imported, else read from its
        page (None: it cannot be read, or shows no date)."""
        try:
            address = item_url(base, item.link)
            known = self._log().find([address])
            if known is not None and known[1].get("date"):
                return dt.date.fromisoformat(str(known[1]["date"]))
            fetched = self.fetcher.get(address)
            html = decode_html(fetched.body, fetched.charset)
            return extract_article(html, url=address, today=self.today()).date
        except (FetchError, NotAnArticle, ValueError) as exc:
            why = exc.why if isinstance(exc, (FetchError, NotAnArticle)) else str(exc)
            log.info("portal: %s, the list's order: %s", shown_address(base), why)
            return None

    def _news_to_its_end(self, base: str, items: list[Item], failing: Failing) -> bool:
        """Whether a news list's or a feed's page (`items`, newest first) may have more news
        on the next: its oldest entry was never read. (One read before at its top is an old
        notice pinned there, not where the news read before begins.)"""
        return bool(items) and not self._any_known(base, items[-1:], failing)

    def _any_known(self, base: str, items: list[Item], failing: Failing) -> bool:
        """Whether a news list's page lists an article read before (imported, or tried)."""
        for item in items:
            with contextlib.suppress(FetchError):
                address = item_url(base, item.link)
                if page_key(address) in failing or self._log().find([address]) is not None:
                    return True
        return False

    def _imported(self, base: str, link: str) -> bool:
        """Whether the article a feed item links to was imported from this feed before
        (by the follower, or `bot.py import` given the feed). An article another feed
        brought does not count: a second feed of the portal (a category) shares some of
        its news with the first. In a log an older version left (its first poll since the
        upgrade), which names no article's feed and no feed with an item failing, any
        article counts: that version followed the feed, most likely."""
        try:
            url = item_url(base, link)
        except FetchError:
            return False
        book = self._log()
        found = book.find([url])
        if found is None:
            return False
        came_from = found[1].get("feed")
        if came_from is None:
            return "feed" not in found[1] and book.version < LOG_VERSION
        return bool(base) and page_key(str(came_from)) == page_key(base)

    def _retry(self, failing: Failing, now: float) -> list[Outcome]:
        """The items of an unchanged feed that failed, those due tried again."""
        outcomes = []
        for item in to_retry(failing):
            outcome = self._feed_item_again(item.link, item, failing, now)
            if outcome is not None:
                outcomes.append(_as_told(outcome, item.stamp, item.title))
        return outcomes

    def _feed_item_again(
        self,
        url: str,
        item: Item,
        failing: Failing,
        now: float,
    ) -> Outcome | None:
        """A followed feed's item (at `url`) imported, unless it failed before for a reason
        not due to be tried again yet (None: not fetched; admins were told already)."""
        stamp, feed_date = item.stamp, item.date
        if waiting(failing, url, stamp, now) and not self._every_item:
            return None
        first_read = self._backlog
        self._backlog = first_read or of_backlog(failing, url)
        try:
            outcome = self._feed_item(url, stamp, feed_date)
        finally:
            backlog, self._backlog = self._backlog, first_read
        why = outcome.why if outcome.failed else None
        count(failing, url, item, why, now, backlog=backlog)
        return outcome

    def _recheck(self, record: dict[str, Any]) -> bool:
        """Whether an imported article its feed shows as before (the same date: portals
        keep an item's date when its article is edited) is read again (conditionally):
        one of the last RECHECK_DAYS days, last read RECHECK_EVERY ago or more. A notice
        is corrected in its first days (a power cut's hours); residents must not keep
        the first version."""
        try:
            posted = dt.date.fromisoformat(str(record.get("date")))
            checked = float(record.get("checked") or 0)
        except (TypeError, ValueError):
            return False
        recent = posted >= self.today() - dt.timedelta(days=RECHECK_DAYS)
        return recent and self.clock() - checked >= RECHECK_EVERY

    def _checked(self, key: str) -> None:
        """The article at `key` was read again and is as it was (see `_recheck`)."""
        if self.dry_run:
            return
        with locked(self.settings.data_dir):
            book = ImportLog.load(self.log_path)
            if key in book.articles:
                book.articles[key]["checked"] = self.clock()
                book.save()

    def _read(
        self, source: str, url: str, known: tuple[str, dict[str, Any]] | None
    ) -> Fetched | Outcome:
        """GET `url` ("changed since?" when it was imported); an imported article the
        portal answers 404 or 410 for is withdrawn (the Outcome says so)."""
        record = known[1] if known else {}
        if record.get("withdrawn"):  # asked whole: its file is no longer there to keep
            record = {}
        try:
            return self.fetcher.get(
                url, etag=record.get("etag"), last_modified=record.get("last_modified")
            )
        except FetchError as exc:
            if known is None or exc.status not in REMOVED or not known[1].get("file"):
                raise
            return self._withdraw(source, known[0], exc.why)

    def _withdraw(self, source: str, key: str, why: str) -> Outcome:
        """The portal no longer has the article imported at `key` (portal_withdraw)."""
        with locked(self.settings.data_dir) if not self.dry_run else contextlib.nullcontext():
            book = self._log()
            record = book.articles.get(key) or {}
            outcome = withdraw(
                self.settings,
                self.topics,
                source,
                record,
                why,
                dry_run=self.dry_run,
                untold=self.untold,
            )
            if outcome.action == WITHDRAWN and not self.dry_run:
                book.save()
            return outcome

    def _feed_item(self, url: str, stamp: str, feed_date: dt.date | None) -> Outcome:
        try:
            known = self._log().find([url])
            record = known[1] if known else {}
            listed_as_before = stamp and record.get("feed_stamp") == stamp
            if listed_as_before and not record.get("withdrawn") and not self._recheck(record):
                return self._unchanged(url, url)
            fetched = self._read(url, url, known)
            if isinstance(fetched, Outcome):
                return fetched
            if fetched.not_modified:
                if known is not None:
                    self._checked(known[0])
                return self._unchanged(url, url)
            if source_kind(fetched.content_type, fetched.body) != "page":
                raise FetchError(f"not an HTML page ({fetched.content_type or 'no Content-Type'})")
            return self._page(url, url, fetched, feed_date=feed_date, feed_stamp=stamp)
        except BacklogNotRemembered:
            raise
        except Exception as exc:
            return failure(url, exc)

    def _remember_feed(
        self,
        url: str,
        fetched: Fetched,
        failing: dict[str, Any],
        seen: dict[str, Any],
        layout: str | None = None,
    ) -> None:
        """The feed's validators, its items failing (when to try them again), and why its
        articles no longer read (see portal_layout); `seen`: what was remembered (an
        unchanged feed with no item tried: nothing to write)."""
        remembered: dict[str, Any] = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        if failing:
            remembered["failing"] = failing
        if layout:
            remembered["layout"] = layout
        # (Learnt once: kept over a poll the list had not changed, which reads no order.)
        order = self._order.get(url) or seen.get("order")
        if order:
            remembered["order"] = order
        if self.dry_run or (url in self._log().feeds and remembered == seen):
            return
        with locked(self.settings.data_dir):
            book = ImportLog.load(self.log_path)
            book.feeds[url] = remembered
            book.save()

    def _remember_feed_failed(self, feed: str, why: str) -> None:
        """The feed could not be read: why, with what is remembered of it (its validators,
        its items failing), until it is read again (`_remember_feed` leaves it out)."""
        try:
            url = clean_url(feed)
        except FetchError:
            return  # never a feed: no record of it
        if self.dry_run or self._log().feeds.get(url, {}).get("failed") == why:
            return
        with locked(self.settings.data_dir):
            book = ImportLog.load(self.log_path)
            book.feeds[url] = {**book.feeds.get(url, {}), "failed": why}
            book.save()

    # --- pages ------------------------------------------------------------------------

    def _page(
        self,
        source: str,
        url: str | None,
        fetched: Fetched,
        *,
        feed_date: dt.date | None = None,
        feed_stamp: str = "",
    ) -> Outcome:
        html = decode_html(fetched.body, fetched.charset)
        article = extract_article(html, url=url, today=self.today(), fallback_date=feed_date)
        # A page is known by its address; a saved page by the address it names as its own
        # (not the site's root, which some portals name on every page), else by its file.
        keys = [url] if url else []
        if not keys and article.url:
            with contextlib.suppress(FetchError):  # a malformed address: ignored
                own = clean_url(article.url)
                if urlsplit(own).path.strip("/"):
                    keys.append(own)
        if not keys:
            keys = [fetched.url]
        validators = {
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "feed_stamp": feed_stamp or None,
            "checked": self.clock(),
        }
        # (fetching: before the lock)
        moved = moved_from(
            self._log(), keys, article, self.fetcher, self.today(), self.decider.text_of_notice
        )
        decide = functools.partial(
            self.decider.decide,
            source,
            keys,
            article,
            validators,
            moved_from=moved,
            backlog=self._backlog,
            feed=self._feed_url,
        )
        try:
            if self.dry_run:
                return decide(self._log())
            with locked(self.settings.data_dir):
                book = ImportLog.load(self.log_path)
                outcome = decide(book)
                if outcome.action == NEW and self.untold:  # (in the same save as its record)
                    mark = {"title": outcome.title, "first_read": self._backlog}
                    book.articles[keys[0]][UNTOLD] = mark
                book.save()
                return outcome
        except Refused as exc:
            return Outcome(source, FAILED, why=f"the bot would not serve it: {exc}")

    def _unchanged(self, source: str, url: str) -> Outcome:
        known = self._log().find([url])
        record = known[1] if known else {}
        if record.get("same_as"):
            return Outcome(source, DUPLICATE, why=f"same text as {record['same_as']}")
        if not record.get("file"):
            return Outcome(source, UNCHANGED)
        path = self.settings.content_dir / str(record["file"])
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            return Outcome(source, DELETED, path, why=f"{path} was deleted; not imported again")
        if edited(current, record.get("written")):
            why = f"{path} was edited by staff and the portal's text has not changed"
            return Outcome(source, KEPT, path, why=why)
        return Outcome(source, UNCHANGED, path)

    def _log(self) -> ImportLog:
        """The import log as saved; with --dry-run, one copy for the whole run, so that what
        would be written is remembered (a re-post later in the run is seen) and not saved."""
        if not self.dry_run:
            return ImportLog.load(self.log_path)
        if self._dry_log is None:
            self._dry_log = ImportLog.load(self.log_path)
        return self._dry_log
