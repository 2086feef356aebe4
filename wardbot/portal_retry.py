"""A followed feed's items that failed, remembered with the feed (by their page_key) so
that an item failing again and again for the same reason (a PDF, a page on another host)
is fetched less and less often: the first failure is tried again at the next poll, the
second after RETRY_AFTER, then twice as long each time, up to RETRY_AT_MOST.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wardbot.portal_items import Item
from wardbot.portal_log import page_key
from wardbot.portal_outcome import passing

RETRY_AFTER = 30 * 60.0
RETRY_AT_MOST = 24 * 3600.0

# page_key -> {"url", "stamp", "date", "why", "failures", "next", "backlog"?}
Failing = dict[str, Any]


def retry_after(failures: int, why: str = "") -> float:
    """Seconds until a feed item that failed `failures` times in a row (the last time for
    `why`) is tried again: at most RETRY_AFTER when the portal was down for a moment (its
    page will be there once the portal is back: residents wait no hours more for it)."""
    if failures <= 1:
        return 0.0
    longest = RETRY_AFTER if passing(why) else RETRY_AT_MOST
    return min(longest, RETRY_AFTER * 2 ** min(failures - 2, 16))


def remembered(seen: Any) -> Failing:
    """The failing items remembered with a feed (a copy; {} for none or a damaged record)."""
    return dict(seen) if isinstance(seen, dict) else {}


def to_retry(failing: Failing) -> list[Item]:
    """The failing items as listed (each `link` its address); one not as written here is
    forgotten (read again with the feed's next change)."""
    items = []
    for key, last in list(failing.items()):
        try:
            date = dt.date.fromisoformat(last["date"]) if last.get("date") else None
            title = str(last.get("title") or "")
            items.append(Item(str(last["url"]), str(last.get("stamp") or ""), date, title))
        except (AttributeError, KeyError, TypeError, ValueError):
            del failing[key]
    return items


def waiting(failing: Failing, url: str, stamp: str, now: float) -> bool:
    """Whether the item failed before, listed as now, and is not due to be tried again."""
    last = failing.get(page_key(url)) or {}
    return bool(last) and last.get("stamp") == stamp and now < float(last.get("next") or 0)


def of_backlog(failing: Failing, url: str) -> bool:
    """Whether the item failed first at its feed's first read: once read, it is the feed's
    backlog still (no news to subscribers), however long it failed."""
    return bool((failing.get(page_key(url)) or {}).get("backlog"))


def count(
    failing: Failing,
    url: str,
    item: Item,
    why: str | None,
    now: float,
    *,
    backlog: bool = False,
) -> None:
    """The `item` read now at `url` failed for `why` (None: it did not fail); `backlog`: it is its
    feed's backlog (see `of_backlog`). Failures in a row for one reason are counted; the
    feed showing the item with another date, or another reason, starts the count again."""
    key = page_key(url)
    if why is None:
        failing.pop(key, None)
        return
    last = failing.get(key) or {}
    stamp, date = item.stamp, item.date
    same = last.get("stamp") == stamp and last.get("why") == why
    failures = int(last.get("failures") or 0) + 1 if same else 1
    failing[key] = {
        "url": url,
        "stamp": stamp,
        "date": date.isoformat() if date else None,
        "why": why,
        "failures": failures,
        "next": now + retry_after(failures, why),
        "title": item.title,  # as listed: to name it to admins when tried again
    }
    if backlog:
        failing[key]["backlog"] = True
