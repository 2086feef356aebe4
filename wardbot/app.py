"""`python bot.py run`: every configured channel, the web server, until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wardbot import channels, datadir, inbox
from wardbot import messages as msg
from wardbot.admin import Admin
from wardbot.alerts import Alerts, ContentWatcher, Snapshot, saved_snapshot
from wardbot.channels import PUSH_CHANNELS, Channel
from wardbot.config import ConfigError, Settings, check_ward_files
from wardbot.conversation import Conversation
from wardbot.desk import Desk
from wardbot.desk.residents import OFFER_KEEP, WAITING_TICKET_KEEP
from wardbot.desk.staff import HINT_AGAIN
from wardbot.down_notes import DownNotes, Watched
from wardbot.faq_edit import FaqEditor
from wardbot.full_disk import FullDiskWatch
from wardbot.outbox import Composer, Sender, Senders, held_for_morning
from wardbot.portal import (
    FeedFollower,
    failed_note,
    first_read_note,
    imported_note,
    links_alone_note,
    recovered_note,
    replaced_note,
    restored_note,
    superseded_note,
    withdrawn_note,
)
from wardbot.reply import Link
from wardbot.sample import is_sample_faq, sample_notices
from wardbot.stopping import stop_parts, stopped
from wardbot.store import ChatRef, Store
from wardbot.store.base import StoreError
from wardbot.supervise import Restarts, Supervised
from wardbot.tickets import TicketBook
from wardbot.told import digest
from wardbot.web import AsgiServer, Health, web_app
from wardbot.weekly import WeeklyReport

if TYPE_CHECKING:
    from wardbot.engine import Engine

log = logging.getLogger(__name__)


RUN_LOCK = "run.lock"  # in the data folder: held by the running bot, holds its pid
PURGE_EVERY_SECONDS = 6 * 3600.0
INDEX = "index"  # the search index's name in /healthz and to admins


class _Redact(logging.Filter):
    """Replace secrets in log records (tokens sit inside Bot API URLs and some errors),
    their tracebacks included: python-telegram-bot's InvalidToken names the token."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if self._holds(text):
            record.msg, record.args = self._masked(text), None
        if record.exc_info and not record.exc_text:  # as the handler's Formatter would
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._holds(record.exc_text):
            record.exc_text = self._masked(record.exc_text)
        return True

    def _holds(self, text: str) -> bool:
        return any(secret in text for secret in self.secrets)

    def _masked(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "********")
        return text


@contextlib.contextmanager
def _redacted_logs(settings: Settings) -> Iterator[None]:
    # Request URLs carry the bot token: httpx must never log them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    redact = _Redact([str(s) for s in (settings.telegram_token, settings.zalo_token) if s])
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redact)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redact)


def check_channels(settings: Settings) -> None:
    """Raise ConfigError with how to get a token when no channel can run."""
    if not channels.enabled(settings):
        raise ConfigError(msg.no_channel())


async def run(
    settings: Settings, *, stop: asyncio.Event | None = None, restarts: Restarts | None = None
) -> None:
    """Serve every configured channel until `stop` is set, SIGTERM or SIGINT.

    `restarts`: how failed parts are tried again (tests inject their waits)."""
    check_channels(settings)
    # Before the files are read and the index opened: a first start on a large archive
    # takes minutes, and its log said nothing meanwhile.
    log.info(
        "starting (pid %d): reading %s and %s, data in %s",
        os.getpid(),
        settings.faq_file,
        settings.content_dir,
        settings.data_dir,
    )
    stop = stop or asyncio.Event()
    with _sole_bot(settings), _redacted_logs(settings), _stop_on_signals(stop):
        opened = asyncio.Event()
        serving = asyncio.create_task(_open_and_serve(settings, stop, restarts, opened))
        try:
            await _first_of(serving, stop)
        except BaseException:  # run() cancelled: so is what it runs, as it stops
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
            raise
        if not serving.done() and not opened.is_set():
            # A stop while the index is built (minutes, at a first start on a large archive)
            # waited for it to the end: Docker killed the bot first. Nothing is sent yet; a
            # build cut off is made again at the next start.
            log.info("stopped while opening the search index and the database")
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
            return
        await serving


async def _first_of(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Wait until `task` ends or `stop` is set."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()


async def _open_and_serve(
    settings: Settings,
    stop: asyncio.Event,
    restarts: Restarts | None,
    opened: asyncio.Event,
) -> None:
    """Open the engine and the database (`opened` is set then), and serve until `stop`."""
    # Once the staff files are saved whole (a faq.yaml being copied is not read half
    # written), and looked at before loading, so an edit made while the index builds is
    # not missed.
    snapshot = await saved_snapshot(settings.faq_file, settings.content_dir)
    async with datadir.opened(settings) as (engine, store):
        opened.set()
        for problem in engine.problems:
            log.warning("%s", problem)
        corpus = engine.corpus  # which ward's files: a wrong mount or path shows here
        log.info(
            "serving %s (%d FAQ entries, %d topics) and %s (%d announcements); data in %s",
            settings.faq_file,
            len(corpus.faq),
            len(corpus.topics),
            settings.content_dir,
            len(corpus.announcements),
            settings.data_dir,
        )
        # Left in content/ beside the ward's own faq.yaml, or the sample ward itself.
        samples = sample_notices(n.id for n in corpus.announcements)
        sample = bool(samples) and await asyncio.to_thread(is_sample_faq, settings.faq_file)
        if samples and not sample:
            log.warning(
                "%s: %d announcement(s), such as %s.md, are the sample ward's shipped with "
                "the bot (another ward's news): residents get them as this ward's (/latest, "
                "answers); delete them from CONTENT_DIR (README: 'Your own ward, step by step')",
                settings.content_dir,
                len(samples),
                samples[0],
            )
        elif sample:
            log.warning(
                "serving the sample ward shipped with the bot (%s and %s as they came), "
                "another ward's answers and news: for your ward's, name its files with "
                "FAQ_FILE and CONTENT_DIR (README: 'Your own ward, step by step')",
                settings.faq_file,
                settings.content_dir,
            )
        await _serve(settings, engine, store, snapshot, stop, restarts)


@contextlib.contextmanager
def _sole_bot(settings: Settings) -> Iterator[None]:
    """Hold the data folder's lock while the bot runs: a second bot on the same database
    (another HTTP_PORT) would send alerts beside this one at twice the platform's pace,
    and at its start send again the message this one has in flight. Raises ConfigError
    naming the bot that holds it. A folder the bot cannot write is not locked (no alert
    is sent from it)."""
    lock = settings.data_dir / RUN_LOCK
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise ConfigError(msg.data_folder_taken(holder, str(settings.data_dir))) from None
        with contextlib.suppress(OSError):  # which bot holds it: a full disk only hides it
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # lets go of the lock


async def _serve(
    settings: Settings,
    engine: Engine,
    store: Store,
    snapshot: Snapshot,
    stop: asyncio.Event,
    restarts: Restarts | None = None,
) -> None:
    conversation = Conversation(engine, store, settings)
    running = channels.build(settings, conversation)
    conversation.no_alerts = channels.no_push()
    conversation.alert_links = lambda: _alert_links(settings, running)
    desk = _staff_desk(settings, store, engine, running)
    if desk is not None:  # the staff group where Telegram moved it, before any update
        await desk.follow_kept()
    conversation.desk = desk
    composer = Composer(
        lambda: engine.corpus,
        store,
        settings.content_dir,
        today=lambda: engine.today,
        kinds={"reply": desk.compose} if desk else None,
        ward_name=settings.ward_name,
    )
    restarts = restarts or Restarts()
    on_done = desk.delivered if desk else None

    async def chat_closed(chat: ChatRef, name: str) -> None:
        """A group closed to the bot lost an alert: staff hear of it, once a day at most
        for each group (wardbot.told), while it stays closed."""
        key = f"chat-closed:{digest(chat.channel, chat.chat_id)}"
        await alerts.tell_admins_once(key, msg.admin_group_closed(name))

    senders = Senders(
        [
            Sender(
                store,
                channel,
                composer,
                on_done=on_done,
                settle=settings.alert_gather_seconds,
                alerts_wait=desk.alerts_wait if desk else None,
                quiet=settings.quiet_hours,
                on_closed=chat_closed,
            )
            for channel in running
        ],
        restarts,
    )
    alerts = Alerts(
        engine,
        store,
        settings,
        channels.pushing(settings),
        wake=senders.wake,
        direct={c.name: c for c in running},
    )
    restarts.notify = alerts.task_failing
    for channel in running:  # a channel with news of its own for admins (zalo-oa's consent)
        if hasattr(channel, "tell_admins"):  # told on the other channels: it is down itself
            channel.tell_admins = functools.partial(alerts.tell_admins_once, besides=channel.name)
        if hasattr(channel, "untell_admins"):  # and news that is over (Zalo's token works)
            channel.untell_admins = functools.partial(
                alerts.untold,
                back=msg.admin_task_back(settings.ward_name, channel.name),
                besides=channel.name,
            )
    restarts.recovered = alerts.task_recovered
    # Admins told in chat when the disk fills, and when the bot writes again (or, started
    # read-only, may be restarted); a part stopped by the full disk tells nothing more,
    # and the vector cache it refused is saved again once there is room.
    watch_disk = FullDiskWatch(store, alerts, alerts.clock, saving=[engine.vectors])
    restarts.told_otherwise = watch_disk.folds  # one full disk, one message

    async def index_news(state: str) -> bool:
        """Admins hear once that the search index cannot be written (Alerts.task_failing),
        unless the full disk is why (told as such: False, so that the watcher asks again
        and a cause that follows it is told); once it is well (for BACK_AFTER: a flapping
        index is one outage, Alerts.task_well), a later outage is news again."""
        if state == "ok":
            await alerts.task_well(INDEX)
        elif await watch_disk.folds(engine.index_failure()):
            return False
        else:
            await alerts.task_failing(INDEX)
        return True

    watcher = ContentWatcher(engine, alerts, settings, snapshot, index_news=index_news)
    follower = _follower(settings, store, alerts)

    async def refresh() -> list[str]:
        """faq.yaml and content/ read again now, once saved whole (/reload)."""
        await watcher.refresh(force=True)
        return [str(problem) for problem in engine.problems]

    async def reload() -> list[str]:
        """/reload: the portal's feeds read now, then faq.yaml and content/."""
        if follower is not None:
            await follower.poll(every_item=True)  # staff may have fixed the portal
        return await refresh()

    async def apply_edit() -> bool:
        """faq.yaml and content/ read again after the FAQ editor's edit: False when a staff
        file was still being saved (the watcher applies the edit once it is)."""
        return await watcher.refresh(force=True)  # forced: False only while one is saved

    # An edit of faq.yaml reloads the local files only: staff are not kept waiting on the
    # portal (down, a fetch takes its whole deadline), nor is its news imported meanwhile.
    # Its note that faq.yaml cannot be edited from chat is told once, not at each start.
    editor = FaqEditor(
        settings.faq_file,
        settings.data_dir,
        apply_edit,
        tell_admins=functools.partial(alerts.tell_admins_once, "faq-read-only"),
        warn_admins=alerts.tell_admins,
        on_writable=functools.partial(alerts.untold, "faq-read-only"),
        saving=functools.partial(watcher.saving, settings.faq_file),
    )
    # A hand save that dropped edits made from chat is told to admins as it is read.
    watcher.on_faq_read = editor.note_overwritten
    synced = asyncio.Event()  # the first attempt at the start-up sync is over

    async def watch(stop: asyncio.Event) -> None:
        try:
            # Notices added while the bot was down are alerted now; staff hear of bad files,
            # and of a faq.yaml the bot cannot edit for them (a read-only folder).
            # Here, not before the start: a database locked meanwhile is retried like any
            # error of the watcher, and the channels serve all the same.
            await alerts.drop_unrun()
            if desk is not None:  # staff answers for a channel not run: kept, staff told
                await desk.note_stranded([c for c in PUSH_CHANNELS if c not in alerts.channels])
            await alerts.sync()
            await alerts.report_problems()
            if engine.faq_ok:  # saved so while the bot was stopped, and served
                await editor.note_overwritten()
            if settings.admin_ids:  # only admins edit faq.yaml from chat
                await editor.can_edit()
        finally:
            synced.set()
        await watcher.run(stop)

    watching = Supervised(watcher.name, watch, restarts, check=watcher.is_running)
    retention = retention_task(store, settings, restarts, desk)

    admin = Admin(
        engine, store, alerts, settings, reload, desk=desk, editor=editor, saving=watcher.unsettled
    )
    conversation.admin = admin
    # A read-only data folder runs no alert sender nor purge (nothing to send or delete
    # from): /healthz reports `data` down, the cause, not them beside it.
    supervised = [*senders.supervised, watching, retention] if store.writable else [watching]
    weekly = None
    if store.writable and settings.weekly_report and settings.admin_ids:
        report = WeeklyReport(store, admin.weekly_report, alerts.tell_admins)
        weekly = Supervised(report.name, report.run, restarts)
        supervised.append(weekly)
    portal = None
    if follower is not None:
        portal = Supervised(follower.name, follower.run, restarts, check=follower.healthy)
        supervised.append(portal)
    staffing = None
    if desk is not None:
        desk.wake_outbox = senders.wake
        desk.serving = senders.started
        desk.editor = editor
        desk.tell_lost = functools.partial(alerts.task_failing, desk.name)
        desk.tell_back = functools.partial(alerts.task_recovered, desk.name)
        desk.tell_admins = alerts.tell_admins_once
        staffing = Supervised(desk.name, desk.run, restarts, check=desk.healthy)
        supervised.append(staffing)
    background: list[asyncio.Task[None]] = []

    def launch(task: Supervised) -> None:
        background.append(asyncio.create_task(task.run(stop), name=task.name))

    def serving(channel: Channel) -> None:
        """What waits for a channel to be up: its alert sender, and the staff desk (in the
        Telegram staff group). Not once the bot is stopping: the stop does not wait for
        what starts after it (an alert sender started then would send while the bot closes
        under it, and its message go again at the next start)."""
        if stop.is_set():
            return
        if store.writable:  # a read-only data folder: nothing to send from
            senders.start(channel.name)
        if staffing is not None and channel.name == "telegram":
            launch(staffing)

    starting = [_ChannelStart(channel, restarts, serving) for channel in running]
    routes = [route for channel in running for route in channel.routes()]
    checks = {start.task.name: start.task.is_running for start in starting}
    checks |= {task.name: task.is_running for task in supervised}
    checks[INDEX] = lambda: engine.index_state() == "ok"
    checks["data"] = store.saves
    # What is degraded without being down: matching by words only, a web chat that cannot
    # keep its conversations; and how many of the portal's feeds fail.
    details: dict[str, Callable[[], object]] = {
        "semantic": engine.semantic_status,
        INDEX: engine.index_state,
        # A mistake in the staff's files is no part down: the last good version serves.
        "staff_files": engine.staff_files_status,
    }
    for channel in running:
        status = getattr(channel, "status", None)
        if callable(status):
            details[channel.name] = status
    if follower is not None:
        details[follower.name] = follower.status
    if desk is not None:  # per channel the bot does not run: staff answers waiting for it
        details["answers_waiting"] = lambda: dict(desk.stranded)
    quiet = settings.quiet_hours
    if quiet is not None:  # alerts held for the morning: waiting, not stuck
        details["quiet_hours"] = lambda: held_for_morning(store, quiet, time.time())
    health = Health(checks, kept=store if store.writable else None)
    down_notes = (
        _down_notes(health, alerts, starting, senders, settings) if store.writable else None
    )
    web = AsgiServer(
        web_app(routes, health, details),
        port=settings.http_port,
        trusted_proxies=settings.forwarded_allow_ips,
    )
    await web.start()
    log.info("web server on port %d (/healthz)", settings.http_port)
    try:
        # Each channel starts on its own: one whose platform cannot be reached (or that
        # refuses its token) is tried again, backing off, while the others serve.
        for start in starting:
            launch(start.task)
        launch(watching)
        if store.writable:  # nothing to purge in a read-only data folder
            launch(retention)
        background.append(asyncio.create_task(watch_disk.run(stop), name=watch_disk.name))
        after = down_notes.look if down_notes is not None else None
        background.append(asyncio.create_task(health.watch(stop, after), name="health"))
        if portal is not None:
            launch(portal)
        if weekly is not None:
            launch(weekly)
        # "running" once every part has had its first try, well or not (the log says which).
        await _first_tries([*(start.tried for start in starting), synced], stop)
        log.info("running; stop with Ctrl-C or SIGTERM")
        await stop.wait()
        log.info("stopping")
    finally:
        stop.set()
        try:
            await stop_parts(web, running, background, senders)
        finally:
            await alerts.close()  # a ✅ still waiting to be told (Alerts.untold)


def _down_notes(
    health: Health,
    alerts: Alerts,
    starting: Sequence[_ChannelStart],
    senders: Senders,
    settings: Settings,
) -> DownNotes:
    """Admins told of a channel, or its alert sender, down for long while it runs."""
    explained = {
        start.channel.name: getattr(start.channel, "outage_explained", lambda: False)
        for start in starting
    }
    watched = [
        Watched(
            start.task.name,
            start.task.attempting,
            start.channel.name,
            explained[start.channel.name],
        )
        for start in starting
    ]
    for task, sender in zip(senders.supervised, senders.senders, strict=True):
        channel = sender.channel.name
        no = explained.get(channel, lambda: False)
        watched.append(Watched(task.name, task.attempting, channel, no))
    return DownNotes(health, alerts, watched, settings.ward_name)


class _ChannelStart:
    """A channel started under supervision: an attempt that fails (its platform cannot be
    reached, its token is refused) is let go and tried again after the restart delays,
    /healthz reporting the channel down meanwhile. `serving(channel)` runs once it is up."""

    def __init__(
        self, channel: Channel, restarts: Restarts, serving: Callable[[Channel], None]
    ) -> None:
        self.channel = channel
        self.serving = serving
        self.tried = asyncio.Event()  # the first attempt is over
        self.task = Supervised(
            channel.name,
            self._run,
            restarts,
            check=channel.is_running,
            quiet=(ConfigError, ConnectionError),  # the channels' own clear messages
        )

    async def _run(self, stop: asyncio.Event) -> None:
        try:
            await self.channel.start()
        except Exception:
            # Whatever started half-way is let go: the next attempt starts afresh.
            await stopped(self.channel.name, self.channel.stop())
            raise
        finally:
            self.tried.set()
        self.serving(self.channel)
        await stop.wait()  # stopped by _serve, after the senders


async def _first_tries(events: list[asyncio.Event], stop: asyncio.Event) -> None:
    """Wait until every event is set, or `stop` is."""

    async def all_set() -> None:
        for event in events:
            await event.wait()

    waiting = [asyncio.ensure_future(all_set()), asyncio.ensure_future(stop.wait())]
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in waiting:
            future.cancel()


def _follower(settings: Settings, store: Store, alerts: Alerts) -> FeedFollower | None:
    """The portal's feeds (PORTAL_FEEDS), followed when the data folder can keep what was
    imported; admins hear of each notice imported, each staff-edited notice the portal's
    version replaced, each source failing, each feed read again after failing, each notice
    withdrawn or back, each post replaced by its corrected version of the same day, and
    each new notice that is only a scanned page or files."""
    if not settings.portal_feeds or not store.writable:
        return None
    return FeedFollower(
        settings,
        on_imported=lambda titles: alerts.tell_admins(imported_note(settings.ward_name, titles)),
        on_failed=lambda sources, why: alerts.tell_admins(failed_note(sources, why)),
        on_replaced=lambda *about: alerts.tell_admins(replaced_note(settings.ward_name, *about)),
        on_recovered=lambda feeds: alerts.tell_admins(recovered_note(settings.ward_name, feeds)),
        on_withdrawn=lambda titles: alerts.tell_admins(withdrawn_note(settings.ward_name, titles)),
        on_restored=lambda titles: alerts.tell_admins(restored_note(settings.ward_name, titles)),
        on_superseded=lambda *about: alerts.tell_admins(
            superseded_note(settings.ward_name, *about)
        ),
        on_links_alone=lambda notices: alerts.tell_admins(
            links_alone_note(settings.ward_name, notices)
        ),
        on_first_read=lambda titles: alerts.tell_admins(
            first_read_note(settings.ward_name, titles)
        ),
        note_quietly=store.note_quietly,
    )


def _alert_links(settings: Settings, running: list[Channel]) -> list[Link]:
    """Where residents of the web chat can follow topics: the ward's Telegram bot (its
    t.me address once it runs) and Zalo bot (ZALO_BOT_URL)."""
    links = []
    for channel in running:
        address = getattr(channel, "address", None)
        url = address() if callable(address) else None
        if url:
            links.append(Link(msg.follow_on(channel.name), url))
    if settings.zalo_bot_url:
        links.append(Link(msg.follow_on("zalo"), settings.zalo_bot_url))
    return links


def _staff_desk(
    settings: Settings, store: Store, engine: Engine, running: list[Channel]
) -> Desk | None:
    """ "Hỏi cán bộ" when STAFF_CHAT_ID is set: the desk, in the Telegram staff group."""
    if settings.staff_chat_id is None:
        return None
    if not store.writable:  # tickets live in the database
        log.warning('the data folder is read-only: "hỏi cán bộ" is off until it is writable')
        return None
    from handlers.telegram import TelegramChannel
    from handlers.telegram_staff import StaffHandlers, TelegramStaffRoom

    telegram = next(c for c in running if isinstance(c, TelegramChannel))
    desk = Desk(TicketBook(store), settings, engine)
    desk.not_started()  # until Telegram is up and the poster has looked at the group
    desk.room = TelegramStaffRoom(telegram.application, settings.staff_chat_id)
    StaffHandlers(desk, desk.room).install(telegram.application)
    return desk


def retention_task(
    store: Store,
    settings: Settings,
    restarts: Restarts,
    desk: Desk | None = None,
    *,
    clock: Callable[[], float] | None = None,
) -> Supervised:
    """The purge of old questions, tickets and finished alerts, kept running whatever
    happens; on `clock` (the desk's, else time.time)."""
    if clock is None:
        clock = desk.clock if desk is not None else time.time
    return Supervised(
        "retention", lambda stop: _purge_old(store, settings, stop, clock, desk), restarts
    )


async def _purge_old(
    store: Store,
    settings: Settings,
    stop: asyncio.Event,
    clock: Callable[[], float],
    desk: Desk | None = None,
) -> None:
    """Keep the question log, tickets (and finished alerts) no longer than
    QUESTION_LOG_DAYS, and messages received and never handled, and tickets still waiting
    for staff, no longer than that or inbox.WAITING_KEEP (desk.WAITING_TICKET_KEEP), the
    longer; a ticket goes from the staff group too, through the desk. A chat found
    unreachable is forgotten after UNREACHABLE_KEEP (wardbot.store.chats), a resident's
    latest message after REPLY_WINDOW (wardbot.store.windows), and which officer was told
    a message reached no resident after HINT_AGAIN, whatever QUESTION_LOG_DAYS."""
    while not stop.is_set():
        keep = max(settings.question_log_days, 1) * 86400.0
        now = clock()
        deleted = await store.purge(now - keep)
        tickets = desk.tickets if desk is not None else TicketBook(store)
        waiting = now - max(keep, WAITING_TICKET_KEEP)
        if desk is not None:
            deleted += await desk.purge(now - keep, waiting)
        else:
            deleted += await tickets.purge(now - keep, now, waiting)
        deleted += await tickets.purge_offers(now - OFFER_KEEP)
        deleted += await tickets.purge_hints(now - HINT_AGAIN)
        deleted += await inbox.purge(store, now - keep, now)
        deleted += await store.purge_unreachable(now)
        deleted += await store.purge_windows(now)
        if deleted:
            log.info("retention: deleted %d old row(s)", deleted)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PURGE_EVERY_SECONDS)


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and Ctrl-C set `stop`: a gentle stop, each part given its time. A second
    Ctrl-C meanwhile stops at once (KeyboardInterrupt: bot.py exits with 130)."""
    loop = asyncio.get_running_loop()
    installed = []

    def on_signal(sig: signal.Signals) -> None:
        if sig == signal.SIGINT and stop.is_set():
            raise KeyboardInterrupt  # out of the event loop (asyncio lets it through)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


def main(settings: Settings) -> int:
    """Entry point for `python bot.py run`: the exit status."""
    try:
        check_channels(settings)
        check_ward_files(settings)
        asyncio.run(run(settings))
        # Every part has stopped and the database is closed: the log's last word on a
        # clean stop (what follows is Python leaving, a second or so on a busy host).
        log.info("stopped")
    except ConfigError as exc:
        print(f"bot.py run: {exc}", file=sys.stderr)
        return 2
    except PermissionError as exc:  # a folder of another owner, say: which setting is it?
        print(f"bot.py run: {not_allowed(exc, settings)}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. the port is taken
        print(f"bot.py run: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:  # a database a newer bot wrote, or a damaged one
        print(f"bot.py run: database: {exc}", file=sys.stderr)
        return 1
    return 0


def not_allowed(exc: PermissionError, settings: Settings) -> str:
    """What the system refused, said with the setting that names the place (DATA_DIR,
    CONTENT_DIR, FAQ_FILE) and how to let the bot in: `[Errno 13] Permission denied:
    'data/bot.sqlite3'` left the operator to guess."""
    if exc.filename is None:
        return str(exc)
    refused = Path(os.path.abspath(exc.filename))
    for variable, place in (
        ("DATA_DIR", settings.data_dir),
        ("CONTENT_DIR", settings.content_dir),
        ("FAQ_FILE", settings.faq_file),
    ):
        where = Path(os.path.abspath(place))
        if refused == where or refused.is_relative_to(where):
            return msg.folder_not_allowed(str(place), variable, os.getuid(), os.getgid())
    return str(exc)
