"""The question log: what residents asked and whether the bot answered, what they picked
from the close matches offered, and its counts for /stats and /unanswered."""

from __future__ import annotations

from wardbot.store.base import Database
from wardbot.store.chat_ref import ChatRef

MAX_LOGGED_CHARS = 500
# A chat's latest question logged since a time (channel, chat id, time): what "sai rồi"
# and its button are about.
_LATEST_QUESTION = (
    "FROM questions WHERE channel = ? AND chat_id = ? AND asked_at >= ? "
    "ORDER BY asked_at DESC, id DESC LIMIT 1"
)


def _latest_question(text: str | None) -> str:
    """`_LATEST_QUESTION`, or, given a question's `text`, the latest logged so (a further
    parameter)."""
    if text is None:
        return _LATEST_QUESTION
    return _LATEST_QUESTION.replace("asked_at >= ? ", "asked_at >= ? AND text = ? ")


class QuestionLog(Database):
    """The questions table."""

    async def log_question(self, chat: ChatRef, text: str, answered: bool, now: float) -> None:
        async with self._write:
            await self._db.execute(
                "INSERT INTO questions (channel, chat_id, asked_at, text, answered) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat.channel, chat.chat_id, now, text[:MAX_LOGGED_CHARS], int(answered)),
            )

    async def latest_question(self, chat: ChatRef, since: float) -> str | None:
        """The chat's latest question logged since `since` (as logged), or None."""
        async with self._db.execute(
            f"SELECT text {_LATEST_QUESTION}", (chat.channel, chat.chat_id, since)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def latest_asked(self, chat: ChatRef, since: float) -> tuple[str, bool, float] | None:
        """The chat's latest question logged since `since` (as logged), whether it was
        answered, and when; or None."""
        async with self._db.execute(
            f"SELECT text, answered, asked_at {_LATEST_QUESTION}",
            (chat.channel, chat.chat_id, since),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else (str(row[0]), bool(row[1]), float(row[2]))

    async def take_back_answer(
        self, chat: ChatRef, since: float, text: str | None = None
    ) -> tuple[str, bool] | None:
        """The resident says the bot's answer missed: the chat's latest question logged
        since `since` counts from now on as not answered (/unanswered shows it to staff,
        /stats counts it so), and the entry they opened from the close matches offered
        for it (`note_choice`), if any, as no entry they picked: it missed too. Returns
        the question (as logged) and whether it had been answered; None when none is
        logged. `text`: the latest logged so (in a group, a member's own question: the log
        keeps no asker)."""
        async with self._write:
            async with self._db.execute(
                f"SELECT id, text, answered, chosen {_latest_question(text)}",
                (chat.channel, chat.chat_id, since, *([text] if text is not None else [])),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            if row[2] or row[3] is not None:
                await self._db.execute(
                    "UPDATE questions SET answered = 0, chosen = NULL WHERE id = ?", (row[0],)
                )
        return row[1], bool(row[2])

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

    async def unanswered_choices(
        self, since: float, limit: int = 500
    ) -> list[tuple[str, str | None]]:
        """`unanswered`, each with the FAQ entry the resident then opened from the close
        matches offered (`note_choice`), if any."""
        async with self._db.execute(
            "SELECT text, chosen FROM questions WHERE answered = 0 AND asked_at >= ? "
            "ORDER BY asked_at DESC LIMIT ?",
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
                (
                    entry_id,
                    chat.channel,
                    chat.chat_id,
                    since,
                    *([text] if text is not None else []),
                ),
            )
            return cursor.rowcount > 0
