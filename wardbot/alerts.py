"""Who hears about what: new announcements become alerts, staff files are watched.

`Alerts` decides which announcements are new and queues one alert per subscriber in the
outbox (wardbot.store), and queues broadcasts and notes to staff. `ContentWatcher` notices
edits to faq.yaml and content/ while the bot runs (watchfiles, with a periodic rescan as a
safety net for file systems that do not report changes) and applies them to the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import os
import stat
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wardbot import messages as msg
from wardbot.channels import PUSH_CHANNELS
from wardbot.config import Settings
from wardbot.faq_file import LINE_REF
from wardbot.loader import LAST_GOOD_FAQ_COPIES, FaqShrink, faq_conflicts
from wardbot.models import Announcement, Corpus, Problem
from wardbot.notice_changes import NoticeRef
from wardbot.notice_files import conflict_original, is_misnamed_notice, is_notice_file
from wardbot.notices import named_date
from wardbot.pictures import saves, unseen_pictures
from wardbot.reply import Reply
from wardbot.store import ChatRef, QuotedLine, Store
from wardbot.told import TOLD_KEY, Told, digest
from wardbot.topic_renames import REMEMBER_DAYS, follow_renamed_topics

if TYPE_CHECKING:
    from wardbot.delivery import Deliverer

log = logging.getLogger(__name__)
# Alerts waiting for a channel the bot does not run are dropped at its start once this old.
UNRUN_GRACE = 86400.0

# A notice dated longer ago than this is indexed but not alerted: staff adding old
# notices to the archive should not wake every subscriber.
ALERT_MAX_AGE_DAYS = 30
RESCAN_SECONDS = 30.0
DEBOUNCE_MS = 200
# How often the running watcher checks that the folders it watches are still those there.
REWATCH_SECONDS = 1.0
# A staff file is applied once it has not changed (size, modification time) for this
# long: an editor or an upload that writes it in steps is not caught half way. Short:
# a new notice must be answerable within 2 s of its save (bench/bench_update.py).
SETTLE_SECONDS = 1.0
# ... unless it keeps changing for this long: then it is applied as it is.
SETTLE_AT_MOST_SECONDS = 60.0
# A part whose note admins were told (a Zalo token refused) is told back only once it has
# stayed well this long (as a supervised task: wardbot.supervise.MAX_DELAY): a token
# refused and taken every minute is one outage, one ⚠️ and one ✅, not a pair each minute.
BACK_AFTER = 300.0
# /reload and an edit from chat wait this long at most for a file being saved: past it,
# nothing is applied now (staff are told) and the watcher applies it once it is saved.
FORCE_WAIT_AT_MOST_SECONDS = 10.0


class Content(Protocol):
    """What alerts and the watcher need from the engine (wardbot.engine.Engine)."""

    @property
    def corpus(self) -> Corpus: ...
    @property
    def problems(self) -> list[Problem]: ...
    @property
    def faq_ok(self) -> bool: ...
    @property
    def faq_missing(self) -> bool: ...
    @property
    def faq_shrink(self) -> FaqShrink | None: ...
    @property
    def today(self) -> dt.date: ...

    def reload(self) -> list[Problem]: ...
    def update_announcements(self, paths: Iterable[Path]) -> object: ...
    def index_state(self) -> str: ...
    def mend_index(self) -> bool: ...


def not_worth_alerting(notice: Announcement, today: dt.date) -> str | None:
    """Why `notice` is no news by `today` (expired, or older than ALERT_MAX_AGE_DAYS);
    None when it is. The rule for queueing an alert, and again for sending one (an alert
    that waited through an outage or a long stop may have become old meanwhile)."""
    if not notice.is_current(today):
        return "the announcement has expired"
    if (today - notice.date).days > ALERT_MAX_AGE_DAYS:
        return f"the announcement is more than {ALERT_MAX_AGE_DAYS} days old"
    return None


def worth_alerting(notice: Announcement, today: dt.date) -> bool:
    """Current, and recent enough to be news."""
    return not_worth_alerting(notice, today) is None


def misdated_by(notice: Announcement, today: dt.date) -> dt.date | None:
    """The date `notice`'s file is named by, when that date would make it news and its
    `date:` line makes it too old for an alert; else None."""
    named = named_date(notice)
    if named is None or notice.date == named or not notice.is_current(today):
        return None
    old = (today - notice.date).days > ALERT_MAX_AGE_DAYS
    return named if old and 0 <= (today - named).days <= ALERT_MAX_AGE_DAYS else None


def admin_chats(settings: Settings) -> list[ChatRef]:
    """ADMIN_IDS as chats: an admin's private chat has the admin's user id on both platforms."""
    chats = []
    for admin in sorted(settings.admin_ids):
        channel, _, user = admin.partition(":")
        chats.append(ChatRef(channel, user))
    return chats


class Alerts:
    """Queues alerts, broadcasts and notes to staff; the senders (wardbot.outbox) push them."""

    def __init__(
        self,
        engine: Content,
        store: Store,
        settings: Settings,
        channels: Sequence[str],
        *,
        wake: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
        direct: Mapping[str, Deliverer] | None = None,
        back_after: float | None = None,
        wait: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """`back_after` (BACK_AFTER by default), waited with `wait`: how long a part told
        failing must stay well before admins are told it is back (`untold`)."""
        self.engine = engine
        # For the note that must get through when the database (so the outbox) fails.
        self.direct = dict(direct or {})
        self.store = store
        self.settings = settings
        self.channels = list(channels)  # those that push; subscribers elsewhere get nothing
        self.wake = wake
        self.clock = clock
        # The problems the log has: those of the files as they were at the start (logged
        # then, by whoever opened the engine), then each new one as edits bring it.
        self._logged = frozenset(_unmoved(engine.problems))
        # What admins were told, kept across restarts (read at the first report).
        self._told = Told()
        self._told_kept: str | None = None  # as last read or written
        self._notices = len(engine.corpus.announcements)
        self.back_after = BACK_AFTER if back_after is None else back_after
        self.wait = wait
        self._backs: dict[str, asyncio.Task[None]] = {}  # the ✅ waiting, by note
        self._recovering: dict[str, asyncio.Task[None]] = {}  # a task's ✅ waiting (task_well)

    async def sync(self) -> dict[str, int]:
        """Queue alerts for every announcement not seen before; {id: alerts queued}.

        On a new database the announcements already there are only remembered.
        """
        if not self.store.writable:  # noted once the data folder is writable again
            return {}
        await self._follow_renamed_topics()  # before alerts: its followers get them
        refs = refs_for(self.engine.corpus.announcements, self.engine.today)
        queued = await self.store.note_announcements(refs, self.clock(), self.channels)
        await self._release_urgent()
        if queued is None:
            log.info("first start: %d announcement(s) indexed, none alerted", len(refs))
            return {}
        for notice_id, count in queued.items():
            log.info("new announcement %s: %d alert(s) queued", notice_id, count)
        if any(queued.values()):
            self.wake()
        await self._report_untagged(ref for ref in refs if queued.get(ref.id) == 0)
        await self._report_misdated(n for n in self.engine.corpus.announcements if n.id in queued)
        return queued

    async def _release_urgent(self) -> None:
        """Alerts waiting for the end of quiet hours go now if staff marked their notice
        `urgent: true` since (published at 22:00, then found to be about tonight)."""
        urgent = [notice.id for notice in self.engine.corpus.announcements if notice.urgent]
        released = await self.store.release_held(self.clock(), notices=urgent) if urgent else 0
        if released:
            log.info("%d alert(s) held for quiet hours go now: their notice is urgent", released)
            self.wake()

    async def _report_untagged(self, refs: Iterable[NoticeRef]) -> None:
        """New notices worth an alert that reach nobody for want of a topic (no topics:
        line, no topic's keyword in them): staff hear of it once, as `announce` says it."""
        untagged = [(ref.id, ref.title) for ref in refs if ref.alert and not ref.topics]
        for notice_id, _ in untagged:
            log.warning("new announcement %s is in no topic: nobody is alerted", notice_id)
        if untagged:
            await self.tell_admins(msg.admin_notices_untagged(untagged))

    async def _report_misdated(self, notices: Iterable[Announcement]) -> None:
        """New notices whose date: line looks mistyped, told once: too old to alert though
        their file is named by a recent date (copied from an older notice, the date left as
        it was), alerted once fixed; or dated far ahead (a year mistyped, 2062 for 2026),
        which would keep them first among the latest until then. An old notice added to the
        archive under its own date, or one dated a few days ahead, is no matter for them."""
        today = self.engine.today
        notices = list(notices)
        misdated = [(notice, named) for notice in notices if (named := misdated_by(notice, today))]
        ahead = [n for n in notices if (n.date - today).days > ALERT_MAX_AGE_DAYS]
        for notice, named in misdated:
            log.warning(
                "%s: date %s is over %d days old while the file name says %s: nobody is alerted",
                notice.path or notice.id,
                notice.date,
                ALERT_MAX_AGE_DAYS,
                named,
            )
        for notice in ahead:
            log.warning(
                "%s: date %s is over %d days ahead: a mistyped year?",
                notice.path or notice.id,
                notice.date,
                ALERT_MAX_AGE_DAYS,
            )
        if misdated:
            told = [(n.id, n.title, n.date, named) for n, named in misdated]
            await self.tell_admins(msg.admin_notices_misdated(told, ALERT_MAX_AGE_DAYS))
        if ahead:
            far = [(n.id, n.title, n.date) for n in ahead]
            await self.tell_admins(msg.admin_notices_dated_ahead(far, ALERT_MAX_AGE_DAYS))

    async def drop_unrun(self) -> int:
        """At the start: drop the alerts and broadcasts waiting for a channel that can push
        but does not run here (queued by an older `bot.py announce`, or while it ran): no
        sender takes them, /stats would count them as waiting forever, and turned on
        months later it would send them. Those queued in the last UNRUN_GRACE are kept: a
        restart with a token left out of the environment by mistake, put back the same
        day, loses no alert. One log line per channel."""
        if not self.store.writable:
            return 0
        total = 0
        now = self.clock()
        for channel in PUSH_CHANNELS:
            if channel in self.channels:
                continue
            why = f"the bot does not run {channel}"
            dropped = await self.store.drop_pushes([channel], now, why, now - UNRUN_GRACE)
            if dropped:
                log.info("%d alert(s) waiting for %s dropped: %s", dropped, channel, why)
            total += dropped
        return total

    async def broadcast_chats(self, topic_id: str | None) -> list[ChatRef]:
        """The chats a broadcast to the followers of a topic (None: of any topic) reaches."""
        if topic_id is None:
            chats = await self.store.subscribed_chats()
        else:
            chats = await self.store.subscribers_of(topic_id)
        return [chat for chat in chats if chat.channel in self.channels]

    async def broadcast(self, topic_id: str | None, text: str) -> int:
        """Queue `text` for the followers of a topic (None: of any topic)."""
        chats = await self.broadcast_chats(topic_id)
        count = await self.store.queue_message(text, chats, self.clock()) if chats else 0
        if count:
            self.wake()
        return count

    async def tell_admins(
        self, text: str, quoted: Sequence[QuotedLine] = (), *, besides: str | None = None
    ) -> int:
        """Queue the note `text` for each admin chat on a channel the bot runs; how many.
        `quoted`: its lines quoting residents (Store.queue_message). `besides`: a channel
        the note is not for (its own outage: there, it would be read once it is over)."""
        if not self.store.writable:
            log.warning("not sent to admins (the data folder is read-only): %s", text)
            return 0
        chats = [chat for chat in self._admins_here() if chat.channel != besides]
        if not chats:
            return 0
        now = self.clock()
        count = await self.store.queue_message(text, chats, now, kind="note", quoted=quoted)
        if count:
            self.wake()
        return count

    def _admins_here(self) -> list[ChatRef]:
        """The admins' chats on a channel the bot runs: where notes to admins go."""
        return [c for c in admin_chats(self.settings) if c.channel in self.channels]

    async def tell_admins_once(self, key: str, text: str, *, besides: str | None = None) -> None:
        """Tell admins `text` unless the note `key` was told (before a restart too, unless
        a day ago: wardbot.told) and not `untold` since. `besides`: as for tell_admins.
        Said again while its ✅ waits (`untold`), it is the same outage: the ✅ is
        dropped, and the first ⚠️ stands."""
        if (back := self._backs.pop(key, None)) is not None:
            back.cancel()
            log.info("%s: failing again within %.0f s: not told back", key, self.back_after)
            return
        await self._recall_told()
        if key in self._told.notes:
            return
        await self.tell_admins(text, besides=besides)
        self._told.notes[key] = self.clock()
        await self._keep_told()

    async def untold(
        self, key: str, *, back: str | None = None, besides: str | None = None
    ) -> None:
        """What the note `key` said is over: it is told again should it come back. `back`:
        told to the admins who heard it (`besides` as for tell_admins_once), that it is
        over, once it has stayed so for `back_after`: the note stands until then, and
        `tell_admins_once(key)` meanwhile cancels the ✅ (a flapping part is one outage)."""
        if back is None:
            await self._forget(key)
            return
        await self._recall_told()
        if key in self._told.notes and key not in self._backs:
            self._backs[key] = asyncio.create_task(self._back_later(key, back, besides))

    async def _back_later(self, key: str, back: str, besides: str | None) -> None:
        await self.wait(self.back_after)
        self._backs.pop(key, None)
        try:
            if await self._forget(key):
                await self.tell_admins(back, besides=besides)
        except Exception:  # the database may be what fails: the note stands meanwhile
            log.exception("%s: could not tell admins it is over", key)

    async def _forget(self, key: str) -> bool:
        """The note `key` is no longer told; whether it was."""
        await self._recall_told()
        if self._told.notes.pop(key, None) is None:
            return False
        await self._keep_told()
        return True

    async def close(self) -> None:
        """At the stop: the ✅ still waiting are dropped, their notes kept as told (Zalo's
        channel says its token works at its next start: told back then)."""
        backs = [*self._backs.values(), *self._recovering.values()]
        self._backs, self._recovering = {}, {}
        for back in backs:
            back.cancel()
        await asyncio.gather(*backs, return_exceptions=True)

    async def task_failing(self, task: str) -> int:
        """Tell admins a background task stopped on an error (wardbot.supervise restarts it).

        Through the outbox like any note; when the database is what fails, the note cannot
        be queued, so it goes straight through the channels, once. Raises when nobody
        could be told (the supervisor tries again at the next error).
        """
        if (pending := self._recovering.pop(task, None)) is not None:
            pending.cancel()  # failing again before its ✅: the outage told goes on
            log.info("%s: failing again within %.0f s: not told back", task, self.back_after)
        text = msg.admin_task_failing(self.settings.ward_name, task)
        try:
            if await self.store.told_failing(task):
                return 1  # told before the bot (re)started, and it has not run well since
            told = await self.tell_admins(text)
            if told:
                await self.store.set_told_failing(task, True)
            return told
        except Exception:
            if not self.direct:
                raise
            log.warning("could not queue a note to admins; sending it directly", exc_info=True)
        told = await self.tell_admins_directly(text)
        if not told:
            raise RuntimeError(f"no admin could be told that {task} is failing")
        return told

    async def tell_admins_directly(self, text: str) -> int:
        """Send `text` to admins straight through the running channels (`direct`), not
        through the outbox: for when the database cannot take a note (it fails, its disk is
        full). Nothing is kept, so nothing is sent again; returns how many admins were told
        (0 when none is reachable: no admin chat on a running channel, or all failed)."""
        told = 0
        # Without a sound in quiet hours, as a note through the outbox (SILENT_AT_NIGHT).
        quiet = self.settings.quiet_hours
        silent = quiet is not None and quiet.until(self.clock()) is not None
        note = Reply(text, silent=silent, personal=True)
        for chat in admin_chats(self.settings):
            channel = self.direct.get(chat.channel)
            if channel is None:
                continue
            try:
                await channel.deliver(chat.chat_id, [note])
                told += 1
            except Exception as exc:  # one admin unreachable: the others are still told
                log.warning("could not tell admin %s:%s: %s", chat.channel, chat.chat_id, exc)
        return told

    async def task_well(self, task: str) -> None:
        """A part admins were told failed (task_failing), which no supervisor watches run
        a while (the search index on a nearly full disk), works again: told back
        (task_recovered) once it has stayed well for `back_after`; failing again meanwhile
        is the same outage, no new ⚠️ and no ✅ (a part flapping all night is one
        message and one ✅, not a pair each time). Not the staff group's ✅: it answers
        staff who have just made the bot an administrator again, and says it worked."""
        if task in self._recovering or not self.store.writable:
            return
        if not await self.store.told_failing(task):
            return
        self._recovering[task] = asyncio.create_task(self._recover_later(task))

    async def _recover_later(self, task: str) -> None:
        await self.wait(self.back_after)
        self._recovering.pop(task, None)
        try:
            await self.task_recovered(task)
        except Exception:  # the database may be what fails: told at the next well
            log.exception("%s: could not tell admins it works again", task)

    async def task_recovered(self, task: str) -> None:
        """The task ran well again (wardbot.supervise: for `max_delay`): admins told it
        failed are told it is back, once, and its next failure is news again."""
        if not self.store.writable or not await self.store.told_failing(task):
            return
        await self.tell_admins(msg.admin_task_back(self.settings.ward_name, task))
        await self.store.set_told_failing(task, False)

    def _as_staff_name_it(self, problem: Problem) -> str:
        """`problem` as admins read it on a phone: its file named as in the ward's folder
        ("content/2026-12-01-hop.md", "faq.yaml"), not by the server's whole path. By the
        paths' words only: the file may be a link that leads nowhere, or in a loop."""
        shown = self._staff_named(problem.file)
        return str(problem) if shown is None else f"{shown}:{problem.line}: {problem.message}"

    def _staff_named(self, file: str) -> str | None:
        """`file` as named in the ward's folder (_as_staff_name_it); None when it is
        neither faq.yaml nor in content/."""
        path = Path(os.path.abspath(file))
        content = Path(os.path.abspath(self.settings.content_dir))
        if path.is_relative_to(content):
            return str(Path(content.name) / path.relative_to(content))
        if path == Path(os.path.abspath(self.settings.faq_file)):
            return path.name
        return None

    async def report_problems(self) -> None:
        """Tell staff, in chat, about problems in their files they have not been told of
        (before a restart too, unless a day ago: wardbot.told). A problem an edit above it
        moved to another line is the same problem. One told only once it lasts (a notice
        copied to be edited, `Problem.told_after`) waits until then, from when it was first
        seen, a restart in between: one gone before is never told, nor told fixed (the
        watcher looks again while one is there)."""
        await self._recall_told()
        told, now = self._told, self.clock()
        every = _unmoved(self.engine.problems)
        for key, problem in every.items():  # for a ward with no admin to tell, the log
            if key not in self._logged:
                log.warning("%s", problem)
        self._logged = frozenset(every)
        keys = {key: digest(*key) for key in every}
        # When each one told only once it lasts was first seen, by `clock`: kept across
        # restarts, a bot restarted every few minutes still tells it on time, and once.
        told.waiting = {
            keys[key]: told.waiting.get(keys[key], now)
            for key, problem in every.items()
            if problem.told_after
        }
        problems = {
            key: problem
            for key, problem in every.items()
            if now - told.waiting.get(keys[key], now) >= problem.told_after
        }
        digests = {key: keys[key] for key in problems}
        untold = [key for key in problems if digests[key] not in told.problems]
        told.files |= {file for file, _, _ in untold}
        if untold:
            await self.tell_admins(
                msg.admin_problems(
                    [self._as_staff_name_it(problems[key]) for key in untold],
                    faq_broken=not self.engine.faq_ok,
                    no_good_version=self.engine.faq_missing,
                )
            )
        # Once queued: a failure is told next time.
        told.problems = {d: told.problems.get(d, now) for d in digests.values()}
        shrink = self.engine.faq_shrink
        if shrink is None:
            told.shrink = None
        elif told.shrink is None or told.shrink[0] != digest(*astuple(shrink)):
            backup = self.settings.data_dir / LAST_GOOD_FAQ_COPIES[1]
            await self.tell_admins(
                msg.admin_faq_shrank(shrink.gone, shrink.before, shrink.after, str(backup))
            )
            told.shrink = (digest(*astuple(shrink)), now)
        # Every mistake told fixed (or a save caught half-way finished): said once, with
        # faq.yaml reading again when that is news too.
        fixed = not problems and bool(told.files)
        others = fixed and any(Path(f) != Path(self.settings.faq_file) for f in told.files)
        readable = await self._report_faq_readable(shrink, rest_fixed=others)
        if fixed:
            if not readable:
                await self.tell_admins(msg.admin_problems_fixed())
            told.files.clear()
        await self._report_content_gone()
        await self._report_topics_gone()
        await self._report_unseen_pictures()
        await self._keep_told()

    async def _report_unseen_pictures(self) -> None:
        """Pictures in an answer or a notice that residents will not see (`bot.py check`
        warns of them too): logged and told to admins as a warning (the entry or notice is
        used all the same), once for each save of the answer or notice holding one: not
        again at a reload of files unchanged, nor after a restart."""
        faq_file, corpus, told = self.settings.faq_file, self.engine.corpus, self._told
        found = await asyncio.to_thread(lambda: list(unseen_pictures(faq_file, corpus)))
        keys = [digest(*save) for save in saves(found)]
        untold = [u for u, key in zip(found, keys, strict=True) if key not in told.warnings]
        lines = [u.told(self._staff_named(u.file)) for u in untold]
        for line in lines:
            log.warning("%s", line)
        if lines:
            await self.tell_admins(msg.admin_warnings(lines))
        now = self.clock()  # once queued: a failure is told at the next report
        told.warnings = {key: told.warnings.get(key, now) for key in keys}

    async def _recall_told(self) -> None:
        """At the first report: what admins were told before the restart."""
        if self._told_kept is not None or not self.store.writable:
            return
        self._told_kept = await self.store.meta_value(TOLD_KEY) or ""
        self._told = Told.load(self._told_kept, self.clock())
        if self._told.notices is not None:  # content/ emptied while the bot was stopped
            self._notices = self._told.notices

    async def _keep_told(self) -> None:
        """Write down what admins were told, when it changed."""
        kept = self._told.dump()
        if kept != self._told_kept and self.store.writable:
            await self.store.set_meta_value(TOLD_KEY, kept)
            self._told_kept = kept

    async def _report_faq_readable(self, shrink: FaqShrink | None, *, rest_fixed: bool) -> bool:
        """Staff told faq.yaml could not be read, or had lost many entries (a save caught
        half-way, often), hear once when it serves whole again: their fix took. Entries
        removed on purpose are not told back until they are. `rest_fixed`: every other
        mistake they were told of is fixed too, said in the same message."""
        told = self._told
        if not self.engine.faq_ok:
            told.faq_broken = True
            return False
        had_lost = bool(told.faq_lost)
        if shrink is not None:
            told.faq_lost |= set(shrink.gone)
        ids = {entry.id for entry in self.engine.corpus.faq}
        told.faq_lost -= ids
        back = shrink is None and not told.faq_lost and (told.faq_broken or had_lost)
        if back:
            await self.tell_admins(msg.admin_faq_readable(len(ids), rest_fixed=rest_fixed))
        told.faq_broken = False
        return back

    async def _report_topics_gone(self) -> None:
        """A topic that chats follow gone from faq.yaml (its id "fixed", say) cuts them off
        every alert about it: staff hear of it once, with how many follow it."""
        if not self.engine.faq_ok:  # what faq.yaml means to have is not known
            return
        await self._follow_renamed_topics()
        known = {topic.id for topic in self.engine.corpus.topics}
        followed = await self.store.subscriber_counts()
        gone = {topic: count for topic, count in followed.items() if topic not in known}
        told, now = self._told.topics_gone, self.clock()
        new = sorted((topic, count) for topic, count in gone.items() if topic not in told)
        if new:
            log.warning(
                "faq.yaml no longer has topic(s) that chats follow: %s",
                ", ".join(f"{topic} ({count})" for topic, count in new),
            )
            await self.tell_admins(msg.admin_topics_gone(new, REMEMBER_DAYS))
        self._told.topics_gone = {topic: told.get(topic, now) for topic in gone}

    async def _follow_renamed_topics(self) -> None:
        """A topic whose id staff changed, in one save or over several, keeps its
        followers (wardbot.topic_renames); admins hear what moved, the note queued with
        the move. Only from a faq.yaml read whole."""
        if not self.engine.faq_ok or not self.store.writable:
            return
        topics, admins = self.engine.corpus.topics, self._admins_here()
        done = await follow_renamed_topics(self.store, topics, self.clock(), admins)
        if any(each.followers for each in done) and admins:
            self.wake()  # the notes were queued with the moves

    async def _report_content_gone(self) -> None:
        """Every notice gone at once (content/ deleted or emptied) is news for staff, and
        so is their return: told to restore them at once, staff learn that it took.

        A ward's only notice deleted on its own is not, unless its folder went with it.
        """
        count = len(self.engine.corpus.announcements)
        folder = self.settings.content_dir
        missing = not folder.is_dir()
        if count == 0 and (self._notices > 1 or (self._notices and missing)):
            log.warning("all %d announcement(s) are gone from %s", self._notices, folder)
            await self.tell_admins(
                msg.admin_content_gone(self._notices, str(folder), folder_missing=missing)
            )
            self._told.notices_gone = True
        elif count and self._told.notices_gone:
            log.info("%d announcement(s) are back in %s", count, folder)
            await self.tell_admins(msg.admin_content_back(count))
            self._told.notices_gone = False
        self._notices = self._told.notices = count


def _unmoved(problems: Iterable[Problem]) -> dict[tuple[str, str, int], Problem]:
    """Each problem keyed as it stays while edits above it move it: its file and its
    message, the line numbers in it left out ("đã dùng ở dòng 20"), and how many alike
    come before it (two entries without an id are two problems)."""
    keyed: dict[tuple[str, str, int], Problem] = {}
    seen: dict[tuple[str, str], int] = {}
    for problem in problems:
        alike = (problem.file, LINE_REF.sub("dòng", problem.message))
        seen[alike] = seen.get(alike, -1) + 1
        keyed[(*alike, seen[alike])] = problem
    return keyed


Stamp = tuple[int, int]  # a staff file's (mtime_ns, size)


@dataclass(frozen=True)
class Snapshot:
    """What the staff files looked like: (mtime_ns, size) of faq.yaml and each notice, and
    of the conflict copies of faq.yaml a sync tool left beside it (reported)."""

    faq: Stamp | None
    files: dict[Path, Stamp]
    faq_copies: dict[Path, Stamp] = field(default_factory=dict)

    @classmethod
    def take(cls, faq_file: Path, content_dir: Path) -> Snapshot:
        files = {}
        with contextlib.suppress(OSError):  # a missing or unreadable folder: no notices
            for path in content_dir.iterdir():
                # Notices, and what is reported as not read: sub-folders (notices moved
                # into one) and notices saved in another format (x.md.txt).
                if _watched(path):
                    with contextlib.suppress(FileNotFoundError):
                        files[path] = _stamp(path)
        try:
            faq: tuple[int, int] | None = _stamp(faq_file)
        except FileNotFoundError:
            faq = None
        copies = {}
        for path in faq_conflicts(faq_file):
            with contextlib.suppress(FileNotFoundError):
                copies[path] = _stamp(path)
        return cls(faq, files, copies)

    def stamps(self, faq_file: Path) -> dict[Path, tuple[int, int] | None]:
        """Every file's stamp, faq.yaml's under `faq_file`."""
        return {faq_file: self.faq, **self.faq_copies, **self.files}

    def faq_changed(self, newer: Snapshot) -> bool:
        """Whether faq.yaml, or what is told of it (its conflict copies), changed."""
        return (self.faq, self.faq_copies) != (newer.faq, newer.faq_copies)

    def changed_files(self, newer: Snapshot) -> set[Path]:
        return {
            path
            for path in self.files.keys() | newer.files.keys()
            if self.files.get(path) != newer.files.get(path)
        }


def _watched(path: Path) -> bool:
    """Whether a change to this entry of content/ can change what is served or reported."""
    return is_notice_file(path.name) or is_misnamed_notice(path.name) or _is_subfolder(path)


def _is_subfolder(path: Path) -> bool:
    return not path.name.startswith((".", "~", "#")) and path.is_dir()


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:  # a broken link or a link loop: the loader reports it; keep watching
        stat = path.lstat()
    return stat.st_mtime_ns, stat.st_size


def file_stamps(paths: Iterable[Path]) -> dict[Path, tuple[int, int] | None]:
    """Each file's (mtime_ns, size), as a Snapshot has it; None for one not there."""
    stamps: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            stamps[path] = _stamp(path)
        except FileNotFoundError:
            stamps[path] = None
    return stamps


class Settling:
    """The rule that says when staff files seen changing are saved whole, for the watcher
    (`ContentWatcher`, looking at each file event) and for whoever waits for them
    (`wait_until_saved`, `saved_snapshot`): a file is once its stamp has not changed for
    `settle` seconds, or once it has kept changing for `at_most` (a log or a sync tool
    rewriting it: taken as it is). Time is the caller's clock, given at each look."""

    def __init__(self, settle: float, at_most: float = SETTLE_AT_MOST_SECONDS) -> None:
        self.settle = settle
        self.at_most = at_most
        # Each file seen changing: its stamp, since when it has had it, since when it has
        # been changing.
        self._seen: dict[Path, tuple[Stamp | None, float, float]] = {}
        self.saving: list[Path] = []  # those still waited for at the last look

    def look(self, changed: Mapping[Path, Stamp | None], now: float) -> float | None:
        """`changed`: the files changed since they were last read, with their stamps now
        (None: gone). Seconds until they may all be taken as saved; None when they are."""
        seen = {}
        wait = 0.0
        self.saving = []
        for path, stamp in changed.items():
            was = self._seen.get(path)
            if was is None or was[0] != stamp:
                was = (stamp, now, now if was is None else was[2])
            seen[path] = was
            if now - was[2] < self.at_most and was[1] + self.settle > now:
                wait = max(wait, was[1] + self.settle - now)
                self.saving.append(path)
        self._seen = seen
        return wait if wait > 0 else None

    def seen(self, path: Path) -> bool:
        """Whether `path` was seen changing since what was last read."""
        return path in self._seen

    def forget(self) -> None:
        """What changed has been read: what changes next is new."""
        self._seen = {}
        self.saving = []


def _looks(
    stamps: Callable[[], Mapping[Path, Stamp | None]],
    settle: float,
    at_most: float,
    clock: Callable[[], float],
) -> Generator[float, None, list[Path]]:
    """The looks of whoever waits for the files `stamps()` gives to be saved whole
    (`Settling`): yields how long to wait before the next one. At once when each was
    last written `settle` ago by `clock` (the wall clock files are stamped by); at most
    `at_most` in all. Returns the files still changing when it gave up."""
    start = clock()
    first = dict(stamps())

    def old(stamp: Stamp | None) -> bool:
        return stamp is None or start - stamp[0] / 1e9 >= settle  # (a future one is not)

    recent = {path for path, stamp in first.items() if not old(stamp)}
    if not recent:
        return []
    rule = Settling(settle, at_most)
    now_stamps, waited = first, 0.0
    while True:
        changed = {
            path: now_stamps.get(path)
            for path in first.keys() | now_stamps.keys()
            if path in recent or now_stamps.get(path) != first.get(path)
        }
        # Time passes at least as fast as it is waited (a test's sleep moves no clock).
        now = max(clock() - start, waited)
        wait = rule.look(changed, now)
        if wait is None:
            return []
        if now >= at_most:
            return sorted(rule.saving)
        wait = min(wait, at_most - now)
        yield wait
        waited += wait
        now_stamps = dict(stamps())


def wait_until_saved(
    stamps: Callable[[], Mapping[Path, Stamp | None]],
    *,
    settle: float | None = None,
    at_most: float = SETTLE_AT_MOST_SECONDS,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], object] = time.sleep,
) -> list[Path]:
    """For a command run beside the bot (`bot.py announce`, `import`): wait until the
    files `stamps()` gives are saved whole, as the watcher takes them (`Settling`):
    unchanged for `settle` seconds (SETTLE_SECONDS unless given), `at_most` in all. At
    once when each was last written that long ago by `clock`. The files still changing
    when it gave up."""
    looks = _looks(stamps, SETTLE_SECONDS if settle is None else settle, at_most, clock)
    while True:
        try:
            wait = next(looks)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        sleep(wait)


async def saved_snapshot(
    faq_file: Path,
    content_dir: Path,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> Snapshot:
    """For a bot starting: the staff files once saved whole (`Settling`), so that a
    faq.yaml still being copied is not read half written, which would serve residents
    half of it and tell staff of mistakes that are not there. At once when none was
    written in the last SETTLE_SECONDS; FORCE_WAIT_AT_MOST_SECONDS at most: past that
    they are read as they are, and the watcher, which starts from the Snapshot returned,
    applies them again once they are saved."""

    def stamps() -> dict[Path, Stamp | None]:
        return Snapshot.take(faq_file, content_dir).stamps(faq_file)

    looks = _looks(stamps, SETTLE_SECONDS, FORCE_WAIT_AT_MOST_SECONDS, clock)
    waited = False
    while True:
        try:
            wait = next(looks)
        except StopIteration as done:
            still = done.value
            break
        if not waited:
            log.info("waiting for the staff files being saved before reading them")
            waited = True
        await sleep(wait)
    if still:
        log.warning(
            "read while still being saved (applied again once saved): %s",
            ", ".join(map(str, still)),
        )
    return Snapshot.take(faq_file, content_dir)


class Listener(Protocol):
    """Who hears of an edit the watcher applied: `Alerts` in `bot.py run` (staff told of
    problems, subscribers alerted); the terminal chat prints what staff need to see."""

    async def report_problems(self) -> None: ...
    async def sync(self) -> object: ...


class ContentWatcher:
    """Applies edits of faq.yaml and content/ to the running engine, then tells `alerts`.

    File events only wake it up; what changed is decided by comparing snapshots, so a
    missed or coalesced event costs nothing but the wait for the next rescan.
    """

    def __init__(
        self,
        engine: Content,
        alerts: Listener,
        settings: Settings,
        snapshot: Snapshot | None = None,
        *,
        rescan_seconds: float = RESCAN_SECONDS,
        index_news: Callable[[str], Awaitable[bool | None]] | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """`index_news(state)`: told the search index's state (Engine.index_state) when
        it changes from "ok" or back to it, and at the first look; told again at the next
        look when it returns False (the state folded into another message, a full disk:
        a cause that follows is news). A change is applied
        once no file changed for `settle_seconds` (by `clock`; a forced look waits for it
        with `sleep`)."""
        self.engine = engine
        self.alerts = alerts
        self.faq_file = Path(settings.faq_file)
        self.content_dir = Path(settings.content_dir)
        self.rescan_seconds = rescan_seconds
        self.index_news = index_news
        self._snapshot = snapshot or Snapshot.take(self.faq_file, self.content_dir)
        self._busy = asyncio.Lock()
        self._running = False
        self._index_ok: bool | None = None  # as last told to `index_news`
        self._failing = False  # the last look could not apply what changed
        self.clock = clock
        self.sleep = sleep
        # The files changed since the last applied look, and which are saved whole.
        self._settling = Settling(settle_seconds)
        self.settle_in: float | None = None  # seconds until what changed may be applied
        self._follow_up: asyncio.Task[None] | None = None
        # Told once faq.yaml was read again (FaqEditor.note_overwritten: chat edits lost).
        self.on_faq_read: Callable[[], Awaitable[object]] | None = None

    name = "watcher"

    def is_running(self) -> bool:
        """For /healthz: watching, and its last look applied what changed (a failure the
        search index reports as its own, `index`, is not counted twice)."""
        return self._running and not self._failing

    async def refresh(self, *, force: bool = False) -> bool:
        """Apply whatever changed on disk since the last look; returns whether anything did.

        `force` reloads everything (/reload, an edit from chat), once the files changed
        are saved whole: it waits for them to settle, FORCE_WAIT_AT_MOST_SECONDS at most;
        past that nothing is applied (`unsettled` names what is still being saved) and
        the watcher's own looks apply it once it is.
        """
        async with self._busy:
            try:
                changed = await self._refresh(force)
            except Exception:
                self._failing = self.engine.index_state() == "ok"
                await self._tell_index()
                raise
            # (Not when the look is cancelled: the bot is stopping, its index and database
            # closing under it, and admins would be told of an index that is only closed.)
            await self._tell_index()
            self._failing = False
            return changed

    async def _refresh(self, force: bool) -> bool:
        # An index deleted from the data folder, or serving from a temporary folder since
        # the data folder refused it, is built there again (once the folder takes a write).
        await asyncio.to_thread(self.engine.mend_index)
        newer = await asyncio.to_thread(Snapshot.take, self.faq_file, self.content_dir)
        self.settle_in = self._still_changing(newer)
        if force:
            until = self.clock() + FORCE_WAIT_AT_MOST_SECONDS
            while self.settle_in is not None and self.clock() < until:
                await self.sleep(min(self.settle_in, until - self.clock()))
                newer = await asyncio.to_thread(Snapshot.take, self.faq_file, self.content_dir)
                self.settle_in = self._still_changing(newer)
        if self.settle_in is not None:
            return False
        self._settling.forget()
        faq_changed = force or self._snapshot.faq_changed(newer)
        files = self._snapshot.changed_files(newer)
        if not faq_changed and not files:
            # A problem told only once it lasts (a notice copied to be edited) is told at
            # a look that finds it still there, as no edit may come.
            if any(problem.told_after for problem in self.engine.problems):
                await self.alerts.report_problems()
            return False
        if faq_changed:
            await asyncio.to_thread(self.engine.reload)
            log.info("reloaded faq.yaml and content/")
        else:
            await asyncio.to_thread(self.engine.update_announcements, files)
            log.info("updated %d announcement file(s)", len(files))
        await self.alerts.report_problems()
        await self.alerts.sync()
        # Only now: a change that failed half-way (a full disk) is tried again at the
        # next pass. Applying it twice is harmless: unchanged notices stay as they are
        # and a notice is alerted once however often it is seen.
        self._snapshot = newer
        # (Not while the last good version serves: the edits it has are not lost yet.)
        if faq_changed and self.on_faq_read is not None and self.engine.faq_ok:
            try:
                await self.on_faq_read()
            except Exception:  # what was applied stays applied; tried at the next read
                log.exception("could not look for edits made from chat that faq.yaml lost")
        return True

    def _still_changing(self, newer: Snapshot) -> float | None:
        """Seconds until the files changed since the last applied look may be taken as
        saved (`Settling`); None when they are."""
        before, after = self._snapshot.stamps(self.faq_file), newer.stamps(self.faq_file)
        changed = {
            path: after.get(path)
            for path in before.keys() | after.keys()
            if after.get(path) != before.get(path)
        }
        return self._settling.look(changed, self.clock())

    def saving(self, path: Path) -> bool:
        """Whether `path` was seen changing and is not applied yet: an editor or an upload
        may still be writing it (the FAQ editor then leaves faq.yaml alone)."""
        return self._settling.seen(Path(path))

    def unsettled(self) -> list[str]:
        """The files a look found still being saved, so did not apply yet (for /reload)."""
        return [] if self.settle_in is None else sorted(map(str, self._settling.saving))

    async def _tell_index(self) -> None:
        """Tell `index_news` of the index's state when it turned bad or good again."""
        state = self.engine.index_state()
        ok = state == "ok"
        if self.index_news is None or ok == self._index_ok:
            return
        try:
            told = await self.index_news(state)
        except Exception:  # the database may be what fails too: told at the next look
            log.exception("could not tell admins about the search index")
            return
        if told is not False:
            self._index_ok = ok

    async def run(self, stop: asyncio.Event) -> None:
        """Watch until `stop` is set."""
        self._running = True
        rescan = asyncio.create_task(self._rescan(stop))
        try:
            await self._look()  # whatever changed while the engine was loading
            while not stop.is_set():
                folders = self._folders()
                if not folders:  # looked for again each second
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), REWATCH_SECONDS)
                    continue
                try:
                    await self._watch(folders, stop)
                except Exception:  # e.g. the system's limit on watched folders is reached
                    log.exception(
                        "cannot watch the staff files; looking for changes every %.0f s instead",
                        self.rescan_seconds,
                    )
                    await stop.wait()
        finally:
            self._running = False
            for task in (rescan, self._follow_up):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    def _folders(self) -> dict[Path, tuple[int, int]]:
        """The folders watched, content/ and faq.yaml's, each as the folder it is now (a
        folder deleted and made anew is another)."""
        folders = {}
        for folder in (self.content_dir, self.faq_file.parent):
            with contextlib.suppress(OSError):
                info = folder.stat()
                if stat.S_ISDIR(info.st_mode):
                    folders[folder] = (info.st_dev, info.st_ino)
        return folders

    async def _watch(self, folders: dict[Path, tuple[int, int]], stop: asyncio.Event) -> None:
        """Look at each change in `folders` until `stop`, or until one of them is deleted,
        made anew or appears (content/ replaced by a fresh copy, or made after the start):
        its events would never come (the folder watched is gone), so it is watched anew."""
        import watchfiles  # only a running bot watches

        watching = watchfiles.awatch(
            *folders,
            watch_filter=self._relevant,
            recursive=False,
            debounce=DEBOUNCE_MS,
            step=50,
            stop_event=stop,
            rust_timeout=int(REWATCH_SECONDS * 1000),
            yield_on_timeout=True,
        )
        in_place = False
        async with contextlib.aclosing(watching):
            async for changes in watching:
                # The first yield (a change, or a second without one) comes once the watch
                # is in place: a file written between the last look and then sent no event,
                # so it is looked for then, not only at the periodic rescan.
                if changes or not in_place:
                    in_place = True
                    await self._look()
                if self._moved(folders, {path for _, path in changes}):
                    return

    def _moved(self, folders: dict[Path, tuple[int, int]], changed: set[str]) -> bool:
        """Whether a folder watched was deleted (made anew at once, it may even get its
        inode number back) or made anew, or one not watched appeared."""
        watched = {folder.resolve() for folder in folders}
        return self._folders() != folders or any(Path(p).resolve() in watched for p in changed)

    async def _rescan(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.rescan_seconds)
            if stop.is_set():
                return
            await self._look()

    async def _look(self) -> None:
        """refresh(), its failure logged: what the search index could not take, by the
        engine, once (it is tried again at every look); anything else with its traceback."""
        try:
            await self.refresh()
        except Exception:
            if self.engine.index_state() == "ok":
                log.exception("could not apply changes to the staff files")
            else:
                log.debug("could not apply changes to the staff files", exc_info=True)
        follow_up = self._follow_up
        if self.settle_in is not None and (
            follow_up is None or follow_up.done() or follow_up is asyncio.current_task()
        ):
            self._follow_up = asyncio.create_task(self._look_again(self.settle_in))

    async def _look_again(self, after: float) -> None:
        """Look once what is still changing may have been saved whole (no file event may
        come: the last one woke the look that found it still changing)."""
        await asyncio.sleep(after)
        await self._look()

    def _relevant(self, _change: object, path: str) -> bool:
        candidate = Path(path)
        named = self.faq_file.name in (candidate.name, conflict_original(candidate.name))
        if named and candidate.parent.resolve() == self.faq_file.parent.resolve():
            return True
        if candidate.resolve() == self.content_dir.resolve():  # made, deleted or renamed
            return True
        # (A sub-folder deleted is no folder any more: known from the last look.)
        return candidate.parent.resolve() == self.content_dir.resolve() and (
            _watched(candidate) or candidate in self._snapshot.files
        )


def refs_for(notices: Sequence[Announcement], today: dt.date) -> list[NoticeRef]:
    return [
        NoticeRef(
            a.id,
            a.topics,
            worth_alerting(a, today),
            a.title,
            a.date.isoformat(),
            functools.partial(getattr, a, "body"),
        )
        for a in notices
    ]
