"""What an article read from the ward's portal becomes, judged against the import log
(wardbot.portal_log): a new notice, a re-post of one (skipped), the same article edited,
moved to another address or back on the portal (its file rewritten under the same name:
no second alert), or nothing new; and a file staff deleted or edited is left as they
left it (see wardbot.portal_import).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from trafilatura.deduplication import Simhash

from wardbot.config import Settings
from wardbot.facts import only_facts_changed
from wardbot.notices import load_announcement
from wardbot.portal_extract import Article, NotAnArticle, decode_html, extract_article
from wardbot.portal_fetch import Fetcher, FetchError, is_web_address
from wardbot.portal_files import NoticeFiles
from wardbot.portal_links import links_alone
from wardbot.portal_log import (
    GONE_UNTOLD,
    ImportLog,
    digest,
    page_key,
    record_date,
    same_places,
    specifics_of,
    words_of,
)
from wardbot.portal_outcome import DELETED, DUPLICATE, KEPT, NEW, UNCHANGED, UPDATED, Outcome
from wardbot.staff_read import staff_text
from wardbot.text import plain_words


def edited(current: bytes, written: object) -> bool:
    """Whether staff edited a notice file the importer wrote (`written`: the digest of its
    text then): not when they only saved it again in Notepad as "Unicode" (UTF-16) or with
    Windows line ends, its text unchanged."""
    if digest(current) == written:
        return False
    try:
        text = staff_text(current)
    except UnicodeDecodeError:
        return True
    return digest(text.replace("\r\n", "\n")) != written


class Moved(NamedTuple):
    """An imported article a new page is (see `moved_from`): its address, and whether the
    portal took that page down (gone, or showing no article) rather than sending it here
    or showing the new text there; `shown`: it still shows its own version, the new page
    its corrected re-post (see `corrects`)."""

    old: str
    gone: bool
    shown: bool = False


def moved_from(
    book: ImportLog,
    keys: list[str],
    article: Article,
    fetcher: Fetcher,
    today: dt.date,
    text_of_record: Callable[[dict[str, Any]], str | None],
) -> Moved | None:
    """The imported article this new page is, moved (a portal that makes the address
    from the title moves an article whose title is corrected) and maybe edited on the
    way, or put in place of (a corrected version posted the same day, the first taken
    down): nearly the same text, the same date, and its old address no longer shows it:
    gone, sending here, or showing this page's edited text. Two pages both still there
    are two articles however alike (one template for two neighbourhoods' notices), or
    one article posted twice, and so are a gone post and a new one naming other places
    (see same_places: the template's notice of another hamlet, posted as the first is
    taken down). (`text_of_record`: the text of a record's notice, None when gone.)"""
    if book.find(keys) is not None:
        return None
    plain = plain_words(article.body)
    title = plain_words(article.title)
    day = article.date.isoformat()
    old = book.same_article(Simhash(plain), day, digest(plain), title)
    if old is None:
        words_of_record = functools.partial(notice_words, text_of_record)
        old = book.corrected_of(title, day, words_of(article.body), words_of_record)
    if old is None or not is_web_address(old):
        return None
    record = book.articles[old]
    # Only its text tells a gone post is this one: not when they name other places.
    here = same_places(article.body, text_of_record(record))
    edited = record.get("text") != digest(plain) or record.get("title") != title
    try:
        there = fetcher.get(old)
    except FetchError as exc:
        if exc.status not in (404, 410):
            return None
        return Moved(old, gone=True) if here else None
    if page_key(there.url) in {page_key(key) for key in keys}:
        return Moved(old, gone=False)  # redirected here
    try:
        shown = extract_article(decode_html(there.body, there.charset), url=old, today=today)
    except NotAnArticle:
        # It shows a list of news, or nothing: not there.
        return Moved(old, gone=True) if here else None
    # Both addresses show the new text (the portal finds articles by their id, not
    # by the words of their address), under the new title too: the old address showing
    # its own title over the same short text is another notice; the same text as before
    # is a re-post.
    retitled = plain_words(shown.title) == title
    moved = plain_words(shown.body) == plain and retitled
    if edited and moved:
        return Moved(old, gone=False)
    # The first post still there as it was, the corrected one beside it: one notice (its
    # residents alerted once, then of what changed), not two alerts of one event. Only a
    # day, an hour or a place changed: two notices of one template posted side by side
    # (two vaccines, two meetings' agendas) are two notices.
    if (
        here
        and retitled
        and corrects(record, article.date, title, digest(plain))
        and only_facts_changed(shown.body, article.body)
    ):
        return Moved(old, gone=False, shown=True)
    return None


def corrects(record: dict[str, Any], day: dt.date, title: str, text: str) -> bool:
    """Whether an article (its `day`, `title` and `text`'s digest) taken for the imported
    article of `record` (see `moved_from`) is its corrected version: posted the same day
    under the same title, its text changed (a day, an hour, a venue)."""
    return (
        record.get("title") == title
        and record_date(record) == day.isoformat()
        and record.get("text") != text
    )


def superseded(moved: Moved, record: dict[str, Any], day: dt.date, title: str, text: str) -> bool:
    """Whether a new page taken for the imported article of `record` (`moved`) is rather
    a second post put in its place: a corrected version (a date changed) posted under the
    same title the same day, the first then taken down. Its notice is the same (no second
    alert; residents alerted hear of what changed as of any edit), but staff hear that the
    portal took a post down, not that one moved: a portal moves an article whose title
    changed, and one that sends its old address on is one article. One withdrawn before
    is back (see Outcome.back)."""
    return moved.gone and not record.get("withdrawn") and corrects(record, day, title, text)


def notice_words(
    text_of_record: Callable[[dict[str, Any]], str | None], record: dict[str, Any]
) -> frozenset[str] | None:
    """The words of a record's notice (`text_of_record`: its text), None when it is gone."""
    text = text_of_record(record)
    return words_of(text) if text is not None else None


class Decider:
    """Decides, in the import log `book` given (saved by the caller), what an article read
    becomes, and writes its notice file (with `dry_run`, only says what it would)."""

    def __init__(self, settings: Settings, files: NoticeFiles, *, dry_run: bool) -> None:
        self.settings = settings
        self.files = files
        self.dry_run = dry_run

    def decide(
        self,
        source: str,
        keys: list[str],
        article: Article,
        validators: dict[str, Any],
        book: ImportLog,
        moved_from: Moved | None = None,
        *,
        backlog: bool = False,
        feed: str | None = None,
    ) -> Outcome:
        """`keys`: the page's addresses (its own first); `validators`: what its record keeps
        of this read; `moved_from`: see `moved_from`; `backlog`: a feed's first read
        (NoticeFiles.publish); `feed`: the feed that listed it (None: a page of its own)."""
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
        replaces: str | None = None  # see Outcome.replaces
        twin_of = functools.partial(
            book.same_text,
            text,
            simhash,
            title,
            article.date.isoformat(),
            specifics,
            words_of(article.body),
            self._words_of_file,
        )
        old = book.articles.get(moved_from.old) if moved_from else None
        if moved_from and moved_from.shown and twin_of() is not None:
            old = None  # a re-post beside the first, its numbers and names the same: skipped
        if found is None and old and old.get("file") and not old.get("same_as"):
            # The article moved: its record follows it, its old address points to it.
            assert moved_from is not None
            if superseded(moved_from, old, article.date, title, text):
                replaces = moved_from.old
                moved = f"in place of {replaces}, a post of the same day the portal took down"
            elif moved_from.shown:
                replaces = moved_from.old
                moved = f"a corrected re-post of {replaces}, which the portal still shows"
            else:
                moved = f"moved from {moved_from.old}"
            book.articles[moved_from.old] = {"same_as": keys[0], "text": old.get("text")}
            book.articles[keys[0]] = old
            found = (keys[0], old)
        if found is None:
            twin = twin_of()
            if twin is not None:
                book.articles[keys[0]] = {"same_as": twin, "text": text, **validators}
                twin_file = book.articles[twin].get("file")
                return Outcome(source, DUPLICATE, why=f"same text as {twin} ({twin_file})")
            rendered = self.files.render(article, keys[0] if keys[0].startswith("http") else None)
            name = self.files.free_name(article, rendered)
            path = self.settings.content_dir / name
            if not path.exists():  # (there already: written before the log was lost)
                self.files.publish(path, rendered, backlog=backlog)
            book.articles[keys[0]] = {
                "file": name,
                "date": article.date.isoformat(),
                "text": text,
                "simhash": simhash.to_hex(),
                **specifics,
                "title": title,
                "written": digest(rendered),
                "imported": now,
                "feed": feed,  # None: imported as a page of its own
                **validators,
            }
            alone = links_alone(article.body)
            return Outcome(source, NEW, path, article.title, text=rendered, links_alone=alone)

        key, record = found
        record.update(validators)
        path = self.settings.content_dir / str(record.get("file"))
        back = bool(record.pop("withdrawn", None))  # the portal shows the article again
        # (Its withdrawal never told to admins: nor is its return. See portal_withdraw.)
        quiet = record.pop(GONE_UNTOLD, None) is not None
        if back:
            record["returned"] = True
        if not path.exists() and not back:
            return Outcome(
                source, DELETED, path, article.title, why=f"{path} was deleted; not imported again"
            )
        current = path.read_bytes() if path.exists() else b""
        staff_edited = not back and edited(current, record.get("written"))
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
        return Outcome(
            source,
            UPDATED,
            path,
            article.title,
            why=note,
            text=rendered,
            kept=kept,
            back=back,
            replaces=replaces,
            replaces_shown=bool(moved_from and moved_from.shown),
            quiet=quiet,
        )

    def text_of_notice(self, record: dict[str, Any]) -> str | None:
        """The text of an imported article's notice as residents read it (not its front
        matter); None when it is gone or does not load."""
        try:
            notice, _ = load_announcement(self.settings.content_dir / str(record.get("file")), None)
        except OSError:
            return None
        return notice.body if notice is not None else None

    def _words_of_file(self, record: dict[str, Any]) -> frozenset[str] | None:
        """The words of an imported article's file, as staff left it; None when it is gone."""
        try:  # saved again by staff, maybe as UTF-16 ("Unicode" in Notepad)
            return words_of(
                staff_text((self.settings.content_dir / str(record.get("file"))).read_bytes())
            )
        except (OSError, UnicodeDecodeError):
            return None
