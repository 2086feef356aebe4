"""Subscriptions and the chats that follow topics: what each follows, whether it is a
group and its forum topics, a chat that blocked the bot, and one that moved to a new id."""

from __future__ import annotations

import datetime as dt
import time
from typing import Literal

from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef
from wardbot.store.outbox import OutboxItem

# Why a broadcast waiting for a chat was dropped when the chat stopped its last topic.
UNSUBSCRIBED_DROP = "the chat stopped following every topic"
# How long a chat found unreachable (it blocked the bot, a group removed it) is remembered:
# its id, when and why. Long enough for /stats to count the alerts it refused (a week) and
# for a group the bot is added back to within a month to be told its topics stopped; then
# nothing about a chat that follows nothing is kept (retention, wardbot.app).
UNREACHABLE_KEEP = 30 * 86400.0


class ChatRows(Database):
    """Subscriptions and chats (the tables subscriptions, chats, unreachable)."""

    async def subscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Follow `topic_id`; False when the chat already followed it."""
        today = dt.date.today().isoformat()
        async with self._write.within(self.prompt_wait):
            return await self._subscribe(chat, topic_id, today)

    async def _subscribe(self, chat: ChatRef, topic_id: str, today: str) -> bool:
        async with self._transaction():
            # The topic it subscribes from is where its alerts go (migration 27), and
            # one it wrote from (migration 29).
            await self._db.execute(
                "INSERT INTO chats (channel, chat_id, is_group, thread, seen_thread) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel, chat_id) DO UPDATE SET is_group = excluded.is_group, "
                "thread = excluded.thread, "
                "seen_thread = COALESCE(excluded.seen_thread, chats.seen_thread)",
                (chat.channel, chat.chat_id, int(not chat.private), chat.thread, chat.thread),
            )
            # A chat that blocked the bot and now subscribes again can be reached again.
            await self._db.execute(
                "DELETE FROM unreachable WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            cursor = await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, topic_id, today),
            )
        return cursor.rowcount > 0

    async def unsubscribe(self, chat: ChatRef, topic_id: str) -> bool:
        """Stop following `topic_id`; False when the chat did not follow it. With its last
        topic go what was kept for its alerts and the broadcasts waiting (`_followed_none`)."""
        async with self._write.within(self.prompt_wait), self._transaction():
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ? AND topic_id = ?",
                (chat.channel, chat.chat_id, topic_id),
            )
            await self._followed_none(chat)
        return cursor.rowcount > 0

    async def unsubscribe_all(self, chat: ChatRef) -> int:
        """Stop following every topic; returns how many were followed."""
        async with self._write.within(self.prompt_wait), self._transaction():
            cursor = await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            await self._followed_none(chat)
        return cursor.rowcount

    async def _followed_none(self, chat: ChatRef) -> None:
        """The chat stopped its last topic (if it follows none now): the broadcasts still
        waiting for it are dropped, as its alerts are (a follower who stopped everything
        gets nothing more; nor could they go where its pushes went, kept in the row that
        goes next), and so is its row in `chats` (`_drop_unsubscribed`)."""
        await self._db.execute(
            "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
            "WHERE channel = ? AND chat_id = ? AND kind = 'message' AND state = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.channel = ? AND s.chat_id = ?)",
            (time.time(), UNSUBSCRIBED_DROP, *(chat.channel, chat.chat_id) * 2),
        )
        await self._drop_unsubscribed(chat)

    async def _drop_unsubscribed(self, chat: ChatRef) -> None:
        """The chat's row in `chats` (whether it is a group, its forum topics), kept for its
        alerts, once it follows nothing: the least data about a chat the bot no longer
        alerts. Subscribing again writes it anew."""
        await self._db.execute(
            "DELETE FROM chats WHERE channel = ? AND chat_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM subscriptions s WHERE s.channel = ? AND s.chat_id = ?)",
            (chat.channel, chat.chat_id, chat.channel, chat.chat_id),
        )

    async def is_group(self, chat: ChatRef) -> bool:
        """Whether `chat` is a group, as its channel said last (migration 20); False for a
        chat not known."""
        async with self._db.execute(
            "SELECT is_group FROM chats WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def alerts_thread(self, chat: ChatRef) -> int | None:
        """The forum topic of a group where its alerts go: the one it last subscribed
        from (migration 27); None: General, or a chat without topics."""
        return await self._topic_of(chat, "thread")

    async def forget_thread(self, chat: ChatRef, thread: int) -> None:
        """The group's topic `thread` is gone (deleted): its alerts go to General from now
        on (unless it subscribed from another topic meanwhile), and it is no topic to
        fall back on either."""
        async with self._write, self._transaction():
            await self._db.execute(
                "UPDATE chats SET thread = NULL WHERE channel = ? AND chat_id = ? AND thread = ?",
                (chat.channel, chat.chat_id, thread),
            )
            await self._db.execute(
                "UPDATE chats SET seen_thread = NULL "
                "WHERE channel = ? AND chat_id = ? AND seen_thread = ?",
                (chat.channel, chat.chat_id, thread),
            )

    async def seen_thread(self, chat: ChatRef) -> int | None:
        """The forum topic a subscribed group last wrote to the bot from (migration 29),
        where its alerts go when its own topic and General are closed to the bot."""
        return await self._topic_of(chat, "seen_thread")

    async def _topic_of(
        self, chat: ChatRef, column: Literal["thread", "seen_thread"]
    ) -> int | None:
        """A forum topic the chat's row in `chats` keeps in `column`; None: none kept."""
        async with self._db.execute(
            f"SELECT {column} FROM chats WHERE channel = ? AND chat_id = ?",  # noqa: S608
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def note_thread(self, chat: ChatRef, thread: int) -> None:
        """A group wrote to the bot from its forum topic `thread`: kept if it follows a
        topic (a chat that follows nothing has no row), written only when it changed."""
        async with self._db.execute(
            "SELECT seen_thread FROM chats WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] == thread:
            return
        async with self._write:
            await self._db.execute(
                "UPDATE chats SET seen_thread = ? WHERE channel = ? AND chat_id = ?",
                (thread, chat.channel, chat.chat_id),
            )

    async def note_group(self, chat: ChatRef) -> None:
        """`chat` wrote as a group: a subscribed chat known as private (subscribed before
        migration 20) is known as a group from now on."""
        async with self._write:
            await self._db.execute(
                "UPDATE chats SET is_group = 1 WHERE channel = ? AND chat_id = ? AND is_group = 0",
                (chat.channel, chat.chat_id),
            )

    async def subscriptions_of(self, chat: ChatRef) -> list[str]:
        """Topic ids the chat follows, in the order it subscribed to them."""
        async with self._db.execute(
            "SELECT topic_id FROM subscriptions WHERE channel = ? AND chat_id = ? "
            "ORDER BY since, topic_id",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return [row[0] for row in await cursor.fetchall()]

    async def subscribers_of(self, topic_id: str, channel: str | None = None) -> list[ChatRef]:
        """Chats following `topic_id` (on one channel, or on all)."""
        query = "SELECT channel, chat_id FROM subscriptions WHERE topic_id = ?"
        params: tuple[str, ...] = (topic_id,)
        if channel is not None:
            query += " AND channel = ?"
            params += (channel,)
        async with self._db.execute(query + " ORDER BY channel, chat_id", params) as cursor:
            return [ChatRef(row[0], row[1]) for row in await cursor.fetchall()]

    async def subscriber_counts(self) -> dict[str, int]:
        """Topic id -> how many chats follow it."""
        async with self._db.execute(
            "SELECT topic_id, COUNT(*) FROM subscriptions GROUP BY topic_id"
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def _move_followers(self, old: str, new: str) -> int:
        """Within the caller's transaction (`Store.move_followers`): the chats following
        topic `old` follow `new` instead (staff changed the topic's id:
        wardbot.topic_renames), each since it followed `old`; a chat following both stays
        one follower of `new`. The notices alerted for `old` count as alerted for `new`
        too, so that its followers are not alerted of them again as of a topic they
        gained. Returns how many chats followed `old`."""
        await self._db.execute(
            "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
            "SELECT channel, chat_id, ?, since FROM subscriptions WHERE topic_id = ?",
            (new, old),
        )
        cursor = await self._db.execute("DELETE FROM subscriptions WHERE topic_id = ?", (old,))
        await self._db.execute(
            "UPDATE seen_announcements SET topics = (SELECT json_group_array(value) FROM "
            "(SELECT DISTINCT value FROM json_each(topics) UNION SELECT ? ORDER BY 1)) "
            "WHERE topics IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM json_each(topics) WHERE value = ?)",
            (new, old),
        )
        return max(cursor.rowcount, 0)

    async def subscribed_chats(self) -> list[ChatRef]:
        """Every chat following at least one topic."""
        async with self._db.execute(
            "SELECT DISTINCT channel, chat_id FROM subscriptions ORDER BY channel, chat_id"
        ) as cursor:
            return [ChatRef(row[0], row[1]) for row in await cursor.fetchall()]

    async def is_unreachable(self, chat: ChatRef) -> bool:
        """Whether `chat` was found unreachable (`mark_unreachable`) and has not
        subscribed since: what it followed was dropped then."""
        async with self._db.execute(
            "SELECT 1 FROM unreachable WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def purge_unreachable(self, now: float) -> int:
        """Forget the chats found unreachable more than UNREACHABLE_KEEP before `now`;
        returns how many."""
        async with self._write:
            cursor = await self._db.execute(
                "DELETE FROM unreachable WHERE since < ?", (now - UNREACHABLE_KEEP,)
            )
        return max(cursor.rowcount, 0)

    async def mark_unreachable(self, item: OutboxItem, reason: str, now: float) -> bool:
        """`item`'s chat blocked the bot (or is gone): drop its subscriptions and waiting
        messages, and remember it (a new subscription clears that).

        Nothing is written, and False returned, when `item` is gone: the chat sent /forget
        while the message was leaving, and nothing about it may be kept.
        """
        chat = item.chat
        async with self._write, self._transaction():
            async with self._db.execute("SELECT 1 FROM outbox WHERE id = ?", (item.id,)) as cur:
                if await cur.fetchone() is None:
                    return False
            await self._db.execute(
                "INSERT OR REPLACE INTO unreachable (channel, chat_id, since, reason) "
                "VALUES (?, ?, ?, ?)",
                (chat.channel, chat.chat_id, now, reason),
            )
            await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?",
                (chat.channel, chat.chat_id),
            )
            await self._drop_unsubscribed(chat)
            await self._db.execute(
                "UPDATE outbox SET state = 'failed', done_at = ?, error = ? "
                "WHERE channel = ? AND chat_id = ? AND state IN ('pending', 'sending')",
                (now, reason, chat.channel, chat.chat_id),
            )
        return True

    async def move_chat(self, chat: ChatRef, new_chat_id: str, now: float) -> int:
        """The chat lives on under `new_chat_id` (a Telegram group upgraded to a
        supergroup): its subscriptions and the messages waiting for it move there, and so
        do the alerts it has read (a correction of one goes to the new id) and the parts of
        a long alert it got while the rest did not go out. What the new id
        has already stays (a topic it follows too; a message queued for both ids is sent
        once). Returns how many waiting messages moved."""
        old = (chat.channel, chat.chat_id)
        new = (chat.channel, new_chat_id)
        async with self._write, self._transaction():
            await self._db.execute(  # a group upgraded is a group still
                "INSERT OR IGNORE INTO chats (channel, chat_id, is_group) VALUES (?, ?, "
                "COALESCE((SELECT is_group FROM chats WHERE channel = ? AND chat_id = ?), 0))",
                (*new, *old),
            )
            # As for a chat that subscribes: one marked unreachable can be reached again.
            await self._db.execute("DELETE FROM unreachable WHERE channel = ? AND chat_id = ?", new)
            await self._db.execute(
                "INSERT OR IGNORE INTO subscriptions (channel, chat_id, topic_id, since) "
                "SELECT channel, ?, topic_id, since FROM subscriptions "
                "WHERE channel = ? AND chat_id = ?",
                (new_chat_id, *old),
            )
            await self._db.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?", old
            )
            await self._drop_unsubscribed(chat)
            # A chat that follows nothing keeps no row under its new id either.
            await self._drop_unsubscribed(ChatRef(chat.channel, new_chat_id))
            cursor = await self._db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? "
                "WHERE channel = ? AND chat_id = ? AND state = 'pending'",
                (new_chat_id, *old),
            )
            moved = max(cursor.rowcount, 0)
            await self._db.execute(
                "UPDATE OR IGNORE outbox SET chat_id = ? WHERE channel = ? AND chat_id = ? "
                "AND kind IN ('alert', 'correction') AND state IN ('sent', 'sending')",
                (new_chat_id, *old),
            )
            await self._db.execute(  # those the new id has already
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE channel = ? AND chat_id = ? AND state = 'pending'",
                (now, f"the chat moved to {new_chat_id}, which has it already", *old),
            )
            # The parts of a long alert the old id got: its members see them in the new
            # one (Telegram shows the old group's messages there), so the rest goes on.
            await self._db.execute(
                "UPDATE OR IGNORE alert_parts SET chat_id = ? WHERE channel = ? AND chat_id = ?",
                (new_chat_id, *old),
            )
        return moved
