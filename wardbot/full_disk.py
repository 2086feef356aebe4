"""Admins told in chat when the data folder's disk fills while the bot runs, and when the
bot writes again: once per episode, not at each write refused (/healthz and the log say it
too, wardbot.store.base). A part of the bot stopped by the full disk (a background task,
the search index) is folded into that one message (FullDiskWatch.folds). A disk quota
reached while the bot runs is a full disk too: `df` (statvfs) shows room, SQLite says only
"disk I/O error" (SQLITE_IOERR_WRITE: EDQUOT is no ENOSPC to it) and other files' writes
fail with EDQUOT; after such an error the data folder is tried with a write
(datadir.probe), and /healthz says `data` down (Store.over_quota) until one goes through.
A bot started read-only on a full disk (or past its disk quota) is told too, and that it
can be restarted once there is room. A file saved apart from the database, in a thread of
its own (the vector cache, wardbot.vectors), whose save the disk refused is folded in at
the next tick, and saved again once the disk has room (`Saving`)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wardbot import messages as msg
from wardbot.datadir import disk_full, is_write_failure, probe, reason
from wardbot.store.turns import no_room

if TYPE_CHECKING:
    from wardbot.alerts import Alerts
    from wardbot.store import Store

log = logging.getLogger(__name__)

LOOK_EVERY_SECONDS = 30.0  # how often the store's write state is looked at
# A write refused for lack of room: the disk is full, or the bot's user used its quota.
ROOM_ERRORS = (errno.ENOSPC, errno.EDQUOT)


class Saving(Protocol):
    """A part that saves a file of its own in the data folder, in a thread of its own (the
    vector cache: wardbot.vectors.DocumentVectors)."""

    # The write refused at its last save, until a save goes through.
    unsaved: OSError | None

    def save_again(self) -> None:
        """The disk has room again: save now (in the background) what was refused."""


class FullDiskWatch:
    """Looks at the store's write state (Store.full) at each tick. A full disk is told
    straight through the channels (Alerts.tell_admins_directly: the outbox is in the
    database the disk cannot grow); its end, once a write of the bot's went through again
    and the disk has room, as a note through the outbox. What was told is kept in memory
    only (nothing can be saved on a full disk): a restart during an episode tells it once
    more. A bot that started read-only (Store.writable false) looks at the data folder's
    disk itself: told that it is full, then that it has room and the bot may be restarted
    (a read-only bot does not write again by itself)."""

    name = "full-disk"

    def __init__(
        self,
        store: Store,
        alerts: Alerts,
        clock: Callable[[], float],
        *,
        saving: Sequence[Saving] = (),
    ) -> None:
        """`saving`: parts whose refused save is folded in at a tick (`look`)."""
        self.store = store
        self.alerts = alerts
        self.clock = clock
        self.saving = saving
        self._folded: dict[int, OSError] = {}  # each part's refusal folded, by id(part)
        self.since: float | None = None  # when admins were told the disk is full
        self._turn = asyncio.Lock()  # a tick and a fold at once tell the disk once

    async def folds(self, exc: BaseException | None) -> bool:
        """Whether `exc`, the error that stopped a part of the bot (a background task:
        wardbot.supervise; the search index's write), is the full disk: a write refused
        for lack of room while the disk is full. Admins are then told of the disk at once
        if they were not yet (not at the next tick, a part's own note coming first), and
        the part tells no note of its own: one full disk, one message. False for any other
        error (or None), and for a refusal while the disk is not found full."""
        if exc is None:
            return False
        folder = self.alerts.settings.data_dir
        if not any(_no_room(folder, cause) for cause in _causes(exc)):
            return False
        if self.since is None:
            await self._look(refused=True)
        return self.since is not None or await self._full(refused=True)

    async def look(self) -> None:
        """One tick: tell admins a full disk once, and its end once. A save a part's
        thread found refused since the last tick (`saving`) is folded in first, once,
        as a part stopped by the disk is (a quota reached: the data folder is tried)."""
        for part in self.saving:
            refused = part.unsaved
            if refused is not None and refused is not self._folded.get(id(part)):
                self._folded[id(part)] = refused
                await self.folds(refused)
        await self._look()

    async def _look(self, *, refused: bool = False) -> None:
        """`refused`: a write failed as for lack of room (folds): the data folder is tried."""
        async with self._turn:
            full = await self._full(refused=refused)
            if self.since is None:
                if full:
                    await self._tell_full()
                return
            if not full:
                await self._tell_room()

    async def _full(self, *, refused: bool = False) -> bool:
        """Whether the bot's writes fail for lack of room. A quota reached shows room in
        `df` (statvfs) while every write fails (EDQUOT), as on a full disk: the data folder
        is written to (a few bytes, flushed) by a bot started read-only, and by a running
        one after a write failed so (`refused`; SQLite's "disk I/O error") and until one
        goes through again."""
        folder = self.alerts.settings.data_dir
        if not self.store.writable:
            return no_room(folder) or await _past_quota(folder) is not None
        if refused or self.store.over_quota or self.store.refused_io():
            over = not no_room(folder) and await _past_quota(folder)
            if over and not self.store.over_quota:
                log.error(
                    "writes in the data folder %s fail for lack of room (%s) while its disk "
                    "shows room: the bot's disk quota is reached; it saves nothing new until "
                    "it has room",
                    folder,
                    over,
                )
            self.store.over_quota = bool(over)
        return self.store.full()

    async def _tell_full(self) -> None:
        settings = self.alerts.settings
        told = msg.admin_disk_full if self.store.writable else msg.admin_disk_full_at_start
        text = told(settings.ward_name, str(settings.data_dir))
        # Told when at least one admin was: else tried again at the next tick (a channel
        # down; with no admin to tell, nothing is sent at any tick).
        if await self.alerts.tell_admins_directly(text):
            self.since = self.clock()

    async def _tell_room(self) -> None:
        """A write went through and the disk has room: the note that the bot writes again
        is queued; refused after all, the next tick tries again. Started read-only: the
        note that the disk has room and the bot may be restarted, straight through the
        channels (nothing is queued in a read-only database)."""
        assert self.since is not None
        told = msg.admin_disk_room_again if self.store.writable else msg.admin_disk_room_restart
        text = told(self.alerts.settings.ward_name, self.clock() - self.since)
        try:
            queued = await self.alerts.tell_admins(text)
        except Exception as exc:
            log.debug("the disk is still full: %s", exc)
            return
        if not queued:  # no admin chat on a channel that pushes: no write to prove it
            await self.alerts.tell_admins_directly(text)
        self.since = None
        for part in self.saving:  # what the full disk refused is saved now, not later
            part.save_again()

    async def run(self, stop: asyncio.Event) -> None:
        """Look at each tick until `stop`; an error is logged and the next tick looks again
        (this watcher never stops, nor is told as a failing task: it tells of one)."""
        while not stop.is_set():
            try:
                await self.look()
            except Exception:
                log.warning("could not look whether the data folder's disk is full", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LOOK_EVERY_SECONDS)


async def _past_quota(folder: Path) -> str | None:
    """Why a write in `folder` fails for lack of room ("Disk quota exceeded"), tried with
    one; None when it goes through, or fails for another cause."""
    refused = await asyncio.to_thread(probe, folder)
    if isinstance(refused, OSError) and refused.errno in ROOM_ERRORS:
        return reason(refused)
    return None


def _no_room(folder: Path, exc: BaseException) -> bool:
    """Whether `exc` may be a write refused for lack of room: ENOSPC (or a quota), SQLite's
    "database or disk is full", or its "disk I/O error" (on a disk with no room, or past a
    quota: the caller tries a write). Not any other error: a platform unreachable while the
    disk is full is news of its own."""
    if isinstance(exc, OSError):
        return exc.errno in ROOM_ERRORS
    return (
        isinstance(exc, sqlite3.OperationalError)
        and is_write_failure(exc)
        and (disk_full(folder, exc) or "disk I/O" in str(exc))
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and what it was raised from or while handling (a store's error wrapped)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain
