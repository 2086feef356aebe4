"""Pushing alerts and broadcasts: the durable outbox, drained by one paced sender per channel.

Every message to push is a row in the database's `outbox` table before anything is sent
(wardbot.store). A sender takes the rows of one channel in order (a staff answer or a
note to admins before the alerts and broadcasts waiting) and, for each:

1. marks it `sending` (committed), 2. delivers it, 3. marks it `sent`.

A crash between 1 and 3 leaves one row `sending`; at the next start it is sent again, so a
kill -9 loses nothing and repeats at most the one message that was in flight. Messages
leave one at a time, spaced to the channel's pace (`Pace.per_second`), no faster than one
per `Pace.per_chat_interval` to a chat; a 429 pauses the whole channel for the time the
platform asks, other transient failures are retried with growing delays (up to an hour,
for a week: an outage loses nothing), and a chat that blocked the bot is marked
unreachable and loses its subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wardbot import facts
from wardbot.alert_replies import Correction, alerts_reply, broadcast_reply
from wardbot.alerts import not_worth_alerting
from wardbot.delivery import (
    AwaitsResident,
    ChatClosed,
    ChatMoved,
    ChatUnreachable,
    Deliverer,
    PermanentError,
    RetryLater,
    TransientError,
)
from wardbot.hours import VIETNAM, QuietHours
from wardbot.models import Announcement, Corpus
from wardbot.reply import Reply
from wardbot.store import ChatRef, Store
from wardbot.store.announcements import WITHDRAWN_DROP, read_correction_ref
from wardbot.store.outbox import QUIET_HELD, OutboxItem
from wardbot.supervise import Restarts, Supervised

log = logging.getLogger(__name__)

# What is news to its reader, stale if it waits for days: dropped for a chat the platform
# takes nothing from until its person writes again (AwaitsResident).
NEWS_KINDS = frozenset({"alert", "correction", "message"})

BATCH = 200
FIRST_BACKOFF = 5.0
MAX_BACKOFF = 3600.0
# A message that fails for a passing reason (the network, the platform down) is tried
# again for this long before it is recorded as failed: an outage of hours, or of a long
# holiday's days, loses nothing. What should no longer go out by then is dropped when it
# is composed (an expired notice), not by giving up on it.
RETRY_FOR = 7 * 86400.0
IDLE_POLL = 1.0  # how often an idle sender looks for rows queued by another process
# A stop waits this long at most for a message still leaving when its grace is over: the
# channels wait up to 30 s for the platform's answer to an alert (ALERT_READ_TIMEOUT in
# handlers.zalo and handlers.telegram). Cut off, it may have arrived all the same, and it
# would go again at the next start.
LEAVING_WAIT = 35.0
# Alerts for a notice that left content/ wait this long before they are dropped: a file
# deleted and written back (an editor's save, a move out and in) must not lose them.
WITHDRAWN_GRACE = 60.0
NOTICE_RECHECK = 5.0  # meanwhile, how often to look whether the notice is back
# A burst of notices (staff dropping several files into content/, a portal import) is one
# message to each chat, not one per notice: an alert waits `Sender.settle` seconds after it
# was queued (ALERT_GATHER_SECONDS, 30 by default) for the rest of its burst, then goes out with
# every alert for the same chat queued within BURST_WINDOW after it (more when they had
# to wait: a fan-out to many chats, an outage, the bot stopped), BURST_MAX at most. Tried
# again (after a failure, a 429, a crash), it goes with the same alerts, and those queued
# meanwhile go in another: the chat may have got part of it (Store.alerts_with).
BURST_WINDOW = 300.0
BURST_MAX = 10
# What goes at any hour but, in quiet hours, without a sound where the platform can (a
# staff answer, a note to admins): not an urgent alert, nor a broadcast staff chose to
# send now.
SILENT_AT_NIGHT = ("reply", "note")


def retry_delay(attempts: int) -> float:
    """The wait after a message's `attempts`-th failed try: 5 s, doubling up to an hour."""
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** min(attempts - 1, 30))


def _tries_within(seconds: float) -> int:
    """How many tries it takes, waiting `retry_delay` between them, to span `seconds`."""
    tries, waited = 1, 0.0
    while waited < seconds:
        waited += retry_delay(tries)
        tries += 1
    return tries


# Counted in tries rather than time since queued, so that days the bot was stopped (when
# nothing is tried) do not count against a message.
MAX_ATTEMPTS = _tries_within(RETRY_FOR)
# A channel whose every send has failed for this long (the platform refuses or does not
# answer sends, though the bot may still receive) is reported down by /healthz until one
# goes out: alerts are stuck, not merely late.
FAILING_AFTER = 600.0
# After this many failed tries (about ten minutes), whoever waits on the message is told
# once that it is late, while it is still tried (`on_done` with 'delayed'): staff should
# not wait a week to learn that their answer has not reached the resident. So is one for
# a single chat (a staff answer, a note) that fails, however (a 429 included), once it has
# waited DELAYED_SECONDS since it was queued: 429s are no failed tries (a fan-out that
# the platform slows down must not fail its alerts early), so they alone would never
# count up to DELAYED_AFTER.
DELAYED_SECONDS = 600.0
DELAYED_AFTER = _tries_within(DELAYED_SECONDS)


class NoticeGone(Exception):
    """The alert's announcement is neither loaded nor on disk (withdrawn, or for a moment)."""


class NoLongerWanted(Exception):
    """The message should not go out any more (its notice expired or became old news while
    it waited, or the
    chat stopped following its topics); it is dropped, not retried. The message says why."""


class Composer:
    """Turns an outbox row into the replies to send, from the current corpus and store.

    `corpus` is read at send time: a notice withdrawn before its alert left is not sent
    (the sender drops it once it has stayed away for `WITHDRAWN_GRACE`), nor is one that
    is no news any more by `today`, by the rule alerts are queued by (expired, or older
    than ALERT_MAX_AGE_DAYS: an alert retried through an outage, or queued before a long
    stop, can leave weeks after it was queued). So are the chat's subscriptions: an
    alert waiting for a chat that has since unsubscribed from its topics is not sent.
    """

    def __init__(
        self,
        corpus: Callable[[], Corpus],
        store: Store,
        content_dir: Path | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        kinds: Mapping[str, Callable[[OutboxItem], Awaitable[list[Reply] | None]]] | None = None,
        ward_name: str = "",
    ) -> None:
        self._corpus = corpus
        self._ward_name = ward_name  # a correction names the unit that edited its notice
        self._store = store
        self._content_dir = content_dir
        self._today = today
        # Rows queued by other modules: kind -> how to compose them ('reply': wardbot.desk).
        self.kinds = dict(kinds or {})

    async def replies(self, item: OutboxItem) -> list[Reply] | None:
        """What to send for `item`; None when there is nothing left to send.

        Raises TransientError for a notice that is on disk but not loaded yet (queued by
        `bot.py announce` a moment before this process noticed the file), NoticeGone
        for one that is nowhere, and NoLongerWanted for one that is no news any more
        (expired, or too old) or that the chat no longer follows.
        """
        if item.kind == "alert":
            return [alerts_reply([await self.notice(item)])]
        if item.kind == "correction":
            return self.alerts([], [await self.correction(item)])
        if item.kind in ("message", "note"):
            text = await self._store.message_text(item.ref)
            if not text:
                return None
            return [Reply(text) if item.kind == "note" else broadcast_reply(text, self._ward_name)]
        if item.kind in self.kinds:
            return await self.kinds[item.kind](item)
        log.warning("outbox: unknown message kind %r dropped", item.kind)
        return None

    async def notice(self, item: OutboxItem) -> tuple[Announcement, list[str]]:
        """The announcement of the alert `item`, and the names of the topics the chat
        follows it by; raises as `replies` says."""
        corpus = self._corpus()
        doc = corpus.document(item.ref)
        on_disk = self._content_dir and (self._content_dir / f"{item.ref}.md").exists()
        if not isinstance(doc, Announcement):
            if on_disk:
                raise TransientError(f"announcement {item.ref} is not loaded yet")
            raise NoticeGone(item.ref)
        if self._content_dir and not on_disk:
            # Taken out of content/ (the portal withdrew it) while the content watcher
            # waits for other files to settle: gone, though still loaded.
            raise NoticeGone(item.ref)
        stale = not_worth_alerting(doc, self._today())
        if stale is not None:
            raise NoLongerWanted(stale)
        followed = set(await self._store.subscriptions_of(item.chat))
        names = [t.name for t in corpus.topics if t.id in doc.topics and t.id in followed]
        if not names:
            raise NoLongerWanted("the chat no longer follows the announcement's topics")
        return doc, names

    async def correction(self, item: OutboxItem) -> Correction:
        """A notice alerted to the chat, edited since in its dates, times or amounts
        (wardbot.store queues it): judged as its alert would be, and no longer wanted once
        its numbers are back as the chat read them. Raises as `replies` says."""
        notice_id, told, title, read_before_22 = read_correction_ref(item.ref)
        doc, names = await self.notice(dataclasses.replace(item, ref=notice_id))
        if (
            facts.same_as_read_before_22(told, doc.title, doc.body)
            if read_before_22
            else facts.same(facts.notice_numbers(doc.title, doc.body), told, doc.date)
        ):
            raise NoLongerWanted("the notice's numbers are back as the chat read them")
        return Correction(doc, names, told, title)

    def urgent(self, item: OutboxItem) -> bool:
        """Whether the alert or correction `item` is about a notice marked `urgent: true`
        (it goes out even in quiet hours); False for one not loaded."""
        ref = item.ref if item.kind == "alert" else read_correction_ref(item.ref)[0]
        doc = self._corpus().document(ref)
        return isinstance(doc, Announcement) and doc.urgent

    def alerts(
        self,
        notices: Sequence[tuple[Announcement, list[str]]],
        corrections: Sequence[Correction] = (),
    ) -> list[Reply]:
        """The one message for alerts and corrections of a burst, composed by `notice` and
        `correction` each."""
        return [alerts_reply(notices, corrections, self._ward_name)]


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    dropped: int = 0
    unreachable: int = 0
    rate_limited: int = 0
    errors: list[str] = field(default_factory=list)


class Sender:
    """Drains one channel's outbox at that channel's pace until stopped."""

    def __init__(
        self,
        store: Store,
        channel: Deliverer,
        composer: Composer,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        on_done: Callable[[OutboxItem, str, str], Awaitable[object]] | None = None,
        settle: float = 0.0,
        alerts_wait: Callable[[ChatRef], Awaitable[float | None]] | None = None,
        quiet: QuietHours | None = None,
        on_closed: Callable[[ChatRef, str], Awaitable[object]] | None = None,
    ) -> None:
        self.store = store
        # Told of a chat nowhere open to the bot (ChatClosed: the chat, its name), whose
        # message failed: wardbot.app tells staff, who can have it opened again.
        self.on_closed = on_closed
        # Alerts and corrections due in quiet hours wait for their end (unless urgent).
        self.quiet = quiet
        self.settle = settle  # how long an alert waits for the rest of its burst
        # Until when a chat's alerts wait (None: they go now): wardbot.desk holds them
        # while the resident may still be answering staff.
        self.alerts_wait = alerts_wait
        # Told how each message ended: (item, 'sent' | 'unreachable' | 'failed', why not),
        # and once that it is late ('delayed': still tried). wardbot.desk tells staff what
        # became of their answers.
        self.on_done = on_done
        self.channel = channel
        self.composer = composer
        self.clock = clock  # due times in the database
        # The pace: injectable so tests check the spacing without waiting for it.
        self.monotonic = monotonic
        self.sleep = sleep
        self.stats = SenderStats()
        self._wake = asyncio.Event()
        self._interval = 1.0 / channel.pace.per_second
        self._next_slot = 0.0  # monotonic time before which nothing may leave
        self._last_to: dict[str, float] = {}  # chat id -> monotonic time of its last message
        self._gone_since: dict[str, float] = {}  # announcement id -> when first seen missing
        self._dropped_refs: set[str] = set()  # announcements whose dropped alerts were logged
        # Sent, not marked yet: the rows of each message, by its first.
        self._unrecorded: dict[int, tuple[list[OutboxItem], float]] = {}
        # Alerts of a burst whose message the platform refused for good: each goes alone.
        self._alone: set[int] = set()
        self._running = False
        self._delivering = False  # a message is with the platform, its answer awaited
        # Since when (monotonic) every send has failed, how many tries, and whether the log
        # said it is an outage: None while sends go out.
        self._failing_since: float | None = None
        self._failed_tries = 0
        self._failed_chats: set[str] = set()
        self._outage_told = False

    @property
    def name(self) -> str:
        return f"{self.channel.name}-alerts"

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    def is_running(self) -> bool:
        return self._running

    def delivering(self) -> bool:
        """Whether a message is leaving now: the platform has it, its answer is awaited."""
        return self._delivering

    def sending(self) -> bool:
        """False once every send, to more than one chat, has failed for FAILING_AFTER
        (until one goes out): one chat's trouble is not the channel's."""
        since = self._failing_since
        return (
            since is None or self.monotonic() - since < FAILING_AFTER or len(self._failed_chats) < 2
        )

    def _send_failed(self, chat_id: str, exc: Exception) -> None:
        """A send failed for a passing reason: the log hears of it once, not per message,
        and again once it has lasted FAILING_AFTER."""
        self._failed_tries += 1
        self._failed_chats.add(chat_id)
        if self._failing_since is None:
            self._failing_since = self.monotonic()
            log.warning(
                "%s: a message could not be sent (%s); it and those failing after it are "
                "tried again with growing delays",
                self.name,
                _reason(exc),
            )
        elif not self._outage_told and not self.sending():
            self._outage_told = True
            log.error(
                "%s: every message has failed for %.0f minutes (%s); /healthz reports %s "
                "down until one goes out",
                self.name,
                FAILING_AFTER / 60,
                _reason(exc),
                self.name,
            )

    def _chat_settled(self, chat_id: str) -> None:
        """The platform answered a message to `chat_id` that ended without going out (the
        chat is unreachable, the message is refused for good or went elsewhere), or it now
        waits untried (held for the night's quiet hours): its failures no longer count
        against the channel, and with no chat left failing, nothing is."""
        self._failed_chats.discard(chat_id)
        if not self._failed_chats:
            self._failing_since, self._failed_tries, self._outage_told = None, 0, False

    def _send_worked(self) -> None:
        if self._failing_since is not None:
            log.info("%s: sending works again after %d failed tries", self.name, self._failed_tries)
        self._failing_since, self._failed_tries, self._outage_told = None, 0, False
        self._failed_chats.clear()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; a message being sent when it is set is finished first.

        An error (the database busy for too long) ends it: wardbot.supervise restarts it.
        """
        self._running = True
        try:
            # Sent before an error kept them from being recorded: not to go out again.
            await self._record_sent()
            recovered = await self.store.recover_outbox(self.channel.name)
            if recovered:
                log.info("%s: %d interrupted message(s) go out again", self.name, recovered)
            # Held by the quiet hours of before the (re)start: judged by today's (QUIET_HOURS
            # changed, or turned off, lets them go now).
            await self.store.release_held(self.clock(), channel=self.channel.name)
            while not stop.is_set():
                sent_any = await self.drain(stop)
                if not sent_any:
                    await self._idle(stop)
        finally:
            self._running = False

    async def drain(self, stop: asyncio.Event | None = None) -> bool:
        """Send what is due now, in order; returns whether anything was attempted."""
        attempted = False
        await self._record_sent()
        while stop is None or not stop.is_set():
            items = await self.store.due(self.channel.name, self.clock(), BATCH, settle=self.settle)
            if not items:
                break
            progressed = False
            taken: set[int] = set()  # sent with an earlier one (a burst of alerts)
            for item in items:
                if stop is not None and stop.is_set():
                    return attempted
                if item.id in taken:
                    continue
                if not self._chat_ready(item.chat.chat_id):
                    continue  # this chat had a message less than a second ago: later
                taken.update(one.id for one in await self._send(item))
                attempted = progressed = True
            if not progressed:
                # Everything due is for chats that just got a message: wait for the first.
                await self.sleep(self._chat_wait())
        return attempted

    async def _idle(self, stop: asyncio.Event) -> None:
        due = await self.store.next_due(self.channel.name, self.settle)
        timeout = IDLE_POLL if due is None else min(IDLE_POLL, max(0.0, due - self.clock()))
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        self._wake.clear()

    def _chat_ready(self, chat_id: str) -> bool:
        last = self._last_to.get(chat_id)
        return last is None or self.monotonic() - last >= self.channel.pace.per_chat_interval

    def _chat_wait(self) -> float:
        now = self.monotonic()
        gap = self.channel.pace.per_chat_interval
        waits = [last + gap - now for last in self._last_to.values() if last + gap > now]
        return max(0.01, min(waits, default=0.05))

    async def _pace(self) -> None:
        now = self.monotonic()
        if self._next_slot > now:
            # A fixed schedule: sleep's lateness is not added to every interval.
            await self.sleep(self._next_slot - now)
            self._next_slot += self._interval
        else:  # behind schedule (or idle until now): start again from now, no catch-up burst
            self._next_slot = now + self._interval

    async def _send(self, item: OutboxItem) -> list[OutboxItem]:
        """Send `item` (an alert with the others of its burst for the same chat, in one
        message); returns the rows it took, whatever became of them."""
        now = self.clock()
        group = [item]
        if item.kind in ("alert", "correction") and await self._held(item, now):
            return group
        if item.kind in ("alert", "correction") and item.id not in self._alone:
            burst = await self.store.alerts_with(
                item, now, self._window(item, now), BURST_MAX, settled=now - self.settle
            )
            # In quiet hours, only urgent ones join it; not in a message handed over before,
            # which goes again as it was (its chat may have got part of it).
            quiet = (
                item.burst is None and self.quiet is not None and self.quiet.until(now) is not None
            )
            group += [
                one
                for one in burst[1:]
                if one.id not in self._alone and not (quiet and not self.composer.urgent(one))
            ]
        self._alone.discard(item.id)
        items, replies = await self._compose(group)
        if not items:
            return group
        if item.kind in SILENT_AT_NIGHT and self.quiet is not None and self.quiet.until(now):
            replies = [dataclasses.replace(reply, silent=True) for reply in replies]
        if item.kind not in NEWS_KINDS:  # for its reader alone (Reply.personal)
            replies = [dataclasses.replace(reply, personal=True) for reply in replies]
        await self._pace()
        if not await self.store.mark_sending(items):
            # Since this batch was read, the chat sent /forget (or was found unreachable):
            # nothing goes to it, and nothing about it is written back.
            self.stats.dropped += len(items)
            return group
        chat_id = item.chat.chat_id
        self._delivering = True
        try:
            await self.channel.deliver(chat_id, replies)
        except RetryLater as exc:
            # The limit is the bot's, not the chat's: every message waits.
            self.stats.rate_limited += 1
            self._next_slot = max(self._next_slot, self.monotonic() + exc.seconds)
            # Not counted as a failed attempt: the message itself is fine.
            log.info("%s: rate limited, pausing %.1f s", self.name, exc.seconds)
            for one in items:
                late = self._late(one, one.attempts)
                await self._put_back(one, exc.seconds, f"429: {exc}", one.attempts, late)
        except ChatMoved as exc:
            if exc.new_chat_id == chat_id:  # nowhere new to go: retried like any failure
                await self._retry_all(items, exc)
            else:
                self._chat_settled(chat_id)
                await self._moved(items, exc.new_chat_id, _reason(exc))
        except ChatUnreachable as exc:
            # Not recorded for a chat that sent /forget while this message was leaving.
            self._chat_settled(chat_id)
            if await self.store.mark_unreachable(item, _reason(exc), self.clock()):
                self.stats.unreachable += 1
                # No chat id: it names a resident, and the log outlives their /forget.
                log.info("%s: a chat is unreachable (%s)", self.name, _reason(exc))
                for one in items:
                    await self._done(one, "unreachable", _reason(exc))
        except PermanentError as exc:
            self._chat_settled(chat_id)
            if isinstance(exc, AwaitsResident) and item.kind not in NEWS_KINDS:
                # A staff answer or a note to an admin goes once its reader writes again:
                # tried as a failure that may pass (hourly at most, for a week).
                for one in items:
                    await self._retry(one, TransientError(_reason(exc)))
                return group
            # A chat closed to the bot refuses the whole burst, not one of its notices.
            if len(items) > 1 and not isinstance(exc, ChatClosed):
                await self._one_by_one(items, _reason(exc))
                return group
            self.stats.failed += len(items)
            await self.store.mark_done(items, "failed", self.clock(), _reason(exc))
            log.warning("%s: message %d cannot be sent: %s", self.name, item.id, _reason(exc))
            for one in items:
                await self._done(one, "failed", _reason(exc))
            if isinstance(exc, ChatClosed):
                await self._closed(item.chat, exc)
        except Exception as exc:  # TransientError, or a bug in a channel: retry later
            self._send_failed(chat_id, exc)
            await self._retry_all(items, exc)
        else:
            self._send_worked()
            self.stats.sent += len(items)
            self._unrecorded[item.id] = (items, self.clock())
            await self._record_sent()
        finally:
            self._delivering = False
            self._last_to[chat_id] = self.monotonic()
            self._forget_old_chats()
        return group

    async def _held(self, item: OutboxItem, now: float) -> bool:
        """Whether the alert (or correction) `item` waits: for the end of quiet hours
        (unless its notice is urgent), or while the resident may be answering staff
        (`alerts_wait`). Put back until then, not a failed try (the chat's other alerts,
        due after it, are held the same way)."""
        holds: list[tuple[float, str]] = []
        morning = self.quiet.until(now) if self.quiet is not None else None
        if morning is not None and not self.composer.urgent(item):
            holds.append((morning, f"{QUIET_HELD} ({self.quiet})"))
        if self.alerts_wait is not None:
            until = await self.alerts_wait(item.chat)
            if until is not None:
                holds.append((until, "the resident may be answering staff"))
        until, why = max(holds, default=(now, ""))
        if until <= now:
            return False
        await self.store.mark_retry(item, until, why, item.attempts)
        # Not tried until then: the chat's failures so far say nothing of the channel
        # meanwhile (/healthz reported an outage all night, the platform long back).
        self._chat_settled(item.chat.chat_id)
        return True

    def _window(self, item: OutboxItem, now: float) -> tuple[float, float]:
        """When the alerts (and corrections) that go with `item` may have been queued:
        from it to BURST_WINDOW after it, or, for one that waited through quiet hours
        (queued in them, or before: at 21:29, its burst gathered into them), from their
        start to their end: the night's notices and corrections reach a follower in the
        morning as one message, whichever of them was queued first."""
        burst = (item.created_at, item.created_at + BURST_WINDOW)
        if self.quiet is None:
            return burst
        morning = self.quiet.next_end(item.created_at)
        if morning > now and self.quiet.until(item.created_at) is None:
            return burst  # no night waited through (yet)
        night = morning - self.quiet.length()
        return min(item.created_at, night), max(burst[1], morning)

    async def _compose(self, group: list[OutboxItem]) -> tuple[list[OutboxItem], list[Reply]]:
        """The rows of `group` that still go out, and the message they make. Each row is
        judged on its own: one whose notice is gone, old news or no longer followed is
        left out (waiting, or dropped), the others still go."""
        ready: list[OutboxItem] = []
        notices: list[tuple[Announcement, list[str]]] = []
        corrections: list[Correction] = []
        replies: list[Reply] | None = None
        for one in group:
            try:
                # Rendered alone too: a notice the renderer chokes on is left out.
                if one.kind == "alert":
                    notice = await self.composer.notice(one)
                    replies = self.composer.alerts([notice])
                    notices.append(notice)
                elif one.kind == "correction":
                    correction = await self.composer.correction(one)
                    replies = self.composer.alerts([], [correction])
                    corrections.append(correction)
                else:
                    replies = await self.composer.replies(one)
            except TransientError as exc:
                await self._retry(one, exc)
                continue
            except NoticeGone:
                await self._wait_for_notice(one)
                continue
            except NoLongerWanted as exc:
                if await self.store.drop_waiting(one, self.clock(), _reason(exc)):
                    self.stats.dropped += 1
                    self._dropped_once(one, _reason(exc))
                continue
            except Exception as exc:
                # A bug composing this one message (a notice the renderer chokes on): it is
                # retried later like a failed send, and the channel's other messages still go.
                await self._retry(one, exc)
                continue
            # Its notice is there (an alert's or a correction's): if it goes again, the
            # grace starts again.
            self._gone_since.pop(one.ref, None)
            if replies is None:
                await self.store.mark_done(one, "dropped", self.clock(), "nothing left to send")
                self.stats.dropped += 1
                continue
            ready.append(one)
        if len(notices) + len(corrections) > 1:
            try:
                replies = self.composer.alerts(notices, corrections)
            except Exception as exc:  # a bug in the burst's message: each tried again later
                await self._retry_all(ready, exc)
                return [], []
        return ready, replies or []

    async def _one_by_one(self, items: Sequence[OutboxItem], reason: str) -> None:
        """The message of a burst refused for good, maybe for one of its notices: each
        alert waits again (not a failed try) to go alone, and only one refused alone fails."""
        log.info(
            "%s: a burst of %d alerts was refused (%s): each goes alone",
            self.name,
            len(items),
            reason,
        )
        if len(self._alone) >= 4096:
            self._alone.clear()
        self._alone.update(one.id for one in items)
        for one in items:
            await self.store.mark_retry(one, self.clock(), reason, one.attempts)

    async def _retry_all(self, items: Sequence[OutboxItem], exc: Exception) -> None:
        for one in items:
            await self._retry(one, exc)

    def _dropped_once(self, item: OutboxItem, reason: str) -> None:
        """One log line per notice whose waiting alerts are dropped, not one per chat."""
        if item.kind != "alert" or item.ref in self._dropped_refs:
            return
        if len(self._dropped_refs) >= 4096:
            self._dropped_refs.clear()
        self._dropped_refs.add(item.ref)
        log.info("%s: alerts still waiting for %s are dropped: %s", self.name, item.ref, reason)

    async def _moved(self, items: Sequence[OutboxItem], new_chat_id: str, reason: str) -> None:
        """The chat lives on under a new id: this message waits again (not a failed
        attempt), then it moves there with the chat's subscriptions and other waiting
        messages, and goes out at once."""
        for item in items:
            await self.store.mark_retry(item, self.clock(), reason, item.attempts)
        moved = await self.store.move_chat(items[0].chat, new_chat_id, self.clock())
        log.info("%s: a chat moved to a new id; %d waiting message(s) follow it", self.name, moved)

    async def _record_sent(self) -> None:
        """Mark delivered messages `sent`; one whose mark failed stays here until it is.

        Until then its row stays `sending`, which no drain picks up: it is not sent twice
        (unless the process ends first, as for any message in flight).
        """
        for item_id, (items, sent_at) in list(self._unrecorded.items()):
            await self.store.mark_done(items, "sent", sent_at)
            del self._unrecorded[item_id]
            for item in items:
                await self._done(item, "sent", "")

    async def _closed(self, chat: ChatRef, exc: ChatClosed) -> None:
        """Tell `on_closed` of a chat nowhere open to the bot; its failure is logged, never
        the sender's."""
        if self.on_closed is None:
            return
        try:
            await self.on_closed(chat, exc.name)
        except Exception:
            log.exception("%s: could not tell staff of a chat closed to the bot", self.name)

    async def _done(self, item: OutboxItem, outcome: str, error: str) -> None:
        """Tell `on_done`; its failure is logged, never the sender's."""
        if self.on_done is None:
            return
        try:
            await self.on_done(item, outcome, error)
        except Exception:
            log.exception("%s: could not report how message %d ended", self.name, item.id)

    async def _wait_for_notice(self, item: OutboxItem) -> None:
        """Drop an alert whose notice has been gone for `WITHDRAWN_GRACE`; until then look
        again every `NOTICE_RECHECK`, so an alert whose notice is back goes out within
        seconds rather than at the end of the grace.

        The clock starts when this sender first misses the notice (again after a restart:
        waiting too long only delays a drop).
        """
        now = self.clock()
        since = self._gone_since.setdefault(item.ref, now)
        if now - since >= WITHDRAWN_GRACE:
            await self.store.mark_done(item, "dropped", now, WITHDRAWN_DROP)
            self.stats.dropped += 1
            return
        await self.store.mark_retry(
            item,
            min(since + WITHDRAWN_GRACE, now + NOTICE_RECHECK),
            "the announcement is gone; waiting for it",
            item.attempts,
        )

    async def _retry(self, item: OutboxItem, exc: Exception) -> None:
        attempts = item.attempts + 1
        reason = _reason(exc)
        if not isinstance(exc, TransientError):
            log.error("%s: unexpected error sending message %d", self.name, item.id, exc_info=exc)
        if attempts >= MAX_ATTEMPTS:
            # Not settled: the platform never answered it (down for a week): still down.
            self.stats.failed += 1
            await self.store.mark_done(item, "failed", self.clock(), reason)
            log.warning("%s: message %d failed %d times: %s", self.name, item.id, attempts, reason)
            await self._done(item, "failed", reason)
            return
        self.stats.retried += 1
        late = attempts == DELAYED_AFTER or self._late(item, attempts)
        await self._put_back(item, retry_delay(attempts), reason, attempts, late)

    async def _put_back(
        self, item: OutboxItem, delay: float, reason: str, attempts: int, late: bool
    ) -> None:
        """`item` tried again in `delay` seconds; `late`: its lateness is told now, once
        (its tries counted as DELAYED_AFTER at least, so that it is not told again)."""
        await self.store.mark_retry(
            item,
            self.clock() + delay,
            reason,
            max(attempts, DELAYED_AFTER) if late else attempts,
        )
        if late:
            await self._done(item, "delayed", reason)

    def _late(self, item: OutboxItem, attempts: int) -> bool:
        """A message for one chat (not an alert or a broadcast) waiting for
        DELAYED_SECONDS, whose lateness has not been told: its tries are then counted as
        DELAYED_AFTER (and told), so that it is told once, across restarts too."""
        return (
            item.kind not in ("alert", "message", "correction")
            and attempts < DELAYED_AFTER
            and self.clock() - item.created_at >= DELAYED_SECONDS
        )

    def _forget_old_chats(self) -> None:
        if len(self._last_to) < 4096:
            return
        horizon = self.monotonic() - self.channel.pace.per_chat_interval
        self._last_to = {chat: t for chat, t in self._last_to.items() if t > horizon}


async def held_for_morning(store: Store, quiet: QuietHours, now: float) -> dict[str, object]:
    """For /healthz (`quiet_hours`): the quiet hours, whether they hold alerts now, and
    the alerts and corrections they hold, per channel, with when the first of them goes
    (Vietnam time; None when none is held): at 23:00 an operator sees them waiting, not
    lost."""
    held = await store.held_for_morning(now)
    first = min((until for _, until in held.values()), default=None)
    return {
        "hours": str(quiet),
        "now": quiet.until(now) is not None,
        "held": {channel: count for channel, (count, _) in held.items()},
        "until": None if first is None else dt.datetime.fromtimestamp(first, VIETNAM).isoformat(),
    }


def _healthy(sender: Sender) -> bool:
    """For /healthz: the sender runs, and its sends have not all failed for long."""
    return sender.is_running() and sender.sending()


def _reason(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:300]


class Senders:
    """The senders of every channel, started and stopped together with the bot."""

    def __init__(self, senders: Sequence[Sender], restarts: Restarts | None = None) -> None:
        self.senders = list(senders)
        restarts = restarts or Restarts()
        self.supervised = [
            Supervised(s.name, s.run, restarts, check=functools.partial(_healthy, s))
            for s in self.senders
        ]
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self, channel: str | None = None) -> None:
        """Start the senders not running yet: every channel's, or only `channel`'s (the bot
        starts a channel's sender once the channel itself is up)."""
        if not self._tasks:
            self._stop.clear()
        running = {task.get_name() for task in self._tasks}
        for sender, supervised in zip(self.senders, self.supervised, strict=True):
            if channel not in (None, sender.channel.name) or supervised.name in running:
                continue
            self._tasks.append(
                asyncio.create_task(supervised.run(self._stop), name=supervised.name)
            )

    def started(self, channel: str) -> bool:
        """Whether `channel`'s sender has started (its channel is up): what is queued for
        it goes out now, or is tried and told about (a channel that never came up, or
        that the bot does not run, has none)."""
        names = {task.get_name() for task in self._tasks if not task.done()}
        return any(
            sender.channel.name == channel and supervised.name in names
            for sender, supervised in zip(self.senders, self.supervised, strict=True)
        )

    def wake(self) -> None:
        for sender in self.senders:
            sender.wake()

    async def stop(self, grace: float = 5.0, leaving: float = LEAVING_WAIT) -> None:
        """Stop after the messages in flight: give up after `grace` seconds on a sender
        not sending (composing, recording), after `leaving` more on one whose message the
        platform has not answered yet (given up on, it would go again at the next start)."""
        self._stop.set()
        if not self._tasks:
            return
        done, pending = await asyncio.wait(self._tasks, timeout=grace)
        sending = {sender.name for sender in self.senders if sender.delivering()}
        waited = {task for task in pending if task.get_name() in sending}
        if waited:
            finished, _ = await asyncio.wait(waited, timeout=leaving)
            done, pending = done | finished, pending - finished
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("alert sender stopped on an error", exc_info=task.exception())
        self._tasks = []
