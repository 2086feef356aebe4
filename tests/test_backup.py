"""`bot.py backup FOLDER`: the operator's copy of what the data folder keeps, taken while
the bot runs, and a bot restored from it keeping its residents' subscriptions."""

from __future__ import annotations

import errno
import json
import logging
import os
import stat

import pytest

import bot
from wardbot.store import ChatRef, Store

RESIDENT = ChatRef("telegram", "1001")


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    for name in ("FAQ_FILE", "CONTENT_DIR", "DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


async def test_a_backup_taken_while_the_bot_runs_holds_what_it_saved_last(data, tmp_path, capsys):
    """The subscription just saved is still in the database's write-ahead log while the bot
    runs: the backup holds it all the same, and a bot started on the restored folder still
    alerts that resident. The index, which the bot makes again, is not copied; the portal's
    import log, which it cannot make again, is."""
    (data / "index").mkdir()
    (data / "index" / "segment.seg").write_bytes(b"x" * 1000)
    (data / "portal-imports.json").write_text(json.dumps({"feeds": {}}), encoding="utf-8")
    backup = tmp_path / "backup"
    async with await Store.open(data / "bot.sqlite3") as running:
        await running.subscribe(RESIDENT, "bhyt")
        assert bot.main(["backup", "--data", str(data), str(backup)]) == 0
    out = capsys.readouterr().out
    assert f"backed up {data} into {backup}" in out
    assert sorted(p.name for p in backup.iterdir()) == ["bot.sqlite3", "portal-imports.json"]

    restored = tmp_path / "restored"
    restored.mkdir()
    for each in backup.iterdir():
        (restored / each.name).write_bytes(each.read_bytes())
    async with await Store.open(restored / "bot.sqlite3") as store:
        assert await store.subscriptions_of(RESIDENT) == ["bhyt"]


def test_a_backup_into_a_folder_holding_files_overwrites_nothing(data, tmp_path, capsys):
    """An earlier backup named again by mistake (a cron line without the date) is kept."""
    (data / "bot.sqlite3").write_bytes(b"")
    earlier = tmp_path / "backup"
    earlier.mkdir()
    (earlier / "bot.sqlite3").write_bytes(b"last week's")
    assert bot.main(["backup", "--data", str(data), str(earlier)]) == 1
    assert (
        capsys.readouterr().err
        == f"bot.py backup: {earlier} is not an empty folder: name a new one\n"
    )
    assert (earlier / "bot.sqlite3").read_bytes() == b"last week's"


def test_a_backup_of_a_folder_with_no_database_says_which_folder_to_name(tmp_path, capsys, data):
    """Run where the bot's data is not (another folder, outside the container)."""
    assert bot.main(["backup", "--data", str(tmp_path), str(tmp_path / "b")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"bot.py backup: {tmp_path} holds no bot.sqlite3: name the bot's data")
    assert not (tmp_path / "b").exists()


def test_a_backup_inside_the_data_folder_is_refused(data, capsys):
    """It would be lost with the folder (a Docker volume removed) and copied into each
    next backup."""
    (data / "bot.sqlite3").write_bytes(b"")
    assert bot.main(["backup", "--data", str(data), str(data / "backup")]) == 1
    assert "is inside the data folder" in capsys.readouterr().err
    assert not (data / "backup").exists()


async def test_a_restore_brings_back_what_was_sent_and_forgotten_since(data, tmp_path):
    """What README's "Backups and upgrades" warns the operator of: an alert waiting when
    the backup was taken and sent since waits again in the restored database (it goes out a
    second time), and a chat that sent /forget since is back with its subscription (its
    alerts too), the backup keeping it until deleted."""
    backup = tmp_path / "backup"
    async with await Store.open(data / "bot.sqlite3") as running:
        await running.subscribe(RESIDENT, "bhyt")
        await running.queue_message("Chiều nay cắt điện khu phố 3.", [RESIDENT], 1000.0)
        assert bot.main(["backup", "--data", str(data), str(backup)]) == 0
        (waiting,) = await running.due("telegram", 2000.0)
        await running.mark_done(waiting, "sent", 2000.0)
        await running.forget(RESIDENT)
        assert await running.due("telegram", 3000.0) == []
        assert await running.subscriptions_of(RESIDENT) == []

    restored = tmp_path / "restored"
    restored.mkdir()
    for each in backup.iterdir():
        (restored / each.name).write_bytes(each.read_bytes())
    async with await Store.open(restored / "bot.sqlite3") as store:
        assert [item.chat for item in await store.due("telegram", 3000.0)] == [RESIDENT]
        assert await store.subscriptions_of(RESIDENT) == ["bhyt"]


async def test_residents_data_and_its_backups_are_readable_by_the_bots_user_only(data, tmp_path):
    """On a shared server (the bot under systemd beside other accounts) the database, with
    residents' chats, questions and what they wrote to staff, and each night's copy of it
    were made as the umask makes files (0644): readable by every user of the machine, the
    backups in a folder kept for 30 days too. Both are now the bot's user's alone, the
    write-ahead log beside the database included."""
    previous = os.umask(0o022)  # the usual one, whatever the test runner's
    try:
        async with await Store.open(data / "bot.sqlite3") as running:
            await running.subscribe(RESIDENT, "bhyt")
            for name in ("bot.sqlite3", "bot.sqlite3-wal"):
                assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
            backup = tmp_path / "backup"
            assert bot.main(["backup", "--data", str(data), str(backup)]) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((backup / "bot.sqlite3").stat().st_mode) == 0o600
    async with await Store.open(backup / "bot.sqlite3") as restored:
        assert await restored.subscriptions_of(RESIDENT) == ["bhyt"]


def _older_versions_database(path, *, wal: bool = False) -> None:
    """A database as a version before 0o600 left it: made under the usual umask."""
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE kept (x)")
    db.commit()
    db.close()
    path.chmod(0o644)
    if wal:  # what a bot stopped abruptly leaves beside it
        (path.parent / f"{path.name}-wal").write_bytes(b"")
        (path.parent / f"{path.name}-wal").chmod(0o644)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_database_an_older_version_left_readable_by_all_is_made_private(data, caplog):
    """README told the operator to `chmod 600` it once, by hand; a bot upgraded without it
    kept residents' chats readable by every user of the server. The bot does it at its
    start now, says so once, and not again at the next start."""
    database = data / "bot.sqlite3"
    _older_versions_database(database, wal=True)
    caplog.set_level(logging.WARNING)
    async with await Store.open(database) as store:
        await store.subscribe(RESIDENT, "bhyt")
    for name in ("bot.sqlite3", "bot.sqlite3-wal"):
        if (data / name).exists():
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    (said,) = _warnings(caplog)
    assert said.startswith(f"{database}, {database}-wal could be read by other users")
    caplog.clear()
    async with await Store.open(database) as store:
        assert await store.subscriptions_of(RESIDENT) == ["bhyt"]
    assert _warnings(caplog) == []


async def test_a_database_that_cannot_be_made_private_is_said_so_and_the_bot_starts(
    data, caplog, monkeypatch
):
    """A file system that refuses the change (some network mounts): one line saying what
    to do, and the bot saves as before."""
    database = data / "bot.sqlite3"
    _older_versions_database(database)

    def refused(path, mode, *args, **kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", refused)
    caplog.set_level(logging.WARNING)
    async with await Store.open(database) as store:
        await store.subscribe(RESIDENT, "bhyt")
        assert await store.subscriptions_of(RESIDENT) == ["bhyt"]
    assert _warnings(caplog) == [
        f"{database} can be read by other users of this server, and could not be made "
        "private (Operation not permitted): run chmod 600 on it as the bot's user"
    ]


async def test_a_database_on_a_file_system_without_permissions_is_not_said_made_private(
    data, caplog, monkeypatch
):
    """A data folder on a Windows drive under WSL takes chmod and keeps nothing of it: the
    log said the database was now the bot's user's alone, untrue, at every start. It says
    chmod changes nothing there and where the folder belongs instead."""
    database = data / "bot.sqlite3"
    _older_versions_database(database)
    monkeypatch.setattr(os, "chmod", lambda path, mode, *args, **kwargs: None)
    caplog.set_level(logging.WARNING)
    async with await Store.open(database) as store:
        await store.subscribe(RESIDENT, "bhyt")
    assert _warnings(caplog) == [
        f"{database} can be read by other users of this server, and its file system keeps "
        "no permissions (a Windows drive, a USB stick?): chmod changes nothing there; keep "
        "the bot's data folder on a Linux file system"
    ]


def test_a_backup_makes_the_earlier_backups_beside_it_private(data, tmp_path, caplog):
    """Last month's nightly copies, taken by an older version, were readable by every user
    of the server for as long as they were kept: the next backup makes them its user's."""
    _older_versions_database(data / "bot.sqlite3")
    (data / "bot.sqlite3").chmod(0o600)
    backups = tmp_path / "backups"
    earlier = backups / "2024-05-01"
    earlier.mkdir(parents=True)
    _older_versions_database(earlier / "bot.sqlite3")
    (backups / "notes.txt").write_text("kept as it is", encoding="utf-8")
    (backups / "notes.txt").chmod(0o644)
    caplog.set_level(logging.WARNING)
    assert bot.main(["backup", "--data", str(data), str(backups / "2024-05-02")]) == 0
    assert stat.S_IMODE((earlier / "bot.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((backups / "notes.txt").stat().st_mode) == 0o644
    assert any(str(earlier / "bot.sqlite3") in said for said in _warnings(caplog))
