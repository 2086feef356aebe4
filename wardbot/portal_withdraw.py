"""Articles the ward took down from its portal: which imported ones to read again to learn
it (those a followed feed or news list no longer shows, though recent), and their notices
taken out of content/ (residents are not sent to them) and kept for staff.
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

from wardbot.config import Settings
from wardbot.models import Topic
from wardbot.notices import load_announcement
from wardbot.portal_extract import NotAnArticle, decode_html, extract_article, not_found_page
from wardbot.portal_fetch import Fetched, shown_address
from wardbot.portal_log import GONE_UNTOLD, ImportLog, page_key, record_date
from wardbot.portal_outcome import DELETED, UNCHANGED, WITHDRAWN, Outcome, not_an_article
from wardbot.portal_sources import source_kind

# Where a notice goes when the portal withdrew its article (404 or 410 on reading it again):
# out of content/, kept for staff to look at or put back.
WITHDRAWN_DIR = "portal-withdrawn"
# What a server that answers says of a page it no longer has. A server error, no answer or
# a maintenance page is the portal's moment: it never withdraws a notice.
REMOVED = (404, 410)
# An article of the last WITHDRAWN_DAYS that its feed (or news list) no longer shows, though
# it shows older ones, is read again to learn whether the portal took it down. Older ones
# are not: a list pinning an old article at its top would have every article since read
# again at each of its changes.
WITHDRAWN_DAYS = 30


def gone_from(
    book: ImportLog, feed: str, listed: dict[str, dt.date | None], today: dt.date
) -> list[tuple[str, dict[str, Any]]]:
    """The articles `feed` brought that it no longer lists (`listed`: its items' dates by
    their page_keys) though newer than its oldest item (by the item's date, else its
    article's, if imported: not aged out of it, but taken down or moved), of the last
    WITHDRAWN_DAYS: (address, record) of each, to read again."""
    days = []
    for key, day in listed.items():
        found = book.find([key]) if day is None else None
        days.append(day.isoformat() if day else record_date(found[1]) if found else "")
    # (An item of unknown date, never imported, tells nothing of what aged out.)
    oldest = min((day for day in days if day), default=None)
    if oldest is None:
        return []
    oldest = max(oldest, (today - dt.timedelta(days=WITHDRAWN_DAYS)).isoformat())
    return [
        (key, record)
        for key, record in list(book.articles.items())
        if record.get("file")
        and not record.get("same_as")
        and not record.get("withdrawn")
        and page_key(str(record.get("feed"))) == page_key(feed)
        and page_key(key) not in listed
        and record_date(record) > oldest
    ]


def removed_there(address: str, fetched: Fetched, today: dt.date) -> str | None:
    """Why the page an imported article's `address` answers now with 200 OK shows the
    article was taken down, if it does: a "not found" page, or a redirect to a page with
    no article (the site's home, a news list). A page moved elsewhere shows its article
    there; a maintenance or error page is the portal's moment."""
    if fetched.not_modified or source_kind(fetched.content_type, fetched.body) != "page":
        return None
    html = decode_html(fetched.body, fetched.charset)
    title = not_found_page(html)
    if title:
        return f"it shows a page not found («{title}»)"
    if page_key(fetched.url) == page_key(address):
        return None
    try:
        extract_article(html, url=fetched.url, today=today)
    except NotAnArticle as exc:
        if not_an_article(exc.why):
            return f"it sends to {shown_address(fetched.url)}, which shows no article"
    return None


def withdraw(
    settings: Settings,
    topics: list[Topic],
    source: str,
    record: dict[str, Any],
    why: str,
    *,
    dry_run: bool,
    untold: bool = False,
) -> Outcome:
    """The portal no longer has the article of `record` (why: what it answered): its notice
    leaves content/ (the content watcher takes it out of the index), kept in WITHDRAWN_DIR;
    `record` says so (the caller saves it: the article back on the portal is imported again).
    `untold`: the feed follower's, whose admins hear of it, at once the first time; a notice
    back once already is marked GONE_UNTOLD instead (the Outcome `quiet`), told once it is
    still withdrawn at a later poll: a post the ward takes down and puts back again and
    again is told gone and back once, then only when a state holds for a poll."""
    if not record.get("file") or record.get("same_as") or record.get("withdrawn"):
        return Outcome(source, UNCHANGED)
    path = settings.content_dir / str(record["file"])
    if not path.exists():  # staff deleted it already
        return Outcome(source, DELETED, path, why=f"{path} was deleted")
    notice, _ = load_announcement(path, topics)  # (None: staff broke it)
    title = notice.title if notice is not None else path.stem
    if not dry_run:
        folder = settings.data_dir / WITHDRAWN_DIR
        folder.mkdir(parents=True, exist_ok=True)
        # (content/ and the data folder may be on two file systems: no rename.)
        shutil.copy2(path, folder / path.name)
        path.unlink()
        record["withdrawn"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        quiet = untold and bool(record.get("returned"))
        if quiet:
            record[GONE_UNTOLD] = {"title": title}  # (saved with the withdrawal)
    else:
        quiet = False
    why = f"the portal removed it: {why}"
    return Outcome(source, WITHDRAWN, path, title, why=why, quiet=quiet)
