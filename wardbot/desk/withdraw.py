"""Taking gone tickets (/forget, retention) out of the staff group: their topic or messages
deleted there, a deletion that fails tried again later."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from wardbot.desk.base import DeskBase
from wardbot.desk.room import AlreadyGone, GroupUnreachable, StaffRoom
from wardbot.store import ChatRef
from wardbot.tickets import Withdrawal

log = logging.getLogger(__name__)

# What a ticket gone by /forget or retention left in the staff group is deleted there; a
# deletion that fails (Telegram down, the bot's rights taken away) is tried again after a
# minute, then doubling up to hourly, for a week.
WITHDRAW_RETRY = 60.0
WITHDRAW_RETRY_MAX = 3600.0
WITHDRAW_FOR = 7 * 86400.0


class Withdrawals(DeskBase):
    """What gone tickets left in the staff group, deleted."""

    async def forget(self, chat: ChatRef) -> int:
        """Delete the chat's tickets, then take them out of the staff group too (what fails
        there is tried again later: `withdraw_due`); returns how many. A ticket being
        posted at that moment is taken out by the poster (`_post`)."""
        await self._group()
        deleted, withdrawals = await self.tickets.forget(chat, self.clock())
        if self.room is not None:
            await self._withdraw(self.room, withdrawals)
        return deleted

    async def purge(self, before: float, waiting_before: float | None = None) -> int:
        """Retention: delete the tickets quiet since before `before` (those still waiting
        for staff, or for their answer to go out, since before `waiting_before` too), and
        take them out of the staff group as /forget does."""
        await self._group()
        deleted = await self.tickets.purge(before, self.clock(), waiting_before)
        if deleted:
            await self.withdraw_due()
        return deleted

    async def withdraw_due(self) -> int:
        """Delete in the staff group what gone tickets left there and is due (new, or a
        deletion that failed and is to be tried again); returns how many were tried."""
        if self.room is None:
            return 0
        await self._group()
        due = await self.tickets.due_withdrawals(self.clock())
        await self._withdraw(self.room, due)
        return len(due)

    async def _withdraw(self, room: StaffRoom, withdrawals: Sequence[Withdrawal]) -> None:
        """Take what gone tickets left out of the staff group: a topic, or messages. One
        that fails stays written down, to be tried again later (for WITHDRAW_FOR)."""
        for withdrawal in withdrawals:
            if withdrawal.id in self._withdrawing:
                continue  # being deleted by another task (the poster, a /forget)
            self._withdrawing.add(withdrawal.id)
            try:
                await self._delete(room, withdrawal)
            finally:
                self._withdrawing.discard(withdrawal.id)

    async def _delete(self, room: StaffRoom, withdrawal: Withdrawal) -> None:
        """Delete in the group the topic or message is in, never by its id in another one
        (ids are the group's own). The group the ward used before is tried as well: the
        resident's question is there as long as the bot is; a group the bot cannot reach,
        or one not known, is given up at once, with one line in the log."""
        what = "topic" if withdrawal.thread_id is not None else "message"
        group = withdrawal.chat_id
        if group is None:
            log.warning("a gone ticket's %s is in a staff group not known: left there", what)
            await self.tickets.withdrawn(withdrawal.id)
            return
        try:
            if withdrawal.thread_id is not None:
                await room.delete_topic(group, withdrawal.thread_id)
            elif withdrawal.message_id is not None:
                await room.delete_message(group, withdrawal.message_id)
        except AlreadyGone:
            pass
        except GroupUnreachable as exc:
            if group == room.chat_id:  # the bot's own group: its rights may come back
                await self._retry(withdrawal, what, exc)
                return
            log.warning(
                "a gone ticket's %s is in a staff group the bot cannot reach (%s): left there",
                what,
                exc,
            )
        except Exception as exc:
            await self._retry(withdrawal, what, exc)
            return
        await self.tickets.withdrawn(withdrawal.id)

    async def _retry(self, withdrawal: Withdrawal, what: str, exc: Exception) -> None:
        """A deletion that failed: tried again later, or given up after WITHDRAW_FOR."""
        now = self.clock()
        if now - withdrawal.created_at >= WITHDRAW_FOR:
            log.warning("gave up deleting a gone ticket's %s in the staff group: %s", what, exc)
            await self.tickets.withdrawn(withdrawal.id)
            return
        wait = min(WITHDRAW_RETRY * 2**withdrawal.attempts, WITHDRAW_RETRY_MAX)
        log.warning(
            "could not delete a gone ticket's %s in the staff group (%s); trying again in %.0f s",
            what,
            exc,
            wait,
        )
        await self.tickets.withdraw_later(withdrawal, now + wait)
