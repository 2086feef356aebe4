"""A topic whose id staff changed in faq.yaml keeps its followers.

Subscriptions name a topic by its id. When staff change it ("hocbong" to "hoc-bong"), the
chats following the old id would get no alert about the topic again. At each look at the
files (wardbot.alerts, before alerts are queued), the topics faq.yaml has are compared with
those it had at the last look, kept in the `meta` table under SEEN_KEY (ids and names, so
that a restart between the two looks changes nothing). When exactly one topic that chats
follow is gone and exactly one new topic has its name (accents and capitals aside), the id
was changed: its followers move to the new id (`Store.move_followers`: one transaction,
none lost or doubled). Anything less sure is left to the warning admins get
(`Alerts._report_topics_gone`): they know which topic they meant.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from wardbot.intents import topic_key
from wardbot.models import Topic
from wardbot.store import Store

log = logging.getLogger(__name__)

SEEN_KEY = "topics-seen"


@dataclass(frozen=True)
class Renamed:
    """A topic's id changed from `old` to `new` (named `name`), `followers` chats moved."""

    old: str
    new: str
    name: str
    followers: int


def _seen(kept: str | None) -> dict[str, str] | None:
    """The topics (id -> name) at the last look; None when not known (the first look, or
    what was kept is unreadable)."""
    if not kept:
        return None
    try:
        seen = json.loads(kept)
    except ValueError:
        log.warning("the topics kept from the last look are unreadable; looked at anew")
        return None
    if not isinstance(seen, dict):
        return None
    return {str(k): str(v) for k, v in seen.items()}


def renamed(
    seen: dict[str, str], topics: Sequence[Topic], followed: Sequence[str]
) -> tuple[str, Topic] | None:
    """(old id, new topic) when the change from `seen` to `topics` is one topic that some
    of the `followed` ids name given a new id and nothing else it could be; else None."""
    now = {topic.id for topic in topics}
    vanished = [t for t in followed if t in seen and t not in now]
    if len(vanished) != 1:
        return None
    old = vanished[0]
    new = [t for t in topics if t.id not in seen and topic_key(t.name) == topic_key(seen[old])]
    return (old, new[0]) if len(new) == 1 else None


async def follow_renamed_topics(store: Store, topics: Sequence[Topic]) -> Renamed | None:
    """Move the followers of a topic whose id was changed to its new id (see the module
    docstring), and remember `topics` for the next look. Call it only with the topics of
    a faq.yaml read whole."""
    kept = await store.meta_value(SEEN_KEY)
    seen = _seen(kept)
    done = None
    if seen is not None:
        counts = await store.subscriber_counts()
        change = renamed(seen, topics, sorted(counts))
        if change is not None:
            old, new = change
            moved = await store.move_followers(old, new.id)
            log.info("topic id %s changed to %s: %d follower(s) moved", old, new.id, moved)
            done = Renamed(old, new.id, new.name, moved)
    now = json.dumps({t.id: t.name for t in topics}, ensure_ascii=False, sort_keys=True)
    if now != kept:
        await store.set_meta_value(SEEN_KEY, now)
    return done
