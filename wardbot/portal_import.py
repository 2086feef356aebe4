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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
from trafilatura.deduplication import Simhash

from wardbot.config import Settings
from wardbot.faq_file import load_faq
from wardbot.hours import vietnam_today
from wardbot.models import Announcement
from wardbot.notices import load_announcement
from wardbot.portal_extract import (
    Article,
    NotAnArticle,
    decode_html,
    extract_article,
)
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
from wardbot.portal_log import (
    IMPORT_LOG,
    LOG_VERSION,
    ImportLog,
    ImportLogError,
    digest,
    locked,
    page_key,
    record_date,
    specifics_of,
    words_of,
)
from wardbot.portal_outcome import (
    DELETED,
    DUPLICATE,
    FAILED,
    KEPT,
    NEW,
    NO_ARTICLE_FOUND,
    UNCHANGED,
    UPDATED,
    WITHDRAWN,
    Outcome,
    failure,
    no_article,
    passing,
)
from wardbot.portal_sources import (
    clean_url,
    feed_item_day,
    item_url,
    listed_on,
    page_not_feed,
    source_kind,
)
from wardbot.text import plain_words

log = logging.getLogger(__name__)

# Where a notice goes when the portal withdrew its article (404 or 410 on reading it again):
# out of content/ (residents are not sent to it), kept for staff to look at or put back.
WITHDRAWN_DIR = "portal-withdrawn"
# What a server that answers says of a page it no longer has. A server error, no answer or
# a maintenance page is the portal's moment: it never withdraws a notice.
REMOVED = (404, 410)
MAX_FEED_ITEMS = 30  # the newest items of a feed looked at on each read
# A news list followed for a portal without RSS: the pages it links to that were never
# imported, read at most in one poll (its first read excepted: up to MAX_FEED_ITEMS).
NEW_PAGES_PER_POLL = 10
# A followed feed's item failing again and again for the same reason (a PDF, a page on
# another host) is fetched less and less often: the first failure is tried again at the
# next poll, the second after RETRY_AFTER, then twice as long each time, up to RETRY_AT_MOST.
RETRY_AFTER = 30 * 60.0
RETRY_AT_MOST = 24 * 3600.0
# An article the portal may still edit (its feed item keeping its date) is read again when
# its feed changes, RECHECK_EVERY at most, for RECHECK_DAYS after the day it was posted.
RECHECK_DAYS = 7
RECHECK_EVERY = 3600.0
# An article of the last WITHDRAWN_DAYS that its feed (or news list) no longer shows, though
# it shows older ones, is read again (RECHECK_EVERY at most) to learn whether the portal
# took it down. Older ones are not: a list pinning an old article at its top would have
# every article since read again at each of its changes.
WITHDRAWN_DAYS = 30


def retry_after(failures: int, why: str = "") -> float:
    """Seconds until a feed item that failed `failures` times in a row (the last time for
    `why`) is tried again: at most RETRY_AFTER when the portal was down for a moment (its
    page will be there once the portal is back: residents wait no hours more for it)."""
    if failures <= 1:
        return 0.0
    longest = RETRY_AFTER if passing(why) else RETRY_AT_MOST
    return min(longest, RETRY_AFTER * 2 ** min(failures - 2, 16))


@dataclass(frozen=True)
class _Item:
    """A feed's item, or an article a news list links to."""

    link: str  # as written (relative links are the feed's)
    stamp: str  # its date as the feed writes it: another one, the article was edited
    date: dt.date | None = None  # its day, for a page that shows none


# A news list's articles have no date of their own in the list: once imported, they are
# read again only as a feed's items keeping their date are (see `Importer._recheck`).
LISTED = "listed"


class Importer:
    """Imports sources into the content folder (or, with `dry_run`, only says what it would).

    `allowed_hosts` (None: any) limits the hosts fetched, redirects included.
    `on_backlog(notice)` is called for each new notice of a feed read for the first time,
    before its file is in the content folder (the follower has it remembered as alerted:
    what the portal already had is no news to subscribers). `clock` (seconds, the epoch's)
    says when a followed feed's failing items are due to be tried again.
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
    ) -> None:
        self.settings = settings
        self.clock = clock
        self._every_item = False  # follow(every_item=...)
        self.dry_run = dry_run
        self.on_backlog = on_backlog
        self._backlog = False  # reading a feed for the first time
        self._deferred = False  # a news list's pages left for the next poll (NEW_PAGES_PER_POLL)
        self._feed_url: str | None = None  # the feed whose items are being imported
        self.today = today
        self.fetcher = fetcher or Fetcher(allowed_hosts)
        self.max_bytes = self.fetcher.max_bytes
        faq = load_faq(settings.faq_file)
        self.topics = faq.topics
        self.faq_ids = {entry.id for entry in faq.faq}
        self.log_path = settings.data_dir / IMPORT_LOG
        self._dry_log: ImportLog | None = None
        self.files = NoticeFiles(
            settings, self.topics, self.faq_ids, dry_run=dry_run, on_backlog=on_backlog
        )

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
                    return self._feed(source, url, fetched.body)
                try:
                    return [self._page(source, url, fetched)]
                except NotAnArticle as exc:
                    if not exc.why.startswith(NO_ARTICLE_FOUND):  # (an article, undated)
                        raise
                    no_article = exc
                try:  # a portal without RSS: its news list, its articles imported as a feed's
                    # (Staff gave this page: not an article's "Tin liên quan" read as a list.)
                    listed = self._news_list(url, fetched, other_news=False)
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
        try again those of its items that failed and are due (see `retry_after`): an item
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
                failing = seen.get("failing")
                failing = dict(failing) if isinstance(failing, dict) else {}
                if fetched.not_modified:
                    items = self._retry(failing, now)
                else:
                    listed = None
                    if source_kind(fetched.content_type, fetched.body) == "page":
                        listed = self._news_list(url, fetched)  # a portal without RSS
                    # Never read before (at most failing: added while the portal was down).
                    self._backlog = "etag" not in self._log().feeds.get(url, {})
                    self._deferred = False
                    try:
                        items = self._feed(
                            feed, url, fetched.body, failing=failing, now=now, listed=listed
                        )
                    finally:
                        self._backlog = False
                    if self._deferred:  # the list's next poll reads it whole again
                        fetched = replace(fetched, etag=None, last_modified=None)
                outcomes.extend(items)
                # Read: what it lists from now on is news.
                self._remember_feed(url, fetched, failing, seen)
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
                if seen.get("failed"):
                    found[feed] = str(seen["failed"])
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
        listed: list[_Item] | None = None,
    ) -> list[Outcome]:
        """The feed's items imported (`listed`: a news list's articles, for a portal without
        RSS); with `failing` (a followed feed's items that failed, by their page_key), those
        not due again are skipped and the list is kept. What is imported is recorded as
        the feed's (see `_imported`)."""
        self._feed_url = url
        try:
            if listed is not None:
                # Its first read, and `bot.py import` of it (not followed): every page.
                cap = None if self._backlog or failing is None else NEW_PAGES_PER_POLL
                return self._items(source, url, listed, failing=failing, now=now, cap=cap)
            return self._feed_items(source, url, body, failing=failing, now=now)
        finally:
            self._feed_url = None

    def _news_list(self, url: str, fetched: Fetched, *, other_news: bool = True) -> list[_Item]:
        """The articles a page in PORTAL_FEEDS lists, when it is the portal's news list
        (FetchError when it is an article, or an error or maintenance page); `other_news`:
        as listed_articles."""
        html = decode_html(fetched.body, fetched.charset)
        listed = listed_on(html, fetched.url, other_news=other_news)
        if listed:
            try:
                extract_article(html, url=url, today=self.today())
            except NotAnArticle:
                return [_Item(item.url, LISTED) for item in listed[:MAX_FEED_ITEMS]]
        raise FetchError(page_not_feed(fetched))

    def _feed_items(
        self,
        source: str,
        url: str | None,
        body: bytes,
        *,
        failing: dict[str, Any] | None,
        now: float,
    ) -> list[Outcome]:
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
        for entry in self._newest(entries):
            # dict.get: feedparser's own get() maps 'updated' to 'published' with a warning.
            field = functools.partial(dict.get, entry)
            stamp = str(field("updated") or field("published") or field("id") or "")
            day = self._entry_date(entry) if dated else None
            items.append(_Item(str(entry.get("link") or "").strip(), stamp, day))
        return self._items(source, url, items, failing=failing, now=now)

    def _items(
        self,
        source: str,
        url: str | None,
        items: list[_Item],
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
                outcomes.append(Outcome(item.link or source, FAILED, why=exc.why))
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
                outcome = self._feed_item_again(url, item.stamp, item.date, failing, now)
            if outcome is not None:  # (None: a failing item not due, not read)
                new_pages += new
                outcomes.append(no_article(outcome) if item.stamp == LISTED else outcome)
        if failing is not None:
            for gone in set(failing) - set(listed):  # no longer among the feed's newest
                del failing[gone]
        if self._feed_url is not None:
            outcomes.extend(self._gone_from(self._feed_url, listed))
        return outcomes

    def _gone_from(self, feed: str, listed: dict[str, dt.date | None]) -> list[Outcome]:
        """The articles `feed` brought that it no longer lists (`listed`: its items' dates
        by their page_keys) though newer than its oldest item (by the item's date, else
        its article's, if imported: not aged out of it, but taken down or moved), of the
        last WITHDRAWN_DAYS, read again at most once per RECHECK_EVERY: those the portal
        answers 404 or 410 for are withdrawn. Anything else (a server error, no answer)
        withdraws nothing; a page still there stays a notice."""
        book = self._log()
        days = []
        for key, day in listed.items():
            found = book.find([key]) if day is None else None
            days.append(day.isoformat() if day else record_date(found[1]) if found else "")
        # (An item of unknown date, never imported, tells nothing of what aged out.)
        oldest = min((day for day in days if day), default=None)
        if oldest is None:
            return []
        oldest = max(oldest, (self.today() - dt.timedelta(days=WITHDRAWN_DAYS)).isoformat())
        outcomes = []
        for key, record in list(book.articles.items()):
            if (
                not record.get("file")
                or record.get("same_as")
                or record.get("withdrawn")
                or page_key(str(record.get("feed"))) != page_key(feed)
                or page_key(key) in listed
                or record_date(record) <= oldest
            ):
                continue
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
            else:
                self._checked(key)
        return outcomes

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

    def _retry(self, failing: dict[str, Any], now: float) -> list[Outcome]:
        """The items of an unchanged feed that failed, those due tried again."""
        outcomes = []
        for key, last in list(failing.items()):
            try:
                date = dt.date.fromisoformat(last["date"]) if last.get("date") else None
                url, stamp = str(last["url"]), str(last.get("stamp") or "")
            except (AttributeError, KeyError, TypeError, ValueError):
                del failing[key]  # not as written here: read again with the feed's next change
                continue
            outcome = self._feed_item_again(url, stamp, date, failing, now)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _feed_item_again(
        self,
        url: str,
        stamp: str,
        feed_date: dt.date | None,
        failing: dict[str, Any],
        now: float,
    ) -> Outcome | None:
        """A followed feed's item imported, unless it failed before for a reason not due
        to be tried again yet (None: not fetched; admins were told already). Its failures
        in a row for one reason are counted in `failing`; the feed showing the item with
        another date, or another reason, starts the count again."""
        key = page_key(url)
        last = failing.get(key) or {}
        again = bool(last) and last.get("stamp") == stamp
        if again and now < float(last.get("next") or 0) and not self._every_item:
            return None
        outcome = self._feed_item(url, stamp, feed_date)
        if not outcome.failed:
            failing.pop(key, None)
            return outcome
        same = again and last.get("why") == outcome.why
        count = int(last.get("failures") or 0) + 1 if same else 1
        failing[key] = {
            "url": url,
            "stamp": stamp,
            "date": feed_date.isoformat() if feed_date else None,
            "why": outcome.why,
            "failures": count,
            "next": now + retry_after(count, outcome.why or ""),
        }
        return outcome

    def _newest(self, entries: list[Any]) -> list[Any]:
        """The feed's MAX_FEED_ITEMS newest items, newest first: by their dates when every
        item has one (some portals list theirs oldest first, and the newest would never
        be read), else in the feed's order."""
        dated = [(self._entry_date(entry), entry) for entry in entries]
        if all(day is not None for day, _ in dated):
            # (A stable sort: items of one day keep the feed's order.)
            dated.sort(key=lambda pair: pair[0] or dt.date.min, reverse=True)
            entries = [entry for _, entry in dated]
        return entries[:MAX_FEED_ITEMS]

    def _entry_date(self, entry: Any) -> dt.date | None:
        # dict.get: feedparser's own get() maps 'updated' to 'published' with a warning.
        field = functools.partial(dict.get, entry)
        written = str(field("published") or field("updated") or "")
        when = field("published_parsed") or field("updated_parsed")
        return feed_item_day(written, when, self.today())

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
        """The portal no longer has the article imported at `key`: its notice leaves
        content/ (the content watcher takes it out of the index), kept in WITHDRAWN_DIR;
        the import log remembers it (the article back on the portal is imported again)."""
        with locked(self.settings.data_dir) if not self.dry_run else contextlib.nullcontext():
            book = self._log()
            record = book.articles.get(key) or {}
            if not record.get("file") or record.get("same_as") or record.get("withdrawn"):
                return Outcome(source, UNCHANGED)
            path = self.settings.content_dir / str(record["file"])
            if not path.exists():  # staff deleted it already
                return Outcome(source, DELETED, path, why=f"{path} was deleted")
            notice, _ = load_announcement(path, self.topics)  # (None: staff broke it)
            title = notice.title if notice is not None else path.stem
            if not self.dry_run:
                folder = self.settings.data_dir / WITHDRAWN_DIR
                folder.mkdir(parents=True, exist_ok=True)
                # (content/ and the data folder may be on two file systems: no rename.)
                shutil.copy2(path, folder / path.name)
                path.unlink()
                record["withdrawn"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                book.save()
        return Outcome(source, WITHDRAWN, path, title, why=f"the portal removed it: {why}")

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
        self, url: str, fetched: Fetched, failing: dict[str, Any], seen: dict[str, Any]
    ) -> None:
        """The feed's validators, and its items failing (when to try them again); `seen`:
        what was remembered (an unchanged feed with no item tried: nothing to write)."""
        remembered: dict[str, Any] = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        if failing:
            remembered["failing"] = failing
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
        moved_from = self._moved_from(keys, article)  # (fetching: before the lock)
        try:
            if self.dry_run:
                return self._decide(source, keys, article, validators, self._log(), moved_from)
            with locked(self.settings.data_dir):
                book = ImportLog.load(self.log_path)
                outcome = self._decide(source, keys, article, validators, book, moved_from)
                book.save()
                return outcome
        except Refused as exc:
            return Outcome(source, FAILED, why=f"the bot would not serve it: {exc}")

    def _moved_from(self, keys: list[str], article: Article) -> str | None:
        """The address of an imported article this new page is, moved (a portal that makes
        the address from the title moves an article whose title is corrected) and maybe
        edited on the way: nearly the same text, the same date, and its old address no
        longer shows it: gone, sending here, or showing this page's edited text. Two pages
        both still there are two articles however alike (one template for two
        neighbourhoods' notices), or one article posted twice."""
        book = self._log()
        if book.find(keys) is not None:
            return None
        plain = plain_words(article.body)
        old = book.same_article(Simhash(plain), article.date.isoformat())
        if old is None or not is_web_address(old):
            return None
        record = book.articles[old]
        edited = record.get("text") != digest(plain) or record.get("title") != plain_words(
            article.title
        )
        try:
            there = self.fetcher.get(old)
        except FetchError as exc:
            return old if exc.status in (404, 410) else None
        if page_key(there.url) in {page_key(key) for key in keys}:
            return old  # redirected here
        try:
            shown = extract_article(
                decode_html(there.body, there.charset), url=old, today=self.today()
            )
        except NotAnArticle:
            return old  # it shows a list of news, or nothing: the article is not there
        # Both addresses show the new text (the portal finds articles by their id, not
        # by the words of their address); the same text as before is a re-post.
        return old if edited and plain_words(shown.body) == plain else None

    def _decide(
        self,
        source: str,
        keys: list[str],
        article: Article,
        validators: dict[str, Any],
        book: ImportLog,
        moved_from: str | None = None,
    ) -> Outcome:
        plain = plain_words(article.body)
        text, simhash, title = digest(plain), Simhash(plain), plain_words(article.title)
        specifics = specifics_of(article.body)
        found = book.find(keys)
        if found is not None and found[1].get("same_as"):
            if found[1].get("text") == text:
                found[1].update(validators)
                return Outcome(source, DUPLICATE, why=f"same text as {found[1]['same_as']}")
            del book.articles[found[0]]  # the re-post changed: judge it afresh
            found = None
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        moved: str | None = None
        old = book.articles.get(moved_from or "")
        if found is None and old and old.get("file") and not old.get("same_as"):
            # The article moved: its record follows it, its old address points to it.
            assert moved_from is not None
            book.articles[moved_from] = {"same_as": keys[0], "text": old.get("text")}
            book.articles[keys[0]] = old
            found, moved = (keys[0], old), f"moved from {moved_from}"
        if found is None:
            twin = book.same_text(
                text,
                simhash,
                title,
                article.date.isoformat(),
                specifics,
                words_of(article.body),
                self._words_of_file,
            )
            if twin is not None:
                book.articles[keys[0]] = {"same_as": twin, "text": text, **validators}
                twin_file = book.articles[twin].get("file")
                return Outcome(source, DUPLICATE, why=f"same text as {twin} ({twin_file})")
            rendered = self.files.render(article, keys[0] if keys[0].startswith("http") else None)
            name = self.files.free_name(article, rendered)
            path = self.settings.content_dir / name
            if not path.exists():  # (there already: written before the log was lost)
                self.files.publish(path, rendered, backlog=self._backlog)
            book.articles[keys[0]] = {
                "file": name,
                "date": article.date.isoformat(),
                "text": text,
                "simhash": simhash.to_hex(),
                **specifics,
                "title": title,
                "written": digest(rendered),
                "imported": now,
                "feed": self._feed_url,  # None: imported as a page of its own
                **validators,
            }
            return Outcome(source, NEW, path, article.title, text=rendered)

        key, record = found
        record.update(validators)
        path = self.settings.content_dir / str(record.get("file"))
        back = bool(record.pop("withdrawn", None))  # the portal shows the article again
        if not path.exists() and not back:
            return Outcome(
                source, DELETED, path, article.title, why=f"{path} was deleted; not imported again"
            )
        current = path.read_bytes() if path.exists() else b""
        staff_edited = not back and digest(current) != record.get("written")
        unchanged = record.get("text") == text and record.get("title") == title
        if unchanged and not moved and not back:
            if staff_edited:
                why = f"{path} was edited by staff and the portal's text has not changed"
                return Outcome(source, KEPT, path, article.title, why=why)
            return Outcome(source, UNCHANGED, path, article.title)
        # The file keeps its name, so its id: subscribers are not alerted a second time.
        rendered = self.files.render(article, key if key.startswith("http") else None)
        notes = [moved] if moved else []
        if back:
            notes.append("back on the portal")
        kept = None
        if staff_edited and not self.dry_run:
            kept = self.files.keep_staff_version(path, current)
            notes.append(f"the staff version is kept in {kept}")
        self.files.publish(path, rendered)
        record.update(
            text=text,
            simhash=simhash.to_hex(),
            **specifics,
            title=title,
            date=article.date.isoformat(),
            written=digest(rendered),
            updated=now,
        )
        note = "; ".join(notes) or None
        return Outcome(source, UPDATED, path, article.title, why=note, text=rendered, kept=kept)

    def _words_of_file(self, record: dict[str, Any]) -> frozenset[str] | None:
        """The words of an imported article's file, as staff left it; None when it is gone."""
        try:
            return words_of(
                (self.settings.content_dir / str(record.get("file"))).read_text("utf-8")
            )
        except (OSError, UnicodeDecodeError):
            return None

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
        if digest(current) != record.get("written"):
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
