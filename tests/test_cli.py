"""`python bot.py ...` as staff and deployers use it."""

import argparse
import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import numpy as np
import pytest
from fakes import disk
from sample_ward import NOTICES, write_ward
from test_telegram_app import read_only_folder

import bot
from index.whoosh_index import SearchIndex
from wardbot import alerts, messages, publish
from wardbot.config import ConfigError, Environment, Settings, read_dotenv, unknown_time_zone
from wardbot.faq_file import load_faq
from wardbot.plaintext import plain
from wardbot.sample import SAMPLE_FAQ_SHA256, SAMPLE_NOTICES
from wardbot.store import ChatRef, Store

ROOT = Path(__file__).resolve().parent.parent
# How bot.py says a setting stops it, and how a problem with PUBLIC_URL starts.
STOPPED = "Lỗi cấu hình, bot chưa chạy được: "
PUBLIC_URL_WRONG = "Cài đặt PUBLIC_URL chưa đúng: "
# Every command bot.py has, from its own parser: a new one is held to --help and the README.
PARSERS = next(
    a for a in bot._parser()._actions if isinstance(a, argparse._SubParsersAction)
).choices
COMMANDS = sorted(PARSERS)


@pytest.fixture
def ward(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    for name in ("FAQ_FILE", "CONTENT_DIR", "DATA_DIR", "WARD_HOTLINE", "WARD_NAME"):
        monkeypatch.delenv(name, raising=False)
    # A ward on Telegram only: `announce` queues alerts for the channels the bot runs.
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")
    monkeypatch.delenv("ZALO_BOT_TOKEN", raising=False)
    # The command line's plumbing, on the lexical ranker; meaning: tests/test_meaning.py.
    monkeypatch.setenv("SEMANTIC_MATCHING", "off")
    # What `announce` says does not depend on the hour the suite runs (quiet hours:
    # tests/test_quiet_hours.py, on an injected clock).
    monkeypatch.setenv("QUIET_HOURS", "off")
    # The files these tests write are whole at once: no wait for them to be saved (that
    # wait: the tests of files caught half saved, below).
    monkeypatch.setattr(alerts, "SETTLE_SECONDS", 0.0)
    faq, content = write_ward(tmp_path)
    return ["--faq", str(faq), "--content", str(content), "--data", str(tmp_path / "data")]


def test_ask_json_follows_the_contract(ward, capsys):
    assert bot.main(["ask", "--json", *ward, "muc dong bhyt ho gia dinh"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["question"] == "muc dong bhyt ho gia dinh"
    assert payload["answered"] is True
    assert 1 <= len(payload["results"]) <= 5
    first = payload["results"][0]
    assert first == {
        "type": "faq",
        "id": "bhyt-muc-dong",
        "title": "Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?",
        "score": first["score"],
    }
    scores = [r["score"] for r in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_json_says_when_it_does_not_know(ward, capsys):
    bot.main(["ask", "--json", *ward, "giá vàng hôm nay"])
    assert json.loads(capsys.readouterr().out)["answered"] is False


def test_ask_says_why_the_ward_files_give_it_nothing(ward, tmp_path, capsys):
    """A mistyped --content (or a notice with a problem): the answers would miss every
    notice; staff are told why on stderr, `file:line: ...` as `check` says it."""
    args = [*ward[:2], "--content", str(tmp_path / "contnet"), *ward[4:]]
    assert bot.main(["ask", "--json", *args, "khoi cong cau sa dec"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["question"] == "khoi cong cau sa dec"  # stdout: JSON only
    assert f"{tmp_path / 'contnet'}:1: không tìm thấy thư mục thông báo" in captured.err


def test_ask_answers_from_a_data_folder_it_cannot_write(ward, tmp_path, capsys):
    with read_only_folder(tmp_path / "data"):  # fresh: not even an index in it
        assert bot.main(["ask", "--json", *ward, "muc dong bhyt ho gia dinh"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "bhyt-muc-dong"


@pytest.mark.parametrize("command", ["ask", "chat"])
def test_with_no_folder_to_write_at_all_the_command_says_what_to_do(
    ward, tmp_path, monkeypatch, capsys, command
):
    """`docker run --read-only` with a data volume that cannot be written (mounted :ro,
    another owner, full): the bot answers from a temporary folder, and there is none; it
    stopped on a traceback ending in "No usable temporary directory found"."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    args = ["mat the bhyt"] if command == "ask" else []
    with read_only_folder(tmp_path / "data"), read_only_folder(scratch):
        assert bot.main([command, *ward, *args]) == 1
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"bot.py {command}: the data folder {tmp_path / 'data'} cannot")
    assert "--tmpfs /tmp" in err


def test_ask_answers_when_the_data_disk_fills_up_while_indexing(
    ward, tmp_path, monkeypatch, capsys, caplog
):
    """The first write fits (the disk had a few kilobytes left); the index does not."""
    data = tmp_path / "data"
    build = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def filling(cls, directory, *args, **kwargs):
        if disk.inside(directory, data):
            raise disk.no_space()
        return build(cls, directory, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "build", classmethod(filling))
    assert bot.main(["ask", "--json", *ward, "muc dong bhyt ho gia dinh"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "bhyt-muc-dong"
    assert f"the data folder {data} is full (No space left on device)" in caplog.text


def test_ask_batch_with_no_question_in_the_file_says_so(ward, tmp_path, capsys):
    """The wrong file, or one saved empty: it printed nothing and exited 0."""
    questions = tmp_path / "q.txt"
    questions.write_text("\n  \n", encoding="utf-8")
    assert bot.main(["ask", "--json", "--batch", str(questions), *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"bot.py ask: {questions} holds no question (one a line)\n"
    assert captured.out == ""


def test_ask_given_a_file_instead_of_a_question_points_to_batch(ward, tmp_path, capsys):
    """`ask q.txt` asked the file's name and printed "chưa có thông tin", exit 0."""
    questions = tmp_path / "q.txt"
    questions.write_text("mất thẻ bhyt\n", encoding="utf-8")
    assert bot.main(["ask", str(questions), *ward]) == 2
    captured = capsys.readouterr()
    assert (
        captured.err
        == f"bot.py ask: {questions} is a file; to ask each of its lines, use --batch {questions}\n"
    )
    assert captured.out == ""


def test_ask_with_both_a_question_and_batch_says_which_to_give(ward, tmp_path, capsys):
    """`ask --batch FILE mat the bhyt`: the question was dropped without a word."""
    batch = tmp_path / "questions.txt"
    batch.write_text("lam cccd\n", encoding="utf-8")
    assert bot.main(["ask", *ward, "--batch", str(batch), "mat", "the", "bhyt"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "bot.py ask: give a question or --batch FILE, not both (the question: 'mat the bhyt')\n"
    )


def test_ask_batch_prints_one_json_line_per_question(ward, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text("mất thẻ bhyt\n\ngiá vàng hôm nay\nlam lai cccd\n", encoding="utf-8")
    bot.main(["ask", "--json", "--batch", str(questions), *ward])
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(line)["answered"] for line in lines] == [True, False, True]


def test_ask_batch_reads_stdin(ward, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("khi nào phát học bổng\n"))
    bot.main(["ask", "--json", "--batch", "-", *ward])
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "hoc-bong-khuyen-hoc"


def test_ask_batch_with_a_file_that_is_not_there_says_so_in_one_line(ward, tmp_path, capsys):
    missing = tmp_path / "cau-hoi.txt"
    assert bot.main(["ask", "--batch", str(missing), *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"bot.py ask: cannot read {missing} (No such file or directory)\n"
    assert captured.out == ""


def test_ask_batch_with_a_file_not_in_utf8_names_its_line(ward, tmp_path, monkeypatch, capsys):
    questions = tmp_path / "cau-hoi.txt"
    # Saved by an old editor in Windows-1258: "mất thẻ" is not UTF-8 on the second line.
    questions.write_bytes(b"lam lai cccd\r\nm\xe2t th\xea\xf2 bhyt\r\n")
    assert bot.main(["ask", "--batch", str(questions), *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"bot.py ask: {questions}:2: not UTF-8 text; save the file as UTF-8\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\n")))
    assert bot.main(["ask", "--batch", "-", *ward]) == 2
    assert capsys.readouterr().err == (
        "bot.py ask: standard input:1: not UTF-8 text; save the file as UTF-8\n"
    )


def test_ask_batch_skips_a_byte_order_mark_and_reads_windows_line_ends(ward, tmp_path, capsys):
    questions = tmp_path / "cau-hoi.txt"
    questions.write_bytes("\ufeffmất thẻ bhyt\r\nlam lai cccd\r\n".encode())
    assert bot.main(["ask", "--json", "--batch", str(questions), *ward]) == 0
    asked = [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()]
    assert asked == ["mất thẻ bhyt", "lam lai cccd"]


def test_ask_batch_reads_questions_excel_saved_as_unicode_text(ward, tmp_path, capsys):
    """Excel's "Unicode Text (*.txt)" and Notepad's "Unicode": UTF-16 with its mark."""
    questions = tmp_path / "cau-hoi.txt"
    questions.write_bytes(b"\xff\xfe" + "mất thẻ bhyt\r\nlam lai cccd\r\n".encode("utf-16-le"))
    assert bot.main(["ask", "--json", "--batch", str(questions), *ward]) == 0
    asked = [json.loads(line)["question"] for line in capsys.readouterr().out.splitlines()]
    assert asked == ["mất thẻ bhyt", "lam lai cccd"]


def test_ask_plain_shows_the_answer_text(ward, capsys):
    bot.main(["ask", *ward, "lam lai cccd bi mat o dau"])
    assert "Công an cấp xã" in capsys.readouterr().out


def test_ask_plain_without_an_answer_gives_the_hotline(ward, monkeypatch, capsys):
    monkeypatch.setenv("WARD_HOTLINE", "0299 123 456")
    bot.main(["ask", *ward, "giá vàng hôm nay"])
    assert "0299 123 456" in capsys.readouterr().out


def test_a_dotenv_file_in_the_working_directory_is_read(ward, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WARD_HOTLINE", "")  # restored (unset) after the test...
    monkeypatch.delenv("WARD_HOTLINE")  # ...and unset now: the .env is what sets it
    (tmp_path / ".env").write_text("WARD_HOTLINE=0299 555 777\n", encoding="utf-8")
    bot.main(["ask", *ward, "giá vàng hôm nay"])
    assert "0299 555 777" in capsys.readouterr().out


def test_a_blank_environment_variable_leaves_the_dotenv_files_value(
    ward, tmp_path, monkeypatch, capsys
):
    """A variable set blank is unset to the bot (`export WARD_HOTLINE=`, compose's
    `${WARD_HOTLINE}` when the shell has none): it hid the .env's value all the same."""
    monkeypatch.setenv("WARD_HOTLINE", " ")
    (tmp_path / ".env").write_text("WARD_HOTLINE=0299 555 777\n", encoding="utf-8")
    bot.main(["ask", *ward, "giá vàng hôm nay"])
    assert "0299 555 777" in capsys.readouterr().out


def test_a_dotenv_file_not_in_utf8_is_one_configuration_line_naming_it(ward, tmp_path, capsys):
    """A .env saved in Windows-1258 (or UTF-16) by a Windows editor: one line naming the
    file, its line and the fix, not a UnicodeDecodeError traceback."""
    # "Phường" in Windows-1258: ư, ơ, then the grave accent as a combining mark.
    (tmp_path / ".env").write_bytes(
        b"WARD_HOTLINE=0299 555 777\nWARD_NAME=UBND Ph\xfd\xf5\xccng 2\n"
    )
    assert bot.main(["check", *ward]) == 2
    assert capsys.readouterr().err == (
        f"Lỗi cấu hình, bot chưa chạy được: {tmp_path / '.env'}:2: tệp không phải văn bản "
        "UTF-8; hãy lưu lại tệp với bảng mã UTF-8\n"
    )


def test_a_dotenv_line_that_is_no_setting_stops_the_bot_naming_its_line(ward, tmp_path, capsys):
    """`WARD_NAME: UBND Phường 2` (written as in YAML) was skipped with a log line naming
    no file, and the bot ran as 'UBND phường'. Now one line names the file and the line,
    and never shows what is written there (it may be a token)."""
    (tmp_path / ".env").write_text(
        "WARD_HOTLINE=0299 555 777\n\n# Phường 2\nWARD_NAME: UBND Phường 2\nHTTP_PORT=8080\n",
        encoding="utf-8",
    )
    assert bot.main(["check", *ward]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"Lỗi cấu hình, bot chưa chạy được: {tmp_path / '.env'}:4: dòng này không phải một "
        "cài đặt: mỗi cài đặt viết trên một dòng, dạng TÊN=giá trị"
    )
    assert len(err.splitlines()) == 1 and "UBND" not in err


def test_a_dotenv_name_close_to_a_setting_is_warned_of_with_the_right_one(
    ward, tmp_path, monkeypatch, capsys
):
    """`TELEGRAM_TOKEN=...` or `ward_hotline=...` in the .env: read by nothing, the bot ran
    without Telegram or without its hotline, and said nothing of the line."""
    for name in ("WARD_HOTLINE", "ward_hotline", "TELEGRAM_TOKEN", "COMPOSE_PROJECT_NAME"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test: the .env sets them
        monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(
        "# the ward\nward_hotline=0299 555 777\nTELEGRAM_TOKEN=123456789:AAE-s3cret\n"
        "COMPOSE_PROJECT_NAME=wardbot\n",  # another program's: not the bot's business
        encoding="utf-8",
    )
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    env = tmp_path / ".env"
    assert capsys.readouterr().err.splitlines() == [
        f"Cảnh báo cấu hình: {env}:2: bot không có cài đặt ward_hotline nên bỏ qua dòng "
        "này; có lẽ anh/chị muốn viết WARD_HOTLINE",
        f"Cảnh báo cấu hình: {env}:3: bot không có cài đặt TELEGRAM_TOKEN nên bỏ qua dòng "
        "này; có lẽ anh/chị muốn viết TELEGRAM_BOT_TOKEN",
    ]


@pytest.fixture
def open_folder(monkeypatch):
    """The working folder of a bot set up where every user of the server may pass (as a
    folder made under the usual umask is, 0o755): pytest's own folders are its user's
    alone (0o700), and keep the files in them from other users whatever their mode."""
    folder = Path(tempfile.mkdtemp(prefix="open-ward-"))
    folder.chmod(0o755)
    assert all(p.stat().st_mode & 0o001 for p in folder.parents), "a temp folder shut to others"
    monkeypatch.chdir(folder)
    yield folder
    folder.chmod(0o700)
    shutil.rmtree(folder)


# As root, who may read and write anything, a command run as the bot's user runs as nobody
# (util-linux's setpriv).
AS_THE_BOTS_USER = (
    ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
)


def check_as_the_bots_user(folder: Path, data: Path) -> subprocess.CompletedProcess[str]:
    """`bot.py check` of the ward written in `folder` (an `open_folder`), its data in
    `data`, as a user other than the files' owner."""
    ward = ["--faq", str(folder / "faq.yaml"), "--content", str(folder / "content")]
    return subprocess.run(
        [*AS_THE_BOTS_USER, sys.executable, str(ROOT / "bot.py"), "check", *ward, "--data", data],
        capture_output=True,
        text=True,
        check=False,
        cwd=folder,
    )


def test_a_dotenv_holding_a_token_every_user_may_read_is_warned_of(ward, open_folder, capsys):
    """A .env written under the usual umask (0o644) gives the bot's token to every user of
    the server: with it they read what residents write and write as the ward. Said at
    each start, naming the settings, never their values; not once the file is private,
    nor for a .env without secrets."""
    env = open_folder / ".env"
    env.write_text(
        "WARD_HOTLINE=0299 555 777\nTELEGRAM_BOT_TOKEN=123456789:AAE-s3cret-k9\n"
        "ZALO_WEBHOOK_SECRET=\n",  # empty: nothing to give away
        encoding="utf-8",
    )
    env.chmod(0o644)
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"Cảnh báo cấu hình: {env} chứa TELEGRAM_BOT_TOKEN mà mọi người dùng khác trên máy "
        f"này đều đọc được: hãy chạy chmod 600 {env} (chmod 640 nếu bot chạy bằng một người "
        "dùng khác thuộc nhóm của tệp)"
    ]
    # As a Windows drive under WSL shows every file, where chmod changes nothing: said.
    env.chmod(0o777)
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith(
        "nếu chmod không đổi được gì, tệp nằm trên ổ đĩa Windows hay USB không giữ quyền "
        "tệp: hãy chuyển thư mục của bot sang ổ đĩa Linux (như /home hay /srv)"
    )
    env.chmod(0o640)
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    assert capsys.readouterr().err == ""
    env.write_text("WARD_HOTLINE=0299 555 777\n", encoding="utf-8")
    env.chmod(0o644)
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("shut", [0o700, 0o750, 0o710], ids=oct)
def test_a_dotenv_in_a_folder_others_cannot_enter_is_not_warned_of(
    ward, open_folder, monkeypatch, capsys, shut
):
    """A .env left 0o644 in a folder only its owner (or group) may enter, a home folder say,
    is out of other users' reach: a warning then would be untrue, and teach staff to pass
    over the bot's warnings. Any folder on the way shuts them out, however far up; once
    the folders let them in again, the warning is back."""
    deploy = open_folder / "srv" / "wardbot"
    deploy.mkdir(parents=True, mode=0o755)
    env = deploy / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=123456789:AAE-s3cret-k9\n", encoding="utf-8")
    env.chmod(0o644)
    monkeypatch.chdir(deploy)
    (open_folder / "srv").chmod(shut)
    try:
        assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
        assert capsys.readouterr().err == ""
    finally:
        (open_folder / "srv").chmod(0o755)
    assert bot.main(["ask", *ward, "giá vàng hôm nay"]) == 0
    assert "mọi người dùng khác trên máy này đều đọc được" in capsys.readouterr().err


def test_a_name_close_to_a_setting_in_the_environment_is_warned_of_too(ward, monkeypatch, capsys):
    """`docker run --env-file .env` (as README's Docker section says) or systemd's
    Environment= give the settings in the environment, where the bot reads no .env: a
    `WARD_HOTLNE` there left residents without the ward's hotline, and nothing said so.
    The system's own names (XDG_DATA_DIRS) are left alone; the value is never shown."""
    monkeypatch.setenv("WARD_HOTLNE", "0299 555 777")
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456789:AAE-s3cret")
    monkeypatch.setenv("XDG_DATA_DIRS", "/usr/local/share:/usr/share")
    monkeypatch.setenv("COMPOSE_PROJECT_NAME", "wardbot")
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[:-1] == [  # then check's summary
        "Cảnh báo cấu hình: bot không có cài đặt TELEGRAM_TOKEN (đặt trong biến môi trường) "
        "nên bỏ qua nó; có lẽ anh/chị muốn viết TELEGRAM_BOT_TOKEN",
        "Cảnh báo cấu hình: bot không có cài đặt WARD_HOTLNE (đặt trong biến môi trường) nên "
        "bỏ qua nó; có lẽ anh/chị muốn viết WARD_HOTLINE",
    ]
    assert "s3cret" not in err


def test_a_time_zone_the_system_does_not_know_is_warned_of(ward, monkeypatch, capsys):
    """`-e TZ=Asia/Hanoi` (no such zone: Asia/Ho_Chi_Minh is Vietnam's): the C library
    takes UTC without a word, and staff read the log's times as Vietnam's."""
    monkeypatch.setenv("TZ", "Asia/Hanoi")
    try:
        assert bot.main(["check", *ward]) == 0
    finally:
        monkeypatch.undo()
        time.tzset()  # this process's zone as it was
    assert capsys.readouterr().err.splitlines()[:-1] == [  # then check's summary
        "Cảnh báo cấu hình: TZ=Asia/Hanoi không phải múi giờ máy này biết, nên giờ trong nhật "
        "ký là giờ UTC (+0000): để dùng giờ Việt Nam, hãy viết TZ=Asia/Ho_Chi_Minh"
    ]


def test_without_time_zone_files_vietnams_time_is_spelt_out(monkeypatch):
    """A system without tzdata knows no Asia/Ho_Chi_Minh either: the warning gives the
    POSIX spelling, which needs no file."""
    import zoneinfo

    monkeypatch.setattr(zoneinfo, "TZPATH", ())
    assert unknown_time_zone({"TZ": "Asia/Ho_Chi_Minh"}) == [
        "TZ=Asia/Ho_Chi_Minh không phải múi giờ máy này biết, nên giờ trong nhật ký là giờ UTC "
        "(+0000): để dùng giờ Việt Nam, hãy viết TZ=ICT-7"
    ]


@pytest.mark.parametrize("zone", ["UTC+7", "GMT+7", "ICT+7", "ICT7", "<+07>7", "utc+07:00"])
def test_vietnams_offset_with_posixs_sign_is_warned_of(zone):
    """POSIX counts hours west of Greenwich: `TZ=UTC+7`, written for Vietnam's UTC+7, is
    7 hours behind UTC (-0700), and the log's times were 14 hours off without a word."""
    assert unknown_time_zone({"TZ": zone}) == [
        f"TZ={zone} theo cách viết này là chậm hơn UTC 7 giờ (-0700), vì cách viết này đếm "
        "theo chiều ngược lại: để dùng giờ Việt Nam (+0700), hãy viết TZ=ICT-7 hoặc "
        "TZ=Asia/Ho_Chi_Minh"
    ]


@pytest.mark.parametrize(
    "zone", ["Asia/Ho_Chi_Minh", ":Asia/Saigon", "ICT-7", "UTC-7", "MST7", "UTC", ""]
)
def test_a_time_zone_the_system_knows_is_not_warned_of(zone, ward, monkeypatch, capsys):
    monkeypatch.setenv("TZ", zone)
    try:
        assert bot.main(["check", *ward]) == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "TZ" not in capsys.readouterr().err


@pytest.mark.parametrize("written", ["Asia/Ho_Chi_Minh ", " Asia/Ho_Chi_Minh", "ICT-7 "])
def test_a_time_zone_with_a_space_around_it_is_still_vietnams(written, ward, monkeypatch, capsys):
    """A line of `docker run --env-file` keeps the space left at its end, and the C library
    takes `Asia/Ho_Chi_Minh ` for no zone at all: the log's times were UTC, while the
    warning for an unknown zone (reading TZ without its spaces, as the bot reads each of
    its settings) said nothing."""
    monkeypatch.setenv("TZ", written)
    try:
        assert bot.main(["check", *ward]) == 0
        offset = time.strftime("%z", time.localtime(1_780_000_000))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert offset == "+0700"
    assert "TZ" not in capsys.readouterr().err


def test_a_path_from_the_home_folder_in_the_dotenv_is_the_home_folders(
    ward, tmp_path, monkeypatch, capsys
):
    """`FAQ_FILE=~/ward/faq.yaml` in the .env: no shell expands its ~, and `check` said the
    file was not found at the very path staff had written."""
    home = tmp_path / "home"
    (home / "ward").mkdir(parents=True)
    shutil.copy(tmp_path / "faq.yaml", home / "ward" / "faq.yaml")
    monkeypatch.setenv("HOME", str(home))
    for name in ("FAQ_FILE", "CONTENT_DIR", "DATA_DIR"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test: the .env sets them
        monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(
        "FAQ_FILE=~/ward/faq.yaml\nCONTENT_DIR=~/ward/content\nDATA_DIR=~/ward/data\n",
        encoding="utf-8",
    )
    assert bot.main(["index"]) == 0, capsys.readouterr().err
    assert (home / "ward" / "data" / "index").is_dir()
    settings = Settings.from_env()
    assert (settings.faq_file, settings.content_dir) == (
        home / "ward" / "faq.yaml",
        home / "ward" / "content",
    )


def test_a_path_from_the_home_folder_after_an_equals_sign_is_the_home_folders(
    ward, tmp_path, monkeypatch, capsys
):
    """`--faq=~/ward/faq.yaml`: the shell leaves a ~ after '=' as it is, and `check` said
    the file was not found at the very path typed; `--data=~/ward/data` made a folder
    named '~' in the working folder."""
    home = tmp_path / "home"
    (home / "ward").mkdir(parents=True)
    shutil.copy(tmp_path / "faq.yaml", home / "ward" / "faq.yaml")
    shutil.copytree(tmp_path / "content", home / "ward" / "content")
    monkeypatch.setenv("HOME", str(home))
    typed = ["--faq=~/ward/faq.yaml", "--content=~/ward/content", "--data=~/ward/data"]
    assert bot.main(["check", *typed]) == 0, capsys.readouterr().err
    assert bot.main([*typed, "index"]) == 0, capsys.readouterr().err
    assert (home / "ward" / "data" / "index").is_dir()
    assert not (tmp_path / "~").exists()


def test_a_dotenv_files_proxy_is_the_one_the_web_server_trusts(ward, tmp_path, monkeypatch):
    """A proxy named in the .env is checked at start and trusted, not checked and then
    ignored (every resident of the web chat counting as the proxy's one address)."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")  # restored (unset) after the test...
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")  # ...and unset now: the .env is what sets it
    (tmp_path / ".env").write_text("FORWARDED_ALLOW_IPS=172.17.0.1\n", encoding="utf-8")
    assert bot.main(["check", *ward]) == 0
    assert Settings.from_env().forwarded_allow_ips == ("172.17.0.1",)

    (tmp_path / ".env").write_text("FORWARDED_ALLOW_IPS=nginx\n", encoding="utf-8")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    assert bot.main(["check", *ward]) == 2  # checked as the environment's own


def test_a_value_without_words_of_its_own_is_still_one_line_naming_the_variable():
    """A check in wardbot.config says what is wrong in its own words; anything else pydantic
    refuses is a ConfigError naming the variable, never a ValidationError, and without the
    value (it may be a token)."""
    from pydantic import Field, ValidationError

    from wardbot import config

    class Wider(config.Environment):
        retries: Annotated[int, Field(alias="RETRIES")] = 3

    with pytest.raises(ValidationError) as refused:
        Wider.model_validate({"RETRIES": "s3cret"})
    error = config._config_error(refused.value)
    assert isinstance(error, config.ConfigError)
    assert str(error) == "Cài đặt RETRIES chưa đúng: phải là một số nguyên."
    assert "s3cret" not in str(error)

    with pytest.raises(ValidationError) as refused:
        Wider.model_validate({"HTTP_PORT": "70000"})
    assert str(config._config_error(refused.value)) == (
        "Cài đặt HTTP_PORT chưa đúng: phải là số cổng từ 1 đến 65535, không phải 70000. "
        "Ví dụ viết đúng: HTTP_PORT=8080"
    )


def test_a_wrong_admin_id_stops_the_bot_with_a_vietnamese_line_and_a_right_value(
    ward, monkeypatch, capsys
):
    """Ward staff set the .env: `ADMIN_IDS=local:staff` stopped the bot with an English
    line ("ADMIN_IDS entry 'local:staff' must be ..."). Now it says, in Vietnamese, which
    setting is wrong, why, and a value to copy."""
    monkeypatch.setenv("ADMIN_IDS", "local:staff")
    assert bot.main(["check", *ward]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{STOPPED}Cài đặt ADMIN_IDS chưa đúng: “local:staff” phải có dạng ")
    assert err.endswith("Ví dụ viết đúng: ADMIN_IDS=telegram:123456789,zalo:8a1b2c3d4e5f\n")


# Words of the English messages these replaced: none is left in what staff read.
ENGLISH = re.compile(r"\b(must|should|entry|got|example|write|setting|required|between)\b")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "telegram:12ab"),
        ("ADMIN_IDS", "telegram:1087968824"),
        ("HTTP_PORT", "tám nghìn"),
        ("QUESTION_LOG_DAYS", "-3"),
        ("WEB_CHAT", "bật"),
        ("STAFF_CHAT_ID", "nhóm cán bộ"),
        ("STAFF_SIGNATURE", "cán bộ"),
        ("OFFICE_HOURS", "T2-T6"),
        ("OFFICE_HOURS", "T2-T9 7:30-11:30"),
        ("OFFICE_CLOSED", "31/2"),
        ("QUIET_HOURS", "22h"),
        ("FORWARDED_ALLOW_IPS", "proxy"),
        ("WEB_ALLOWED_ORIGINS", "phuong2.gov.vn/chat"),
        ("PORTAL_FEEDS", "phuong2.gov.vn/rss"),
        ("ZALO_BOT_URL", "zalo bot"),
        ("WARD_NAME", "'UBND Phường 2'"),
        ("WARD_HOTLINE", "0276 3822 123 # gọi giờ hành chính"),
    ],
)
def test_every_wrong_setting_says_which_what_and_a_right_value_in_vietnamese(name, value):
    """One shape for every problem a setting has: which setting, what is wrong (in
    Vietnamese, none of the English it was written in), and a right value to copy."""
    env = {name: value, **({"OFFICE_HOURS": "T2-T6 7:30-17:00"} if name == "OFFICE_CLOSED" else {})}
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(env)
    message = str(refused.value)
    assert message.startswith(f"Cài đặt {name} chưa đúng: "), message
    right = message.partition(f". Ví dụ viết đúng: {name}=")[2]
    assert right, message
    assert not ENGLISH.search(message), message
    Environment.model_validate({**env, name: right})  # a right value is accepted as written


# What a setting's example needs beside it to be accepted by the bot's own checks.
_COMPANIONS = {
    "OFFICE_CLOSED": {"OFFICE_HOURS": "T2-T6 7:30-17:00"},
    "STAFF_CHAT_ID": {"TELEGRAM_BOT_TOKEN": "123456789:AAE-test"},
    "TELEGRAM_WEBHOOK_SECRET": {
        "TELEGRAM_BOT_TOKEN": "123456789:AAE-test",
        "PUBLIC_URL": "https://bot.phuong2.gov.vn",
    },
    "ZALO_WEBHOOK_SECRET": {
        "ZALO_BOT_TOKEN": "1234567890:zalo-test",
        "PUBLIC_URL": "https://bot.phuong2.gov.vn",
    },
}
_ZALO_OA = {
    "ZALO_OA_APP_ID": "1234",
    "ZALO_OA_APP_SECRET": "app-secret",
    "ZALO_OA_SECRET_KEY": "oa-key",
    "ZALO_OA_REFRESH_TOKEN": "refresh",
    "PUBLIC_URL": "https://bot.phuong2.gov.vn",
}


@pytest.mark.parametrize("name", sorted(messages.SETTING_EXAMPLES))
def test_every_setting_has_a_right_value_to_show_and_it_is_accepted(name):
    """SETTING_EXAMPLES is what a problem with a setting offers to copy: a setting added
    without one would be told with no example, and a wrong example would stop the bot.
    Copied as shown, it passes every check the bot makes at start, its channel's too
    (`ZALO_OA_APP_SECRET=aBcD... (khóa bí mật ...)` was refused for its space, and
    `TELEGRAM_BOT_TOKEN=123456789:AAE...` was no token)."""
    assert set(messages.SETTING_EXAMPLES) == Environment.variables()
    env = {**_COMPANIONS.get(name, {}), **(_ZALO_OA if name.startswith("ZALO_OA") else {})}
    Settings.from_env({**env, name: messages.SETTING_EXAMPLES[name]})


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # A line break lost: the next setting's token is read as WEB_CHAT's value.
        ("WEB_CHAT=on TELEGRAM_BOT_TOKEN=123456789:AAE-k_9zQ-Xw_4", "“on TELEGRAM_BOT_TOKEN="),
        # A token pasted on the wrong line: its bot id may show, never its secret.
        ("HTTP_PORT=123456789:AAE-k_9zQ-Xw_4", "“123456789:"),
        ("ADMIN_IDS=telegram:123456789:AAE-k_9zQ-Xw_4", "“telegram:123456789:"),
        ("WEB_CHAT=on ZALO_OA_APP_SECRET=k_9zQ-Xw_4", "“on ZALO_OA_APP_SECRET="),
    ],
)
def test_a_wrong_setting_never_shows_a_secret_written_in_it(
    ward, tmp_path, monkeypatch, capsys, line, shown
):
    """The line staff read when a setting is wrong quotes what was written, to be found
    in the .env; a bot token's secret in it is masked (the line is pasted into chats and
    issues asking for help, and the token gives the bot away)."""
    name = line.partition("=")[0]
    monkeypatch.setenv(name, "")  # restored (unset) after the test: the .env sets it
    monkeypatch.delenv(name)
    (tmp_path / ".env").write_text(f"{line}\n", encoding="utf-8")
    assert bot.main(["check", *ward]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{STOPPED}Cài đặt {name} chưa đúng: "), err
    assert f"{shown}********”" in err, err
    assert "k_9zQ-Xw_4" not in err, err


def test_check_passes_on_good_files(ward, capsys):
    assert bot.main(["check", *ward]) == 0


def test_check_fails_with_file_and_line(ward, tmp_path, capsys):
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("    answer: Có thể", "    anwser: Có thể")
    )
    (tmp_path / "content" / "ghi-chu.md").write_text("không có ngày\n", encoding="utf-8")
    assert bot.main(["check", *ward]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(re.match(rf"{re.escape(str(faq))}:\d+: .*anwser", line) for line in out)
    assert any("ghi-chu.md:1:" in line for line in out)


def test_check_tells_staff_an_answer_typed_on_two_lines_is_read_as_one(ward, tmp_path, capsys):
    """Without `answer: |` YAML joins the next line on: staff see two lines, residents one."""
    faq = tmp_path / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    typed = "    answer: Có thể dùng thẻ căn cước gắn chip\n      hoặc ứng dụng VssID"
    faq.write_text(text.replace("    answer: Có thể dùng thẻ căn cước gắn chip hoặc", typed))
    line = faq.read_text(encoding="utf-8").split("\n").index(typed.split("\n")[0]) + 1
    assert bot.main(["check", *ward]) == 1
    (told,) = [out for out in capsys.readouterr().out.splitlines() if "answer: |" in out]
    assert told.startswith(f"{faq}:{line}: mục 'bhyt-mat-the': dòng answer: ")
    assert told.endswith("tạm nối các dòng, mục vẫn được dùng")


def test_check_reports_a_sync_tools_conflict_copy_of_the_faq(ward, tmp_path, capsys):
    """Two officers saved faq.yaml at once through a shared folder: the copy the sync tool
    kept is read by nobody, and `check` says so, where it said all was well."""
    copy = tmp_path / "faq.sync-conflict-20261130-101500-ABCDEFG.yaml"
    copy.write_text((tmp_path / "faq.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert bot.main(["check", *ward]) == 1
    assert f"{copy}:1: tệp này là bản xung đột của faq.yaml" in capsys.readouterr().out


def test_check_reports_a_notice_over_max_notice_kb(ward, tmp_path, monkeypatch, capsys):
    notices = sorted((tmp_path / "content").glob("*.md"))
    biggest = max(notices, key=lambda path: path.stat().st_size)
    assert bot.main(["check", *ward]) == 0
    capsys.readouterr()
    monkeypatch.setenv("MAX_NOTICE_KB", "1")
    padded = biggest.read_text(encoding="utf-8") + "\nPhụ lục kèm theo.\n" * 200
    biggest.write_text(padded, encoding="utf-8")
    size_kb = -(-biggest.stat().st_size // 1024)
    assert bot.main(["check", *ward]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith(f"{biggest}:1: tệp quá lớn ({size_kb} KB, tối đa 1 KB)") for line in out
    ), out


def test_check_warns_when_faq_lost_many_entries_since_the_last_good_copy(ward, tmp_path, capsys):
    assert bot.main(["index", *ward]) == 0  # the bot has served the full file
    faq = tmp_path / "faq.yaml"
    full = faq.read_text(encoding="utf-8")
    faq.write_text(full[: full.index("  - id: tam-tru")], encoding="utf-8")
    capsys.readouterr()
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert "cảnh báo:" in err and "mất 3 trong số 8 câu hỏi đáp" in err
    assert "tam-tru, thuong-tru, gio-lam-viec" in err
    assert "Không có lỗi, nhưng xem cảnh báo ở trên" in err


def test_check_warns_of_a_data_folder_the_bot_cannot_write(ward, tmp_path, capsys):
    """`check` said "Không có lỗi" of a deployment whose --data names a file (a backup's
    name, a typo): the bot then starts answering questions only, with no subscriptions
    nor alerts, and staff learn it from residents. Said as a warning naming the folder;
    a folder not made yet is fine (the bot makes it) and `check` does not make it."""
    (tmp_path / "backup.tar").write_bytes(b"not a folder")
    for data in (tmp_path / "backup.tar", tmp_path / "backup.tar" / "data"):
        assert bot.main(["check", *ward[:-1], str(data)]) == 0
        err = capsys.readouterr().err.splitlines()
        assert err[-2].startswith(
            f"cảnh báo: {data}: bot không ghi được vào thư mục dữ liệu này ("
        ), err
        assert "đăng ký nhận tin, tin báo và nhật ký câu hỏi đều ngừng" in err[-2]
        assert err[-1].startswith("Không có lỗi, nhưng xem cảnh báo ở trên")
    fresh = tmp_path / "srv" / "data"
    assert bot.main(["check", *ward[:-1], str(fresh)]) == 0
    assert capsys.readouterr().err.startswith("Không có lỗi;")
    assert not fresh.parent.exists()


def test_check_as_the_bots_user_warns_of_a_data_folder_owned_by_another(open_folder):
    """Docker's volume made by root, the bot running as its own user: the data folder (or
    the folder it would be made in) cannot be written by it, which `check` run as that
    user now says."""
    write_ward(open_folder)
    data = open_folder / "data"
    data.mkdir(mode=0o555)
    data.chmod(0o555)  # not even its owner's, for a suite run as another user than root
    try:
        results = [check_as_the_bots_user(open_folder, where) for where in (data, data / "new")]
    finally:
        data.chmod(0o755)
    for where, result in zip((data, data / "new"), results, strict=True):
        assert result.returncode == 0, result.stderr
        assert f"cảnh báo: {where}: bot không ghi được vào thư mục dữ liệu này (" in result.stderr
        assert "Permission denied" in result.stderr


@pytest.mark.parametrize("held", ["bot.sqlite3", "index/gen-1"])
def test_check_as_the_bots_user_warns_of_its_database_or_index_made_by_another(open_folder, held):
    """A restore, or `bot.py index`, run as root leaves the database or the search index
    root's in a data folder the bot may write: `check` said "Không có lỗi", and the bot
    started answering questions only, without subscriptions or alerts. Now said, naming
    the file or folder; once the bot may write it, nothing is (a volume's lost+found,
    root's alone, is none of the bot's)."""
    write_ward(open_folder)
    data = open_folder / "data"
    data.mkdir(mode=0o777)
    data.chmod(0o777)
    path = data / held
    if held.endswith(".sqlite3"):
        sqlite3.connect(path).close()
    else:
        path.parent.mkdir(mode=0o777)
        path.parent.chmod(0o777)  # the bot's: only the generation inside is root's
        path.mkdir()
    path.chmod(0o755 if AS_THE_BOTS_USER else 0o555)  # the owner's, root's: not the bot's
    try:
        warned = check_as_the_bots_user(open_folder, data)
        path.chmod(0o777)
        (data / "lost+found").mkdir(mode=0o700 if AS_THE_BOTS_USER else 0o500)
        fine = check_as_the_bots_user(open_folder, data)
    finally:
        path.chmod(0o755)
    assert warned.returncode == 0, warned.stderr
    assert f"cảnh báo: {data}: bot không ghi được vào thư mục dữ liệu này ({path}: " in (
        warned.stderr
    )
    assert fine.stderr.startswith("Không có lỗi;"), fine.stderr


def test_check_warns_of_the_sample_wards_notices_left_in_content(ward, tmp_path, capsys):
    """Step 2 of "Your own ward" has `check` run until it reports no problem: a ward that
    wrote its own faq.yaml but kept the sample's content/ heard nothing of the other ward's
    news it was about to serve as its own. `check` names them (not an error: exit 0)."""
    assert bot.main(["check", *ward]) == 0
    assert "phường mẫu" not in capsys.readouterr().err  # the ward's own notices only
    # Those with no topics of the sample's faq.yaml, which this ward's lacks (an error).
    shipped = [
        notice
        for notice in sorted((ROOT / "content").glob("*.md"))
        if "\ntopics:" not in notice.read_text(encoding="utf-8")
    ]
    for notice in shipped[:3]:
        shutil.copy(notice, tmp_path / "content" / notice.name)
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {tmp_path / 'content'}: {shipped[0].name} và 2 thông báo khác là thông báo "
        "của phường mẫu đi kèm chương trình"
    ) in err
    assert "Không có lỗi, nhưng xem cảnh báo ở trên" in err


def test_check_of_the_sample_ward_itself_warns_of_nothing(ward, tmp_path, capsys):
    """The README's first step tries the sample, and `make check` in a fresh checkout checks
    it: its notices are that ward's own news, not another's left behind, and the new user
    was told to delete them ("hãy xóa chúng") with no ward of their own yet. A faq.yaml made
    the ward's own, by editing the sample's in place, still hears of them."""
    data = ["--data", str(tmp_path / "data")]
    sample = ["--faq", str(ROOT / "faq.yaml"), "--content", str(ROOT / "content")]
    assert bot.main(["check", *sample, *data]) == 0
    err = capsys.readouterr().err
    assert "cảnh báo" not in err and "phường mẫu" not in err, err
    assert "Không có lỗi" in err and "xem cảnh báo" not in err, err
    # With Windows line endings (git's autocrlf) it is the same sample.
    faq = tmp_path / "own" / "faq.yaml"
    faq.parent.mkdir()
    faq.write_bytes((ROOT / "faq.yaml").read_bytes().replace(b"\n", b"\r\n"))
    mine = ["--faq", str(faq), "--content", str(ROOT / "content")]
    assert bot.main(["check", *mine, *data]) == 0
    assert "phường mẫu" not in capsys.readouterr().err
    # One answer of its own: this ward's FAQ, serving the sample's news as its own.
    text = (ROOT / "faq.yaml").read_text(encoding="utf-8")
    faq.write_text(
        text.replace("một cửa UBND phường", "một cửa UBND phường Tân Hòa"), encoding="utf-8"
    )
    assert bot.main(["check", *mine, *data]) == 0
    err = capsys.readouterr().err
    assert "và 19 thông báo khác là thông báo của phường mẫu" in err, err


def test_every_notice_shipped_in_the_sample_is_known_as_the_samples():
    """The list `check` and `run` recognise the sample by is the content/ folder shipped,
    and its faq.yaml the one they tell the sample ward itself by."""
    shipped = {notice.stem for notice in (ROOT / "content").glob("*.md")}
    assert shipped == SAMPLE_NOTICES
    faq = (ROOT / "faq.yaml").read_bytes().replace(b"\r\n", b"\n")
    assert hashlib.sha256(faq).hexdigest() == SAMPLE_FAQ_SHA256, (
        "faq.yaml changed: put its SHA-256 in wardbot/sample.py's SAMPLE_FAQ_SHA256"
    )


def test_check_warns_of_a_notice_dated_otherwise_than_its_file_name(ward, tmp_path, capsys):
    """Copied from last month's notice, its date: line left as it was: published under
    that date (not an error: some wards name files by the day they put them up), but
    `check` points at it, so the running bot's note that it alerted nobody is no surprise."""
    copy = tmp_path / "content" / "2026-11-30-lich-tiep-dan.md"
    copy.write_text(
        "---\ntitle: Lịch tiếp dân tháng 12\ndate: 2026-10-30\n---\nThứ năm hằng tuần.\n",
        encoding="utf-8",
    )
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {copy}:3: dòng date: ghi ngày 2026-10-30, tên tệp ghi ngày 2026-11-30: nếu "
        "tệp được chép từ một thông báo cũ, hãy sửa dòng date:"
    ) in err
    assert "Không có lỗi, nhưng xem cảnh báo ở trên" in err


def test_check_warns_of_a_one_word_keyword_typed_without_accents(ward, tmp_path, capsys):
    """Staff typing on a phone write "tam tru" or "Tru": a phrase still finds the notices
    spelling it with accents, one word alone only itself ("tru" could be "trú", "trụ"):
    `check` says so, and to type it with accents; abbreviations are no such word."""
    faq = tmp_path / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    typed = "[thường trú, tam tru, Tru, ct07, cư trú]"
    faq.write_text(text.replace("[thường trú, tạm trú, cư trú]", typed, 1), encoding="utf-8")
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {faq}: chủ đề 'cu-tru': từ khóa 'tru' gõ không dấu chỉ khớp đúng chữ "
        "'tru' không dấu, không khớp chữ có dấu trong thông báo"
    ) in err, err
    assert err.count("cảnh báo:") == 1, err
    assert "Không có lỗi, nhưng xem cảnh báo ở trên" in err


def test_check_says_a_date_after_its_file_names_is_mistyped_not_copied(ward, tmp_path, capsys):
    """2062 typed for 2026: no older notice to have copied it from; staff are told of a
    mistyped date, as the running bot tells admins."""
    notice = tmp_path / "content" / "2026-11-30-lich-cat-dien.md"
    notice.write_text(
        "---\ntitle: Lịch cắt điện\ndate: 2062-11-30\n---\nChủ nhật, 7 giờ đến 11 giờ.\n",
        encoding="utf-8",
    )
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {notice}:3: dòng date: ghi ngày 2062-11-30, tên tệp ghi ngày 2026-11-30: nếu "
        "gõ nhầm năm hay tháng, hãy sửa dòng date:"
    ) in err
    assert "chép từ một thông báo cũ" not in err


def test_check_warns_at_its_line_of_a_picture_residents_will_not_see(ward, tmp_path, capsys):
    """A sample form put in an answer and a notice as Markdown pictures: every channel
    sends text only, so residents read the text without it, and `check`, which said all
    was well, tells staff at the picture's line, with the link that would show."""
    faq = tmp_path / "faq.yaml"
    typed = (
        faq.read_text(encoding="utf-8")
        .replace(
            "    answer: Cần tờ khai thay đổi thông tin cư trú",
            '    answer: "![mẫu CT01](hinh/ct01.png) Cần tờ khai thay đổi thông tin cư trú',
        )
        .replace("văn bản đồng ý của chủ hộ.\n", 'văn bản đồng ý của chủ hộ."\n')
    )
    faq.write_text(typed, encoding="utf-8")
    line = typed.splitlines().index(next(t for t in typed.splitlines() if "![" in t)) + 1
    notice = tmp_path / "content" / "2026-11-30-mau-to-khai-moi.md"
    notice.write_text(
        "---\ntitle: Mẫu tờ khai cư trú mới\ndate: 2026-11-30\n---\nTừ tháng 12 dùng mẫu "
        "mới.\n\n![](https://phuong.example.vn/ct01-moi.png)\n",
        encoding="utf-8",
    )
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {faq}:{line}: người dân không thấy hình 'mẫu CT01' (hinh/ct01.png): bot "
        "chỉ gửi chữ nên bỏ hình đi, cùng chữ 'mẫu CT01' trong [ ]; muốn người dân xem được "
        "hình, hãy đăng hình lên trang web của phường rồi thay hình bằng đường dẫn tới nó, "
        '[mẫu CT01](địa chỉ của hình, bắt đầu bằng https://): người dân sẽ đọc "mẫu CT01 '
        '(địa chỉ đó)" và bấm vào để xem — mục này vẫn được dùng'
    ) in err
    address = "https://phuong.example.vn/ct01-moi.png"
    assert (
        f"cảnh báo: {notice}:7: người dân không thấy hình {address}: bot chỉ gửi chữ nên bỏ "
        f"hình đi; muốn người dân xem được hình, hãy bỏ dấu ! ở đầu để hình thành đường dẫn, "
        f'[xem hình]({address}): người dân sẽ đọc "xem hình ({address})" và bấm vào để xem '
        "— thông báo này vẫn được dùng"
    ) in err
    assert "Không có lỗi, nhưng xem cảnh báo ở trên" in err
    # What the warning promises: the link is read as its label and its address.
    assert plain(f"[xem hình]({address})") == f"xem hình ({address})"
    assert plain("![mẫu CT01](hinh/ct01.png) Cần tờ khai").strip() == "Cần tờ khai"


def test_check_of_a_linked_pasted_or_html_picture_says_what_residents_read(ward, tmp_path, capsys):
    """A small picture inside a link to the large one: residents read the link's address,
    so taking the '!' off the picture would put a link inside a link; a picture pasted
    from an editor carries its bytes in the file: thousands of letters, not an address;
    an HTML <img> pasted from the ward's web page is read by residents as typed."""
    notice = tmp_path / "content" / "2026-11-30-mau-to-khai-moi.md"
    pasted = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAAAAUA" * 40
    notice.write_text(
        "---\ntitle: Mẫu tờ khai cư trú mới\ndate: 2026-11-30\n---\nBấm vào hình: "
        "[![mẫu CT01](https://phuong.example.vn/nho.png)](https://phuong.example.vn/lon.png)"
        f'\n\n![ảnh chụp]({pasted})\n\nMẫu trên web: <img src="https://phuong.example.vn/a.png" '
        "alt='mặt trước' width=300>\n\nMã `<img src=x.png>` là chữ, không phải hình.\n",
        encoding="utf-8",
    )
    assert bot.main(["check", *ward]) == 0
    err = capsys.readouterr().err
    assert (
        f"cảnh báo: {notice}:5: người dân không thấy hình 'mẫu CT01' "
        "(https://phuong.example.vn/nho.png): bot chỉ gửi chữ nên bỏ hình đi, cùng chữ 'mẫu "
        "CT01' trong [ ], chỉ còn đường dẫn https://phuong.example.vn/lon.png mà hình nằm "
        "trong; muốn người dân xem được hình, hãy thay hình bằng chữ nói hình là gì, [mẫu "
        'CT01](https://phuong.example.vn/lon.png): người dân sẽ đọc "mẫu CT01 '
        '(https://phuong.example.vn/lon.png)" và bấm vào để xem — thông báo này vẫn được dùng'
    ) in err
    assert plain("[mẫu CT01](https://phuong.example.vn/lon.png)") == (
        "mẫu CT01 (https://phuong.example.vn/lon.png)"
    )
    told = next(line for line in err.splitlines() if f"{notice}:7:" in line)
    assert "người dân không thấy hình 'ảnh chụp' (data:image/png;base64,…)" in told
    assert "đăng hình lên trang web của phường" in told and len(told) < 500
    # Pasted from a web page: the Markdown reader takes no HTML, residents read the tag.
    address = "https://phuong.example.vn/a.png"
    assert (
        f"cảnh báo: {notice}:9: người dân không thấy hình 'mặt trước' ({address}): bot chỉ "
        "gửi chữ nên người dân đọc nguyên thẻ HTML <img …> như đã gõ; muốn người dân xem được "
        f"hình, hãy thay thẻ <img …> bằng đường dẫn, [mặt trước]({address}): người dân sẽ "
        f'đọc "mặt trước ({address})" và bấm vào để xem — thông báo này vẫn được dùng'
    ) in err
    assert "<img src=" in plain(notice.read_text(encoding="utf-8"))
    assert f"{notice}:11:" not in err  # in backquotes: shown as text, and meant so


def test_check_on_a_fresh_data_folder_says_a_broken_faq_leaves_no_faq(ward, tmp_path, capsys):
    faq = tmp_path / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n  - id: [oops\n", encoding="utf-8")
    assert bot.main(["check", *ward]) == 1
    captured = capsys.readouterr()
    assert re.search(rf"{re.escape(str(faq))}:\d+: ", captured.out)
    assert "chưa có bản đúng nào" in captured.err
    assert "không có câu hỏi đáp và chủ đề nào" in captured.err


def test_check_names_the_copy_of_an_entry_left_out_not_the_entry_the_bot_serves(
    ward, tmp_path, capsys
):
    assert bot.main(["index", *ward]) == 0  # the data folder keeps faq.yaml as served
    faq = tmp_path / "faq.yaml"
    first = faq.read_text(encoding="utf-8").split("\n").index("faq:") + 2
    served = next(e for e in load_faq(faq).faq if e.line == first)
    # A clerk copies the first entry above itself, edits the copy, forgets its id.
    copy = f"  - id: {served.id}\n    question: Câu hỏi mới?\n    answer: Câu trả lời mới.\n"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("faq:\n", "faq:\n" + copy, 1), encoding="utf-8"
    )
    capsys.readouterr()
    assert bot.main(["check", *ward]) == 1
    out = capsys.readouterr().out
    assert (
        f"{faq}:{first}: mã (id) '{served.id}' đã dùng cho mục ở dòng {first + 3}, mục đó vẫn "
        f"được dùng — cả mục này bị bỏ qua; nếu đây là mục mới, hãy đặt cho nó một mã riêng, "
        f"ví dụ {served.id}-2"
    ) in out.split("\n")


def test_check_says_an_entry_an_edit_broke_keeps_serving_as_it_last_read(ward, tmp_path, capsys):
    assert bot.main(["index", *ward]) == 0  # the data folder keeps faq.yaml as served
    faq = tmp_path / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    assert "    answer: Có thể dùng" in text
    faq.write_text(text.replace("    answer: Có thể dùng", "    anwser: Có thể dùng"), "utf-8")
    lines = faq.read_text(encoding="utf-8").split("\n")
    line = next(n for n, typed in enumerate(lines, 1) if typed.startswith("    anwser:"))
    capsys.readouterr()

    assert bot.main(["check", *ward]) == 1
    captured = capsys.readouterr()

    told = [typed for typed in captured.out.split("\n") if typed.startswith(f"{faq}:{line}: ")]
    assert len(told) == 1 and "'bhyt-mat-the'" in told[0] and "'anwser'" in told[0]
    assert told[0].endswith("bot vẫn dùng bản trước đó của mục này cho tới khi sửa xong")
    # Counted among the entries loaded, as the bot serves it; residents still get it.
    served = len(load_faq(faq).faq) + 1
    assert f"{served} câu hỏi đáp" in captured.err
    assert bot.main(["ask", "--json", *ward, "làm mất thẻ bhyt"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "bhyt-mat-the"


def test_check_says_a_new_wards_broken_faq_is_not_served_from_the_samples_copy(
    ward, tmp_path, capsys
):
    assert bot.main(["index", *ward]) == 0  # the sample, tried first
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        "topics:\n  - id: ho-tich\n    name: Hộ tịch\nfaq:\n"
        "  - id: khai-sinh\n    question: Khai sinh ở đâu?\n    answer: Tại UBND xã.\n"
        '  - id: ket-hon\n    question: Kết hôn cần gì?\n    answer: "Giấy tờ\n'
        "  - id: khai-tu\n    question: Khai tử ở đâu?\n    answer: Tại UBND xã.\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert bot.main(["check", *ward]) == 1
    err = capsys.readouterr().err
    assert "faq.last-good.yaml không phải bản trước đây của" in err
    assert "không có câu hỏi đáp và chủ đề nào" in err and "vẫn dùng bản đúng" not in err
    assert ", 0 câu hỏi đáp," in err


def test_check_without_any_usable_faq_checks_and_counts_the_notices_the_bot_serves(
    ward, tmp_path, capsys
):
    faq, content = tmp_path / "faq.yaml", tmp_path / "content"
    faq.write_text("topics: [\nfaq:\n", encoding="utf-8")  # a fresh data folder: no good copy
    (content / "2024-10-01-the-bhyt-mien-phi.md").write_text(
        "---\ntitle: Cấp thẻ BHYT miễn phí cho người từ 75 tuổi\ndate: 2024-10-01\n"
        "topics: [bhyt]\n---\nNgười từ 75 tuổi được cấp thẻ BHYT miễn phí.\n",
        encoding="utf-8",
    )
    missing_date = content / "2024-10-02-thieu-ngay.md"
    missing_date.write_text("---\ntitle: Thiếu ngày\n---\nNội dung\n", encoding="utf-8")
    served = len(NOTICES) + 1
    assert bot.main(["check", *ward]) == 1
    captured = capsys.readouterr()
    notice_problems = [line for line in captured.out.splitlines() if ".md:" in line]
    # The notice's own problem; its topics are unknown while faq.yaml is, not wrong.
    assert notice_problems == [
        f"{missing_date}:2: thiếu dòng date: (ngày đăng, ví dụ date: 2024-10-02) — thông báo "
        "này chưa được đăng"
    ]
    summary = f"2 lỗi cần sửa (ở các dòng trên); đã nạp 0 chủ đề, 0 câu hỏi đáp, {served} thông báo"
    assert summary in captured.err
    # What the bot serves: the same notices, with the same problems.
    assert bot.main(["index", *ward]) == 0
    captured = capsys.readouterr()
    assert f"indexed 0 FAQ entries and {served} announcements" in captured.out
    assert [line for line in captured.err.splitlines() if ".md:" in line] == notice_problems
    assert bot.main(["ask", "--json", *ward, "the bhyt mien phi nguoi 75 tuoi"]) == 0
    first = json.loads(capsys.readouterr().out)["results"][0]
    assert first["id"] == "2024-10-01-the-bhyt-mien-phi"


@pytest.mark.parametrize(
    "damage",
    [lambda text: text + "\n  - id: [oops\n", lambda text: text.replace("\nfaq:\n", "\nFAQ:\n")],
    ids=["unreadable", "faq-header-mistyped"],
)
def test_check_with_an_unusable_faq_still_checks_the_notices(ward, tmp_path, capsys, damage):
    assert bot.main(["index", *ward]) == 0  # the bot has served the full file
    faq = tmp_path / "faq.yaml"
    faq.write_text(damage(faq.read_text(encoding="utf-8")), encoding="utf-8")
    (tmp_path / "content" / "2024-08-01-loi.md").write_text(
        "---\ntitle: T\ndate: 31/02/2025\n---\nB\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert bot.main(["check", *ward]) == 1
    captured = capsys.readouterr()
    assert re.search(rf"{re.escape(str(faq))}:\d+: ", captured.out)
    assert "2024-08-01-loi.md:3: dòng date: " in captured.out  # read, as the bot does
    assert "bot vẫn dùng bản đúng gần nhất" in captured.err
    assert ", 8 câu hỏi đáp," in captured.err  # what is served: the last good version


def test_index_builds_and_reports(ward, tmp_path, capsys):
    assert bot.main(["index", *ward]) == 0
    assert "8 FAQ entries" in capsys.readouterr().out
    assert (tmp_path / "data" / "index" / "CURRENT").exists()


def test_index_into_a_data_folder_it_cannot_write_says_so_in_one_line(
    ward, tmp_path, capsys, caplog
):
    data = tmp_path / "data"
    with read_only_folder(data):
        assert bot.main(["index", *ward]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"bot.py index: cannot write in {data} (")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    # Nor a log line before it, saying the same as a running bot would ("answering from
    # what it holds until it can"), which `index` does not do.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_data_folder_that_is_a_file_is_called_so(ward, tmp_path, capsys):
    """DATA_DIR naming a file (a typo, a backup's name): said in words, not "(File
    exists)"."""
    (tmp_path / "data.bak").write_text("x", encoding="utf-8")
    for data in (tmp_path / "data.bak", tmp_path / "data.bak" / "data"):
        assert bot.main(["index", *ward, "--data", str(data)]) == 1
        assert capsys.readouterr().err == (
            f"bot.py index: cannot write in {data} (a file, not a folder, is on that path)\n"
        )


def test_a_data_folder_linked_to_a_disk_not_mounted_is_called_so(ward, tmp_path, capsys):
    """DATA_DIR a symbolic link to a disk that is not mounted (/mnt/data after a reboot):
    "a file, not a folder" sent the operator looking for a file. The link, where it
    points and that nothing is there are named instead, with the same exit status."""
    missing = tmp_path / "mnt" / "disk" / "data"
    (tmp_path / "data").symlink_to(missing)
    (tmp_path / "relative").symlink_to("mnt/other")
    for data, link, shown in (
        (tmp_path / "data", tmp_path / "data", str(missing)),
        (tmp_path / "data" / "ward2", tmp_path / "data", str(missing)),
        (tmp_path / "relative", tmp_path / "relative", f"mnt/other, that is {tmp_path}/mnt/other"),
    ):
        assert bot.main(["index", *ward, "--data", str(data)]) == 1
        assert capsys.readouterr().err == (
            f"bot.py index: cannot write in {data} ({link} is a symbolic link to {shown}, "
            "which does not exist: is its disk mounted?)\n"
        )


def test_concurrent_index_runs_all_succeed_and_leave_a_usable_index(ward, tmp_path, capsys):
    command = [sys.executable, str(ROOT / "bot.py"), "index", *ward]
    for _ in range(2):
        runs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(4)
        ]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert "8 FAQ entries" in out
    assert bot.main(["ask", "--json", *ward, "muc dong bhyt ho gia dinh"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "bhyt-muc-dong"


def test_eval_prints_metrics_and_misses(ward, tmp_path, capsys):
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
        "- q: giá vàng hôm nay\n  expect: []\n"
        "- q: giờ làm việc ubnd\n  expect: [tam-tru]\n",
        encoding="utf-8",
    )
    assert bot.main(["eval", str(questions), "--show-misses", *ward]) == 0
    out = capsys.readouterr().out
    assert "answerable top-1      0.500" in out
    assert "out-of-scope abstain  1.000" in out
    assert out.splitlines()[-1] == "overall               0.667"
    assert "MISS 'giờ làm việc ubnd'" in out and "expected: tam-tru" in out


@pytest.mark.parametrize("form", ["question file", "ward folder"])
def test_eval_scores_from_a_data_folder_it_cannot_write(ward, tmp_path, capsys, form):
    """As `ask` does (a copy of the index in a temporary folder); it stopped on a
    traceback."""
    questions = "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
    if form == "question file":
        target = tmp_path / "questions.yaml"
        target.write_text(questions, encoding="utf-8")
        args = [str(target), *ward]
    else:
        target = _labelled_ward(tmp_path / "north", questions)
        args = [str(target), "--data", str(tmp_path / "data")]
    with read_only_folder(tmp_path / "data"):
        assert bot.main(["eval", *args]) == 0
    out = capsys.readouterr().out
    assert "questions             1" in out


def test_eval_old_form_prints_sections_and_ends_with_overall(ward, tmp_path, capsys):
    questions = tmp_path / "questions.yaml"
    questions.write_text(SECTIONED_QUESTIONS, encoding="utf-8")
    assert bot.main(["eval", str(questions), "--by-section", *ward]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "by section"
    assert lines[-1] == "overall               0.750"
    assert (tmp_path / "data" / "index" / "CURRENT").exists()  # the index went to --data


# Two sections: a banner (rule, title, rule) and a one-line header. The last question is
# a miss (the bot answers with gio-lam-viec), so "1. Có dấu" scores 2/3, the rest 1/1.
SECTIONED_QUESTIONS = """\
# Questions about the sample ward.

# ==========================================
# 1. Có dấu (with diacritics)
# ==========================================
- q: mức đóng bhyt hộ gia đình
  expect: [bhyt-muc-dong]
- q: làm lại căn cước bị mất ở đâu
  expect: [cccd-cap-lai]
- q: giờ làm việc ubnd
  expect: [tam-tru]

# ===== Ngoài phạm vi (out of scope) =====
- q: giá vàng hôm nay
  expect: []
"""


def _labelled_ward(folder: Path, questions: str | None) -> Path:
    """A ward folder: the sample faq.yaml and content/, and `questions` as questions.yaml."""
    folder.mkdir()
    write_ward(folder)
    if questions is not None:
        (folder / "questions.yaml").write_text(questions, encoding="utf-8")
    return folder


def _table(out: str) -> dict[str, list[str]]:
    """The rows of the eval table after its header, by ward name."""
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("ward "))
    return {line.split()[0]: line.split()[1:] for line in lines[header + 1 :]}


def test_eval_scores_each_ward_folder_and_their_mean(ward, tmp_path, capsys):
    north = _labelled_ward(
        tmp_path / "north",
        "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
        "- q: giá vàng hôm nay\n  expect: []\n"
        "- q: giờ làm việc ubnd\n  expect: [tam-tru]\n",
    )
    south = _labelled_ward(
        tmp_path / "south",
        "- q: mất thẻ bhyt\n  expect: [bhyt-mat-the]\n"
        "- q: lam lai cccd\n  expect: [cccd-cap-lai]\n"
        "- q: xe buýt số mấy đi chợ\n  expect: [gio-lam-viec]\n"
        "- q: giá vàng hôm nay\n  expect: []\n",
    )
    assert bot.main(["eval", str(north), str(south), "--show-misses"]) == 0
    out = capsys.readouterr().out
    rows = _table(out)
    assert list(rows) == ["north", "south", "mean"]
    # columns: questions, answerable top-1, MRR@5, out-of-scope abstain, overall
    assert rows["north"][0] == "3" and rows["north"][1] == "0.500"
    assert rows["north"][3:] == ["1.000", "0.667"]
    assert rows["south"][0] == "4" and rows["south"][1] == "0.667"
    assert rows["south"][3:] == ["1.000", "0.750"]
    # Unweighted: (0.667 + 0.750) / 2, not 5/7 = 0.714 over all questions.
    assert rows["mean"][0] == "7" and rows["mean"][1] == "0.583"
    assert rows["mean"][3:] == ["1.000", "0.708"]
    assert out.splitlines()[-1].startswith("mean") and out.splitlines()[-1].endswith("0.708")
    assert "north: MISS 'giờ làm việc ubnd'" in out
    assert "south: MISS 'xe buýt số mấy đi chợ'" in out
    assert not (tmp_path / "data").exists()  # temporary data folders, not data/


def test_eval_with_data_keeps_a_folder_per_ward(ward, tmp_path, capsys):
    questions = "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
    north = _labelled_ward(tmp_path / "north", questions)
    south = _labelled_ward(tmp_path / "south", questions)
    data = tmp_path / "eval-data"
    assert bot.main(["eval", str(north), str(south), "--data", str(data)]) == 0
    assert _table(capsys.readouterr().out)["mean"][-1] == "1.000"
    assert (data / "north" / "index" / "CURRENT").exists()
    assert (data / "south" / "index" / "CURRENT").exists()


def test_eval_one_ward_folder_ends_with_overall(ward, tmp_path, capsys):
    north = _labelled_ward(tmp_path / "north", SECTIONED_QUESTIONS)
    assert bot.main(["eval", str(north)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "ward                  north"
    assert lines[-1] == "overall               0.750"


def test_eval_by_section_prints_each_wards_sections(ward, tmp_path, capsys):
    north = _labelled_ward(tmp_path / "north", SECTIONED_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", "- q: giá vàng hôm nay\n  expect: []\n")
    assert bot.main(["eval", str(north), str(south), "--by-section"]) == 0
    out = capsys.readouterr().out
    assert "north: by section" in out and "south: by section" in out
    rows = [line.split(maxsplit=4) for line in out.splitlines() if line.startswith("    ")]
    # questions, overall, right entry first (answered or not), answered wrongly, section
    assert rows == [
        ["3", "0.667", "0.667", "1", "1. Có dấu (with diacritics)"],
        ["1", "1.000", "-", "0", "Ngoài phạm vi (out of scope)"],
        ["4", "0.750", "0.667", "1", "(all)"],
        ["1", "1.000", "-", "0", "(no section)"],
        ["1", "1.000", "-", "0", "(all)"],
    ]
    assert out.splitlines()[-1].startswith("mean")


def test_eval_says_in_words_why_it_cannot_read_a_question_file(ward, tmp_path, capsys):
    missing = tmp_path / "questons.yaml"
    assert bot.main(["eval", str(missing), *ward]) == 2
    assert capsys.readouterr().err == f"{missing}: cannot read it (No such file or directory)\n"
    legacy = tmp_path / "questions.yaml"  # its third line saved in Windows-1258
    legacy.write_bytes(b"- q: muc dong\n  expect: []\n- q: gi\xf2 l\xe0m vi\xeac\n")
    assert bot.main(["eval", str(legacy), *ward]) == 2
    assert capsys.readouterr().err == f"{legacy}:3: not UTF-8 text; save the file as UTF-8\n"


def test_eval_refuses_a_ward_folder_without_questions(ward, tmp_path, capsys):
    north = _labelled_ward(tmp_path / "north", "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n")
    south = _labelled_ward(tmp_path / "south", None)
    assert bot.main(["eval", str(north), str(south)]) == 2
    captured = capsys.readouterr()
    assert f"{south}: no questions.yaml" in captured.err
    assert captured.out == ""  # nothing scored: the error comes first


@pytest.mark.parametrize(
    ("questions", "error"),
    [
        # `expected:` would make the question silently out of scope (expect: []).
        (
            "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
            "- q: giờ làm việc\n  expected: [gio-lam-viec]\n",
            "questions.yaml:4: item 2: unknown key 'expected' (did you mean 'expect'?)",
        ),
        # A tab: one line with the file and line, no PyYAML trace.
        (
            "- q: muc dong bhyt\n\texpect: [bhyt-muc-dong]\n",
            "questions.yaml:2: a tab character: YAML is indented with spaces only",
        ),
        (
            "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n- expect: [tam-tru]\n",
            "questions.yaml:3: item 2 needs a 'q' string",
        ),
    ],
    ids=["unknown-key", "tab", "no-q"],
)
def test_eval_refuses_a_question_file_mistake_in_one_line_with_its_line(
    ward, tmp_path, capsys, questions, error
):
    path = tmp_path / "questions.yaml"
    path.write_text(questions, encoding="utf-8")
    assert bot.main(["eval", str(path), *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{tmp_path}/{error}")
    assert captured.err.count("\n") == 1 and captured.out == ""


def test_eval_warns_of_an_expected_id_no_entry_has_and_still_scores(ward, tmp_path, capsys):
    """A mistyped id, or one of an entry the ward removed, is scored as a miss: say so."""
    path = tmp_path / "questions.yaml"
    path.write_text(
        "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n"
        "- q: lam tam tru\n  expect:\n    - tam-tru\n    - tam-tru-cu\n",
        encoding="utf-8",
    )
    assert bot.main(["eval", str(path), *ward]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "warning:" in line]
    assert warnings == [
        f"{path}:6: warning: expect id 'tam-tru-cu' is no FAQ entry or notice of this ward, "
        "so 'lam tam tru' cannot be answered right"
    ]
    assert captured.out.splitlines()[0] == "questions             2"


def test_eval_refuses_faq_and_content_with_ward_folders(ward, tmp_path, capsys):
    north = _labelled_ward(tmp_path / "north", "- q: muc dong bhyt\n  expect: [bhyt-muc-dong]\n")
    assert bot.main(["eval", str(north), *ward]) == 2
    assert "--faq and --content" in capsys.readouterr().err


def test_announce_publishes_a_valid_notice(ward, tmp_path, capsys):
    notice = tmp_path / "2025-01-10-tiem-chung-soi.md"
    notice.write_text(
        "---\ntitle: Tiêm vắc xin sởi cho trẻ em\ndate: 2025-01-10\n---\n"
        "Trạm y tế phường tiêm vắc xin sởi miễn phí cho trẻ từ 1 đến 5 tuổi.\n",
        encoding="utf-8",
    )
    assert bot.main(["announce", str(notice), *ward]) == 0
    assert (tmp_path / "content" / notice.name).exists()
    capsys.readouterr()
    bot.main(["ask", "--json", *ward, "tiêm vắc xin sởi cho trẻ"])
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "2025-01-10-tiem-chung-soi"


def test_announce_publishes_a_notice_with_a_picture_and_warns_residents_will_not_see_it(
    ward, tmp_path, capsys
):
    notice = tmp_path / "2025-01-11-lich-tiem.md"
    notice.write_text(
        "---\ntitle: Lịch tiêm chủng tháng 1\ndate: 2025-01-11\n---\n"
        "Lịch tiêm như sau.\n\n![lịch tiêm](hinh/lich.png)\n",
        encoding="utf-8",
    )
    assert bot.main(["announce", str(notice), *ward]) == 0
    published = tmp_path / "content" / notice.name
    assert published.exists()
    (warned,) = [line for line in capsys.readouterr().err.splitlines() if "cảnh báo:" in line]
    assert warned.startswith(f"cảnh báo: {published}:7: người dân không thấy hình 'lịch tiêm'")
    assert warned.endswith("thông báo này vẫn được dùng")


def ward_settings(tmp_path: Path) -> Settings:
    return replace(
        Settings.from_env(),
        faq_file=tmp_path / "faq.yaml",
        content_dir=tmp_path / "content",
        data_dir=tmp_path / "data",
    )


def test_announce_of_a_notice_still_being_copied_publishes_it_whole(ward, tmp_path, monkeypatch):
    """`announce` run on a notice a USB stick is still copying: what is checked and
    published is the whole notice, never the part copied so far."""
    monkeypatch.setattr(alerts, "SETTLE_SECONDS", 1.0)
    notice = tmp_path / "2025-01-10-tiem-chung-soi.md"
    whole = (
        "---\ntitle: Tiêm vắc xin sởi cho trẻ em\ndate: 2025-01-10\n---\n"
        "Trạm y tế phường tiêm vắc xin sởi miễn phí cho trẻ từ 1 đến 5 tuổi.\n\n"
        "Mang theo sổ tiêm chủng của trẻ.\n"
    )
    notice.write_text(whole[: whole.index("\n\n")], encoding="utf-8")
    waits = []

    def copying(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            notice.write_text(whole, encoding="utf-8")  # the rest of the copy

    target, _ = publish.publish(notice, ward_settings(tmp_path), sleep=copying)
    assert waits and target.read_text(encoding="utf-8") == whole


def test_announce_of_a_notice_changed_while_it_is_checked_publishes_nothing(
    ward, tmp_path, monkeypatch, capsys
):
    """Saved again between its check and its copy: what would be published is not what
    was checked (a line the check would refuse, say), so nothing is, and staff are told
    to run the command again once the file is saved."""
    notice = tmp_path / "2025-01-10-tiem-chung-soi.md"
    notice.write_text(
        "---\ntitle: Tiêm vắc xin sởi cho trẻ em\ndate: 2025-01-10\n---\nTrạm y tế phường.\n",
        encoding="utf-8",
    )
    check = publish.id_clash

    def checked_then_saved_again(*args):
        with notice.open("a", encoding="utf-8") as more:
            more.write("Mang theo sổ tiêm chủng")
        return check(*args)

    monkeypatch.setattr(publish, "id_clash", checked_then_saved_again)
    assert bot.main(["announce", str(notice), *ward]) == 1
    assert capsys.readouterr().err.startswith(f"{notice} vừa thay đổi trong lúc bot kiểm tra")
    assert not (tmp_path / "content" / notice.name).exists()
    assert [p.name for p in (tmp_path / "content").glob(".*")] == []


def test_announce_beside_a_faq_being_saved_keeps_the_whole_one_as_the_last_good_copy(
    ward, tmp_path, monkeypatch
):
    """`announce` (or `import`) opening the index while staff's editor is still writing
    faq.yaml: the half written so far, though it reads, must not become the last good
    copy nor be served; the command reads faq.yaml once it is whole."""
    monkeypatch.setattr(alerts, "SETTLE_SECONDS", 1.0)
    settings = ward_settings(tmp_path)
    asyncio.run(publish.queue_alerts(settings))  # the bot ran before, on this faq.yaml
    faq = settings.faq_file
    whole = faq.read_text(encoding="utf-8").replace("VssID", "VssID (ứng dụng)")
    faq.write_text(whole[: whole.index("  - id: tam-tru")], encoding="utf-8")
    waits = []

    def saving(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            faq.write_text(whole, encoding="utf-8")

    asyncio.run(publish.queue_alerts(settings, sleep=saving))
    assert (settings.data_dir / "faq.last-good.yaml").read_text(encoding="utf-8") == whole


def bhyt_notice(folder: Path, today: str) -> Path:
    """A notice of `today` (ISO) on the bhyt topic, written in `folder` for `announce`."""
    notice = folder / f"{today}-the-bhyt.md"
    notice.write_text(
        f"---\ntitle: Phát thẻ BHYT\ndate: {today}\ntopics: [bhyt]\n---\nNhận thẻ tại phường.\n",
        encoding="utf-8",
    )
    return notice


def test_announce_queues_one_alert_per_follower_of_its_topics(ward, tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"

    async def followers() -> None:
        async with await Store.open(data / "bot.sqlite3") as store:
            await store.note_announcements([], time.time(), ["telegram"])  # the bot ran before
            await store.subscribe(ChatRef("telegram", "77"), "bhyt")
            await store.subscribe(ChatRef("zalo", "ab12"), "bhyt")
            await store.subscribe(ChatRef("telegram", "78"), "hoc-bong")

    asyncio.run(followers())
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    assert bot.main(["announce", str(notice), *ward]) == 0
    # The ward runs Telegram only: its Zalo follower (from when it ran Zalo) gets nothing,
    # no alert waits for a channel that does not run, and the count says so.
    out = capsys.readouterr().out
    assert "đã xếp 1 tin báo" in out
    # A running bot gathers them for ALERT_GATHER_SECONDS first: not "at once".
    assert "gửi sau khoảng 30 giây" in out and "gửi ngay" not in out

    async def queued() -> list[tuple[str, str]]:
        async with await Store.open(data / "bot.sqlite3") as store:
            items = [
                *await store.due("telegram", time.time() + 1),
                *await store.due("zalo", time.time() + 1),
            ]
            assert await store.outbox_counts(0) == {"pending": len(items)}  # as /stats says
        return sorted((item.chat.channel, item.chat.chat_id) for item in items)

    assert asyncio.run(queued()) == [("telegram", "77")]
    # Announcing it again queues nothing more, from content/ or from where it was.
    for again in (tmp_path / "content" / notice.name, notice):
        assert bot.main(["announce", str(again), *ward]) == 0
        assert "không xếp tin báo nào" in capsys.readouterr().out
        assert len(asyncio.run(queued())) == 1

    # On a ward running both, both hear of the next notice.
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1234567890:abcdef")
    notice = tmp_path / f"{today}-the-bhyt-2.md"
    notice.write_text(
        f"---\ntitle: Phát thẻ BHYT đợt 2\ndate: {today}\ntopics: [bhyt]\n---\nĐợt 2.\n",
        encoding="utf-8",
    )
    assert bot.main(["announce", str(notice), *ward]) == 0
    assert "đã xếp 2 tin báo" in capsys.readouterr().out
    assert len(asyncio.run(queued())) == 3


def test_announce_without_a_token_leaves_the_alerts_to_the_bot(ward, tmp_path, capsys, monkeypatch):
    """Run from a shell without the bot's environment, `announce` cannot know which
    channels the bot runs: it queues nothing and says so, and the bot queues them."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    data = tmp_path / "data"

    async def followers() -> None:
        async with await Store.open(data / "bot.sqlite3") as store:
            await store.note_announcements([], time.time() - 60, ["telegram"])  # the bot ran
            await store.subscribe(ChatRef("telegram", "77"), "bhyt")
            await store.subscribe(ChatRef("zalo", "ab12"), "bhyt")

    asyncio.run(followers())
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    assert bot.main(["announce", str(notice), *ward]) == 0
    out = capsys.readouterr().out
    assert "chưa xếp tin báo" in out and "TELEGRAM_BOT_TOKEN" in out

    async def the_bot_on_telegram() -> dict[str, int]:
        async with await Store.open(data / "bot.sqlite3") as store:
            assert await store.outbox_counts(0) == {}
        settings = replace(
            Settings.from_env(),
            faq_file=tmp_path / "faq.yaml",
            content_dir=tmp_path / "content",
            data_dir=data,
            telegram_token="123456789:AAE-test",
        )
        queued = await publish.queue_alerts(settings)  # what the running bot's watcher does
        return {notice_id: count for notice_id, count in queued.items() if count}

    assert asyncio.run(the_bot_on_telegram()) == {notice.stem: 1}


def test_announce_beside_a_running_bot_counts_the_alerts_the_bot_queued_first(
    ward, tmp_path, capsys, monkeypatch
):
    """The running bot's watcher sees the copied file before `announce` has opened the
    index: staff are told of the alerts it queued, not that none were (and announce again)."""
    data = tmp_path / "data"

    async def followers() -> None:
        async with await Store.open(data / "bot.sqlite3") as store:
            # The bot ran before (a minute ago).
            await store.note_announcements([], time.time() - 60, ["telegram"])
            await store.subscribe(ChatRef("telegram", "77"), "bhyt")
            await store.subscribe(ChatRef("telegram", "78"), "bhyt")

    asyncio.run(followers())
    copy = publish.publish

    def copied_then_seen_by_the_bot(source, settings):
        copied = copy(source, settings)
        asyncio.run(publish.queue_alerts(settings))  # the running bot's watcher, meanwhile
        return copied

    monkeypatch.setattr(publish, "publish", copied_then_seen_by_the_bot)
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    assert bot.main(["announce", str(notice), *ward]) == 0
    assert "đã xếp 2 tin báo" in capsys.readouterr().out
    monkeypatch.setattr(publish, "publish", copy)
    # Announcing it again, later, says that nothing more was queued.
    assert bot.main(["announce", str(tmp_path / "content" / notice.name), *ward]) == 0
    assert "không xếp tin báo nào" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("age", "front", "said"),
    [
        # No topics: and no topic's keyword in it: staff must learn to add one.
        (0, "", "không thuộc chủ đề nào"),
        (0, "topics: [hoc-bong]\n", "chưa ai theo dõi chủ đề Học bổng"),
        (45, "topics: [bhyt]\n", "cũ hơn 30 ngày"),
        (5, "topics: [bhyt]\nexpires: {yesterday}\n", "đã hết hạn"),
    ],
    ids=["no-topic", "no-follower", "old", "expired"],
)
def test_announce_says_why_a_notice_alerts_nobody(ward, tmp_path, capsys, age, front, said):
    async def followers() -> None:
        async with await Store.open(tmp_path / "data" / "bot.sqlite3") as store:
            await store.note_announcements([], time.time() - 60, ["telegram"])  # the bot ran
            await store.subscribe(ChatRef("telegram", "77"), "bhyt")

    asyncio.run(followers())
    day = (dt.date.today() - dt.timedelta(days=age)).isoformat()
    front = front.format(yesterday=dt.date.today() - dt.timedelta(days=1))
    notice = tmp_path / f"{day}-nghi-tet.md"
    notice.write_text(
        f"---\ntitle: Lịch nghỉ Tết của bộ phận một cửa\ndate: {day}\n{front}---\n"
        "Bộ phận một cửa nghỉ từ ngày 26 tháng Chạp.\n",
        encoding="utf-8",
    )
    assert bot.main(["announce", str(notice), *ward]) == 0
    out = capsys.readouterr().out
    assert said in out and "không gửi tin báo" in out
    if not front:
        assert "topics:" in out  # what to add


def test_announce_refuses_a_broken_notice_and_copies_nothing(ward, tmp_path, capsys):
    notice = tmp_path / "2025-01-10-thieu-tieu-de.md"
    notice.write_text("---\ndate: 2025-01-10\n---\nNội dung.\n", encoding="utf-8")
    assert bot.main(["announce", str(notice), *ward]) == 1
    assert "title" in capsys.readouterr().err
    assert not (tmp_path / "content" / notice.name).exists()


@pytest.mark.parametrize("name", ["thong-bao-hop.md", "Thông báo họp.docx"])
def test_announce_of_a_file_that_is_not_there_says_so(ward, tmp_path, capsys, name):
    """A mistyped path was told to be renamed (tên tệp phải có dạng ...), whatever its
    name, as if the file were there."""
    assert bot.main(["announce", str(tmp_path / name), *ward]) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / name}:1: không tìm thấy tệp — thông báo này chưa được đăng\n"
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("topics: [Bảo hiểm y tế]", "hãy viết mã chủ đề: 'bhyt' thay cho 'Bảo hiểm y tế'"),
        ("source: phuong2.gov.vn/tin", "phải là địa chỉ web bắt đầu bằng http:// hoặc https://"),
    ],
    ids=["topic-by-name", "source-without-https"],
)
def test_announce_refusing_a_line_the_running_bot_would_pass_says_it_did_not_publish(
    ward, tmp_path, capsys, line, said
):
    """A topic written by its name, or a link without https://: the running bot publishes
    such a notice with a note, `announce` refuses it (README). Its message must not tell
    staff the notice is published ('thông báo vẫn được đăng') when it was not."""
    notice = tmp_path / "2025-01-10-the-bhyt.md"
    notice.write_text(
        f"---\ntitle: Phát thẻ BHYT\ndate: 2025-01-10\n{line}\n---\nNhận thẻ tại phường.\n",
        encoding="utf-8",
    )
    assert bot.main(["announce", str(notice), *ward]) == 1
    err = capsys.readouterr().err
    assert f"{notice}:4: dòng {line.split(':')[0]}: {said}" in err
    assert "được đăng" not in err.replace("chưa được đăng", "")
    assert "announce chưa đăng thông báo này: hãy sửa dòng này rồi chạy lại lệnh" in err
    assert not (tmp_path / "content" / notice.name).exists()


SOI_FAQ = """
  - id: 2025-01-10-tiem-chung-soi
    question: Lịch tiêm vắc xin sởi năm 2025?
    answer: Xem thông báo của trạm y tế phường.
"""


def _soi_notice(tmp_path: Path) -> Path:
    notice = tmp_path / "2025-01-10-tiem-chung-soi.md"
    notice.write_text(
        "---\ntitle: Tiêm vắc xin sởi cho trẻ em\ndate: 2025-01-10\n---\nTiêm miễn phí.\n",
        encoding="utf-8",
    )
    return notice


def test_announce_refuses_the_id_of_an_faq_entry(ward, tmp_path, capsys):
    faq = tmp_path / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + SOI_FAQ, encoding="utf-8")
    notice = _soi_notice(tmp_path)
    assert bot.main(["announce", str(notice), *ward]) == 1
    captured = capsys.readouterr()
    assert "đã đăng" not in captured.out
    assert "trùng với mã một câu hỏi đáp" in captured.err and "chưa được đăng" in captured.err
    assert not (tmp_path / "content" / notice.name).exists()


def test_announce_says_when_the_bot_does_not_serve_what_it_copied(
    ward, tmp_path, capsys, monkeypatch
):
    import wardbot.publish

    faq = tmp_path / "faq.yaml"
    good = faq.read_text(encoding="utf-8") + SOI_FAQ
    faq.write_text(good, encoding="utf-8")
    assert bot.main(["index", *ward]) == 0  # the data folder keeps this faq.yaml as good
    faq.write_text(good.replace(SOI_FAQ, ""), encoding="utf-8")
    real = wardbot.publish.publish

    def then_faq_breaks(*args):
        copied = real(*args)
        faq.write_text("faq: [", encoding="utf-8")  # unreadable: the last good copy serves
        return copied

    monkeypatch.setattr(wardbot.publish, "publish", then_faq_breaks)
    notice = _soi_notice(tmp_path)
    assert bot.main(["announce", str(notice), *ward]) == 1
    captured = capsys.readouterr()
    assert "đã đăng" not in captured.out
    assert "trùng với mã một câu hỏi đáp" in captured.err and "bot không đăng" in captured.err


def test_announce_checks_against_what_the_bot_serves_while_faq_yaml_is_broken(
    ward, tmp_path, capsys
):
    faq = tmp_path / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + SOI_FAQ, encoding="utf-8")
    assert bot.main(["index", *ward]) == 0  # the data folder keeps this faq.yaml as good
    faq.write_text(faq.read_text(encoding="utf-8").replace("faq:", "faq: [", 1), encoding="utf-8")
    capsys.readouterr()
    # Its topic is one the bot still serves, from the last good copy: published, and
    # staff are told faq.yaml is broken.
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    assert bot.main(["announce", str(notice), *ward]) == 0
    captured = capsys.readouterr()
    assert "đã đăng" in captured.out and "không có trong phần topics:" not in captured.err
    assert f"cảnh báo: {faq} chưa dùng được" in captured.err
    assert "faq.last-good.yaml" in captured.err
    # The id of an entry the bot serves (from that copy) is refused before it is copied.
    notice = _soi_notice(tmp_path)
    assert bot.main(["announce", str(notice), *ward]) == 1
    captured = capsys.readouterr()
    assert (
        "trùng với mã một câu hỏi đáp" in captured.err and f"{faq} chưa dùng được" in captured.err
    )
    assert not (tmp_path / "content" / notice.name).exists()


def test_announce_with_no_usable_faq_at_all_does_not_call_the_topics_unknown(
    ward, tmp_path, capsys
):
    faq = tmp_path / "faq.yaml"
    faq.write_text("topics: [\nfaq:\n", encoding="utf-8")  # a fresh data folder: no good copy
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    # As the bot serves it and `check` reports it: the notice, its topics not known yet.
    assert bot.main(["announce", str(notice), *ward]) == 0
    captured = capsys.readouterr()
    assert "đã đăng" in captured.out and "không có trong phần topics:" not in captured.err
    assert "chưa có bản đúng nào" in captured.err


def test_announce_run_again_as_told_after_a_failure_publishes_the_same_notice(
    ward, tmp_path, capsys
):
    """A data folder that cannot be written stops `announce` after the copy; staff are told
    to run it again, and do, with the same command: the notice is published then, not
    refused as a second notice of that name (which they would rename and publish twice)."""
    today = dt.date.today().isoformat()
    notice = bhyt_notice(tmp_path, today)
    with read_only_folder(tmp_path / "data"):
        assert bot.main(["announce", str(notice), *ward]) == 1
    err = capsys.readouterr().err
    assert "chạy lại" in err and str(notice) in err  # the command to run again
    assert (tmp_path / "content" / notice.name).exists()
    assert bot.main(["announce", str(notice), *ward]) == 0
    captured = capsys.readouterr()
    assert "đã đăng" in captured.out and captured.err == ""
    assert sorted(p.name for p in (tmp_path / "content").glob(f"{today}-*")) == [notice.name]
    # Another notice under that name is still refused.
    notice.write_text(notice.read_text(encoding="utf-8") + "Đợt 2.\n", encoding="utf-8")
    assert bot.main(["announce", str(notice), *ward]) == 1
    assert "đã có một thông báo tên này" in capsys.readouterr().err


def test_announce_tells_the_very_command_to_run_again(ward, tmp_path, capsys):
    """Staff copy the command they are told to run again: a folder name with a space cut
    it in two, and the --data (--faq, --content) they had given was left out, so it ran
    on another ward's folders."""
    import shlex

    today = dt.date.today().isoformat()
    (tmp_path / "Thông báo mới").mkdir()
    notice = bhyt_notice(tmp_path / "Thông báo mới", today)
    with read_only_folder(tmp_path / "data"):
        assert bot.main(["announce", str(notice), *ward]) == 1
    told = capsys.readouterr().err.rpartition("chạy lại: ")[2].strip()
    python, program, *again = shlex.split(told)
    assert (python, program) == ("python", "bot.py")
    assert bot.main(again) == 0
    assert "đã đăng" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["ask", "chat"])
def test_output_piped_to_a_reader_that_has_gone_ends_quietly(ward, tmp_path, command):
    """`bot.py ask --batch FILE | head -1`: once `head` has its line, the bot's next one
    finds no reader. It printed two tracebacks (chat: three, one "failed to handle an
    update"); now it stops as a command killed by SIGPIPE does, saying nothing."""
    questions = tmp_path / "questions.txt"
    questions.write_text("mat the bhyt\nlam the can cuoc\n", encoding="utf-8")
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line
    args = ["--batch", str(questions)] if command == "ask" else []
    with questions.open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), command, *ward, *args],
            stdin=stdin,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            cwd=tmp_path,
        )
    os.close(write)
    assert (result.returncode, result.stderr) == (141, "")


def on_an_ascii_terminal(
    ward: list[str], folder: Path, *command: str
) -> subprocess.CompletedProcess[str]:
    """`bot.py COMMAND` run where standard input and output are ASCII, with no input."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *ward, *command],
        input="",
        capture_output=True,
        text=True,
        encoding="ascii",
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        check=False,
        cwd=folder,
    )


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["ask", "mat the bhyt"], "Nguon: Hoi dap thu tuc cua UBND phuong"),
        (["check", "--content", "thong-bao"], "khong tim thay thu muc thong bao"),
        (["chat"], "1.  Nhan tin: Bao hiem y te"),
    ],
)
def test_a_terminal_that_cannot_show_vietnamese_reads_it_without_accents(
    ward, tmp_path, command, said
):
    """LANG=C where Python keeps it ASCII, a Latin-1 locale: every command stopped on a
    traceback (UnicodeEncodeError) at its first Vietnamese letter, the chat showed "?" for
    each. Now they read as residents type, without accents."""
    result = on_an_ascii_terminal(ward, tmp_path, *command)
    assert "Traceback" not in result.stderr
    assert said in result.stdout + result.stderr
    assert result.returncode == (1 if command[0] == "check" else 0)


@pytest.mark.parametrize(
    ("command", "status", "said"),
    [
        (["chat"], 0, ""),
        (["ask", "--batch", "-"], 2, "bot.py ask: standard input holds no question (one a line)\n"),
    ],
)
def test_a_closed_standard_input_reads_as_empty(ward, tmp_path, command, status, said):
    """Started with standard input closed (`bot.py chat <&-`, some job runners): an
    AttributeError traceback on None."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *ward, *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        cwd=tmp_path,
        preexec_fn=lambda: os.close(0),
    )
    assert (result.returncode, result.stderr) == (status, said)


def test_ask_json_on_an_ascii_output_escapes_vietnamese_rather_than_unaccenting_it(ward, tmp_path):
    """JSON is for programs: on an output that cannot take Vietnamese, the question and
    the titles keep their accents, escaped (\\u1ea5), as any JSON reader reads them."""
    result = on_an_ascii_terminal(ward, tmp_path, "ask", "--json", "mất thẻ bhyt")
    assert (result.returncode, result.stderr) == (0, "")
    payload = json.loads(result.stdout)
    assert payload["question"] == "mất thẻ bhyt"
    assert payload["results"][0]["title"] == "Mất thẻ bảo hiểm y tế thì đi khám bệnh bằng gì?"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), command, "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert "--faq FILE" in result.stdout and "--data DIR" in result.stdout
    # What the command does, as the README promises ("explains each one"), not only its
    # options.
    description = PARSERS[command].description
    assert description, f"`bot.py {command} --help` does not say what the command does"
    assert " ".join(description.split()) in " ".join(result.stdout.split())


def test_the_help_says_where_the_settings_go():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0
    said = " ".join(result.stdout.split())
    assert "environment variables, or NAME=value lines of a .env file" in said
    assert "'Configuration' in README.md" in said


def test_the_common_options_may_come_before_the_command(ward, tmp_path, capsys):
    """`bot.py -v --data /srv/ward/data index`: argparse refused the options ("invalid
    choice: '/srv/ward/data'") unless they came after the command."""
    data = tmp_path / "elsewhere"
    assert bot.main([*ward[:-1], str(data), "index"]) == 0
    assert capsys.readouterr().out.startswith("indexed ")
    assert (data / "index").is_dir() and not (tmp_path / "data").exists()
    # After the command, an option still wins over the same one before it.
    assert bot.main(["--data", str(tmp_path / "not-this"), "index", "--data", str(data)]) == 0
    assert not (tmp_path / "not-this").exists()
    # -v too (parsed only: run, it would leave the bot's loggers at DEBUG for later tests).
    assert bot._parser().parse_args(["-v", "index"]).verbose is True
    assert bot._parser().parse_args(["index"]).verbose is False


@pytest.mark.parametrize("option", ["--data", "--faq", "--content"])
def test_an_empty_path_is_refused_in_one_line(ward, tmp_path, capsys, option):
    """`--data "$WARD_DATA"` with the variable unset: the index, the FAQ's saved copy and
    the analysis went into the folder the command was run from."""
    given = [*ward]
    given[given.index(option) + 1] = ""
    with pytest.raises(SystemExit) as stopped:
        bot.main(["ask", *given, "mat the bhyt"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == f"bot.py ask: error: argument {option}: an empty path: name a file or folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "faq.yaml"]


def _newer_bots(database: Path) -> None:
    """A database as a newer version of the bot leaves it."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA user_version = 999")


def _damaged(database: Path) -> None:
    database.write_bytes(b"not a database, but a file of the same name" * 100)


@pytest.mark.parametrize("command", ["run", "chat"])
@pytest.mark.parametrize(
    ("damage", "said"),
    [
        pytest.param(
            _damaged,
            "cannot be read (file is not a database): it is damaged, or is no database of the",
            id="damaged",
        ),
        pytest.param(
            _newer_bots,
            "the database has schema version 999, newer than this bot knows",
            id="a-newer-bots",
        ),
    ],
)
def test_a_database_the_bot_cannot_use_is_one_line_saying_what_to_do(
    ward, tmp_path, monkeypatch, capsys, command, damage, said
):
    """A data folder whose database is damaged, or not the bot's, or was written by a
    newer version: `run` (and, damaged, `chat`) ended on a traceback."""
    (tmp_path / "data").mkdir()
    damage(tmp_path / "data" / "bot.sqlite3")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert bot.main([command, *ward]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert said in err.splitlines()[-1]


def test_run_with_neither_the_faq_nor_the_content_folder_says_so_and_does_not_start(
    ward, tmp_path, monkeypatch, capsys
):
    """The Docker command run from another folder than the ward's (`-v "$PWD:/app/ward"`):
    the bot ran, telling every resident it knew nothing, its log holding two warnings."""
    import wardbot.app

    async def started(settings: Settings) -> None:  # what would serve the residents
        pytest.fail("the bot started with nothing to answer from")

    monkeypatch.setattr(wardbot.app, "run", started)
    missing = ["--faq", str(tmp_path / "ward" / "faq.yaml"), "--content", str(tmp_path / "ward")]
    assert bot.main(["run", *ward, *missing]) == 2
    assert capsys.readouterr().err == (
        f"bot.py run: Cài đặt FAQ_FILE chưa đúng: không có tệp hỏi đáp "
        f"{tmp_path / 'ward' / 'faq.yaml'}, cũng không có thư mục thông báo {tmp_path / 'ward'}, "
        "nên bot không có gì để trả lời: hãy kiểm tra FAQ_FILE và CONTENT_DIR (hoặc --faq và "
        "--content; nếu chạy bằng Docker, kiểm tra thư mục của phường đã được gắn vào đúng chỗ "
        "chúng chỉ tới). Ví dụ viết đúng: FAQ_FILE=faq.yaml\n"
    )


@pytest.mark.parametrize("command", ["ask", "chat", "index"])
def test_ask_or_chat_with_neither_the_faq_nor_the_content_folder_says_so(
    ward, tmp_path, monkeypatch, capsys, command
):
    """`python ~/wardbot/bot.py chat` typed in the home folder: a bot that knew nothing
    answered every question "no information", its data folder made there. `index` there
    said "indexed 0 FAQ entries and 0 announcements" and exited 0, as if all was well."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat the bhyt\n"))
    missing = ["--faq", str(tmp_path / "ward" / "faq.yaml"), "--content", str(tmp_path / "ward")]
    question = ["mat the bhyt"] if command == "ask" else []
    assert bot.main([command, *ward, *missing, *question]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        f"bot.py {command}: Cài đặt FAQ_FILE chưa đúng: không có tệp hỏi đáp "
        f"{tmp_path / 'ward' / 'faq.yaml'}, cũng không có thư mục thông báo {tmp_path / 'ward'}, "
        "nên bot không có gì để trả lời"
    )
    assert not (tmp_path / "data").exists()


def test_a_python_without_the_bots_packages_says_which_python_to_use(tmp_path):
    """`python3 bot.py check` typed as the README's table writes it, with the system's
    Python rather than .venv's: one line naming the Python to use, not a traceback."""
    result = subprocess.run(
        # -S: this Python without its site-packages, as the system's is without the bot's
        [sys.executable, "-S", str(ROOT / "bot.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"bot.py: this Python ({sys.executable}) does not have the package")
    assert line.endswith("bot.py check")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"bot.py {command}" in readme


def test_every_command_the_readme_shows_is_one_bot_py_has():
    """The other way round: a command the README tells an operator to type (its table, a
    step, a cron line) that `bot.py --help` does not list would only get a usage error."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"bot\.py ([a-z]+)", readme))
    assert len(shown) > 5
    assert sorted(shown - set(COMMANDS)) == []


def test_the_shipped_faq_and_content_pass_check(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "check", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


FIT_QUESTIONS = (
    "- q: muc dong bhyt ho gia dinh\n  expect: [bhyt-muc-dong]\n"
    "- q: mất thẻ bảo hiểm y tế\n  expect: [bhyt-mat-the]\n"
    "- q: làm lại căn cước bị mất\n  expect: [cccd-cap-lai]\n"
    "- q: đăng ký tạm trú cho người thuê trọ\n  expect: [tam-tru]\n"
    "- q: giá vàng hôm nay\n  expect: []\n"
    "- q: bảo hiểm xe máy\n  expect: []\n"
)


def test_fit_prints_leave_one_ward_out_and_writes_a_model_the_engine_loads(ward, tmp_path, capsys):
    from wardbot import ranking

    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    out_file = tmp_path / "ranker.json"
    assert bot.main(["fit", str(north), str(south), "--lexical", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "leave-one-ward-out" in out
    rows = _table(out)
    assert list(rows)[:3] == ["north", "south", "mean"]
    helped = re.search(r"answered right, or the right entry offered: north (\S+), south (\S+)", out)
    assert helped is not None
    for share, ward_name in zip(helped.groups(), ("north", "south"), strict=True):
        assert float(share) >= float(rows[ward_name][1])  # answered right counts too
    assert f"wrote {out_file}" in out
    ranker = ranking.load_ranker(out_file)
    assert ranker.trained_on == ("north", "south")
    assert 0 < ranker.lexical.offer_odds <= ranker.lexical.answer_odds
    # The fitted model ranks: the words asked weigh for the answer, not against it.
    assert ranker.lexical.weights[ranking.LEXICAL_FEATURES.index("cover")] > 0


def test_fit_on_a_given_day_rebuilds_the_same_model(ward, tmp_path, capsys):
    """`bot.py fit --today` reads the wards on that day (notices' ages count) and the
    model says so: the same day gives the same file, whatever day it is run."""
    from wardbot import ranking

    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    files = [tmp_path / "first.json", tmp_path / "again.json"]
    for out_file in files:
        args = ["fit", str(north), str(south), "--lexical", "--today", "2026-11-30"]
        assert bot.main([*args, "--out", str(out_file)]) == 0
    assert ranking.load_ranker(files[0]).fitted_on == "2026-11-30"
    assert files[0].read_bytes() == files[1].read_bytes()
    capsys.readouterr()


def test_fit_into_a_folder_it_cannot_write_says_so_before_fitting(ward, tmp_path, capsys):
    """It fitted (minutes, with the embedder), then stopped on a traceback at the write."""
    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    out_file = tmp_path / "models" / "ranker.json"
    with read_only_folder(out_file.parent):
        assert bot.main(["fit", str(north), str(south), "--lexical", "--out", str(out_file)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"bot.py fit: cannot write {out_file} (")
    assert captured.err.count("\n") == 1 and captured.out == ""  # nothing fitted


def test_fit_without_scipy_says_in_one_line_what_to_install(ward, tmp_path, monkeypatch, capsys):
    """`bot.py fit` where the bot runs (its Docker image, a `pip install .`), which has no
    scipy: it read every ward, then stopped telling the operator to `make setup`, which the
    image has no means to do. Now it says at once what to install, fitting nothing."""
    for module in ("scipy", "scipy.optimize"):
        monkeypatch.setitem(sys.modules, module, None)  # not installed
    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    out_file = tmp_path / "ranker.json"
    assert bot.main(["fit", str(north), str(south), "--lexical", "--out", str(out_file)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing read nor fitted first
    [line] = captured.err.splitlines()
    assert line.startswith("bot.py fit: ")
    assert "pip install 'scipy>=1.11,<2'" in line  # as pyproject.toml's dev extra has it
    assert not out_file.exists()


def test_a_model_fitted_with_lexical_leaves_a_bot_with_the_embedder_answering(
    ward, tmp_path, capsys
):
    """`fit --lexical` writes no model for meaning; a bot that has the embedder must not
    use the stand-in (it would answer nothing) but answer by words, and say so."""
    from wardbot import ranking
    from wardbot.engine import Engine
    from wardbot.semantic import load_embedder

    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    out_file = tmp_path / "ranker.json"
    assert bot.main(["fit", str(north), str(south), "--lexical", "--out", str(out_file)]) == 0
    assert "answers by words only" in capsys.readouterr().err
    engine = Engine.open(
        north / "faq.yaml",
        north / "content",
        tmp_path / "data",
        embedder=load_embedder(),
        ranker=ranking.load_ranker(out_file),
    )
    try:
        answer = engine.ask("mức đóng bảo hiểm y tế hộ gia đình")
        assert answer.answered and answer.best.id == "bhyt-muc-dong"
        assert "fit --lexical" in str(engine.semantic_status()["error"])
    finally:
        engine.close()


def test_fit_by_section_prints_each_left_out_wards_sections_and_wrong_answers(
    ward, tmp_path, capsys
):
    from wardbot.evaluate import NO_SECTION as NO

    north = _labelled_ward(tmp_path / "north", SECTIONED_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    args = ["fit", str(north), str(south), "--lexical", "--no-write", "--by-section"]
    assert bot.main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    wrongly = next(line for line in lines if line.startswith("answered wrongly"))
    counts = dict(part.rsplit(" ", 1) for part in wrongly.split(": ", 1)[1].split(", "))
    for name, size, first in (("north", 4, "1. Có dấu (with diacritics)"), ("south", 6, NO)):
        start = lines.index(f"{name}: by section") + 2
        end = next(i for i in range(start, len(lines)) if lines[i].endswith("(all)"))
        rows = [line.split(maxsplit=4) for line in lines[start : end + 1]]
        assert rows[0][4] == first
        # The last row is the whole ward: all its questions, and the wrong answers the
        # summary line counts for it.
        assert rows[-1][0] == str(size)
        assert rows[-1][3] == counts[name]


def test_fit_with_the_embedder_writes_dimension_weights_for_it(ward, tmp_path, capsys):
    from wardbot import ranking
    from wardbot.semantic import load_embedder

    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    south = _labelled_ward(tmp_path / "south", FIT_QUESTIONS)
    out_file = tmp_path / "ranker.json"
    assert bot.main(["fit", str(north), str(south), "--out", str(out_file)]) == 0
    ranker = ranking.load_ranker(out_file)
    embedder = load_embedder()
    assert ranker.embedder == embedder.name
    dims = ranker.semantic.dims
    assert dims is not None and len(dims) == 2 * embedder.embed(["x"], query=True).shape[1]
    assert np.abs(dims).max() > 0  # fitted, not left at zero


def test_fit_with_no_write_leaves_the_model_alone(ward, tmp_path, capsys):
    north = _labelled_ward(tmp_path / "north", FIT_QUESTIONS)
    out_file = tmp_path / "ranker.json"
    assert bot.main(["fit", str(north), "--lexical", "--no-write", "--out", str(out_file)]) == 0
    assert "times as likely as its rival" in capsys.readouterr().out
    assert not out_file.exists()


def _chat_commands() -> list[str]:
    from wardbot import messages as msg
    from wardbot.admin import ADMIN_COMMANDS
    from wardbot.desk.staff import STAFF_COMMANDS

    return sorted({name for name, _ in msg.COMMANDS} | ADMIN_COMMANDS | STAFF_COMMANDS)


@pytest.mark.parametrize("command", _chat_commands())
def test_every_chat_command_is_in_the_readme(command):
    """Residents' commands, admins' and those of the staff group: each in a README table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\|[^|\n]*`/{command}\b", readme, re.MULTILINE), command


def _settings_read() -> list[str]:
    """Every environment variable the bot reads: wardbot.config's."""
    from wardbot.config import Environment

    names = [field.alias for field in Environment.model_fields.values()]
    assert all(names) and len(names) > 20
    return sorted(names)


@pytest.mark.parametrize("name", _settings_read())
def test_every_setting_is_in_the_readmes_configuration_table(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    table = table[: table.index("\n## ")]
    assert re.search(rf"^\|[^|\n]*`{name}`", table, re.MULTILINE), name


def test_every_name_in_the_readmes_configuration_table_is_a_setting_the_bot_reads():
    """The other way round: a name the table lists that config.py does not read would be
    set by an operator and silently do nothing."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    table = table[: table.index("\n## ")]
    rows = [line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row)}
    assert len(listed) > 20
    assert sorted(listed - set(_settings_read())) == []


def test_the_readmes_example_env_file_sets_up_a_ward_as_it_says(tmp_path, monkeypatch):
    """The .env of "Your own ward, step by step", copied as it stands, is read without a
    configuration error and names the ward."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    steps = readme[readme.index("## Your own ward, step by step") :]
    example = re.search(r"```sh\n(.*?)```", steps, re.DOTALL)
    assert example is not None
    (tmp_path / ".env").write_text(
        "".join(line.strip() + "\n" for line in example.group(1).splitlines()), encoding="utf-8"
    )
    assert "chmod 600 .env" in steps  # it holds the token: the step says to keep it private
    (tmp_path / ".env").chmod(0o600)
    monkeypatch.chdir(tmp_path)
    environ: dict[str, str] = {}
    assert read_dotenv(environ) == []
    settings = Settings.from_env(environ)
    assert (settings.ward_name, settings.ward_hotline) == ("UBND Phường 2", "0276 3822 123")
    assert settings.telegram_token and settings.admin_ids == {"telegram:123456789"}


def test_the_readmes_service_unit_runs_the_bot_from_its_folder():
    """The systemd unit runs `bot.py run` with the .venv of the folder it starts in (where
    the .env is read), and counts the exit status of a stop during the start a success."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running as a service (without Docker)") :]
    unit = re.search(r"```ini\n(.*?)```", section, re.DOTALL)
    assert unit is not None
    keys = dict(
        line.split("=", 1) for line in unit.group(1).splitlines() if "=" in line and "#" not in line
    )
    folder = keys["WorkingDirectory"]
    assert keys["ExecStart"] == f"{folder}/.venv/bin/python bot.py run"
    assert keys["SuccessExitStatus"] == str(128 + signal.SIGTERM)


def test_the_readmes_service_unit_does_not_restart_a_configuration_error(
    tmp_path, monkeypatch, capsys
):
    """A mistyped .env made systemd start the bot again every 10 s, forever, filling the
    journal with the same line: the status a configuration error ends with is the one the
    unit does not restart."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running as a service (without Docker)") :]
    unit = re.search(r"```ini\n(.*?)```", section, re.DOTALL)
    assert unit is not None
    keys = dict(
        line.split("=", 1) for line in unit.group(1).splitlines() if "=" in line and "#" not in line
    )
    monkeypatch.chdir(tmp_path)  # no .env: what it would load stays in the environment
    monkeypatch.setenv("WEB_CHAT", "maybe")
    status = bot.main(["run"])
    assert capsys.readouterr().err.startswith(f"{STOPPED}Cài đặt WEB_CHAT chưa đúng")
    assert keys["RestartPreventExitStatus"].split() == [str(status)]


def test_the_docker_section_says_how_to_trust_a_proxy_on_the_host():
    """nginx on the host reaches the container from the bridge's gateway, not 127.0.0.1:
    without FORWARDED_ALLOW_IPS every resident counts as the proxy for the web chat."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docker = readme[readme.index("## Running with Docker") :]
    docker = docker[: docker.index("\n## ")]
    assert "-e FORWARDED_ALLOW_IPS=172.17.0.1" in docker


def test_the_readmes_docker_run_publishes_the_port_to_the_host_only():
    """nginx on the host serves the bot over HTTPS: `-p 8080:8080` also put its plain HTTP
    port (the web chat, /healthz, the webhooks) on the internet, past the proxy."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docker = readme[readme.index("## Running with Docker") :]
    docker = docker[: docker.index("\n## ")]
    command = re.search(r"```sh\n(docker build.*?)```", docker, re.DOTALL)
    assert command is not None
    published = re.findall(r"-p (\S+)", command.group(1))
    assert published == ["127.0.0.1:8080:8080"]


@pytest.mark.parametrize("name", ["WEB_CHAT", "SEMANTIC_MATCHING"])
def test_an_on_off_setting_with_another_value_is_a_configuration_error(
    ward, monkeypatch, capsys, name
):
    monkeypatch.setenv(name, "maybe")
    assert bot.main(["ask", *ward, "mat the bhyt"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"{STOPPED}Cài đặt {name} chưa đúng: phải là on (bật) hoặc off (tắt), không phải "
        f"“maybe”. Ví dụ viết đúng: {name}=on\n"
    )
    assert captured.out == ""


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        (
            "ADMIN_IDS",
            "telegram:42,telgram:43",
            "Cài đặt ADMIN_IDS chưa đúng: “telgram:43” phải có dạng telegram:<mã người dùng>, "
            "zalo:<mã người dùng>",
        ),
        # Two ids in one entry: told to use commas, not that a Telegram id is a number.
        *(
            (
                "ADMIN_IDS",
                ids,
                f"Cài đặt ADMIN_IDS chưa đúng: “{ids}” gồm nhiều mã: các mã phải cách nhau bằng "
                "dấu phẩy (cán bộ nhắn /stats",
            )
            for ids in ("telegram:42;telegram:43", "telegram:42 zalo:8a1b", "zalo:8a1b telegram:42")
        ),
        (
            "TELEGRAM_WEBHOOK_SECRET",
            "mật khẩu của phường UBND!",
            "Cài đặt TELEGRAM_WEBHOOK_SECRET chưa đúng: phải dài từ 1 đến 256 ký tự, mỗi ký "
            "tự là chữ A-Z hoặc a-z (không dấu), chữ số, dấu _ hoặc dấu - (quy định của "
            "Telegram). Ví dụ viết đúng: TELEGRAM_WEBHOOK_SECRET=",
        ),
        (
            "TELEGRAM_WEBHOOK_SECRET",
            "x" * 257,
            "Cài đặt TELEGRAM_WEBHOOK_SECRET chưa đúng: phải dài từ 1 đến 256",
        ),
        ("ZALO_WEBHOOK_SECRET", "ngan", "Cài đặt ZALO_WEBHOOK_SECRET chưa đúng: phải dài từ 8"),
        # The example earlier versions printed beside a wrong secret: anyone can read it.
        *(
            (name, "phuong2-bi-mat-2026", f"Cài đặt {name} chưa đúng: chuỗi này là ví dụ in sẵn")
            for name in ("TELEGRAM_WEBHOOK_SECRET", "ZALO_WEBHOOK_SECRET")
        ),
    ],
)
def test_an_admin_id_or_webhook_secret_that_cannot_work_stops_the_bot_at_start(
    ward, monkeypatch, capsys, name, value, line
):
    """A mistyped ADMIN_IDS entry would never match anyone; Telegram's setWebhook refuses
    such a secret only once the bot is running: both are told at once, in one line."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1234567890:zalo-test")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.phuong2.gov.vn")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv(name, value)
    assert bot.main(["ask", *ward, "mat the bhyt"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{STOPPED}{line}")
    assert captured.err.count("\n") == 1 and captured.out == ""
    # A secret is never shown (the example after it is made afresh: any letters may be in it).
    assert value not in captured.err.partition("Ví dụ viết đúng")[0] or name == "ADMIN_IDS"


@pytest.mark.parametrize("name", ["TELEGRAM_WEBHOOK_SECRET", "ZALO_WEBHOOK_SECRET"])
def test_a_webhook_secret_anyone_may_guess_is_warned_of_and_the_bot_still_runs(
    ward: list[str],
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A secret the platform takes but short enough to find by trying ("Wq2026pX"): the
    ward's bot keeps running (it may have run on it for months), and each start says in
    Vietnamese that anyone could post as its admins, with a random one to use instead;
    the secret itself is never printed."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1234567890:zalo-test")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.phuong2.gov.vn")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv(name, "Wq2026pX")
    assert bot.main(["ask", *ward, "mat the bhyt"]) == 0
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if name in line]
    assert "chỉ dài 8 ký tự" in line and "từ 16 ký tự trở lên" in line
    offered = line.rpartition(f"{name}=")[2]
    assert len(offered) >= 16 and "Wq2026pX" not in line
    other = "ZALO" if name.startswith("TELEGRAM") else "TELEGRAM"
    assert f"{other}_WEBHOOK_SECRET" not in err  # a long one is not warned of


def test_a_short_webhook_secret_no_webhook_uses_is_not_warned_of(ward, monkeypatch, capsys):
    """A short secret left in the .env of a channel that is off (no Zalo token), or of a
    bot that polls (no PUBLIC_URL), guards nothing: no warning to puzzle staff at each
    start."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "Wq2026pX")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "Wq2026pX")
    assert bot.main(["ask", *ward, "mat the bhyt"]) == 0
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("PUBLIC_URL", "https://bot.phuong2.gov.vn")
    assert bot.main(["ask", *ward, "mat the bhyt"]) == 0
    (line,) = capsys.readouterr().err.splitlines()  # Telegram's only: Zalo is off
    assert "TELEGRAM_WEBHOOK_SECRET chỉ dài 8 ký tự" in line


def test_the_webhook_secret_offered_to_copy_is_new_at_each_run(ward, tmp_path):
    """An example printed the same for every ward is public: a ward that copied it would
    let anyone post to its webhook in an admin's name. Each run offers its own, which
    the bot accepts."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456789:AAE-test",
        "PUBLIC_URL": "https://bot.phuong2.gov.vn",
        "TELEGRAM_WEBHOOK_SECRET": "phuong2-bi-mat-2026",
    }
    offered = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), "ask", *ward, "mat the bhyt"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 2, result.stderr
        offered.append(result.stderr.strip().rpartition("TELEGRAM_WEBHOOK_SECRET=")[2])
    assert offered[0] != offered[1]
    for secret in offered:
        Settings.from_env(
            {key: env[key] for key in ("TELEGRAM_BOT_TOKEN", "PUBLIC_URL")}
            | {"TELEGRAM_WEBHOOK_SECRET": secret}
        )


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("https://bot.phuong2.vn:8080", f"{PUBLIC_URL_WRONG}cổng 8080: Telegram chỉ gửi tin"),
        ("https://bot.phuong2.vn:99999", f"{PUBLIC_URL_WRONG}cổng (số sau dấu hai chấm) phải"),
    ],
)
def test_a_webhook_address_telegram_cannot_post_to_stops_the_bot_at_start(
    ward, monkeypatch, capsys, url, line
):
    """Telegram's setWebhook refuses any port but 443, 80, 88 and 8443, once the bot runs."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAE-test")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv("PUBLIC_URL", url)
    assert bot.main(["check", *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{STOPPED}{line}")
    assert captured.err.count("\n") == 1 and captured.out == ""
    for port in ("", ":443", ":8443", ":88"):  # the ports Telegram posts to are taken
        monkeypatch.setenv("PUBLIC_URL", f"https://bot.phuong2.vn{port}/ward")
        assert bot.main(["check", *ward]) == 0


@pytest.mark.parametrize("port", [":99999", ":443a", ":-1"])
def test_a_webhook_address_with_no_port_number_stops_a_zalo_only_bot_at_start(
    ward, monkeypatch, capsys, port
):
    """Zalo would be given a webhook address it can never post to: said at start, in one
    line, whichever channels run."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1234567890:z4lo-test")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "s3cret-Webhook_token")
    monkeypatch.setenv("PUBLIC_URL", f"https://bot.phuong2.vn{port}/ward")
    assert bot.main(["check", *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"{STOPPED}{PUBLIC_URL_WRONG}cổng (số sau dấu hai chấm) phải là một số từ 1 đến "
        "65535. Ví dụ viết đúng: PUBLIC_URL=https://bot.phuong2.gov.vn\n"
    )
    monkeypatch.setenv("PUBLIC_URL", "https://bot.phuong2.vn:8443/ward")
    assert bot.main(["check", *ward]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        # `docker run --env-file` keeps the quotes of TELEGRAM_BOT_TOKEN="..." in the value.
        (
            "TELEGRAM_BOT_TOKEN",
            '"123456789:Tk-s3cret"',
            "TELEGRAM_BOT_TOKEN chưa đúng: giá trị có dấu ngoặc",
        ),
        (
            "TELEGRAM_BOT_TOKEN",
            "123456789:Tk-s3cret'",
            "TELEGRAM_BOT_TOKEN chưa đúng: giá trị có dấu ngoặc",
        ),
        (
            "ZALO_BOT_TOKEN",
            "'1234567890:z4lo-s3cret'",
            "ZALO_BOT_TOKEN chưa đúng: giá trị có dấu ngoặc",
        ),
        ("TELEGRAM_BOT_TOKEN", "Tk-s3cret", "TELEGRAM_BOT_TOKEN chưa đúng: không phải mã bot"),
        (
            "TELEGRAM_BOT_TOKEN",
            "123456789:Tk s3cret",
            "TELEGRAM_BOT_TOKEN chưa đúng: không phải mã bot",
        ),
        ("ZALO_BOT_TOKEN", "z4lo-s3cret", "ZALO_BOT_TOKEN chưa đúng: không phải mã bot"),
        (
            "TELEGRAM_BASE_URL",
            "api.telegram.org/bot1:s3cret",
            "TELEGRAM_BASE_URL chưa đúng: phải là một địa chỉ web",
        ),
        (
            "ZALO_BOT_API_BASE",
            "bot-api.zaloplatforms.com",
            "ZALO_BOT_API_BASE chưa đúng: phải là một địa chỉ web",
        ),
        ("ZALO_BOT_URL", "zalo.me/4213657089", "ZALO_BOT_URL chưa đúng: phải là địa chỉ web"),
        ("PUBLIC_URL", "http://bot.phuong2.vn", "PUBLIC_URL chưa đúng: phải là địa chỉ https://"),
        ("PUBLIC_URL", "https://", "PUBLIC_URL chưa đúng: phải là địa chỉ https://"),
        ("PUBLIC_URL", "https:// bot.phuong2.vn", "PUBLIC_URL chưa đúng: phải là địa chỉ https://"),
        # uvicorn takes what is no address for a name, and trusts no proxy at all.
        (
            "FORWARDED_ALLOW_IPS",
            "172.17.0.1/16",
            "FORWARDED_ALLOW_IPS chưa đúng: “172.17.0.1/16” không phải một dải mạng; hãy viết "
            "172.17.0.0/16",
        ),
        (
            "FORWARDED_ALLOW_IPS",
            "nginx",
            "FORWARDED_ALLOW_IPS chưa đúng: “nginx” phải là địa chỉ IP",
        ),
    ],
)
def test_a_token_or_address_that_cannot_work_stops_every_command_at_once(
    ward, monkeypatch, capsys, name, value, line
):
    """The bot ran with it, each try at the platform refused or failing, and the log said
    to copy the token again from @BotFather: the same quoted token, refused again."""
    monkeypatch.setenv("ZALO_BOT_TOKEN", "1234567890:z4lo-s3cret")
    monkeypatch.setenv(name, value)
    assert bot.main(["check", *ward]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{STOPPED}Cài đặt {line}")
    assert captured.err.count("\n") == 1 and captured.out == ""
    assert "s3cret" not in captured.err  # a token is never shown


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARD_NAME", '"UBND Phường 2"'),
        ("WARD_HOTLINE", "'0276 3822 123'"),
        ("FAQ_FILE", '"/app/ward/faq.yaml"'),
        ("TELEGRAM_WEBHOOK_SECRET", '"s3cret-Webhook_token"'),
    ],
)
def test_a_setting_in_quotes_as_docker_env_file_keeps_them_is_refused(
    ward, monkeypatch, capsys, name, value
):
    """`docker run --env-file .env` keeps the quotes of WARD_NAME="UBND Phường 2": every
    greeting named '"UBND Phường 2"', with its quotes. Now one line says to drop them."""
    monkeypatch.setenv(name, value)
    assert bot.main(["check", *ward]) == 2
    assert capsys.readouterr().err.startswith(
        f"{STOPPED}Cài đặt {name} chưa đúng: giá trị có dấu ngoặc kép: hãy viết không có dấu "
        "ngoặc (`docker run --env-file` giữ dấu ngoặc như một phần của giá trị). Ví dụ viết "
        f"đúng: {name}="
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARD_HOTLINE", "0276 3822 123 # đường dây nóng"),
        ("WARD_NAME", "UBND Phường 2\t# tên hiện cho dân"),
        ("TELEGRAM_BOT_TOKEN", "123456789:AAE-s3cret  # from @BotFather"),
    ],
)
def test_a_comment_after_a_setting_as_docker_env_file_keeps_it_is_refused(
    ward, monkeypatch, capsys, name, value
):
    """README: in the .env '#' starts a comment, and the Docker section gives the same
    file to `docker run --env-file`, which keeps `# đường dây nóng` as part of the value:
    residents were told to call '0276 3822 123 # đường dây nóng'. Now one line says to
    put the comment on a line of its own, never showing the value."""
    monkeypatch.setenv(name, value)
    assert bot.main(["check", *ward]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"{STOPPED}Cài đặt {name} chưa đúng: cuối giá trị có ghi chú (sau dấu #): hãy viết "
        f"ghi chú trên một dòng riêng (`docker run --env-file` lấy mọi thứ sau {name}= đến "
        "hết dòng làm giá trị). "
    )
    assert f". Ví dụ viết đúng: {name}=" in err
    assert err.count("\n") == 1
    assert "s3cret" not in err


def test_a_hash_inside_a_setting_is_its_own(ward, monkeypatch, capsys):
    monkeypatch.setenv("WARD_NAME", "Tổ dân phố #3")
    monkeypatch.setenv("PORTAL_FEEDS", "https://phuong2.example.gov.vn/rss#tin-moi")
    assert bot.main(["check", *ward]) == 0, capsys.readouterr().err
    assert Settings.from_env().ward_name == "Tổ dân phố #3"


def test_quotes_inside_a_setting_are_its_own(ward, monkeypatch, capsys):
    monkeypatch.setenv("WARD_NAME", '"Bông Sen" - "Phường 2"')
    assert bot.main(["check", *ward]) == 0, capsys.readouterr().err
    assert Settings.from_env().ward_name == '"Bông Sen" - "Phường 2"'


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("TELEGRAM_BOT_TOKEN", "123456789:AAE-k_9zQ-Xw_4"),
        ("ZALO_BOT_TOKEN", "1234567890:z4lo-s3cret"),
        # Zalo documents its token as `<bot_id>:<secret>` only: a bot id that is not all
        # digits may still be Zalo's, and is left for Zalo to judge.
        ("ZALO_BOT_TOKEN", "8a1b2c3d4e5f:z4lo-s3cret_+/="),
    ],
)
def test_a_token_of_the_platforms_shape_is_taken(name, token):
    settings = Settings.from_env({name: token})
    assert token in (settings.telegram_token, settings.zalo_token)


@pytest.mark.parametrize("value", ["172.17.0.1", "*", " 172.17.0.1, 10.0.0.0/8,::1 ", ""])
def test_the_proxies_trusted_may_be_addresses_networks_or_any(value):
    Settings.from_env({"FORWARDED_ALLOW_IPS": value})


@pytest.mark.parametrize(
    ("value", "on"),
    [
        *[(value, True) for value in ("on", "ON", "yes", "true", "1")],
        *[(value, False) for value in ("off", "Off", "no", "false", "0")],
    ],
)
def test_on_off_settings_take_the_usual_spellings(value, on):
    settings = Settings.from_env({"WEB_CHAT": value, "SEMANTIC_MATCHING": value})
    assert (settings.web_chat, settings.semantic) == (on, on)
    defaults = Settings.from_env({})
    assert (defaults.web_chat, defaults.semantic) == (False, True)


def test_ask_answers_at_once_when_many_documents_still_lack_vectors(ward, capsys, monkeypatch):
    # Beside a bot still computing a large archive's vectors (or on a fresh data folder),
    # `ask` computed them all before answering, printing nothing for many minutes.
    monkeypatch.setenv("SEMANTIC_MATCHING", "on")
    monkeypatch.setattr(bot, "ASK_EMBED_AT_MOST", 3)
    assert bot.main(["ask", "--json", *ward, "muc dong bhyt ho gia dinh"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["results"][0]["id"] == "bhyt-muc-dong"
    documents = len(NOTICES) + 8  # and the FAQ entries
    assert f"bot.py ask: {documents} of {documents} documents have no vectors yet" in err
    assert not (Path(ward[-1]) / "vectors.npz").exists()  # none computed


def test_check_as_a_user_who_may_not_read_a_file_says_so_in_vietnamese(open_folder):
    """The bot runs as its own user (uid 10001 in Docker): a notice or faq.yaml saved by
    another user with no read permission for others is told with what to do, not with the
    system's 'Permission denied'."""
    write_ward(open_folder)
    (open_folder / "data").mkdir(mode=0o777)
    (open_folder / "data").chmod(0o777)
    notice = open_folder / "content" / "2026-11-21-bi-mat.md"
    notice.write_text("---\ntitle: Họp\ndate: 2026-11-21\n---\nHọp tổ.\n", "utf-8")
    notice.chmod(0o600 if AS_THE_BOTS_USER else 0o000)
    result = check_as_the_bots_user(open_folder, open_folder / "data")
    assert result.returncode == 1
    assert (
        f"{notice}:1: bot không có quyền đọc tệp này (bot chạy dưới tên người dùng khác): "
        "hãy cho mọi người quyền đọc tệp, ví dụ chmod a+r <tên tệp> — thông báo này chưa "
        "được đăng" in result.stdout.splitlines()
    )


def test_a_notice_titled_as_an_faq_question_is_offered_with_its_date(ward, tmp_path, capsys):
    """A portal article (or a notice) titled in the very words of an FAQ question: the
    resident asking them is offered both, and told which is the notice, not two lines alike."""
    question = "Mức đóng bảo hiểm y tế hộ gia đình là bao nhiêu?"
    (tmp_path / "content" / "2026-11-25-muc-dong-bhyt.md").write_text(
        f"---\ntitle: {question}\ndate: 2026-11-25\ntopics: [bhyt]\n---\n"
        "Từ tháng 12/2026 mức đóng bảo hiểm y tế hộ gia đình tính theo lương cơ sở mới.\n",
        encoding="utf-8",
    )
    assert bot.main(["ask", *ward, question]) == 0
    out = capsys.readouterr().out
    assert f"1. {question}\n" in out or f"2. {question}\n" in out
    assert f"{question} (thông báo ngày 25/11/2026)" in out


def test_check_of_another_wards_faq_beside_this_data_folder_warns_of_no_lost_entries(
    ward, tmp_path, capsys
):
    """`check --faq OTHER/faq.yaml` (another ward's file, a draft) with this folder's data/:
    checked alone, not against the last good copy of the faq.yaml this folder serves, so no
    entries are said lost. The ward's own faq.yaml, however named, still is compared."""
    content = ["--content", str(tmp_path / "content")]
    assert bot.main(["index", *ward]) == 0  # data/ serves ./faq.yaml, the configured one
    full = (tmp_path / "faq.yaml").read_text(encoding="utf-8")
    other = tmp_path / "phuong-khac" / "faq.yaml"
    other.parent.mkdir()
    other.write_text(full[: full.index("  - id: tam-tru")], encoding="utf-8")
    capsys.readouterr()
    assert bot.main(["check", "--faq", str(other), *content]) == 0
    err = capsys.readouterr().err
    assert "cảnh báo" not in err and "Không có lỗi" in err, err

    (tmp_path / "faq.yaml").write_text(other.read_text(encoding="utf-8"), encoding="utf-8")
    assert bot.main(["check", "--faq", "./faq.yaml", *content]) == 0
    err = capsys.readouterr().err
    assert "cảnh báo:" in err and "mất 3 trong số 8 câu hỏi đáp" in err
