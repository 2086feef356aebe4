"""Whether the bot can post in the staff group: lost and back again (told once), and the
group followed to the new id Telegram gave it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from wardbot import messages as msg
from wardbot.desk.base import DeskBase
from wardbot.reply import Reply

log = logging.getLogger(__name__)

# The meta key under which a staff group's new id is kept (+ the id it had before).
MOVED_KEY = "staff-group-moved:"


class GroupState(DeskBase):
    """The staff group the desk posts in, and whether it can."""

    async def group_lost(self, why: str) -> None:
        """The bot cannot post in the staff group (Telegram said so, or refused a post):
        one line in the log and one note to admins, until it can again."""
        told, self.unreachable, self._told_lost = self._told_lost, why, True
        self._losses += 1
        if told:
            return
        log.error(
            "staff group %s: %s; questions for staff wait, and are posted once it can",
            self.room.chat_id if self.room is not None else self.settings.staff_chat_id,
            why,
        )
        await self._tell(self.tell_lost)

    async def follow(self, new_chat_id: int) -> None:
        """Telegram gave the staff group a new id (a group upgraded to a supergroup, as
        turning on Topics does; told by an update, or refusing a post): the desk works
        there from now on, and after a restart too while STAFF_CHAT_ID still names the old
        id (`follow_kept`). Staff are told there, admins asked once to set the new id."""
        room = self.room
        if room is None or new_chat_id == room.chat_id:
            return
        try:  # tickets posted before their group was recorded: in the old one
            await self._group()
        except Exception as exc:  # a read-only data folder: nothing is written anyway
            log.debug("staff group: tickets not claimed: %s", exc)
        old = room.chat_id
        if new_chat_id == old:  # followed meanwhile (Telegram says it twice)
            return
        room.chat_id = new_chat_id
        self.forum = None  # asked again: Topics turned on is what upgrades a group
        self._wake.set()
        log.warning(
            "staff group %d: Telegram gave it a new id, %d (upgraded to a supergroup); the "
            "bot works there now: set STAFF_CHAT_ID=%d",
            old,
            new_chat_id,
            new_chat_id,
        )
        try:
            await self.tickets.store.set_meta_value(f"{MOVED_KEY}{old}", str(new_chat_id))
        except Exception as exc:  # a read-only data folder: followed until a restart
            log.warning("staff group: its new id is not kept (%s): set STAFF_CHAT_ID", exc)
        if self.tell_admins is not None:
            text = msg.admin_staff_group_moved(old, new_chat_id)
            try:
                await self.tell_admins(f"{MOVED_KEY}{old}", text)
            except Exception:  # the log has said it already
                log.exception("staff group: could not tell admins of its new id")
        try:
            await room.post(Reply(msg.staff_group_followed(new_chat_id)))
        except Exception as exc:  # the poster's next round finds out what is wrong
            log.warning("staff group: could not tell staff the bot works there now: %s", exc)

    async def follow_kept(self) -> None:
        """At the start, before any update: the staff group where Telegram moved it, if
        STAFF_CHAT_ID still names the id it had (`follow`); another id set meanwhile wins."""
        room = self.room
        if room is None:
            return
        try:  # tickets posted before their group was recorded: in the configured one
            await self._group()
        except Exception as exc:  # a read-only data folder: nothing is written anyway
            log.debug("staff group: tickets not claimed: %s", exc)
        chat_id, seen = room.chat_id, {room.chat_id}
        while True:
            try:
                kept = await self.tickets.store.meta_value(f"{MOVED_KEY}{chat_id}")
            except Exception as exc:  # not read: the configured group, as before
                log.warning("staff group: a new id it was given cannot be read: %s", exc)
                return
            if kept is None or not kept.lstrip("-").isdigit() or int(kept) in seen:
                break
            chat_id = int(kept)
            seen.add(chat_id)
        if chat_id != room.chat_id:
            log.warning(
                "staff group %d has a new id, %d, since Telegram upgraded it: the bot works "
                "there; set STAFF_CHAT_ID=%d",
                room.chat_id,
                chat_id,
                chat_id,
            )
            room.chat_id = chat_id

    async def group_back(self) -> None:
        """The bot can post in the staff group again: what waits goes now."""
        if self.unreachable is None:
            return
        told, self.unreachable, self._told_lost = self._told_lost, None, False
        self._wake.set()
        if told:
            log.info("staff group: the bot can post there again")
            await self._tell(self.tell_back)

    @staticmethod
    async def _tell(tell: Callable[[], Awaitable[object]] | None) -> None:
        if tell is None:
            return
        try:
            await tell()
        except Exception:  # the log has said it already
            log.exception("staff group: could not tell admins")
