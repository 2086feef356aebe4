"""Publishing an announcement from the command line: validate, copy into content/, index,
and queue the alerts."""

from __future__ import annotations

import asyncio
import filecmp
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from wardbot import messages as msg
from wardbot.channels import pushing
from wardbot.config import Settings
from wardbot.faq_file import FaqFile, load_faq
from wardbot.loader import LAST_GOOD_FAQ_COPIES, id_clash, read_last_good, served
from wardbot.models import Problem
from wardbot.notices import load_announcement
from wardbot.pictures import notice_pictures


class PublishError(Exception):
    """The announcement cannot be published; the message says why, as `file:line: ...`."""


def served_faq(settings: Settings) -> tuple[FaqFile, str | None]:
    """The FAQ a bot on this data folder serves (as `bot.py check` tells it), and, when
    that is not faq.yaml because faq.yaml cannot be used, a warning saying so."""
    last_good = read_last_good(settings.data_dir)
    faq = load_faq(settings.faq_file, serving=last_good)
    serving = served(faq, last_good)
    if serving is faq:
        return faq, None
    if serving is None:  # no good version, or another file's (loader.another_file)
        return faq, msg.announce_faq_warning(str(settings.faq_file), None)
    saved = settings.data_dir / LAST_GOOD_FAQ_COPIES[0]
    return serving, msg.announce_faq_warning(str(settings.faq_file), str(saved))


def publish(
    source: Path, settings: Settings, *, sleep: Callable[[float], object] = time.sleep
) -> tuple[Path, str | None]:
    """Copy a valid announcement into the content folder; returns where, and a warning
    when faq.yaml cannot be used (the notice is then checked against the FAQ the bot
    serves instead, its last good copy in the data folder), or the notice has a picture
    residents will not see (wardbot.pictures).

    Nothing is copied when the file has a problem, would replace another notice, or has
    the id of an FAQ entry (the bot would never serve it).
    """
    from wardbot.alerts import file_stamps, wait_until_saved

    source = Path(source)
    # A file still being copied (from a USB stick) or saved is read once it is whole; one
    # that changes between its check and its copy is not published (what was checked is
    # not what would be copied).
    wait_until_saved(lambda: file_stamps([source]), sleep=sleep)
    checked = file_stamps([source])
    faq, warning = served_faq(settings)

    def refused(message: str) -> PublishError:
        return PublishError("\n".join(filter(None, [message, warning])))

    # faq.yaml unreadable and no good copy of it: its topics are unknown, as the bot and
    # `bot.py check` take them (the notice's topics are neither checked nor kept).
    topics = faq.topics if faq.ok_syntax else None
    notice, problems = load_announcement(source, topics, max_bytes=settings.max_notice_bytes)
    if notice is not None:  # only lines the running bot passes with a note: refused here
        problems = [_refused_here(problem) for problem in problems]
    if notice is None or problems:
        raise refused("\n".join(str(p) for p in problems) or msg.announce_unreadable(str(source)))
    if (clash := id_clash(notice, {e.id: e.line for e in faq.faq}, settings.faq_file)) is not None:
        raise refused(str(clash))
    target = settings.content_dir / source.name
    # The same notice again (announce run again after a failure, as staff are told): only
    # indexed and alerted; another notice under its name is refused.
    copied = target.exists() and (
        target.resolve() == source.resolve() or filecmp.cmp(source, target, shallow=False)
    )
    if target.exists() and not copied:
        raise PublishError(msg.announce_exists(str(target)))
    settings.content_dir.mkdir(parents=True, exist_ok=True)
    if not copied:
        # Copy aside, then rename: the watcher never sees a half-written file.
        fd, tmp = tempfile.mkstemp(dir=settings.content_dir, prefix=".publish-", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            if file_stamps([source]) != checked:
                raise PublishError(msg.announce_source_changed(str(source)))
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    # Published all the same, as the running bot does (it tells admins in chat too).
    unseen = [u.told(str(target)) for u in notice_pictures(notice)]
    return target, "\n".join(filter(None, [warning, *unseen])) or None


def _refused_here(problem: Problem) -> Problem:
    """A mistake the running bot publishes the notice despite, as `announce` tells it: what
    it costs is that announce does not publish it (not "thông báo vẫn được đăng")."""
    said = problem.message.rpartition(" — ")[0] or problem.message
    return Problem(problem.file, problem.line, f"{said} — {msg.announce_refuses_note()}")


def why_nobody(settings: Settings, notice_id: str) -> str | None:
    """Why the published notice `notice_id` alerts nobody, for staff: expired, older than
    ALERT_MAX_AGE_DAYS, in no topic, or in topics nobody follows (None: not readable)."""
    from wardbot.alerts import ALERT_MAX_AGE_DAYS
    from wardbot.hours import vietnam_today

    faq, _ = served_faq(settings)
    notice, _ = load_announcement(
        settings.content_dir / f"{notice_id}.md",
        faq.topics if faq.ok_syntax else None,
        max_bytes=settings.max_notice_bytes,
    )
    if notice is None:
        return None
    today = vietnam_today()
    if notice.expires is not None and not notice.is_current(today):
        return msg.announce_silent_expired(notice.expires)
    if (today - notice.date).days > ALERT_MAX_AGE_DAYS:
        return msg.announce_silent_old(notice.date, ALERT_MAX_AGE_DAYS)
    if not notice.topics:
        return msg.announce_silent_no_topic()
    names = [topic.name for topic in faq.topics if topic.id in notice.topics]
    return msg.announce_silent_no_follower(names or list(notice.topics))


def held_until(settings: Settings, notice_id: str, now: float) -> str | None:
    """When the alerts of the published notice `notice_id`, queued at `now`, leave if
    quiet hours (QUIET_HOURS) hold them ('6:30 sáng mai'); None when they go at once (no
    quiet hours when they are due, ALERT_GATHER_SECONDS later, or the notice is
    `urgent: true`)."""
    due = now + settings.alert_gather_seconds
    morning = settings.quiet_hours.morning(due, now) if settings.quiet_hours else None
    if morning is None:
        return None
    notice, _ = load_announcement(
        settings.content_dir / f"{notice_id}.md", None, max_bytes=settings.max_notice_bytes
    )
    return None if notice is None or notice.urgent else morning


async def queue_alerts(
    settings: Settings,
    published: str | None = None,
    since: float | None = None,
    written: Sequence[str] = (),
    *,
    sleep: Callable[[float], object] = time.sleep,
) -> dict[str, int]:
    """Index the content folder and queue alerts for announcements not seen before, once
    the staff files are saved whole (`alerts.wait_until_saved`, waiting with `sleep`).

    A running bot's sender picks the queued alerts up within a second; otherwise they go
    out when it next starts. Returns {announcement id: alerts queued}. Raises PublishError
    when the announcement `published` (an id) is not among those the bot serves.

    A running bot may notice `published`, or the notices `written` (ids; by `bot.py
    import`), copied at `since` or later, and queue their alerts first: those are counted
    for them too.

    Alerts are queued for the channels these settings run (`channels.pushing`), as `bot.py
    run` in the same environment would. With none (no token here: a shell without the
    bot's environment), nothing is queued nor marked as alerted: the bot queues the
    alerts for its own channels when it notices the notices (within seconds when it runs,
    else at its next start).
    """
    from wardbot.alerts import Alerts, Snapshot, wait_until_saved
    from wardbot.engine import Engine
    from wardbot.store import Store

    def staff_files() -> dict[Path, tuple[int, int] | None]:
        return Snapshot.take(settings.faq_file, settings.content_dir).stamps(settings.faq_file)

    # Read as the bot would: not while staff are saving faq.yaml or a notice (a half
    # written faq.yaml that reads would become the last good copy, a notice be alerted
    # cut short).
    await asyncio.to_thread(wait_until_saved, staff_files, sleep=sleep)
    engine = await asyncio.to_thread(
        functools.partial(Engine.open, max_notice_bytes=settings.max_notice_bytes),
        settings.faq_file,
        settings.content_dir,
        settings.data_dir,
    )
    try:
        if published is not None and published not in {a.id for a in engine.corpus.announcements}:
            why = [str(p) for p in engine.problems if Path(p.file).stem == published]
            raise PublishError("\n".join(why) or msg.announce_not_served(published))
        async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
            channels = pushing(settings)
            queued = await Alerts(engine, store, settings, channels).sync() if channels else {}
            for notice_id in [*written, *([published] if published else [])]:
                if notice_id in queued or since is None:
                    continue
                by_the_bot = await store.alerts_queued_since(notice_id, since)
                if by_the_bot is not None:
                    queued[notice_id] = by_the_bot
            return queued
    finally:
        engine.close()
