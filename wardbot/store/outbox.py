"""The outbox's rows: messages waiting for a chat (alerts, corrections, broadcasts, notes
to admins, staff answers), taken in turn by the senders (wardbot.outbox); and the parts of
a long alert a chat got."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from wardbot import messages as msg
from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef

# Why an alert waits for the morning, as its outbox row says (wardbot.outbox holds it).
QUIET_HELD = "quiet hours"


@dataclass(frozen=True)
class OutboxItem:
    """One message waiting in the outbox: an 'alert' (ref: announcement id), a
    'correction' of one (ref: `correction_ref`), a 'message' (a broadcast) or a 'note' (to
    admins) (ref: id of its text in the messages table), or a 'reply' (a staff answer on a
    ticket: wardbot.tickets)."""

    id: int
    chat: ChatRef
    kind: str
    ref: str
    attempts: int
    created_at: float = 0.0  # when it was queued (time.time())
    # The first row of the message it was last handed to the platform in (an alert with
    # the others of its burst); None: never handed over. Retried, it goes with those rows.
    burst: int | None = None


@dataclass(frozen=True)
class QuotedLine:
    """A line of a note to admins that quotes residents' words (a question of the Monday
    report): its place in the note (from 0, as `str.split("\\n")` counts), the chats whose
    words it quotes, and the line as it reads without them: what the /forget of any of
    those chats leaves in its place (`_unquote`)."""

    line: int
    askers: frozenset[ChatRef]
    unquoted: str


def _rows(items: OutboxItem | Sequence[OutboxItem]) -> list[OutboxItem]:
    return [items] if isinstance(items, OutboxItem) else list(items)


class _NotWaiting(Exception):
    """A row to mark is no longer waiting: the transaction marking it is rolled back."""


class OutboxRows(Database):
    """The outbox (and messages, alert_parts)."""

    async def queue_message(
        self,
        text: str,
        chats: Sequence[ChatRef],
        now: float,
        *,
        kind: str = "message",
        quoted: Sequence[QuotedLine] = (),
    ) -> int:
        """Queue `text` for each chat, a broadcast ('message') or a note to admins ('note');
        returns how many. `quoted`: its lines quoting residents, each kept with the chats
        whose words it quotes, for their /forget (`_unquote`)."""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            return await self._queue_message(text, chats, now, kind=kind, quoted=quoted)

    async def _queue_message(
        self,
        text: str,
        chats: Sequence[ChatRef],
        now: float,
        *,
        kind: str,
        quoted: Sequence[QuotedLine] = (),
    ) -> int:
        """`queue_message` within the caller's transaction (a note queued with the change
        it tells of: `Store.move_followers`)."""
        cursor = await self._db.execute(
            "INSERT INTO messages (text, created_at) VALUES (?, ?)", (text, now)
        )
        message = cursor.lastrowid
        ref = str(message)
        # A note deleted with the highest id leaves it free for this one: what said
        # which chats that note quoted, had it outlived it, is not this one's.
        await self._db.execute("DELETE FROM quoted_lines WHERE message = ?", (message,))
        await self._db.executemany(
            "INSERT OR IGNORE INTO outbox (channel, chat_id, kind, ref, created_at, "
            "not_before) VALUES (?, ?, ?, ?, ?, ?)",
            [(chat.channel, chat.chat_id, kind, ref, now, now) for chat in chats],
        )
        await self._db.executemany(
            "INSERT OR IGNORE INTO quoted_lines (channel, chat_id, message, line, "
            "unquoted) VALUES (?, ?, ?, ?, ?)",
            [
                (asker.channel, asker.chat_id, message, quote.line, quote.unquoted)
                for quote in quoted
                for asker in quote.askers
            ],
        )
        return len(set(chats))

    async def _unquote(self, chat: ChatRef) -> None:
        """Within /forget's transaction, before the chat's rows go: the notes to admins kept
        (the Monday report, waiting to go or until retention) quote its words no more. Each
        line the note was queued with as quoting the chat (`quoted_lines`) is put as it
        reads without them, whatever the chat's question reads now (edited since) or
        whether it is still logged."""
        async with self._db.execute(
            "SELECT q.message, q.line, q.unquoted, m.text FROM quoted_lines q "
            "JOIN messages m ON m.id = q.message WHERE q.channel = ? AND q.chat_id = ? "
            "ORDER BY q.message",
            (chat.channel, chat.chat_id),
        ) as cursor:
            rows = await cursor.fetchall()
        notes: dict[int, list[str]] = {}
        for message, line, unquoted, text in rows:
            lines = notes.setdefault(message, text.split("\n"))
            if 0 <= line < len(lines):
                lines[line] = unquoted
        await self._db.executemany(
            "UPDATE messages SET text = ? WHERE id = ?",
            [("\n".join(lines), message) for message, lines in notes.items()],
        )
        # A report queued by a version that kept no `quoted_lines`: the chat's questions
        # as logged now are looked for in it.
        async with self._db.execute(
            "SELECT DISTINCT text FROM questions WHERE channel = ? AND chat_id = ?",
            (chat.channel, chat.chat_id),
        ) as cursor:
            quotes = {msg.weekly_question(row[0]) for row in await cursor.fetchall()}
        gone = msg.weekly_question_forgotten()
        for quote in quotes:
            await self._db.execute(
                "UPDATE messages SET text = replace(text, ?, ?) WHERE instr(text, ?) > 0 "
                "AND id IN (SELECT CAST(ref AS INTEGER) FROM outbox WHERE kind = 'note')",
                (quote, gone, quote),
            )

    async def message_text(self, ref: str) -> str | None:
        async with self._db.execute("SELECT text FROM messages WHERE id = ?", (ref,)) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    async def recover_outbox(self, channel: str) -> int:
        """After a crash: messages caught mid-send go back in the queue (sent at most twice)."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'pending' WHERE channel = ? AND state = 'sending'",
                (channel,),
            )
        return cursor.rowcount

    async def due(
        self, channel: str, now: float, limit: int = 100, *, settle: float = 0.0
    ) -> list[OutboxItem]:
        """Messages for `channel` waiting to be sent and due by `now`: one chat's (a staff
        answer, a note to admins) first, then alerts and broadcasts, each oldest first; a
        fan-out to thousands of chats takes minutes at the platform's pace. An alert is due
        only once queued `settle` seconds ago: the other notices of its burst (files
        copied one by one, a portal import) are queued meanwhile, and go out with it. So
        is a correction: the edits staff make in a row go out as one."""
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND state = 'pending' AND not_before <= ? "
            "AND (kind NOT IN ('alert', 'correction') OR created_at <= ?) "
            "ORDER BY kind IN ('alert', 'message', 'correction'), id LIMIT ?",
            (channel, now, now - settle, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [OutboxItem(r[0], ChatRef(channel, r[1]), *r[2:]) for r in rows]

    async def alerts_with(
        self,
        item: OutboxItem,
        now: float,
        window: tuple[float, float],
        limit: int,
        *,
        settled: float | None = None,
    ) -> list[OutboxItem]:
        """The alerts that go out in one message with `item` (itself first): those waiting
        for its chat, due by `now`, queued within `window` (from, to); at most `limit`,
        oldest first. With `settled`, the corrections waiting for it too, queued (their
        last edit) by then: the night's corrections go with the night's alerts.

        Once a message was handed to the platform (`OutboxItem.burst`), its rows go
        together again, due or not, and no other joins them: the chat may have got part
        of it (a long alert on Zalo), which only the same message can go on from."""
        if item.burst is not None:
            return [item, *await self._burst_rows(item, limit)]
        # Looked up by the chat (the unique index), not among every row waiting for the
        # channel (`outbox_due`, which `+` keeps out): a fan-out to 10,000 chats asks this
        # 10,000 times.
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND chat_id = ? AND kind IN ('alert', 'correction') "
            "AND (kind = 'alert' OR created_at <= ?) AND +state = 'pending' "
            "AND +not_before <= ? AND created_at >= ? AND created_at <= ? AND id != ? "
            "AND burst IS NULL ORDER BY id LIMIT ?",
            (
                item.chat.channel,
                item.chat.chat_id,
                -1.0 if settled is None else settled,
                now,
                *window,
                item.id,
                max(0, limit - 1),
            ),
        ) as cursor:
            rows = await cursor.fetchall()
        return [item, *(OutboxItem(r[0], item.chat, *r[2:]) for r in rows)]

    async def _burst_rows(self, item: OutboxItem, limit: int) -> list[OutboxItem]:
        """The other rows waiting of the message `item` was last handed over in."""
        async with self._db.execute(
            "SELECT id, chat_id, kind, ref, attempts, created_at, burst FROM outbox "
            "WHERE channel = ? AND chat_id = ? AND kind IN ('alert', 'correction') "
            "AND +state = 'pending' AND +burst = ? AND id != ? ORDER BY id LIMIT ?",
            (item.chat.channel, item.chat.chat_id, item.burst, item.id, max(0, limit - 1)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [OutboxItem(r[0], item.chat, *r[2:]) for r in rows]

    async def next_due(self, channel: str, settle: float = 0.0) -> float | None:
        """When the earliest waiting message for `channel` is due (None: nothing waits);
        an alert, `settle` seconds after it was queued at the earliest (see `due`)."""
        async with self._db.execute(
            "SELECT MIN(CASE WHEN kind IN ('alert', 'correction') "
            "THEN MAX(not_before, created_at + ?) "
            "ELSE not_before END) FROM outbox WHERE channel = ? AND state = 'pending'",
            (settle, channel),
        ) as cursor:
            row = await cursor.fetchone()
        return row[0] if row and row[0] is not None else None

    async def mark_sending(self, items: OutboxItem | Sequence[OutboxItem]) -> bool:
        """Written before the message leaves: after a crash it is the one that may repeat.
        Several rows sent as one message (a burst of alerts) are marked together, in one
        transaction: all or none; each keeps the message it goes in (`OutboxItem.burst`:
        the first row's id), to go in it again if it is retried.

        False, and nothing marked, when one is no longer waiting for that chat: /forget
        deleted it (or its chat was found unreachable, or moved to a new id) after the
        sender read it. It must not be sent then (a moved one goes to the new id at the
        next drain).
        """
        rows = _rows(items)
        try:
            async with self._write, self._transaction("BEGIN IMMEDIATE"):
                for item in rows:
                    cursor = await self._db.execute(
                        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                        "burst = ? "
                        "WHERE id = ? AND channel = ? AND chat_id = ? AND state = 'pending'",
                        (rows[0].id, item.id, item.chat.channel, item.chat.chat_id),
                    )
                    if cursor.rowcount < 1:
                        raise _NotWaiting
        except _NotWaiting:
            return False
        return True

    async def drop_waiting(self, item: OutboxItem, now: float, error: str) -> bool:
        """Drop a message no longer wanted, if it still waits for the chat it was read for
        (not when it has moved to a chat's new id since: there it may be wanted)."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE id = ? AND channel = ? AND chat_id = ? AND state = 'pending'",
                (now, error, item.id, item.chat.channel, item.chat.chat_id),
            )
        return cursor.rowcount > 0

    async def mark_done(
        self, items: OutboxItem | Sequence[OutboxItem], state: str, now: float, error: str = ""
    ) -> None:
        """Finish a message: 'sent', 'failed' (with why) or 'dropped' (nothing left to send).
        The rows of one message (a burst of alerts) are finished together, in one
        transaction."""
        async with self._write, self._transaction():
            await self._db.executemany(
                "UPDATE outbox SET state = ?, done_at = ?, error = ? WHERE id = ?",
                [(state, now, error or None, item.id) for item in _rows(items)],
            )

    async def mark_retry(
        self, item: OutboxItem, not_before: float, error: str, attempts: int
    ) -> None:
        async with self._write:
            await self._db.execute(
                "UPDATE outbox SET state = 'pending', not_before = ?, error = ?, attempts = ? "
                "WHERE id = ?",
                (not_before, error, attempts, item.id),
            )

    async def release_held(
        self, now: float, *, notices: Sequence[str] | None = None, channel: str | None = None
    ) -> int:
        """The alerts and corrections waiting for the end of quiet hours (QUIET_HELD) are
        due `now`, to be judged again: those about `notices` (staff marked them urgent
        meanwhile), or all those for `channel` (its sender starts, maybe with other quiet
        hours, or none). How many."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET not_before = ? WHERE state = 'pending' AND not_before > ? "
                "AND kind IN ('alert', 'correction') AND error LIKE ? "
                "AND (? IS NULL OR channel = ?) AND (? IS NULL OR (CASE WHEN kind = 'alert' "
                "THEN ref ELSE substr(ref, 1, instr(ref, char(10)) - 1) END) "  # a correction's
                "IN (SELECT value FROM json_each(?)))",  # ref: 'id\nedit\n[numbers]'
                (
                    now,
                    now,
                    f"{QUIET_HELD}%",
                    channel,
                    channel,
                    *[None if notices is None else json.dumps(list(notices))] * 2,
                ),
            )
        return max(cursor.rowcount, 0)

    async def held_for_morning(self, now: float) -> dict[str, tuple[int, float]]:
        """Per channel, the alerts and corrections held by quiet hours (QUIET_HELD) and
        still waiting at `now`: how many, and when the first of them goes (/healthz)."""
        async with self._db.execute(
            "SELECT channel, COUNT(*), MIN(not_before) FROM outbox WHERE state = 'pending' "
            "AND kind IN ('alert', 'correction') AND not_before > ? AND error LIKE ? "
            "GROUP BY channel ORDER BY channel",
            (now, f"{QUIET_HELD}%"),
        ) as cursor:
            return {row[0]: (int(row[1]), float(row[2])) for row in await cursor.fetchall()}

    async def drop_pushes(
        self, channels: Sequence[str], now: float, error: str, queued_by: float
    ) -> int:
        """Drop the alerts and broadcasts waiting for `channels` (ones the bot does not
        run) that were queued by `queued_by`; how many."""
        async with self._write:
            cursor = await self._db.execute(
                "UPDATE outbox SET state = 'dropped', done_at = ?, error = ? "
                "WHERE kind IN ('alert', 'message', 'correction') "
                "AND state IN ('pending', 'sending') "
                "AND channel IN (SELECT value FROM json_each(?)) AND created_at <= ?",
                (now, error, json.dumps(list(channels)), queued_by),
            )
        return max(cursor.rowcount, 0)

    async def outbox_counts(self, since: float) -> dict[str, int]:
        """State -> alerts and broadcasts (not staff answers, not notes to admins): those
        waiting, and those finished since `since`; 'blocked': how many of those 'failed'
        were for a chat that blocked the bot (or is gone) and is still unreachable."""
        async with self._db.execute(
            "SELECT state, COUNT(*) FROM outbox WHERE kind IN ('alert', 'message', 'correction') "
            "AND (state IN ('pending', 'sending') OR done_at >= ?) GROUP BY state",
            (since,),
        ) as cursor:
            counts = {row[0]: row[1] for row in await cursor.fetchall()}
        async with self._db.execute(
            "SELECT COUNT(*) FROM outbox o WHERE kind IN ('alert', 'message', 'correction') "
            "AND state = 'failed' AND done_at >= ? AND EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = o.channel AND u.chat_id = o.chat_id)",
            (since,),
        ) as cursor:
            row = await cursor.fetchone()
        if row and row[0]:
            counts["blocked"] = int(row[0])
        return counts

    # --- an alert's parts sent ---------------------------------------------------------

    async def alert_parts_sent(self, chat: ChatRef, digest: str) -> int:
        """How many parts of the alert `digest` went out to `chat` while the rest has not
        (`note_alert_parts`); 0 when none is known."""
        async with self._db.execute(
            "SELECT sent FROM alert_parts WHERE channel = ? AND chat_id = ? AND digest = ?",
            (chat.channel, chat.chat_id, digest),
        ) as cursor:
            row = await cursor.fetchone()
        return 0 if row is None else int(row[0])

    async def note_alert_parts(
        self, chat: ChatRef, digest: str, sent: int, now: float, read: str | None = None
    ) -> None:
        """`sent` parts of the alert `digest` went out to `chat`, and `read` says what the
        chat read in them (JSON, see `alert_parts_read`); 0: all of them (or none to
        keep): the row goes."""
        async with self._write:
            if sent:
                await self._db.execute(
                    "INSERT OR REPLACE INTO alert_parts (channel, chat_id, digest, sent, at, "
                    "read) VALUES (?, ?, ?, ?, ?, ?)",
                    (chat.channel, chat.chat_id, digest, sent, now, read),
                )
            else:
                await self._db.execute(
                    "DELETE FROM alert_parts WHERE channel = ? AND chat_id = ? AND digest = ?",
                    (chat.channel, chat.chat_id, digest),
                )

    async def alert_parts_read(self, chat: ChatRef) -> list[tuple[str, str]]:
        """The alerts partly sent to `chat` whose read part is known: (digest, what was
        read, as `note_alert_parts` kept it), the latest first."""
        async with self._db.execute(
            "SELECT digest, read FROM alert_parts WHERE channel = ? AND chat_id = ? "
            "AND read IS NOT NULL ORDER BY at DESC",
            (chat.channel, chat.chat_id),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]
