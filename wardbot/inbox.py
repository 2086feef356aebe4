"""What a channel received and has not handled yet, kept in the database until it has.

A platform is told that an update arrived (Telegram: the offset of the next getUpdates, or
a webhook's 200; Zalo: a webhook's 200, while its getUpdates hands each update out once)
only after the update is written here, and the row is deleted once the update is handled.
What a killed bot (kill -9, an OOM kill, a power cut) left here is handled at its next
start: a resident's question or a staff member's answer that had just arrived is not lost.

The key of every update received lately (its id on the platform, nothing of what it says)
is kept `SEEN_KEEP`, so that an update the platform sends again (Telegram re-sends what
was not confirmed; Zalo a webhook delivery not answered 200) is not answered twice. A key
may name the resident (a follow on a Zalo Official Account is named by the follower's
id): only its keyed digest is kept (HMAC-SHA256 under a random secret in `meta`), with no
chat, so /forget leaves it and a delivery posted again after /forget is still dropped;
nothing in it names anyone, and it goes after SEEN_KEEP. A version before kept the keys as
they came (some with their chat): an inbox's first write digests what such a version left
(`_digest_raw`), in the transaction of its first look-up, so a delivery seen before the
upgrade is still found (dropping them instead would let one be handled again).

While the database refuses writes (a full disk, a lock held by another program) an update
is handled as it comes, unkept, as it would be without an inbox: residents are answered.
The keys of the updates taken in lately are kept in memory too (`SEEN_MAX`), as digests
under a secret of the process's own, so that one sent again meanwhile, or after, is dropped
(also one sent again at once: the copy that waited for its turn to write is dropped, the
first taken in handled).
Rows are about a chat (`chat_id`), so /forget deletes them with the rest (Store.forget).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

import aiosqlite

from wardbot.store import Store

log = logging.getLogger(__name__)

# An update's key is kept this long after it arrived: Telegram keeps an update it was not
# told of 24 hours, and re-sends it meanwhile.
SEEN_KEEP = 2 * 86400.0
# A message still waiting to be handled (the bot was killed holding it, and stayed down; or
# its channel does not start) is kept at least this long, whatever QUESTION_LOG_DAYS says
# (0: no question log), so that the next start answers it: the retention job runs as the
# bot starts, before a channel slow to start has taken up what waits for it.
WAITING_KEEP = 30 * 86400.0
# Starts that took up an update and died before it was handled: the update is then
# dropped (said in the log), so that one that kills the bot cannot do so at every start.
MAX_ATTEMPTS = 3
# The `meta` key of the secret the keys of the updates seen are hashed under.
HASHED_UNDER = "inbox-seen-hmac"
# Updates taken in lately whose keys (digests) are kept in memory, per channel.
SEEN_MAX = 4096
# The keys seen that are no digest as `digest` writes them: kept as they came by a version
# before (none is one: Telegram's are numbers, Zalo's name their event, "follow:...").
_RAW = (
    "SELECT channel, update_key, seen_at FROM inbox_seen "
    "WHERE NOT (length(update_key) = 64 AND update_key NOT GLOB '*[^0-9a-f]*')"
)


def digest(secret: bytes, key: str) -> str:
    """What is kept of an update's `key`, in the database or in memory: its HMAC-SHA256
    under `secret`, in hex."""
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


class Fate(enum.Enum):
    KEPT = "kept"  # new, written down: handle it, then `done`
    REPEAT = "repeat"  # received before (handled, or waiting): drop it
    UNKEPT = "unkept"  # the database refused it: handle it all the same


class Inbox:
    """One channel's updates in the bot's database (`store`)."""

    def __init__(
        self, store: Store, channel: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self._refused = False  # said in the log once per outage
        self._kept: set[str] = set()  # the keys of the rows to delete once handled
        # Handled, but the database refused the delete (another program's lock): deleted
        # with the next write that goes through, not handled again at the next start.
        self._handled: set[str] = set()
        # The digests of the keys taken in lately (kept or not): one sent again while the
        # database refuses writes, or once it takes them again, is dropped.
        self._taken: OrderedDict[str, float] = OrderedDict()  # digest: when, oldest first
        self._in_memory = secrets.token_bytes(32)  # what they are digested under
        self._upgraded = False  # keys a version before left digested (_digest_raw)

    @property
    def enabled(self) -> bool:
        return self.store.writable

    async def keep(self, key: str, chat_id: str, payload: str) -> Fate:
        """Write an update down before the platform is told it arrived."""
        taken = digest(self._in_memory, key)
        if self._taken_lately(taken):
            return Fate.REPEAT
        fate = await self._keep(key, chat_id, payload)
        if fate is Fate.REPEAT:
            return fate
        # The same delivery sent again while this one waited for its turn to write (a
        # lock, a refusing disk) and taken in meanwhile, unkept: it is handled, this one
        # not (its row, if the database took it after all, goes as handled).
        if self._taken_lately(taken):
            if fate is Fate.KEPT:
                await self.done(key)
            return Fate.REPEAT
        # Noted once its fate is known: a cancelled keep is not (sent again, it is taken).
        self._taken[taken] = self.clock()
        return fate

    def _taken_lately(self, taken: str) -> bool:
        """Whether the update of digest `taken` was taken in within SEEN_KEEP (and among the
        SEEN_MAX last), as the database keeps it."""
        oldest = self.clock() - SEEN_KEEP
        while self._taken and (
            len(self._taken) > SEEN_MAX or next(iter(self._taken.values())) < oldest
        ):
            self._taken.popitem(last=False)
        return taken in self._taken

    async def _keep(self, key: str, chat_id: str, payload: str) -> Fate:
        if not self.enabled:
            return Fate.UNKEPT
        try:
            # On the disk before the platform is told: a power cut cannot take it back.
            # Every message waits for this: a lock another program holds is not waited
            # out (the message is handled unkept), the resident is answered promptly.
            async with self.store.writing(synced=True, prompt=True) as db:
                if not self._upgraded:
                    await _digest_raw(db)
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO inbox_seen (channel, update_key, seen_at) "
                    "VALUES (?, ?, ?)",
                    (self.channel, digest(await _secret(db), key), self.clock()),
                )
                if cursor.rowcount <= 0:
                    return Fate.REPEAT
                await db.execute(
                    "INSERT INTO inbox (channel, update_key, chat_id, payload, received_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (self.channel, key, chat_id, payload, self.clock()),
                )
                handled = await self._take_off(db, self._handled)
        except Exception as exc:  # never a reason to leave a message unanswered
            if not self._refused:
                log.warning(
                    "%s: the database refused to keep a received message (%s); messages are "
                    "handled unkept until it takes them again",
                    self.channel,
                    exc,
                )
            self._refused = True
            return Fate.UNKEPT
        self._upgraded = True
        self._kept.add(key)
        self._handled -= handled
        if self._refused:
            log.info("%s: received messages are kept again", self.channel)
        self._refused = False
        return Fate.KEPT

    async def done(self, key: str) -> None:
        """The update is handled: its row goes (its key stays, see SEEN_KEEP)."""
        if key not in self._kept:  # not kept: nothing to write (nor to fail on)
            return
        self._kept.discard(key)
        self._handled.add(key)
        await self.flush()

    async def decided(self, key: str, payload: str) -> None:
        """The update waits, its answer decided (handlers.intake): `payload` replaces what
        was kept, and the update counts as never taken up (waiting for the platform to take
        the bot's sending again is no start that died on it: see MAX_ATTEMPTS)."""
        if key not in self._kept:
            return
        try:
            async with self.store.writing() as db:
                await db.execute(
                    "UPDATE inbox SET payload = ?, attempts = 0 "
                    "WHERE channel = ? AND update_key = ?",
                    (payload, self.channel, key),
                )
        except Exception as exc:  # this run still sends it; the next start decides again
            log.warning(
                "%s: the answer decided for a waiting message was not kept (%s)", self.channel, exc
            )

    async def waiting(self, key: str) -> None:
        """The update waits for the platform to take the bot's sending again (or for the
        next start, the bot stopping meanwhile): it counts as never taken up, as for
        `decided`. A start that only found it still waiting did not die on it; counted,
        a platform refusing the bot's replies over a few restarts had it dropped."""
        if key not in self._kept:
            return
        try:
            async with self.store.writing() as db:
                await db.execute(
                    "UPDATE inbox SET attempts = 0 WHERE channel = ? AND update_key = ?",
                    (self.channel, key),
                )
        except Exception as exc:  # counted as taken up: dropped only after MAX_ATTEMPTS
            log.warning(
                "%s: a waiting message's count of starts was not reset (%s)", self.channel, exc
            )

    async def flush(self) -> None:
        """Take off the rows of the updates handled (also those a refused write left: a
        channel that stops calls this last, or a clean stop would leave them to be handled
        again at the next start)."""
        if not self._handled or not self.enabled:
            return
        try:
            async with self.store.writing(proves=False) as db:
                taken = await self._take_off(db, self._handled)
        except Exception as exc:  # taken off with the next write that goes through
            log.warning(
                "%s: could not take a handled message off the inbox (%s); it goes with the "
                "next write that goes through",
                self.channel,
                exc,
            )
            return
        self._handled -= taken

    async def _take_off(self, db: aiosqlite.Connection, keys: set[str]) -> set[str]:
        """Delete the rows of the handled updates `keys` (in the caller's transaction)."""
        taken = set(keys)
        if not taken:
            return taken
        await db.executemany(
            "DELETE FROM inbox WHERE channel = ? AND update_key = ?",
            [(self.channel, key) for key in sorted(taken)],
        )
        return taken

    async def left_over(self) -> list[tuple[str, str]]:
        """(key, payload) of the updates a bot that stopped left unhandled, oldest first,
        each counted as taken up once more; those taken up MAX_ATTEMPTS times are deleted."""
        if not self.enabled:
            return []
        try:
            found = await self._left_over()
        except Exception as exc:  # the channel starts all the same; they wait for the next
            log.warning("%s: could not read the messages a stop left (%s)", self.channel, exc)
            return []
        self._kept.update(key for key, _ in found)
        if found:
            log.info(
                "%s: %d message(s) received before a stop handled now", self.channel, len(found)
            )
        return found

    async def _left_over(self) -> list[tuple[str, str]]:
        async with self.store.writing() as db:
            cursor = await db.execute(
                "DELETE FROM inbox WHERE channel = ? AND attempts >= ?",
                (self.channel, MAX_ATTEMPTS),
            )
            if cursor.rowcount > 0:
                log.error(
                    "%s: %d received message(s) dropped: the bot stopped while handling them "
                    "%d times",
                    self.channel,
                    cursor.rowcount,
                    MAX_ATTEMPTS,
                )
            await db.execute(
                "UPDATE inbox SET attempts = attempts + 1 WHERE channel = ?", (self.channel,)
            )
            async with db.execute(
                "SELECT update_key, payload FROM inbox WHERE channel = ? "
                "ORDER BY received_at, update_key",
                (self.channel,),
            ) as rows:
                return [(str(key), str(payload)) for key, payload in await rows.fetchall()]


async def _secret(db: aiosqlite.Connection) -> bytes:
    """The database's secret the keys seen are digested under (in the caller's
    transaction), made with the first update kept (read each time: a secret made in a
    transaction rolled back is no secret of the database's)."""
    async with db.execute("SELECT value FROM meta WHERE key = ?", (HASHED_UNDER,)) as row:
        found = await row.fetchone()
    secret = str(found[0]) if found is not None else secrets.token_hex(32)
    if found is None:
        await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (HASHED_UNDER, secret))
    return bytes.fromhex(secret)


async def _digest_raw(db: aiosqlite.Connection) -> None:
    """Digest the keys seen that a version before kept as they came (every channel's, in
    the caller's transaction), with no chat: each is still found as seen (SEEN_KEEP after
    it was), and nothing kept names a resident."""
    async with db.execute(_RAW) as rows:
        raw = list(await rows.fetchall())
    if not raw:
        return
    secret = await _secret(db)
    await db.executemany(
        "INSERT INTO inbox_seen (channel, update_key, seen_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO UPDATE SET seen_at = max(seen_at, excluded.seen_at)",
        [(channel, digest(secret, str(key)), seen_at) for channel, key, seen_at in raw],
    )
    await db.executemany(
        "DELETE FROM inbox_seen WHERE channel = ? AND update_key = ?",
        [(channel, key) for channel, key, _ in raw],
    )
    log.info("%d delivery key(s) kept by a version before digested", len(raw))


async def purge(store: Store, before: float, now: float) -> int:
    """Delete inbox rows received before `before` (retention) and WAITING_KEEP ago, and
    keys older than SEEN_KEEP."""
    async with store.writing() as db:
        rows = await db.execute(
            "DELETE FROM inbox WHERE received_at < ?", (min(before, now - WAITING_KEEP),)
        )
        await db.execute("DELETE FROM inbox_seen WHERE seen_at < ?", (now - SEEN_KEEP,))
    return max(rows.rowcount, 0)
