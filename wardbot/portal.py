"""Announcements from the ward's web portal: `bot.py import` and the feed follower.

A source is a page URL, a saved HTML file, or an RSS/Atom feed (URL or file), whose items
are imported one by one. Each article becomes `content/YYYY-MM-DD-slug.md` (title, date,
topics tagged from faq.yaml's keywords as the loader does, source), written atomically
and checked by the loader before it appears. `data/portal-imports.json` remembers what
was imported, so that nothing comes twice and nothing staff did is undone:

- the same page again (by URL, or by the canonical address it names) changes nothing;
  a page whose text changed rewrites its file under the same name (same id: no new alert);
- another page with the same text (a re-post) is skipped, and remembered as such;
- a file staff deleted is not imported again; a file staff edited is left alone until the
  portal's text changes (the staff version is then kept in `data/portal-replaced/`).

`FeedFollower` polls `PORTAL_FEEDS` inside `bot.py run` (conditional requests, only the
feeds' hosts) and writes new files; the running bot's content watcher indexes and alerts.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import inspect
import io
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
import httpx
from trafilatura.deduplication import Simhash

from wardbot.config import Settings
from wardbot.loader import load_announcement, load_faq, tag_topics
from wardbot.portal_extract import Article, NotAnArticle, decode_html, extract_article
from wardbot.portal_fetch import (
    Fetched,
    Fetcher,
    FetchError,
    host_of,
    is_web_address,
    read_file,
)
from wardbot.supervise import pause
from wardbot.text import fold

log = logging.getLogger(__name__)

IMPORT_LOG = "portal-imports.json"
REPLACED_DIR = "portal-replaced"
MAX_FEED_ITEMS = 30  # the newest items of a feed looked at on each read
SIMILAR = 0.95  # simhash similarity above which same-titled texts are one article

# What happened to a source.
NEW, UPDATED, UNCHANGED, KEPT, DELETED, DUPLICATE, FAILED = (
    "new",
    "updated",
    "unchanged",
    "kept",
    "deleted",
    "duplicate",
    "failed",
)


@dataclass(frozen=True)
class Outcome:
    """One source's (or feed item's) result; `why` explains a failure or a skip."""

    source: str
    action: str
    path: Path | None = None
    title: str | None = None
    why: str | None = None
    text: str | None = None  # the file's text when written (or, with --dry-run, would be)

    @property
    def failed(self) -> bool:
        return self.action == FAILED

    @property
    def written(self) -> bool:
        return self.action in (NEW, UPDATED)

    def describe(self, dry_run: bool = False) -> str:
        """One line for staff (a failure: `SOURCE: why`)."""
        where = str(self.path) if self.path else ""
        if self.action == FAILED:
            return f"{self.source}: {self.why}"
        if self.written:
            verb = "would write" if dry_run else ("imported" if self.action == NEW else "updated")
            note = f" ({self.why})" if self.why else ""
            return f"{verb} {where}: {self.title}{note}"
        if self.action == UNCHANGED:
            return f"unchanged {where}: {self.source}"
        return f"skipped {self.source}: {self.why}"


class _Refused(Exception):
    """The loader would not serve the notice as written (too large for MAX_NOTICE_KB...)."""


class ImportLogError(RuntimeError):
    """data/portal-imports.json cannot be read; importing stops rather than duplicate."""


# ---------------------------------------------------------------------- the import log


@dataclass
class ImportLog:
    """What was imported: articles by URL, feeds' validators. JSON in the data folder."""

    path: Path
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ImportLog:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            raise ImportLogError(
                f"{path}: cannot be read ({exc}); fix or remove it (it lists what was imported)"
            ) from None
        if not isinstance(raw, dict):
            raise ImportLogError(f"{path}: not an import log; fix or remove it")
        return cls(path, dict(raw.get("articles", {})), dict(raw.get("feeds", {})))

    def save(self) -> None:
        payload = {"version": 1, "articles": self.articles, "feeds": self.feeds}
        _write_atomically(
            self.path, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
        )

    def find(self, keys: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
        for key in keys:
            if key in self.articles:
                return key, self.articles[key]
        return None

    def same_text(self, text: str, simhash: Simhash, title: str) -> str | None:
        """The URL of an imported article with this text (or nearly, under the same title)."""
        for url, record in self.articles.items():
            if record.get("same_as"):
                continue
            if record.get("text") == text:
                return url
            other = Simhash(existing_hash=record.get("simhash"))
            if record.get("title") == title and simhash.similarity(other) >= SIMILAR:
                return url
        return None


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """One importer at a time per data folder (`bot.py import` beside a running bot)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / f"{IMPORT_LOG}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _digest(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:32]


def _plain(text: str) -> str:
    """Text as compared for re-posts: folded, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# ------------------------------------------------------------------------- the importer


_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}
_SNIFFABLE = {"", "text/plain", "application/octet-stream"}


def _kind(content_type: str, body: bytes) -> str | None:
    """'page', 'feed', or None (neither) from the media type, sniffing when it is vague."""
    head = body[:2048].lstrip().lower()
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


def _clean_url(url: str) -> str:
    parts = urlsplit(str(httpx.URL(url)))
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


class Importer:
    """Imports sources into the content folder (or, with `dry_run`, only says what it would).

    `allowed_hosts` (None: any) limits the hosts fetched, redirects included.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        dry_run: bool = False,
        allowed_hosts: Sequence[str] | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.settings = settings
        self.dry_run = dry_run
        self.today = today
        self.fetcher = fetcher or Fetcher(allowed_hosts)
        self.max_bytes = self.fetcher.max_bytes
        faq = load_faq(settings.faq_file)
        self.topics = faq.topics
        self.faq_ids = {entry.id for entry in faq.faq}
        self.log_path = settings.data_dir / IMPORT_LOG

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
            if is_web_address(source):
                url = _clean_url(source)
                known = self._log().find([url])
                record = known[1] if known else {}
                fetched = self.fetcher.get(
                    url, etag=record.get("etag"), last_modified=record.get("last_modified")
                )
                if fetched.not_modified:
                    return [self._unchanged(source, url)]
                kind = _kind(fetched.content_type, fetched.body)
                if kind is None:
                    shown = fetched.content_type or "no Content-Type"
                    raise FetchError(f"not an HTML page or an RSS/Atom feed ({shown})")
                if kind == "feed":
                    return self._feed(source, url, fetched.body)
                return [self._page(source, url, fetched)]
            path = Path(source)
            body = read_file(path, self.max_bytes)
            suffix = path.suffix.lower()
            kind = {".html": "page", ".htm": "page", ".xhtml": "page"}.get(suffix)
            kind = kind or {".xml": "feed", ".rss": "feed", ".atom": "feed"}.get(suffix)
            kind = kind or _kind("", body)
            if kind is None:
                raise FetchError("not an HTML page or an RSS/Atom feed")
            if kind == "feed":
                return self._feed(source, None, body)
            fetched = Fetched(f"file:{path.resolve()}", 200, body, "text/html")
            return [self._page(source, None, fetched)]
        except (FetchError, NotAnArticle) as exc:
            return [Outcome(source, FAILED, why=exc.why)]
        except ImportLogError as exc:
            return [Outcome(source, FAILED, why=str(exc))]

    def follow(self, feeds: Sequence[str]) -> list[Outcome]:
        """Read each feed if it changed since the last read (ETag / Last-Modified)."""
        outcomes: list[Outcome] = []
        for feed in feeds:
            try:
                url = _clean_url(feed)
                seen = self._log().feeds.get(url, {})
                fetched = self.fetcher.get(
                    url, etag=seen.get("etag"), last_modified=seen.get("last_modified")
                )
                if fetched.not_modified:
                    continue
                items = self._feed(feed, url, fetched.body)
                outcomes.extend(items)
                if not any(item.failed for item in items):  # else read it all again next time
                    self._remember_feed(url, fetched)
            except (FetchError, NotAnArticle) as exc:
                outcomes.append(Outcome(feed, FAILED, why=exc.why))
        return outcomes

    # --- feeds ------------------------------------------------------------------------

    def _feed(self, source: str, url: str | None, body: bytes) -> list[Outcome]:
        parsed = feedparser.parse(io.BytesIO(body))
        entries = list(parsed.entries)
        if not entries:
            problem = "not a readable RSS/Atom feed" if parsed.bozo else "the feed has no items"
            raise FetchError(problem)
        base = url or ""
        outcomes = []
        # Oldest first: files appear, and admins hear of them, in the portal's order.
        for entry in reversed(entries[:MAX_FEED_ITEMS]):
            link = entry.get("link") or ""
            item = urljoin(base, link) if base else link
            if not is_web_address(item):
                outcomes.append(
                    Outcome(source, FAILED, why=f"a feed item has no page link: {link!r}")
                )
                continue
            outcomes.append(self._feed_item(_clean_url(item), entry))
        return outcomes

    def _feed_item(self, url: str, entry: Any) -> Outcome:
        # dict.get: feedparser's own get() maps 'updated' to 'published' with a warning.
        field = functools.partial(dict.get, entry)
        stamp = str(field("updated") or field("published") or field("id") or "")
        try:
            known = self._log().find([url])
            record = known[1] if known else {}
            if stamp and record.get("feed_stamp") == stamp:
                return self._unchanged(url, url)
            fetched = self.fetcher.get(
                url, etag=record.get("etag"), last_modified=record.get("last_modified")
            )
            if fetched.not_modified:
                return self._unchanged(url, url)
            if _kind(fetched.content_type, fetched.body) != "page":
                raise FetchError(f"not an HTML page ({fetched.content_type or 'no Content-Type'})")
            when = field("published_parsed") or field("updated_parsed")
            feed_date = dt.date(*when[:3]) if when else None
            return self._page(url, url, fetched, feed_date=feed_date, feed_stamp=stamp)
        except (FetchError, NotAnArticle) as exc:
            return Outcome(url, FAILED, why=exc.why)

    def _remember_feed(self, url: str, fetched: Fetched) -> None:
        if self.dry_run:
            return
        with _locked(self.settings.data_dir):
            book = ImportLog.load(self.log_path)
            book.feeds[url] = {"etag": fetched.etag, "last_modified": fetched.last_modified}
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
        keys = [k for k in (url, article.url and _clean_url(article.url)) if k]
        if not keys:
            keys = [fetched.url]  # a saved page naming no address of its own
        validators = {
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "feed_stamp": feed_stamp or None,
        }
        try:
            if self.dry_run:
                return self._decide(
                    source, keys, article, validators, ImportLog.load(self.log_path)
                )
            with _locked(self.settings.data_dir):
                book = ImportLog.load(self.log_path)
                outcome = self._decide(source, keys, article, validators, book)
                book.save()
                return outcome
        except OSError as exc:
            return Outcome(
                source, FAILED, why=f"could not write the notice ({exc.strerror or exc})"
            )
        except _Refused as exc:
            return Outcome(source, FAILED, why=f"the bot would not serve it: {exc}")

    def _decide(
        self,
        source: str,
        keys: list[str],
        article: Article,
        validators: dict[str, Any],
        book: ImportLog,
    ) -> Outcome:
        plain = _plain(article.body)
        text, simhash, title = _digest(plain), Simhash(plain), _plain(article.title)
        found = book.find(keys)
        if found is not None and found[1].get("same_as"):
            if found[1].get("text") == text:
                found[1].update(validators)
                return Outcome(source, DUPLICATE, why=f"same text as {found[1]['same_as']}")
            del book.articles[found[0]]  # the re-post changed: judge it afresh
            found = None
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if found is None:
            twin = book.same_text(text, simhash, title)
            if twin is not None:
                book.articles[keys[0]] = {"same_as": twin, "text": text, **validators}
                twin_file = book.articles[twin].get("file")
                return Outcome(source, DUPLICATE, why=f"same text as {twin} ({twin_file})")
            rendered = self.render(article, keys[0] if keys[0].startswith("http") else None)
            name = self._free_name(article, rendered)
            path = self.settings.content_dir / name
            if not path.exists():  # (there already: written before the log was lost)
                self._publish(path, rendered)
            book.articles[keys[0]] = {
                "file": name,
                "text": text,
                "simhash": simhash.to_hex(),
                "title": title,
                "written": _digest(rendered),
                "imported": now,
                **validators,
            }
            return Outcome(source, NEW, path, article.title, text=rendered)

        key, record = found
        record.update(validators)
        path = self.settings.content_dir / str(record.get("file"))
        if not path.exists():
            return Outcome(
                source, DELETED, path, article.title, why=f"{path} was deleted; not imported again"
            )
        current = path.read_bytes()
        staff_edited = _digest(current) != record.get("written")
        if record.get("text") == text and record.get("title") == title:
            if staff_edited:
                why = f"{path} was edited by staff and the portal's text has not changed"
                return Outcome(source, KEPT, path, article.title, why=why)
            return Outcome(source, UNCHANGED, path, article.title)
        # The file keeps its name, so its id: subscribers are not alerted a second time.
        rendered = self.render(article, key if key.startswith("http") else None)
        note = None
        if staff_edited and not self.dry_run:
            note = f"the staff version is kept in {self._keep_staff_version(path, current)}"
        self._publish(path, rendered)
        record.update(
            text=text, simhash=simhash.to_hex(), title=title, written=_digest(rendered), updated=now
        )
        return Outcome(source, UPDATED, path, article.title, why=note, text=rendered)

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
        if _digest(current) != record.get("written"):
            why = f"{path} was edited by staff and the portal's text has not changed"
            return Outcome(source, KEPT, path, why=why)
        return Outcome(source, UNCHANGED, path)

    def _log(self) -> ImportLog:
        return ImportLog.load(self.log_path)

    # --- files ------------------------------------------------------------------------

    def render(self, article: Article, source: str | None) -> str:
        """The announcement file: front matter as FORMATS.md has it, then the text."""
        topics = tag_topics(article.title + "\n" + article.body, self.topics)
        lines = [
            "---",
            f"title: {json.dumps(article.title, ensure_ascii=False)}",
            f"date: {article.date.isoformat()}",
        ]
        if topics:
            lines.append(f"topics: [{', '.join(topics)}]")
        if source:
            lines.append(f"source: {json.dumps(source, ensure_ascii=False)}")
        return "\n".join([*lines, "---", article.body, ""])

    def _free_name(self, article: Article, rendered: str) -> str:
        """`date-slug.md`, or `date-slug-2.md`... when another notice (or FAQ id) has it;
        a file holding exactly `rendered` is this very notice."""
        stem = f"{article.date.isoformat()}-{slug(article.title)}"
        name, number = stem, 1
        while True:
            path = self.settings.content_dir / f"{name}.md"
            if name not in self.faq_ids and not path.exists():
                return path.name
            with contextlib.suppress(OSError, UnicodeDecodeError):
                if path.read_text(encoding="utf-8") == rendered:
                    return path.name
            number += 1
            name = f"{stem}-{number}"

    def _publish(self, path: Path, text: str) -> None:
        """Write the notice beside content/, check it as the bot will read it, then rename
        it in: the content watcher never sees a half-written or broken file."""
        if self.dry_run:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=".portal-"))
        try:
            draft = staging / path.name
            draft.write_text(text, encoding="utf-8")
            with open(draft, "rb") as written:
                os.fsync(written.fileno())
            notice, problems = load_announcement(
                draft, self.topics, max_bytes=self.settings.max_notice_bytes
            )
            if notice is None or problems:
                raise _Refused("; ".join(p.message for p in problems) or "unreadable")
            os.replace(draft, path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _keep_staff_version(self, path: Path, current: bytes) -> Path:
        folder = self.settings.data_dir / REPLACED_DIR
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = folder / f"{path.stem}.{stamp}.md"
        kept.write_bytes(current)
        return kept


_SLUG_MAX = 70


def slug(title: str) -> str:
    """'Phường 5 trao thẻ BHYT...' -> 'phuong-5-trao-the-bhyt...', at most _SLUG_MAX long."""
    made = ""
    for word in re.findall(r"[a-z0-9]+", fold(title)):
        longer = f"{made}-{word}" if made else word
        if len(longer) > _SLUG_MAX:
            break
        made = longer
    return made or "thong-bao"


# ---------------------------------------------------------------------- following feeds

# Short Vietnamese reasons for admins, by the start of the English one.
_REASONS_VI = (
    ("timed out", "trang không trả lời kịp"),
    ("the server answered 404", "không tìm thấy trang (lỗi 404)"),
    ("the server answered", "máy chủ cổng thông tin báo lỗi"),
    ("could not connect", "không kết nối được với cổng thông tin"),
    ("too large", "trang quá lớn"),
    ("not an HTML page", "không phải trang tin (HTML) hay nguồn tin RSS"),
    ("no article found", "không tìm thấy bài viết trên trang"),
    ("the article has no title", "bài viết không có tiêu đề"),
    ("no publication date", "không tìm thấy ngày đăng bài"),
    ("host", "địa chỉ không thuộc cổng thông tin đã cấu hình"),
    ("redirected", "trang chuyển sang địa chỉ ngoài cổng thông tin"),
    ("not a readable RSS", "nguồn tin RSS/Atom không đọc được"),
    ("the feed has no items", "nguồn tin RSS/Atom không có bài nào"),
    ("could not write", "không ghi được tệp thông báo"),
    ("the bot would not serve it", "thông báo không hợp lệ (quá dài?)"),
)


def reason_vi(why: str) -> str:
    """A failure's reason in a few Vietnamese words, for admins."""
    for start, vietnamese in _REASONS_VI:
        if why.startswith(start):
            return vietnamese
    return "không nhập được"


def imported_note(title: str) -> str:
    """The message admins get for each notice the follower imported."""
    return f"📥 Đã nhập thông báo mới từ cổng thông tin: «{title}». Cư dân theo dõi sẽ được báo."


def failed_note(source: str, why: str) -> str:
    """The message admins get when a portal page or feed cannot be imported."""
    return f"⚠️ Không nhập được tin từ cổng thông tin: {source} ({why})."


Callback = Callable[..., Awaitable[object] | object]


class FeedFollower:
    """Polls PORTAL_FEEDS every PORTAL_POLL_MINUTES inside `bot.py run`.

    `on_imported(title)` is called for each new notice, `on_failed(source, why)` (why: a
    short Vietnamese reason) once per source and reason until that source works again;
    either may be a coroutine function. `wait(seconds, stop)` is how it waits between
    polls (injectable: tests trigger polls themselves).
    """

    name = "portal"

    def __init__(
        self,
        settings: Settings,
        *,
        on_imported: Callback | None = None,
        on_failed: Callback | None = None,
        wait: Callable[[float, asyncio.Event], Awaitable[None]] = pause,
        today: Callable[[], dt.date] = dt.date.today,
        fetcher: Callable[[Sequence[str]], Fetcher] = Fetcher,
    ) -> None:
        self.settings = settings
        self.feeds = tuple(settings.portal_feeds)
        self.hosts = sorted({host_of(feed) for feed in self.feeds})
        self.interval = settings.portal_poll_minutes * 60.0
        self.on_imported = on_imported
        self.on_failed = on_failed
        self.wait = wait
        self.today = today
        self.fetcher = fetcher
        self._failing: dict[str, str] = {}  # source -> the reason admins were told
        self._running = False

    def is_running(self) -> bool:
        return self._running

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set (an error propagates: the supervisor restarts it)."""
        self._running = True
        try:
            while not stop.is_set():
                await self.poll()
                await self.wait(self.interval, stop)
        finally:
            self._running = False

    async def poll(self) -> list[Outcome]:
        """Read every feed once; import what is new; tell admins."""
        if not self.feeds:
            return []
        outcomes = await asyncio.to_thread(self._poll)
        for outcome in outcomes:
            if outcome.failed:
                log.warning("portal: %s", outcome.describe())
                why = reason_vi(outcome.why or "")
                if self._failing.get(outcome.source) != why:
                    self._failing[outcome.source] = why
                    await self._call(self.on_failed, outcome.source, why)
                continue
            self._failing.pop(outcome.source, None)
            if outcome.written:
                log.info("portal: %s", outcome.describe())
            if outcome.action == NEW:
                await self._call(self.on_imported, outcome.title or str(outcome.path))
        # A feed that answered again (even "not modified") is no longer failing.
        failed = {o.source for o in outcomes if o.failed}
        for feed in self.feeds:
            if feed not in failed:
                self._failing.pop(feed, None)
        return outcomes

    def _poll(self) -> list[Outcome]:
        importer = Importer(self.settings, today=self.today, fetcher=self.fetcher(self.hosts))
        with importer:
            return importer.follow(self.feeds)

    @staticmethod
    async def _call(callback: Callback | None, *args: str) -> None:
        if callback is None:
            return
        try:
            result = callback(*args)
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("portal: telling admins failed")
