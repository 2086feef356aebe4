"""Announcements seen and alerted: which notices are news to whom, queued as alerts in the
outbox; renamed notices; corrections of a notice's numbers."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from wardbot import facts
from wardbot.notice_changes import (
    Gone,
    NoticeRef,
    copy_of,
    copy_of_before,
    digest_of,
    numbers_learnt,
    numbers_of,
    numbers_unchanged,
    renamed_from,
    typo_of,
)
from wardbot.store.base import Database

log = logging.getLogger(__name__)

# A correction waits ALERT_GATHER_SECONDS from the last edit of the notice's numbers, but
# no more than this from when it was queued: an editor left open, saving every few
# seconds as the numbers move, must not hold it back for good (`_queue_corrections`).
CORRECTION_WAIT_MAX = 600.0


# Why an alert or a correction was dropped when its notice stayed out of content/ (the
# portal took its article down): sent after all if the notice comes back.
WITHDRAWN_DROP = "the announcement was withdrawn"


# The last line migration 25 gave the refs of the corrections waiting then: their numbers
# are as a version before migration 22 read them (`facts.same_as_read_before_22`).
READ_BEFORE_22 = "read before migration 22"


def correction_ref(notice_id: str, edit: int, before: Sequence[str], title: str = "") -> str:
    """An outbox 'correction' row's ref: the notice's id, which change of its numbers
    (each one's corrections are rows of their own), the numbers the chat was told before
    (JSON), and the title it had then (a line of its own; none in a ref queued by an
    earlier version)."""
    return f"{notice_id}\n{edit}\n{json.dumps(sorted(before))}\n{title}"


def read_correction_ref(ref: str) -> tuple[str, frozenset[str], str, bool]:
    """(notice id, numbers told before, title before or "", whether those numbers are as a
    version before migration 22 read them: `READ_BEFORE_22`) of a `correction_ref`."""
    notice_id, _, told, title, reading = (*ref.split("\n", 4), "", "", "", "")[:5]
    numbers = frozenset(facts.number_value(n) for n in json.loads(told or "[]"))
    return notice_id, numbers, title, reading == READ_BEFORE_22


class AnnouncementRows(Database):
    """Announcements and their alerts and corrections (seen_announcements; queued in the
    outbox)."""

    async def note_announcements(
        self, notices: Sequence[NoticeRef], now: float, channels: Sequence[str]
    ) -> dict[str, int] | None:
        """Remember `notices`; queue one alert per subscriber for those not alerted yet
        that are worth it: new ones, and those first seen as not worth an alert (no topic,
        a mistyped date) that staff have fixed since. An alerted notice that gains a topic
        (a wrong one corrected) is alerted to that topic's followers who follow none of the
        topics it was alerted for.

        `notices` are all the notices there are now. A new one with the title, date and
        text of one already alerted that is no longer among them (its file left content/),
        or that title with a typo fixed (`renamed_from`), is the
        same notice under a new name (its file renamed): it is not alerted again, and the
        alerts for the old name still waiting go out for the new one (a rename mid fan-out
        loses none). While both are there they are two notices (a power cut in two
        neighbourhoods the same day, under the same title), each alerted. Both being worth
        an alert means that date is within the last ALERT_MAX_AGE_DAYS (wardbot.alerts),
        so the match is always with a recent alert. A new one that reads as a notice still
        there read before its last edit (copied, then the original edited) is no news,
        until an edit makes it news of its own (`_news_now`): then it is alerted as a new
        notice, the mark cleared in the same transaction.

        The very first call on a database only remembers them (installing the bot must
        not flood anyone, then or when those notices are edited later) and returns None.
        Otherwise returns, for each notice seen for the first time or alerted now, how
        many alerts were queued for subscribers on `channels` (those that can push: not
        the terminal). Marking a notice alerted and queueing its alerts is one
        transaction: a crash leaves either both or neither.
        """
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            return await self._note_announcements(notices, now, channels)

    async def note_quietly(self, notices: Sequence[NoticeRef], now: float) -> None:
        """Remember `notices` as alerted, queueing no alert: news subscribers would get all
        at once, as the portal's feed has it when the bot first reads it. (Before their
        files appear in content/: the watcher then finds them known.)"""
        async with self._write, self._transaction("BEGIN IMMEDIATE"):
            await self._db.executemany(
                "INSERT OR IGNORE INTO seen_announcements (id, seen_at, alerted, title, date) "
                "VALUES (?, ?, 1, ?, ?)",
                [(n.id, now, n.title or None, n.date or None) for n in notices],
            )

    async def _note_announcements(
        self, notices: Sequence[NoticeRef], now: float, channels: Sequence[str]
    ) -> dict[str, int] | None:
        async with self._db.execute("SELECT value FROM meta WHERE key = 'alerts_since'") as cur:
            baseline = await cur.fetchone()
        async with self._db.execute(
            "SELECT id, alerted, title, date, topics, text_digest, numbers, copy_of "
            "FROM seen_announcements"
        ) as cursor:
            rows = await cursor.fetchall()
        # The topics each notice was alerted for (None: not known).
        alerted_for = {row[0]: json.loads(row[4]) if row[4] else None for row in rows}
        # Known notices as they read now (only those edited since: this runs on every
        # change to content/): a renamed one is compared with its last version.
        known = {row[0]: (row[2], row[3]) for row in rows}
        digests = {row[0]: row[5] for row in rows}
        numbers = {row[0]: row[6] for row in rows}
        # Copies marked alerted for another notice's alert (below), still unedited since.
        copies = {row[0] for row in rows if row[7]}
        await self._db.executemany(
            "UPDATE seen_announcements SET title = ?, date = ? WHERE id = ?",
            [
                (n.title or None, n.date or None, n.id)
                for n in notices
                if n.id in known and known[n.id] != (n.title or None, n.date or None)
            ],
        )
        alerted = {row[0]: bool(row[1]) for row in rows}
        current = {notice.id for notice in notices}
        # Alerted notices that left content/: what a new one may be renamed from.
        gone = [
            Gone(row[0], row[2], row[3], row[5])
            for row in rows
            if row[1] and row[2] and row[3] and row[0] not in current
        ]
        if baseline is None:
            await self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('alerts_since', ?)", (str(now),)
            )
        await self._requeue_withdrawn(current, now)
        queued: dict[str, int] = {}
        by_date: dict[str, list[NoticeRef]] = {}
        for notice in notices:
            by_date.setdefault(notice.date, []).append(notice)
        for notice in notices:
            worth = baseline is not None and notice.alert and bool(notice.topics)
            own = notice.id in copies and _news_now(
                notice, known, digests, numbers, alerted, by_date, current
            )
            if own:
                # A copy left behind, reused since for another notice (next month's):
                # nobody was alerted under its name, so it is news as a new notice is,
                # queued in this transaction with the mark cleared (once, crash or not).
                log.info("%s, a copy left behind, is now a notice of its own", notice.id)
                alerted[notice.id] = False
                await self._db.execute(
                    "UPDATE seen_announcements SET alerted = 0, copy_of = NULL WHERE id = ?",
                    (notice.id,),
                )
            if alerted.get(notice.id):
                # Alerted already, or there when the bot was installed: its text as it
                # reads now tells it if it is renamed next (`renamed_from`).
                await self._keep_digest(notice, digests.get(notice.id))
                # Its dates, times or amounts changed since: those told hear of it.
                told = await self._keep_numbers(notice, numbers.get(notice.id))
                if worth and told is not None:
                    titled = (*told, known[notice.id][0] or "")  # its title before the edit
                    corrected = await self._queue_corrections(notice, titled, now, channels)
                    log.info("%s: numbers edited; %d correction(s) queued", notice.id, corrected)
                # Its topics corrected since, the followers of the new ones hear of it.
                before = alerted_for.get(notice.id)
                if worth and before is not None and set(notice.topics) - set(before):
                    queued[notice.id] = await self._queue_alerts(notice, now, channels, before)
                    await self._db.execute(
                        "UPDATE seen_announcements SET topics = ? WHERE id = ?",
                        (json.dumps(sorted({*before, *notice.topics})), notice.id),
                    )
                continue
            first_seen = notice.id not in alerted
            copied = copy_of(notice, by_date, alerted) if worth and first_seen else None
            if copied is not None:
                # Copied to be edited (another neighbourhood's notice), or to be moved (the
                # original deleted next): not news until its text differs, or the original
                # is gone (then it is that notice renamed).
                log.debug("%s is an unedited copy of %s: not alerted", notice.id, copied)
                continue
            # Copied, then the original edited in place of the copy: what is left reads as
            # residents were alerted already (beside the original's correction, it would
            # tell them the old text anew). Known as alerted, with what it is a copy of: an
            # edit that makes it a notice of its own is news (`_news_now`).
            edited = (
                copy_of_before(notice, known, digests, alerted, current)
                if worth and first_seen
                else None
            )
            if edited is not None:
                log.info("%s is %s as it read before its edit: not alerted", notice.id, edited)
            if worth:
                alerted[notice.id] = True  # a copy of it in this same pass is no news
            topics = json.dumps(sorted(notice.topics)) if worth else None
            if first_seen:
                await self._db.execute(
                    "INSERT INTO seen_announcements "
                    "(id, seen_at, alerted, title, date, topics, text_digest, numbers, copy_of) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        notice.id,
                        now,
                        int(worth or baseline is None),
                        notice.title or None,
                        notice.date or None,
                        topics,
                        digest_of(notice) if notice.alert and notice.topics else None,
                        numbers_of(notice) if notice.alert and notice.topics else None,
                        edited,
                    ),
                )
            elif worth:  # first seen as not worth an alert, and fixed since
                await self._db.execute(
                    "UPDATE seen_announcements SET alerted = 1, topics = ?, text_digest = ?, "
                    "numbers = ? WHERE id = ?",
                    (topics, digest_of(notice), numbers_of(notice), notice.id),
                )
            if edited is not None:
                continue
            same = renamed_from(notice, gone) if worth else None
            if same is not None:
                moved = await self._db.execute(
                    "UPDATE OR IGNORE outbox SET ref = ? "
                    "WHERE kind = 'alert' AND ref = ? AND state IN ('pending', 'sending')",
                    (notice.id, same),
                )
                # So do its corrections still waiting (held for the night, say): gone
                # with the old name, the chats would never hear of the new numbers.
                await self._db.execute(
                    "UPDATE OR IGNORE outbox SET ref = ? || substr(ref, instr(ref, char(10))) "
                    "WHERE kind = 'correction' AND state IN ('pending', 'sending') "
                    "AND substr(ref, 1, instr(ref, char(10)) - 1) = ?",
                    (notice.id, same),
                )
                # Alerted for the old name's topics; one it gained on the way is news to
                # its followers (those who follow none of the old ones).
                before = alerted_for.get(same)
                gained = before is not None and bool(set(notice.topics) - set(before))
                await self._db.execute(
                    "UPDATE seen_announcements SET topics = ? WHERE id = ?",
                    (
                        None if before is None else json.dumps(sorted({*before, *notice.topics})),
                        notice.id,
                    ),
                )
                # Taken: another notice with that title and date later is a new one. Its
                # alerts' buttons open the new name.
                await self._db.execute(
                    "UPDATE seen_announcements SET title = NULL, date = NULL, renamed_to = ? "
                    "WHERE id = ?",
                    (notice.id, same),
                )
                log.info(
                    "%s is %s renamed (same date and title, or its typo fixed): not alerted again; "
                    "%d alert(s) "
                    "still waiting go out under the new name",
                    notice.id,
                    same,
                    max(moved.rowcount, 0),
                )
                queued[notice.id] = (
                    await self._queue_alerts(notice, now, channels, before or ()) if gained else 0
                )
            elif worth:
                queued[notice.id] = await self._queue_alerts(notice, now, channels)
            elif first_seen or own:
                queued[notice.id] = 0
        return None if baseline is None else queued

    async def _requeue_withdrawn(self, current: set[str], now: float) -> None:
        """The alerts and corrections dropped while their notice was away (`WITHDRAWN_DROP`)
        of the notices among `current`, back: an article the portal put back is news to
        those who never got it; the outbox judges each again as it goes."""
        async with self._db.execute(
            "SELECT id, CASE kind WHEN 'alert' THEN ref "
            "ELSE substr(ref, 1, instr(ref, char(10)) - 1) END "
            "FROM outbox WHERE kind IN ('alert', 'correction') AND state = 'dropped' "
            "AND error = ?",
            (WITHDRAWN_DROP,),
        ) as cursor:
            back = [row[0] for row in await cursor.fetchall() if row[1] in current]
        if back:
            await self._db.executemany(
                "UPDATE outbox SET state = 'pending', not_before = ?, attempts = 0, "
                "done_at = NULL, error = NULL, burst = NULL WHERE id = ?",
                [(now, row_id) for row_id in back],
            )
            log.info("%d alert(s) dropped while their notice was withdrawn queued again", len(back))

    async def _keep_digest(self, notice: NoticeRef, kept: str | None) -> None:
        """Keep the text of an alerted notice that could still be news (recent, current,
        with a topic: only those are matched by `renamed_from`) as it reads now: edited
        since its alert, or alerted by an earlier version that kept no text."""
        if not (notice.alert and notice.topics) or notice.body is None:
            return
        digest = digest_of(notice)
        if digest != kept:
            await self._db.execute(
                "UPDATE seen_announcements SET text_digest = ? WHERE id = ?", (digest, notice.id)
            )

    async def _keep_numbers(
        self, notice: NoticeRef, kept: str | None
    ) -> tuple[int, list[str]] | None:
        """Keep the numbers of an alerted notice that could still be news as it reads now
        (as `_keep_digest` keeps its text); when an edit changed them, which change this is
        and the numbers it had before (None: unchanged, or not known before)."""
        if not (notice.alert and notice.topics) or notice.body is None:
            return None
        now = numbers_of(notice)
        if numbers_unchanged(notice, now, kept):
            if (learnt := numbers_learnt(now, kept)) != kept:  # kept by an older version
                await self._db.execute(
                    "UPDATE seen_announcements SET numbers = ? WHERE id = ?", (learnt, notice.id)
                )
            return None
        await self._db.execute(
            "UPDATE seen_announcements SET numbers = ?, number_edits = number_edits + 1 "
            "WHERE id = ?",
            (now, notice.id),
        )
        async with self._db.execute(
            "SELECT number_edits FROM seen_announcements WHERE id = ?", (notice.id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if kept is None or row is None else (int(row[0]), list(json.loads(kept)))

    async def _queue_corrections(
        self,
        notice: NoticeRef,
        edit: tuple[int, Sequence[str], str],
        now: float,
        channels: Sequence[str],
    ) -> int:
        """One correction of `notice` (`edit`: which change of its numbers, and the numbers
        and title it had before) for each chat on `channels` its alert went to (under this name or
        the one its file was renamed from) that still follows one of its topics; how many.
        Not for a chat with one still waiting: that one goes out with the notice as it
        reads then (edits in a row are one correction), and waits again from this edit:
        an editor saving as staff type ("19h", "h", "2h", "20h") sends the last save only.
        A chat whose alert has not left yet reads the edited notice. It waits again
        CORRECTION_WAIT_MAX at most after it was queued (`not_before`, which edits leave
        alone): an editor saving for an hour sends a correction every few minutes."""
        await self._db.execute(
            "UPDATE outbox SET created_at = MAX(created_at, MIN(?, not_before + ?)) "
            "WHERE kind = 'correction' AND state = 'pending' "
            "AND channel IN (SELECT value FROM json_each(?)) "
            "AND substr(ref, 1, instr(ref, char(10)) - 1) = ?",
            (now, CORRECTION_WAIT_MAX, json.dumps(list(channels)), notice.id),
        )
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO outbox "
            "(channel, chat_id, kind, ref, created_at, not_before) "
            "SELECT DISTINCT a.channel, a.chat_id, 'correction', ?, ?, ? FROM outbox a "
            "WHERE a.kind = 'alert' AND a.state IN ('sent', 'sending') "
            "AND (a.ref = ? OR a.ref IN (SELECT id FROM seen_announcements WHERE renamed_to = ?)) "
            "AND a.channel IN (SELECT value FROM json_each(?)) "
            "AND EXISTS (SELECT 1 FROM subscriptions s "
            "WHERE s.channel = a.channel AND s.chat_id = a.chat_id "
            "AND s.topic_id IN (SELECT value FROM json_each(?))) "
            "AND NOT EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = a.channel AND u.chat_id = a.chat_id) "
            "AND NOT EXISTS (SELECT 1 FROM outbox c "
            "WHERE c.channel = a.channel AND c.chat_id = a.chat_id AND c.kind = 'correction' "
            "AND c.state = 'pending' AND substr(c.ref, 1, instr(c.ref, char(10)) - 1) = ?) "
            "ORDER BY a.channel, a.chat_id",
            (
                correction_ref(notice.id, *edit),
                now,
                now,
                notice.id,
                notice.id,
                json.dumps(list(channels)),
                json.dumps(list(notice.topics)),
                notice.id,
            ),
        )
        return max(cursor.rowcount, 0)

    async def renames(self) -> dict[str, str]:
        """Each notice whose file was renamed -> the id it was renamed to (migration 14)."""
        async with self._db.execute(
            "SELECT id, renamed_to FROM seen_announcements WHERE renamed_to IS NOT NULL"
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def alerts_queued_since(self, notice_id: str, since: float) -> int | None:
        """How many alerts were queued for `notice_id` by whoever first noticed it, if that
        was at `since` or later (the running bot's watcher, while `bot.py announce` was
        still opening the index); None when it was noticed before, not at all, or by the
        first start (which queues none)."""
        async with self._db.execute(
            "SELECT 1 FROM seen_announcements WHERE id = ? AND seen_at >= ? AND seen_at >= "
            "(SELECT CAST(value AS REAL) + 1.0 FROM meta WHERE key = 'alerts_since')",
            (notice_id, since),
        ) as cursor:
            if await cursor.fetchone() is None:
                return None
        async with self._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE kind = 'alert' AND ref = ?", (notice_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _queue_alerts(
        self,
        notice: NoticeRef,
        now: float,
        channels: Sequence[str],
        alerted_for: Sequence[str] = (),
    ) -> int:
        """One alert for each subscriber of `notice`'s topics on `channels`, but not those
        following one of `alerted_for` (the topics it was alerted for already); how many."""
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO outbox "
            "(channel, chat_id, kind, ref, created_at, not_before) "
            "SELECT DISTINCT s.channel, s.chat_id, 'alert', ?, ?, ? FROM subscriptions s "
            "WHERE s.topic_id IN (SELECT value FROM json_each(?)) "
            "AND s.channel IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM unreachable u "
            "WHERE u.channel = s.channel AND u.chat_id = s.chat_id) "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions o "
            "WHERE o.channel = s.channel AND o.chat_id = s.chat_id "
            "AND o.topic_id IN (SELECT value FROM json_each(?))) "
            "ORDER BY s.channel, s.chat_id",
            (
                notice.id,
                now,
                now,
                json.dumps(list(notice.topics)),
                json.dumps(list(channels)),
                json.dumps(list(alerted_for)),
            ),
        )
        return max(cursor.rowcount, 0)


def _news_now(
    notice: NoticeRef,
    known: dict[str, tuple[str | None, str | None]],
    digests: dict[str, str | None],
    numbers: dict[str, str | None],
    alerted: dict[str, bool],
    by_date: dict[str, list[NoticeRef]],
    current: set[str],
) -> bool:
    """Whether a copy marked alerted for another notice's alert (`copy_of_before`) is now a
    notice of its own that is news: edited as an alerted notice's edit would be told (its
    numbers: dates, times, amounts, place, called off), or given another date or another
    title (not a typo fixed: `typo_of`), and no copy of another alerted notice still there,
    as it reads now or before its last edit. A typo fixed or a sentence reworded leaves it
    the copy it was: residents read that news already."""
    title, date = known.get(notice.id, (None, None))
    retitled = title != notice.title and not (title and typo_of(title, notice.title))
    edited = (
        retitled
        or date != (notice.date or None)
        or not numbers_unchanged(notice, numbers_of(notice), numbers.get(notice.id))
    )
    return (
        edited
        and copy_of(notice, by_date, alerted) is None
        and copy_of_before(notice, known, digests, alerted, current) is None
    )
