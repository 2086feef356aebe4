"""The search index on disk meeting faults (a full disk while writing, damaged files) and
other processes writing it."""

import asyncio
import contextlib
import datetime as dt
import errno
import fcntl
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from chat_ward import write_chat_ward
from fakes import disk
from fakes.telegram_api import FakeBotApi, visible_text
from read_only import read_only
from sample_ward import write_ward
from test_telegram_app import bot_settings, running_app
from whoosh.filedb import structfile
from whoosh.writing import SegmentWriter

from index import whoosh_index
from wardbot import alerts, datadir
from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.engine import Engine

TODAY = dt.date(2025, 1, 15)
NOTICE = """\
---
title: Lịch tiêm vắc xin sởi cho trẻ em tại trạm y tế
date: 2025-01-10
---

Trạm y tế phường tiêm vắc xin sởi miễn phí cho trẻ từ 9 tháng tuổi.
"""


def _fail_one_write(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The next write of an index's commit fails as on a full disk; the later ones work."""
    real_commit, real_write = SegmentWriter.commit, structfile.StructFile.write
    committing: list[bool] = []
    failed: list[str] = []

    def commit(self: SegmentWriter, *args: object, **kwargs: object) -> object:
        committing.append(True)
        try:
            return real_commit(self, *args, **kwargs)
        finally:
            committing.pop()

    def write(self: structfile.StructFile, data: bytes) -> object:
        if committing and not failed:
            failed.append(str(self._name))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(SegmentWriter, "commit", commit)
    monkeypatch.setattr(structfile.StructFile, "write", write)
    return failed


def test_a_notice_that_met_a_full_disk_is_indexed_once_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faq, content = write_ward(tmp_path)
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        notice = content / "2025-01-10-tiem-vac-xin-soi.md"
        notice.write_text(NOTICE, encoding="utf-8")
        failed = _fail_one_write(monkeypatch)
        with pytest.raises(OSError, match="No space left"):
            engine.update_announcements([notice])
        assert failed
        # The disk has room again: the watcher's next pass applies the change.
        engine.update_announcements([notice])
        assert engine.ask("lịch tiêm vắc xin sởi cho trẻ").best.id == notice.stem
    finally:
        engine.close()


def test_a_rebuild_that_met_a_full_disk_leaves_no_half_made_index_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faq, content = write_ward(tmp_path)
    index = tmp_path / "data" / "index"
    engine = Engine.open(faq, content, tmp_path / "data", today=TODAY)
    try:
        live = sorted(p.name for p in index.glob("gen-*"))
        failed = _fail_one_write(monkeypatch)
        with pytest.raises(OSError, match="No space left"):
            engine.rebuild()
        assert failed
        # Its files would keep the disk full; the index it was replacing still serves.
        assert sorted(p.name for p in index.glob("gen-*")) == live
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        engine.rebuild()
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def _damage_index(data: Path) -> None:
    """Cut the live index's postings short, as a crash or a disk fault may leave them."""
    live = data / "index" / (data / "index" / "CURRENT").read_text()
    postings = list(live.glob("*.pst"))
    assert postings
    for path in postings:
        with path.open("r+b") as file:
            file.truncate(100)


def test_a_damaged_index_is_built_again_and_the_question_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    _damage_index(data)
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        with caplog.at_level(logging.INFO):
            assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        assert "the search index cannot be read" in caplog.text
        assert "built again" in caplog.text
        assert engine.ask("mất thẻ căn cước làm lại ở đâu").best.id == "cccd-cap-lai"
    finally:
        engine.close()
    # The next start finds the index it built, whole.
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def _open_files() -> list[str]:
    """What this process has open (the listing's own descriptor is gone once read)."""
    names = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            names.append(os.readlink(f"/proc/self/fd/{fd}"))
    return names


def test_an_index_damaged_in_its_stored_fields_is_let_go_once_rebuilt(tmp_path: Path) -> None:
    """Stored fields cut short fail when the index is opened, not at open_dir: the damaged
    generation is neither held open nor kept on disk (as large as the whole index) once
    the rebuilt one serves."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    damaged = data / "index" / (data / "index" / "CURRENT").read_text()
    stored = list(damaged.glob("*_stored.col"))
    assert stored
    for path in stored:
        with path.open("r+b") as file:
            file.truncate(10)
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        assert not [name for name in _open_files() if str(damaged) in name]
        assert not damaged.exists()
    finally:
        engine.close()


def test_a_damaged_index_does_not_stop_a_start_after_an_edit(tmp_path: Path) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    _damage_index(data)
    notice = content / "2025-01-10-tiem-vac-xin-soi.md"
    notice.write_text(NOTICE, encoding="utf-8")  # added while the bot was stopped
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        assert engine.ask("lịch tiêm vắc xin sởi cho trẻ").best.id == notice.stem
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def test_a_notice_edited_while_the_index_is_damaged_is_answered_as_edited(tmp_path: Path) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    _damage_index(data)
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        edited = content / "2023-07-10-muc-dong-bhyt-ho-gia-dinh-2023.md"
        edited.write_text(
            NOTICE.replace("2025-01-10", "2023-07-10").replace("vắc xin sởi", "vắc xin bại liệt"),
            encoding="utf-8",
        )
        engine.update_announcements([edited])
        assert engine.ask("lịch tiêm vắc xin bại liệt cho trẻ").best.id == edited.stem
    finally:
        engine.close()


def test_residents_are_answered_while_an_update_waits_for_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `bot.py index` rebuilding a large archive beside the running bot holds the index's
    # writer lock for minutes; a notice saved meanwhile waits for it, questions must not.
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    real_writing = whoosh_index._writing
    waiting = threading.Event()

    @contextlib.contextmanager
    def writing(directory: Path) -> Iterator[None]:
        waiting.set()
        with real_writing(directory):
            yield

    monkeypatch.setattr(whoosh_index, "_writing", writing)
    notice = content / "2025-01-10-tiem-vac-xin-soi.md"
    notice.write_text(NOTICE, encoding="utf-8")
    other = os.open(data / "index" / "WRITING", os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)  # the other process
    updating = threading.Thread(target=engine.update_announcements, args=([notice],))
    answers: list[str] = []
    asking = threading.Thread(
        target=lambda: answers.append(engine.ask("mức đóng bhyt hộ gia đình").best.id)
    )
    try:
        updating.start()
        assert waiting.wait(timeout=30)
        asking.start()
        asking.join(timeout=30)
        assert answers == ["bhyt-muc-dong"], "the question waited for the other process"
    finally:
        os.close(other)  # the other process is done
        updating.join()
        asking.join()
        assert engine.ask("lịch tiêm vắc xin sởi cho trẻ").best.id == notice.stem
        engine.close()


def test_what_a_build_killed_half_way_left_is_removed_at_the_next_start(tmp_path: Path) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    Engine.open(faq, content, data, today=TODAY).close()
    live = (data / "index" / "CURRENT").read_text()
    killed = data / "index" / "gen-99"  # a build killed half-way: never pointed to
    killed.mkdir()
    (killed / "MAIN_x1.pst").write_bytes(b"\0" * 4096)
    engine = Engine.open(faq, content, data, today=TODAY)  # opens the live one, unchanged
    try:
        assert [p.name for p in (data / "index").glob("gen-*")] == [live]
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def _builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Where each index build from now on is made (counted, then done as usual)."""
    real = whoosh_index.SearchIndex.build.__func__  # type: ignore[attr-defined]
    where: list[Path] = []

    def build(cls: type, directory: Path, *args: object, **kwargs: object) -> object:
        where.append(directory)
        return real(cls, directory, *args, **kwargs)

    monkeypatch.setattr(whoosh_index.SearchIndex, "build", classmethod(build))
    return where


def test_a_damaged_index_on_a_full_disk_is_built_aside_once_and_back_once_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found damaged while the data folder's disk is full: the index is built once in a
    temporary folder and every question answered from it, rather than each question
    failing (residents got an apology) after trying a whole build again; once the disk
    has room, it is built back in the data folder and the temporary copy goes."""
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        _damage_index(data)
        index_disk = disk.IndexDisk(data / "index", monkeypatch)
        builds = _builds(monkeypatch)
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        assert engine.ask("mất thẻ căn cước làm lại ở đâu").best.id == "cccd-cap-lai"
        assert len(builds) == 2  # the data folder refused it, the temporary folder took it
        aside = builds[1]
        assert not aside.is_relative_to(data) and aside.is_dir()
        assert engine.index_state() == "temporary"
        assert not engine.mend_index()  # still full: no build tried
        assert len(builds) == 2
        index_disk.room()
        assert engine.mend_index()
        assert engine.index_state() == "ok"
        assert builds[-1] == data / "index" and not aside.exists()
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
    finally:
        engine.close()


def test_a_notice_the_index_cannot_take_leaves_it_behind_until_there_is_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        assert engine.index_state() == "ok"
        index_disk = disk.IndexDisk(data / "index", monkeypatch, errno.EACCES)
        notice = content / "2025-01-10-tiem-vac-xin-soi.md"
        notice.write_text(NOTICE, encoding="utf-8")
        with pytest.raises(PermissionError):
            engine.update_announcements([notice])
        assert engine.index_state() == "behind"
        # Residents are still answered from what the index holds.
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        index_disk.room()
        engine.update_announcements([notice])
        assert engine.index_state() == "ok"
        assert engine.ask("lịch tiêm vắc xin sởi cho trẻ").best.id == notice.stem
    finally:
        engine.close()


def test_an_index_deleted_under_the_running_bot_is_missing_until_built_again(
    tmp_path: Path,
) -> None:
    faq, content = write_ward(tmp_path)
    data = tmp_path / "data"
    engine = Engine.open(faq, content, data, today=TODAY)
    try:
        shutil.rmtree(data / "index")
        assert engine.index_state() == "missing"
        assert engine.mend_index()
        assert engine.index_state() == "ok"
        assert (data / "index" / "CURRENT").is_file()
        assert engine.ask("mức đóng bhyt hộ gia đình").best.id == "bhyt-muc-dong"
        assert not engine.mend_index()  # nothing to mend
    finally:
        engine.close()


async def _health(base: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    return {"code": response.status_code, **response.json()}


async def _wait_health(base: str, index_ok: bool) -> dict[str, Any]:
    """/healthz once its `index` check is `index_ok` (the watcher acts on file events)."""
    for _ in range(600):
        body = await _health(base)
        if body["checks"]["index"] is index_ok:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"/healthz never said index {index_ok}: {body}")


async def test_a_running_bot_whose_index_cannot_be_written_says_so_and_catches_up(
    ward_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The index's folder full while staff publish a notice: /healthz names `index` (the
    other parts ok), admins are told once in Vietnamese and the log says it once (not a
    traceback at every look), residents are still answered; once there is room the
    notice is searchable and alerted, and /healthz is well."""
    (tmp_path / "ward").mkdir()
    faq, content = write_chat_ward(tmp_path / "ward")
    admin, resident = 9100, 701
    monkeypatch.setattr(alerts, "BACK_AFTER", 0.5)  # told back once well this long
    async with FakeBotApi() as api:
        settings = bot_settings(
            replace(ward_settings, faq_file=faq, content_dir=content),
            api,
            semantic=False,
            admin_ids=frozenset({f"telegram:{admin}"}),
        )
        async with running_app(settings) as base:
            await api.say(resident, "/subscribe bhyt")
            index_disk = disk.IndexDisk(settings.data_dir / "index", monkeypatch)
            notice = content / f"{dt.date.today().isoformat()}-tiem-vac-xin-soi.md"
            notice.write_text(
                NOTICE.replace("2025-01-10", dt.date.today().isoformat()).replace(
                    "---\n\n", "topics: [bhyt]\n---\n\n"
                ),
                encoding="utf-8",
            )
            body = await _wait_health(base, index_ok=False)
            assert body["code"] == 503 and body["index"] == "behind"
            assert {name for name, ok in body["checks"].items() if not ok} == {"index"}
            await api.wait_until(lambda: len(api.sent(admin)) == 1)
            (told,) = api.sent(admin)
            assert visible_text(told.text) == msg.admin_task_failing(settings.ward_name, "index")
            (answer,) = await api.say(resident, "mất thẻ bhyt")
            assert visible_text(answer.text).startswith("Mất thẻ bảo hiểm y tế")
            notice.touch()  # tried again at each look: told once all the same
            await api.say(resident, "mất thẻ bhyt")
            assert len(api.sent(admin)) == 1
            index_disk.room()
            notice.touch()
            body = await _wait_health(base, index_ok=True)
            assert body["code"] == 200 and body["index"] == "ok"
            await api.wait_until(
                lambda: any("vắc xin sởi" in c.text for c in api.sent(resident)), within=30
            )
            (answer,) = await api.say(resident, "lịch tiêm vắc xin sởi cho trẻ em")
            assert "vắc xin sởi" in visible_text(answer.text)
            # Told once that it is over, and nothing more.
            await api.wait_until(lambda: len(api.sent(admin)) >= 2)
            told, back = api.sent(admin)
            assert visible_text(back.text) == msg.admin_task_back(settings.ward_name, "index")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].startswith("the search index cannot be written")


# A bot killed (kill -9, out of memory) while it answers from a temporary folder under
# TMPDIR: an index built aside on a full disk, or a stand-in for a read-only data folder.
KILLED_BOT = """
import sys, time
from pathlib import Path
sys.path.insert(0, "tests")
import pytest
from fakes import disk
from test_index_faults import TODAY, _damage_index
from wardbot import datadir
from wardbot.engine import Engine
from wardbot.config import Settings

faq, content, data, how = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
if how == "aside":  # found damaged while the disk is full: built in TMPDIR
    engine = Engine.open(faq, content, data, today=TODAY)
    _damage_index(data)
    disk.IndexDisk(data / "index", pytest.MonkeyPatch())
    engine.ask("mức đóng bhyt hộ gia đình")
    state = engine.index_state()
else:  # a read-only data folder: served from a stand-in in TMPDIR
    settings = Settings(faq_file=faq, content_dir=content, data_dir=data, semantic=False)
    opened = datadir.engine_for(settings)
    state = "read-only" if opened.__enter__()[1] else "writable"
print(state, flush=True)
time.sleep(60)
"""


def _killed_bot(tmp: Path, faq: Path, content: Path, data: Path, how: str) -> str:
    """Run KILLED_BOT (TMPDIR `tmp`) until it serves, then kill -9 it; what it served from."""
    bot = subprocess.Popen(
        [sys.executable, "-c", KILLED_BOT, str(faq), str(content), str(data), how],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert bot.stdout is not None
        return bot.stdout.readline().strip()
    finally:
        bot.kill()
        bot.wait()
        if bot.stdout is not None:
            bot.stdout.close()


def test_temporary_folders_a_killed_bot_answered_from_are_removed_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bot killed while it answers from an index built aside (a full disk), or from a
    stand-in for a read-only data folder, leaves the folder under TMPDIR, often on the
    full disk itself, a copy at each crash. The next start on the same data folder
    removes them; another ward's, and a running bot's, stay."""
    faq, content = write_ward(tmp_path)
    data, other = tmp_path / "data", tmp_path / "other"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    Engine.open(faq, content, data, today=TODAY).close()
    Engine.open(faq, content, other, today=TODAY).close()
    assert _killed_bot(tmp, faq, content, data, "aside") == "temporary"
    assert _killed_bot(tmp, faq, content, other, "aside") == "temporary"
    [others] = [f for f in tmp.iterdir() if str(other.resolve()) in (f / "owner.json").read_text()]
    assert len(list(tmp.iterdir())) == 2
    with read_only(data):
        # Its start removed what the first bot left; it leaves its stand-in.
        assert _killed_bot(tmp, faq, content, data, "stand-in") == "read-only"
        assert len(list(tmp.iterdir())) == 2  # without removal: 3
        settings = Settings(faq_file=faq, content_dir=content, data_dir=data, semantic=False)
        with datadir.engine_for(settings) as (_engine, stand_in):
            assert stand_in
            [running] = set(tmp.iterdir()) - {others}
            with datadir.engine_for(settings):  # `bot.py ask` beside the running bot
                pass
            assert set(tmp.iterdir()) == {others, running}
    assert set(tmp.iterdir()) == {others}
