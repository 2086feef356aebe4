"""The question log: what residents asked and whether the bot answered, what they picked
from the close matches offered, and its counts for /stats and /unanswered."""

from __future__ import annotations

from collections.abc import Sequence

from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef

MAX_LOGGED_CHARS = 500
# A chat's latest question logged since a time (channel, chat id, time): what "sai rồi"
# and its button are about.
_LATEST_QUESTION = (
    "FROM questions WHERE channel = ? AND chat_id = ? AND asked_at >= ? "
    "ORDER BY asked_at DESC, id DESC LIMIT 1"
)


def _latest_question(texts: str | Sequence[str] | None) -> str:
    """`_LATEST_QUESTION`, or, given a question's `texts` (one, or any of several), the
    latest logged so (further parameters: `_texts`)."""
    if not texts:
        return _LATEST_QUESTION
    marks = ", ".join("?" * len(_texts(texts)))
    return _LATEST_QUESTION.replace("asked_at >= ? ", f"asked_at >= ? AND text IN ({marks}) ")


def _texts(texts: str | Sequence[str] | None) -> list[str]:
    return [texts] if isinstance(texts, str) else list(texts or ())


# The questions logged with one (its `part_of`, and its id): those of its message, when
# it asked several (migration 31); else itself.
_OF_MESSAGE = "WHERE part_of = ? OR id = ?"


class QuestionLog(Database):
    """The questions table."""

    async def log_question(self, chat: ChatRef, text: str, answered: bool, now: float) -> None:
        await self.log_message(chat, [(text, answered)], now)

    async def log_message(
        self, chat: ChatRef, questions: Sequence[tuple[str, bool]], now: float
    ) -> None:
        """The question of a message, or those of one message asking several, each logged
        as a question of its own (its text, whether it was answered), and as one message's
        (migration 31): what `take_back_answer` takes back together. The message
        `chat.message`, edited (migration 36): its questions as it now reads replace those
        logged of it before, the same questions reworded."""
        async with self._write, self._transaction():
            if chat.message is not None:
                await self._db.execute(
                    "DELETE FROM questions WHERE channel = ? AND chat_id = ? AND source = ?",
                    (chat.channel, chat.chat_id, chat.message),
                )
            first: int | None = None
            for text, answered in questions:
                cursor = await self._db.execute(
                    "INSERT INTO questions (channel, chat_id, asked_at, text, answered, "
                    "part_of, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        chat.channel,
                        chat.chat_id,
                        now,
                        text[:MAX_LOGGED_CHARS],
                        int(answered),
                        first,
                        chat.message,
                    ),
                )
                if first is None and len(questions) > 1:
                    first = cursor.lastrowid
                    await self._db.execute(
                        "UPDATE questions SET part_of = id WHERE id = ?", (first,)
                    )

    async def latest_question(self, chat: ChatRef, since: float) -> tuple[str, ...] | None:
        """The chat's latest question logged since `since` (as logged), with the others of
        its message in the order asked (`log_message`; asked alone: itself), or None."""
        latest = await self.latest_asked(chat, since)
        return None if latest is None else latest[0]

    async def latest_asked(
        self, chat: ChatRef, since: float
    ) -> tuple[tuple[str, ...], bool, float] | None:
        """`latest_question`, whether it was answered (one of its message's questions at
        least), and when; or None."""
        async with self._db.execute(
            f"SELECT id, part_of, asked_at {_LATEST_QUESTION}", (chat.channel, chat.chat_id, since)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        async with self._db.execute(
            f"SELECT text, answered FROM questions {_OF_MESSAGE} ORDER BY id",  # noqa: S608
            (row[1], row[0]),
        ) as cursor:
            message = await cursor.fetchall()
        return tuple(str(r[0]) for r in message), any(r[1] for r in message), float(row[2])

    async def take_back_answer(
        self, chat: ChatRef, since: float, text: str | Sequence[str] | None = None
    ) -> tuple[tuple[str, ...], bool] | None:
        """The resident says the bot's answer missed: the chat's latest question logged
        since `since`, with the others of its message (`log_message`), counts from now on
        as not answered (/unanswered shows it to staff, /stats counts it so), and the
        entry they opened from the close matches offered for it (`note_choice`), if any,
        as no entry they picked: it missed too. Returns the questions (as logged, in the
        order asked) and whether one was answered; None when none is logged. `text`: the
        latest logged so, or as one of several (in a group, a member's own question: the
        log keeps no asker)."""
        async with self._write:
            async with self._db.execute(
                f"SELECT id, part_of {_latest_question(text)}",
                (chat.channel, chat.chat_id, since, *_texts(text)),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            message = (row[1], row[0])
            async with self._db.execute(
                f"SELECT text, answered FROM questions {_OF_MESSAGE} ORDER BY id",  # noqa: S608
                message,
            ) as cursor:
                questions = await cursor.fetchall()
            await self._db.execute(
                f"UPDATE questions SET answered = 0, chosen = NULL {_OF_MESSAGE}",  # noqa: S608
                message,
            )
        return tuple(str(r[0]) for r in questions), any(r[1] for r in questions)

    async def question_counts(self, since: float) -> tuple[int, int]:
        """(questions, unanswered questions) asked since `since`."""
        async with self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(answered = 0), 0) FROM questions WHERE asked_at >= ?",
            (since,),
        ) as cursor:
            row = await cursor.fetchone()
        return (row[0], row[1]) if row else (0, 0)

    async def unanswered(self, since: float, limit: int = 500) -> list[str]:
        """The latest questions the bot could not answer, newest first."""
        return [text for text, _ in await self.unanswered_choices(since, limit)]

    async def unanswered_askers(self, since: float, limit: int = 500) -> list[tuple[str, ChatRef]]:
        """`unanswered`, each with the chat that asked it."""
        async with self._db.execute(
            "SELECT text, channel, chat_id FROM questions WHERE answered = 0 "
            "AND asked_at >= ? ORDER BY asked_at DESC, id DESC LIMIT ?",
            (since, limit),
        ) as cursor:
            return [(row[0], ChatRef(row[1], row[2])) for row in await cursor.fetchall()]

    async def unanswered_choices(
        self, since: float, limit: int = 500
    ) -> list[tuple[str, str | None]]:
        """`unanswered`, each with the FAQ entry the resident then opened from the close
        matches offered (`note_choice`), if any."""
        async with self._db.execute(
            "SELECT text, chosen FROM questions WHERE answered = 0 AND asked_at >= ? "
            "ORDER BY asked_at DESC, id DESC LIMIT ?",
            (since, limit),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

    async def note_choice(
        self, chat: ChatRef, entry_id: str, since: float, text: str | None = None
    ) -> bool:
        """The resident opened FAQ entry `entry_id` from the close matches offered for
        their latest question: kept with that question if it was logged since `since`,
        unanswered, with no choice kept yet (the first pick is the one that answered
        them). Whether it was kept. `text`: as `take_back_answer`'s."""
        async with self._write:
            cursor = await self._db.execute(
                f"UPDATE questions SET chosen = ? WHERE id = (SELECT id {_latest_question(text)}) "  # noqa: S608
                "AND answered = 0 AND chosen IS NULL",
                (entry_id, chat.channel, chat.chat_id, since, *_texts(text)),
            )
            return cursor.rowcount > 0
