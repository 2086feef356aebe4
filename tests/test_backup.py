"""`bot.py backup FOLDER`: the operator's copy of what the data folder keeps, taken while
the bot runs, and a bot restored from it keeping its residents' subscriptions."""

from __future__ import annotations

import json
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
