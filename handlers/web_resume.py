"""Resume handles: the web chat's conversation carried from one page of the portal to the
next where the widget's frame has no storage that lasts.

A browser keeps a frame of another site apart from that site's own pages and, in
Chromium, gives it no storage that outlives the portal's page (third-party storage
partitioning; Safari refuses it outright): the widget's frame would start a new
conversation on every page of a portal on another site than the bot. The widget's
script runs in the portal's own page and keeps a handle in the portal's storage; the frame
gets it by postMessage and exchanges it here (`take`) for its session and a new handle.
A handle is not the session's id (which opens the conversation for as long as it lasts):
a copy of one opens the conversation once, until the resident's next page replaces it,
but for RESUME_GRACE: a handle traded once opens the same conversation once more within
RESUME_GRACE of that first trade, then it is deleted. The answer to a trade can be lost
(the resident tapped a link of the portal meanwhile, the phone changed networks) and two
tabs of the portal opened at once offer the one handle the portal keeps: without the
grace, that page would start a conversation of its own and lose the resident's. Only each
handle's SHA-256 digest is stored (table web_resume, migrations 34 and 35), for `seconds`;
/forget deletes a session's (per-chat rows).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable

import aiosqlite

from wardbot.store import Store

CHANNEL = "web"
# Handles kept per session at most (the newest): one per portal site and browser that
# holds the conversation (www. and the bare name keep separate storage).
PER_SESSION = 8
# Seconds a handle traded once still opens its conversation, once more (see above): the
# resident's next page, or another tab, comes within them.
RESUME_GRACE = 120.0


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


class Resumes:
    """Handles in the bot's database, each opening one session until used or `seconds`
    have passed (`clock`: the time of day, as stored)."""

    def __init__(
        self, store: Store, seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.seconds = seconds
        self.clock = clock

    async def give(self, session: str) -> str | None:
        """A new handle for `session`; None when the database cannot be written."""
        if not self.store.writable:
            return None
        try:
            async with self.store.writing() as db:
                return await self._add(db, session)
        except sqlite3.Error:
            return None

    async def take(self, handle: str) -> tuple[str, str] | None:
        """The session `handle` opens and a new handle for it, while it lasts: once, and
        once more within RESUME_GRACE of that; None when it opens nothing (used, expired,
        forgotten, never given) or the database cannot be written (no new one)."""
        if not self.store.writable:
            return None
        now = self.clock()
        try:
            async with self.store.writing() as db:
                async with db.execute(
                    "SELECT chat_id, until, used FROM web_resume WHERE digest = ?",
                    (_digest(handle),),
                ) as rows:
                    row = await rows.fetchone()
                if row is None:
                    return None
                if row[2] is None and row[1] > now:  # its first trade: the grace begins
                    await db.execute(
                        "UPDATE web_resume SET used = ?, until = min(until, ?) WHERE digest = ?",
                        (now, now + RESUME_GRACE, _digest(handle)),
                    )
                else:
                    await db.execute("DELETE FROM web_resume WHERE digest = ?", (_digest(handle),))
                if row[1] <= now:
                    return None
                session = str(row[0])
                return session, await self._add(db, session)
        except sqlite3.Error:
            return None

    async def _add(self, db: aiosqlite.Connection, session: str) -> str:
        handle = secrets.token_urlsafe(32)
        await db.execute(
            "INSERT INTO web_resume (digest, channel, chat_id, until) VALUES (?, ?, ?, ?)",
            (_digest(handle), CHANNEL, session, self.clock() + self.seconds),
        )
        await db.execute(
            "DELETE FROM web_resume WHERE channel = ? AND chat_id = ? AND digest NOT IN ("
            "SELECT digest FROM web_resume WHERE channel = ? AND chat_id = ? "
            "ORDER BY until DESC LIMIT ?)",
            (CHANNEL, session, CHANNEL, session, PER_SESSION),
        )
        return handle

    async def purge(self) -> int:
        """Delete the handles past their time; returns how many. A handle given for longer
        than `seconds` from now (WEB_HISTORY_DAYS lowered since) lasts `seconds` from now."""
        if not self.store.writable:
            return 0
        now = self.clock()
        async with self.store.writing(proves=False) as db:
            cursor = await db.execute("DELETE FROM web_resume WHERE until <= ?", (now,))
            await db.execute(
                "UPDATE web_resume SET until = ? WHERE until > ?",
                (now + self.seconds, now + self.seconds),
            )
        return max(cursor.rowcount, 0)
