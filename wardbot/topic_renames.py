"""A topic whose id staff changed in faq.yaml keeps its followers.

Subscriptions name a topic by its id. When staff change it ("hocbong" to "hoc-bong"), the
chats following the old id would get no alert about the topic again. At each look at the
files (wardbot.alerts, before alerts are queued), the topics faq.yaml has are compared with
those it had at the last look, kept in the `meta` table under SEEN_KEY (ids and names, so
that a restart between the two looks changes nothing).

A topic that chats follow gone from faq.yaml is remembered (VANISHED_KEY: its id, its name,
since when) for REMEMBER_DAYS: staff may remove the old block in one save and add the new
one in another, minutes or days later, or their new block may not read at first (the old
id gone, the new one broken) and be fixed later. When a look finds a topic new since the
last one whose name (accents and capitals aside) is that of exactly one remembered topic,
and no other new topic has that name, the id was changed: its followers move to the new
id. The old id put back in faq.yaml is forgotten: its followers never left it, nothing
moves. Past REMEMBER_DAYS it is forgotten too (staff were told it is gone:
`Alerts._report_topics_gone`); anything less sure is left to that warning.

The move, the note telling admins of it and what is remembered are one transaction
(`Store.move_followers`): a crash leaves all or none, and the note, queued in the outbox,
goes once after it. The old id is remembered as leading to the new one (RENAMED_KEY), so
that a button or numbered list shown before the change still acts on the topic
(`renamed_to`): on its latest id, however many changes later, and never on another topic
staff later give one of its old ids (an id faq.yaml has again is a topic of its own).
That is remembered with when the id changed, for REMEMBER_DAYS too (what was shown before
is at least that old by then), and forgotten sooner once the topic it leads to is neither
in faq.yaml nor followed by any chat: no button can act on it any more.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from wardbot import messages as msg
from wardbot.intents import topic_key
from wardbot.models import Topic
from wardbot.store import ChatRef, Store

log = logging.getLogger(__name__)

SEEN_KEY = "topics-seen"
VANISHED_KEY = "topics-vanished"  # {old id: [name, since]}
# {old id: [new id, since]}; a release before kept {old id: new id}, read as changed now.
RENAMED_KEY = "topics-renamed"
# How long a followed topic gone from faq.yaml waits for its new id.
REMEMBER_DAYS = 30

# The topic ids changed: old id -> (new id, since when).
Renames = dict[str, tuple[str, float]]


@dataclass(frozen=True)
class Renamed:
    """A topic's id changed from `old` to `new` (named `name`), `followers` chats moved."""

    old: str
    new: str
    name: str
    followers: int


def _loaded(kept: str | None, what: str) -> dict[str, object] | None:
    """The JSON object kept under a key; None when nothing or unreadable."""
    if not kept:
        return None
    try:
        value = json.loads(kept)
    except ValueError:
        log.warning("the %s kept are unreadable; looked at anew", what)
        return None
    return value if isinstance(value, dict) else None


def _seen(kept: str | None) -> dict[str, str] | None:
    """The topics (id -> name) at the last look; None when not known (the first look, or
    what was kept is unreadable)."""
    seen = _loaded(kept, "topics of the last look")
    return None if seen is None else {str(k): str(v) for k, v in seen.items()}


def _vanished(kept: str | None) -> dict[str, tuple[str, float]]:
    """The followed topics gone from faq.yaml remembered: id -> (name, since)."""
    vanished: dict[str, tuple[str, float]] = {}
    for topic_id, value in (_loaded(kept, "topics gone") or {}).items():
        if isinstance(value, list) and len(value) == 2 and isinstance(value[1], int | float):
            vanished[str(topic_id)] = (str(value[0]), float(value[1]))
    return vanished


def _renames(kept: str | None, now: float = 0.0) -> Renames:
    """The topic ids changed kept; since `now` where a release before kept no time."""
    renames: Renames = {}
    for old, value in (_loaded(kept, "topic renames") or {}).items():
        if isinstance(value, str):
            renames[str(old)] = (value, now)
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[1], int | float):
            renames[str(old)] = (str(value[0]), float(value[1]))
    return renames


def _dump_renames(renames: Renames) -> str:
    return _dump({old: [new, since] for old, (new, since) in renames.items()})


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def renamed(vanished: dict[str, str], new: Sequence[Topic]) -> list[tuple[str, Topic]]:
    """(old id, new topic) for each topic gone (`vanished`: id -> name) whose name is that of
    exactly one of the topics `new` since the last look, and of no other topic gone."""
    pairs = []
    for old, name in sorted(vanished.items()):
        key = topic_key(name)
        alike = [t for t, n in vanished.items() if topic_key(n) == key]
        named = [t for t in new if topic_key(t.name) == key]
        if len(alike) == 1 and len(named) == 1:
            pairs.append((old, named[0]))
    return pairs


def _renamed(renames: Renames, old: str, new: str, ids: set[str], now: float) -> Renames:
    """`renames` once `old` became `new` at `now`: each id that led to `old` leads to `new`
    at once, since it changed first (a chain passing through an id staff give to another
    topic later would end there), and an id faq.yaml has again is a topic of its own, no
    longer renamed."""
    renames = {was: (new if to == old else to, since) for was, (to, since) in renames.items()}
    renames[old] = (new, now)
    return {was: value for was, value in renames.items() if was not in ids}


def _still_of_use(renames: Renames, ids: set[str], counts: dict[str, int], now: float) -> Renames:
    """The `renames` a button shown before may still carry: changed less than
    REMEMBER_DAYS ago, leading to a topic faq.yaml has (`ids`) or chats follow (`counts`:
    else nothing would act on it), and not an id faq.yaml has again."""
    return {
        was: (to, since)
        for was, (to, since) in renames.items()
        if was not in ids and (to in ids or counts.get(to)) and now - since <= REMEMBER_DAYS * 86400
    }


async def follow_renamed_topics(
    store: Store, topics: Sequence[Topic], now: float, admins: Sequence[ChatRef] = ()
) -> list[Renamed]:
    """Move the followers of each topic whose id was changed to its new id, each move with
    its note to `admins` (see the module docstring), and remember `topics` (and those gone)
    for the next look. Call it only with the topics of a faq.yaml read whole."""
    kept = await store.meta_value(SEEN_KEY)
    seen = _seen(kept)
    kept_vanished = await store.meta_value(VANISHED_KEY)
    counts = await store.subscriber_counts()
    ids = {topic.id for topic in topics}
    vanished = {
        topic_id: (name, since)
        for topic_id, (name, since) in _vanished(kept_vanished).items()
        if now - since <= REMEMBER_DAYS * 86400 and topic_id not in ids and counts.get(topic_id)
    }
    for topic_id in counts:
        if seen is not None and topic_id in seen and topic_id not in ids:
            vanished.setdefault(topic_id, (seen[topic_id], now))
    new = [t for t in topics if seen is not None and t.id not in seen]
    done = []
    kept_renames = await store.meta_value(RENAMED_KEY)
    renames = _renames(kept_renames, now)
    for old, topic in renamed({t: name for t, (name, _) in vanished.items()}, new):
        del vanished[old]
        renames = _renamed(renames, old, topic.id, ids, now)
        keep = {VANISHED_KEY: _dump(vanished), RENAMED_KEY: _dump_renames(renames)}

        def note(moved: int, old: str = old, topic: Topic = topic) -> str | None:
            if not moved:
                return None
            return msg.admin_topic_followers_moved(old, topic.id, topic.name, moved)

        moved = await store.move_followers(old, topic.id, note=note, to=admins, now=now, keep=keep)
        log.info("topic id %s changed to %s: %d follower(s) moved", old, topic.id, moved)
        done.append(Renamed(old, topic.id, topic.name, moved))
        kept_vanished, kept_renames = keep[VANISHED_KEY], keep[RENAMED_KEY]
    renames = _still_of_use(renames, ids, counts, now)
    if _dump_renames(renames) != (kept_renames or _dump({})):
        await store.set_meta_value(RENAMED_KEY, _dump_renames(renames))
    if _dump(vanished) != (kept_vanished or _dump({})):
        await store.set_meta_value(VANISHED_KEY, _dump(vanished))
    seen_now = _dump({t.id: t.name for t in topics})
    if seen_now != kept:
        await store.set_meta_value(SEEN_KEY, seen_now)
    return done


async def renamed_to(store: Store, topic_id: str, known: Sequence[Topic]) -> Topic | None:
    """The topic of `known` that `topic_id`, no longer a topic, was renamed to (through
    each later rename); None when it was not."""
    renames = _renames(await store.meta_value(RENAMED_KEY))
    by_id = {topic.id: topic for topic in known}
    for _ in range(len(renames)):
        if topic_id not in renames:
            return None
        topic_id = renames[topic_id][0]
        if topic_id in by_id:
            return by_id[topic_id]
    return None


async def last_names(store: Store) -> dict[str, str]:
    """The name faq.yaml last gave each topic (id -> name) at the last look, and each
    followed topic gone since, remembered (VANISHED_KEY): so that a chat's list can still
    name a topic staff removed, rather than show its id."""
    seen = _seen(await store.meta_value(SEEN_KEY)) or {}
    vanished = _vanished(await store.meta_value(VANISHED_KEY))
    return {**seen, **{topic_id: name for topic_id, (name, _) in vanished.items()}}


async def renamed_ids(store: Store) -> list[str]:
    """Every topic id staff changed (`renamed_to` leads on from it)."""
    return sorted(_renames(await store.meta_value(RENAMED_KEY)))
