"""`python bot.py chat`: the terminal conversation, driven through its input stream."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import unicodedata
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from chat_ward import EXAMPLE, TODAY, WARD_NAME, write_chat_ward
from fakes import disk
from test_telegram_app import read_only_folder

import bot
from handlers import terminal
from handlers.terminal import CHAT, RULE, run_chat
from wardbot import messages as msg
from wardbot.alerts import Snapshot
from wardbot.config import Settings
from wardbot.conversation import Conversation
from wardbot.engine import Engine
from wardbot.faq_file import load_faq
from wardbot.store import Store
from wardbot.text import diacritics_share

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def conversation(ward_engine: Engine, ward_settings: Settings) -> AsyncIterator[Conversation]:
    async with await Store.open(ward_settings.data_dir / "bot.sqlite3") as store:
        yield Conversation(ward_engine, store, ward_settings)


async def chat(conversation: Conversation, settings: Settings, *lines: str) -> str:
    output = io.StringIO()
    source = io.StringIO("".join(f"{line}\n" for line in lines))
    await asyncio.wait_for(run_chat(conversation, settings, source, output), 10)
    return output.getvalue()


async def test_the_chat_opens_in_vietnamese_saying_how_to_ask_pick_and_leave(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """Staff try the bot in `bot.py chat` as residents meet it: before, its first line was
    English ("Type a question as a resident would; ..."). Every line it shows, from the
    first, is Vietnamese: each with words has some written with diacritics."""
    out = await chat(conversation, ward_settings, "/quit")
    first = out.splitlines()[0]
    assert "gõ /quit để thoát" in first and "số thứ tự" in first
    shown = [line for line in out.splitlines() if not line.startswith("> ")]  # not typed
    worded = [line for line in shown if re.search(r"[a-z]{3}", line.lower())]
    assert worded and all(diacritics_share(line) > 0 for line in worded), worded


async def test_a_question_shows_answer_source_and_numbered_related_questions(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "dang ky tam tru can giay to gi", "/quit")
    answer = out.split("> dang ky tam tru can giay to gi\n", 1)[1]
    assert "Đăng ký tạm trú cần giấy tờ gì?" in answer
    assert "Nguồn: Hỏi đáp thủ tục của UBND Phường 2" in answer
    assert f"{msg.RELATED}\n\n1. " in answer


async def test_typing_a_number_opens_the_listed_item(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/latest", "1", "/quit")
    opened = out.split("> 1\n", 1)[1]
    assert "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8" in opened
    assert "Thông báo ngày 25/07/2024" in opened


async def test_several_numbers_typed_at_once_open_each_listed_item_in_turn(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "1 và 3" under /latest: both notices, in that order, each once ("1, 3, 1" too);
    before, it was asked as a question ("chưa có thông tin về câu hỏi này")."""
    out = await chat(conversation, ward_settings, "/latest", "1 và 3", "/quit")
    latest, opened = out.split("> /latest\n", 1)[1].split("> 1 và 3\n", 1)
    first, third = (line[3:] for line in latest.splitlines() if line[:3] in ("1. ", "3. "))
    first, third = first.split(" — ", 1)[1], third.split(" — ", 1)[1]
    assert opened.index(first) < opened.index(third)
    assert "chưa có thông tin" not in opened
    out = await chat(conversation, ward_settings, "/latest", "1, 3, 1", "/quit")
    assert out.split("> 1, 3, 1\n", 1)[1].count(RULE) == 3  # two replies, then the end


BHYT_NOTICE = "điều chỉnh mức đóng bhyt hộ gia đình từ 01/7/2024"  # trimmed: "read it all"


async def test_read_it_all_stands_apart_before_the_related_questions_numbered_as_typed(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, BHYT_NOTICE, "1", "/quit")
    notice = out.split(f"> {BHYT_NOTICE}\n", 1)[1].split("> 1\n", 1)[0]
    assert f"1. {msg.FULL_TEXT_BUTTON}\n\n{msg.RELATED}\n\n2. " in notice
    assert f"{msg.RELATED}\n\n1. " not in notice
    opened = out.split("> 1\n", 1)[1]  # 1 is the notice's full text, as listed
    assert "Đoạn 7" in opened and msg.TRIMMED_NOTE not in opened


async def test_typing_xem_toan_van_opens_the_notice_shown_last(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """As the trimmed notice's note says; what came in between does not matter, a
    document opened since does."""
    lines = (
        "xem toàn văn",
        BHYT_NOTICE,
        "cảm ơn",
        "Xem toan van a",
        "mất thẻ bhyt",
        "đọc toàn văn",
    )
    out = await chat(conversation, ward_settings, *lines, "/quit")
    before = out.split(f"> {lines[0]}\n", 1)[1].split(f"> {BHYT_NOTICE}\n", 1)[0]
    assert msg.full_text_which(WARD_NAME) in before and f"1. {msg.LATEST_BUTTON}" in before
    assert "chưa có thông tin" not in before
    opened = out.split(f"> {lines[3]}\n", 1)[1].split(f"> {lines[4]}\n", 1)[0]
    assert opened.startswith(f"{RULE}\nVề việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024")
    assert "Đoạn 7" in opened and msg.TRIMMED_NOTE not in opened
    after_an_answer = out.split(f"> {lines[5]}\n", 1)[1]
    assert msg.full_text_sent() in after_an_answer and "Đoạn 7" not in after_an_answer


async def test_topics_and_latest_show_each_item_once_as_a_numbered_line(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/topics", "2", "/latest", "/quit")
    topics = out.split("> /topics\n", 1)[1].split("> 2\n", 1)[0]
    toggled = out.split("> 2\n", 1)[1].split("> /latest\n", 1)[0]
    said = msg.subscribed(WARD_NAME, "Học bổng và khuyến học")
    assert said in toggled
    toggled = toggled.replace(said, "")  # the list under it
    latest = out.split("> /latest\n", 1)[1]
    for shown in (topics, toggled):
        assert "• " not in shown
        for name in ("Bảo hiểm y tế", "Học bổng và khuyến học", "Cư trú", "Hộ tịch"):
            assert shown.count(name) == 1, (name, shown)
    assert "1. 🔔 Nhận tin: Bảo hiểm y tế" in topics
    assert "2. 🔕 Bỏ nhận tin: Học bổng và khuyến học" in toggled
    assert "• " not in latest
    # Each notice once, its title uncut: a line has room where a button does not.
    title = "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8"
    assert latest.count(title[:30]) == 1
    assert f"1. 25/07/2024 — {title}\n" in latest


async def test_numbers_refer_to_the_last_list_only(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(
        conversation, ward_settings, "muc dong bhyt ho gia dinh", "/help", "1", "/quit"
    )
    after = out.split("> 1\n", 1)[1]
    assert msg.no_list_to_pick("1", EXAMPLE) in after  # no list was shown last: "1" means nothing


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("số 2 ạ", 2),
        ("2 nhé", 2),
        ("chọn 2", 2),
        ("chon 2", 2),
        ("câu 2", 2),
        ("cau so 2", 2),
        ("mục 1", 1),
        ("Số 1 nha", 1),
        ("chọn câu 2 đi", 2),
        ("cái thứ 2", 2),
        ("câu thứ hai ạ", 2),
        ("mục thứ nhất", 1),
        ("cái đầu tiên nhé", 1),
    ],
)
async def test_a_number_typed_the_way_people_talk_picks_from_the_list(
    conversation: Conversation, ward_settings: Settings, typed: str, number: int
) -> None:
    out = await chat(conversation, ward_settings, "/latest", typed, "/quit")
    listed = out.split("> /latest\n", 1)[1].split(f"> {typed}\n", 1)[0]
    line = next(line for line in listed.splitlines() if line.startswith(f"{number}. "))
    title = line.split(" — ", 1)[1]
    opened = out.split(f"> {typed}\n", 1)[1]
    assert opened.startswith(f"{RULE}\n{title}\n"), opened
    assert "xin lỗi" not in opened and "chưa có thông tin" not in opened


async def test_a_question_the_bot_cannot_answer_leaves_the_list_in_effect(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """A message that is no choice and gets "no information" (a choice typed oddly, a
    question out of scope) does not make the list on screen mean nothing."""
    out = await chat(
        conversation, ward_settings, "/latest", "giá vàng hôm nay bao nhiêu", "1", "/quit"
    )
    listed = out.split("> /latest\n", 1)[1].split("> giá vàng", 1)[0]
    title = next(line for line in listed.splitlines() if line.startswith("1. ")).split(" — ")[1]
    opened = out.split("> 1\n", 1)[1]
    assert msg.no_list_to_pick("1", EXAMPLE) not in opened
    assert opened.startswith(f"{RULE}\n{title}\n")


async def test_choice_words_with_no_list_shown_are_a_question(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/help", "câu 2 nhé", "/quit")
    asked = out.split("> câu 2 nhé\n", 1)[1]
    assert msg.no_list_to_pick("2", EXAMPLE) not in asked
    assert "0276 3822 123" in asked  # searched for: offers or "no information", the hotline


@pytest.mark.parametrize("typed", ["xem thêm", "đọc thêm", "xem chi tiết", "Xem chi tiet a"])
async def test_asking_for_more_after_a_shortened_notice_opens_its_full_text(
    conversation: Conversation, ward_settings: Settings, typed: str
) -> None:
    out = await chat(conversation, ward_settings, BHYT_NOTICE, typed, "/quit")
    assert msg.TRIMMED_NOTE in out.split(f"> {typed}\n", 1)[0]
    opened = out.split(f"> {typed}\n", 1)[1]
    assert opened.startswith(f"{RULE}\nVề việc điều chỉnh mức đóng BHYT hộ gia đình từ 01/7/2024")
    assert "Đoạn 7" in opened and msg.TRIMMED_NOTE not in opened


async def test_the_no_answer_reply_gives_the_hotline(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "giá vàng hôm nay bao nhiêu")
    assert "gọi đường dây nóng 0276 3822 123" in out


async def test_a_number_not_on_the_list_says_so_and_shows_the_list_again(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/latest", "9", "1", "/quit")
    shown = out.split("> /latest\n", 1)[1].split("> 9\n", 1)[0]
    again = out.split("> 9\n", 1)[1].split("> 1\n", 1)[0]
    listed = [line for line in shown.splitlines() if line[:1].isdigit()]
    assert listed and len(listed) < 9
    assert msg.number_not_in_list("9", len(listed)) in again
    assert msg.no_list_to_pick("9", EXAMPLE) not in again
    assert [line for line in again.splitlines() if line[:1].isdigit()] == listed
    opened = out.split("> 1\n", 1)[1]  # its numbers still work
    assert "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8" in opened


async def test_subscribing_by_number_from_the_start_menu(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "2", "/mysubs")
    assert msg.subscribed(WARD_NAME, "Học bổng và khuyến học") in out
    mine = out.split("> /mysubs\n", 1)[1]
    assert f"{msg.mysubs_menu(1)}\n\n1. 🔕 Bỏ nhận tin: Học bổng và khuyến học\n" in mine


async def test_registering_for_a_topic_answers_and_numbers_following_it_last(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """A typed "đăng ký cư trú" gets an answer, not a subscription; its last number follows."""
    out = await chat(conversation, ward_settings, "đăng ký cư trú", "/mysubs", "/quit")
    asked = out.split("> đăng ký cư trú\n", 1)[1].split("> /mysubs\n", 1)[0]
    assert msg.subscribed(WARD_NAME, "Cư trú") not in asked
    choices = [line for line in asked.splitlines() if line[:1].isdigit()]
    assert choices[-1] == f"{len(choices)}. {msg.subscribe_button('Cư trú')}"
    assert msg.mysubs([]) in out.split("> /mysubs\n", 1)[1]
    out = await chat(conversation, ward_settings, "đăng ký cư trú", str(len(choices)), "/mysubs")
    assert msg.subscribed(WARD_NAME, "Cư trú") in out
    assert f"{msg.mysubs_menu(1)}\n\n1. 🔕 Bỏ nhận tin: Cư trú\n" in out


async def test_numbers_after_a_choice_in_mysubs_refer_to_the_topics_still_followed(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """Follow two topics, /mysubs, 1 (stop the first), 2: no second line is left on
    screen, so "2" subscribes to nothing."""
    lines = ("/subscribe bhyt", "/subscribe hoc-bong", "/mysubs", "1", "2", "/mysubs")
    out = await chat(conversation, ward_settings, *lines)
    first = out.split("> 1\n", 1)[1].split("> 2\n", 1)[0]
    assert msg.unsubscribed("Bảo hiểm y tế") in first
    assert [line for line in first.splitlines() if line[:1].isdigit()] == [
        f"1. {msg.unsubscribe_button('Học bổng và khuyến học')}"
    ]
    assert msg.number_not_in_list("2", 1) in out.split("> 2\n", 1)[1]
    still = out.rsplit("> /mysubs\n", 1)[1]
    assert f"{msg.mysubs_menu(1)}\n\n1. 🔕 Bỏ nhận tin: Học bổng và khuyến học\n" in still


async def test_topic_lists_on_numbered_lines_show_each_topic_once(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """/mysubs, and an unknown topic to follow or to stop: the numbered lines are the list,
    with no bulleted copy above them; a topic already followed is not offered again."""
    lines = ("/subscribe bhyt", "/subscribe cu-tru", "/mysubs", "/subscribe tiêm chủng")
    out = await chat(conversation, ward_settings, *lines, "/unsubscribe học phí", "/quit")
    mine = out.split("> /mysubs\n", 1)[1].split("> /subscribe tiêm chủng\n", 1)[0]
    unknown = out.split("> /subscribe tiêm chủng\n", 1)[1].split("> /unsubscribe", 1)[0]
    stop = out.split("> /unsubscribe học phí\n", 1)[1]
    for shown in (mine, unknown, stop):
        assert "• " not in shown, shown
    assert mine.count("Bảo hiểm y tế") == 1 and mine.count("Cư trú") == 1
    assert msg.unknown_topic_menu("tiêm chủng") in unknown
    assert [line for line in unknown.splitlines() if line[:1].isdigit()] == [
        f"1. {msg.subscribe_button('Học bổng và khuyến học')}",
        f"2. {msg.subscribe_button('Hộ tịch')}",
    ]
    assert msg.unknown_topic_to_unsubscribe_menu("học phí", 2) in stop
    assert stop.count("Bảo hiểm y tế") == 1 and stop.count("Cư trú") == 1


async def test_a_number_after_stopping_an_unclear_topic_never_subscribes(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/subscribe cư trú", "/unsubscribe bảo hiểm", "1")
    listed = out.split("> /unsubscribe bảo hiểm\n", 1)[1].split("> 1\n", 1)[0]
    assert [line for line in listed.splitlines() if line[:1].isdigit()] == [
        f"1. {msg.unsubscribe_button('Cư trú')}"
    ]
    assert msg.unsubscribed("Cư trú") in out.split("> 1\n", 1)[1]
    assert await conversation.store.subscriptions_of(CHAT) == []


async def test_odd_input_never_crashes_and_end_of_input_exits(
    conversation: Conversation, ward_settings: Settings
) -> None:
    nfd = unicodedata.normalize("NFD", "Mất thẻ bảo hiểm y tế thì làm sao?")
    lines = ["", "   ", "x" * 10_000, "😀🎉", "?!?...", nfd, "这是什么", "Как дела?", "\t"]
    out = await chat(conversation, ward_settings, *lines)  # no /quit: end of input ends the chat
    assert msg.too_long(1500) in out
    # "?!?..." and "😀🎉" (a reaction to nothing yet: no thanks for it)
    assert out.count(msg.ask_what(EXAMPLE)) == 2
    assert msg.liked() not in out
    assert "Người dân dùng ứng dụng VssID" in out  # the NFD question is understood
    assert "Traceback" not in out


async def test_lines_pasted_into_the_terminal_at_once_are_one_question(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """A resident's question pasted from elsewhere, over two lines: each line was answered
    on its own ("cho em hỏi" got "anh/chị cứ hỏi ạ", the rest a second reply). What a
    terminal holds at once is one message, as on Telegram; a line typed later is another."""
    leader, follower = os.openpty()
    with open(follower, encoding="utf-8", closefd=True) as source:  # noqa: ASYNC230 (a pty)
        os.write(leader, "cho em hỏi\nđăng ký tạm trú cần giấy tờ gì\n".encode())
        os.write(leader, b"\x04")  # Ctrl-D: the end of input
        output = io.StringIO()
        await asyncio.wait_for(run_chat(conversation, ward_settings, source, output), 10)
    os.close(leader)
    after = output.getvalue().split(f"{RULE}\n> ", 1)[1]  # the greeting's prompt
    # One reply, then the prompt for the next message.
    [reply] = after.removesuffix(f"{RULE}\n> \n").removeprefix(f"{RULE}\n").split(RULE)
    assert reply.startswith("Đăng ký tạm trú cần giấy tờ gì?\n")


class _ReaderGone(io.StringIO):
    """Output piped to a reader that has gone after the chat's first line."""

    def write(self, text: str) -> int:
        if self.getvalue():
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


async def test_output_whose_reader_has_gone_ends_the_chat_without_an_error_logged(
    conversation: Conversation, ward_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """`bot.py chat < questions.txt | head`: the reply the reader no longer takes was
    logged as "failed to handle an update", with its traceback, and apologised for to
    nowhere; now the chat ends (bot.main: quietly, status 141)."""
    source = io.StringIO("mat the bhyt\n")
    with pytest.raises(BrokenPipeError):
        await asyncio.wait_for(run_chat(conversation, ward_settings, source, _ReaderGone()), 10)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_stop_ends_a_chat_waiting_for_input(
    conversation: Conversation, ward_settings: Settings
) -> None:
    read_end, write_end = os.pipe()
    stop = asyncio.Event()
    # Opening a pipe's descriptors does not block.
    source = open(read_end, encoding="utf-8")  # noqa: ASYNC230, SIM115
    keep_open = open(write_end, "w")  # noqa: ASYNC230, SIM115
    with source, keep_open:
        task = asyncio.create_task(
            run_chat(conversation, ward_settings, source, io.StringIO(), stop=stop)
        )
        await asyncio.sleep(0.2)
        stop.set()  # what Ctrl-C does in main()
        await asyncio.wait_for(task, 5)
        keep_open.write("\n")


def test_bot_py_chat_reports_problems_and_answers(tmp_path: Path, ward_files: Path) -> None:
    faq = tmp_path / "faq.yaml"
    broken = (
        (ward_files / "faq.yaml")
        .read_text(encoding="utf-8")
        .replace("    question: Mất thẻ", "    anwser: typo\n    question: Mất thẻ", 1)
    )
    faq.write_text(broken, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bot.py"),
            "chat",
            "--faq",
            str(faq),
            "--content",
            str(ward_files / "content"),
            "--data",
            str(tmp_path / "data"),
        ],
        input="dang ky tam tru can giay to gi\n/quit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "WARD_NAME": "UBND Phường 2",
        },
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Đăng ký tạm trú cần giấy tờ gì?" in result.stdout
    assert "faq.yaml:" in result.stderr and "anwser" in result.stderr


async def test_an_unsure_question_offers_numbered_matches_and_a_number_opens_one(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "bhyt", "1", "/quit")
    offered, opened = out.split("> bhyt\n", 1)[1].split("> 1\n", 1)
    assert (
        "Dạ, có phải anh/chị muốn hỏi một trong các câu dưới đây? Nếu không phải, anh/chị "
        "vui lòng gọi đường dây nóng 0276 3822 123.\n\n1. Mức đóng bảo hiểm y tế hộ gia đình"
    ) in offered
    assert "gọi đường dây nóng 0276 3822 123" in offered  # and whom to ask if not
    assert "Người thứ nhất đóng" in opened


def test_bot_py_chat_answers_from_a_read_only_data_folder(tmp_path: Path, ward_files: Path) -> None:
    data = tmp_path / "data"
    command = [
        sys.executable,
        str(ROOT / "bot.py"),
        "chat",
        "--faq",
        str(ward_files / "faq.yaml"),
        "--content",
        str(ward_files / "content"),
        "--data",
        str(data),
    ]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "SEMANTIC_MATCHING": "off",
    }
    with read_only_folder(data):  # a fresh folder that cannot be written: nothing in it
        result = subprocess.run(
            command,
            input="dang ky tam tru can giay to gi\n/quit\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=env,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert "Đăng ký tạm trú cần giấy tờ gì?" in result.stdout
    assert f"the data folder {data} cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def bot_chat(monkeypatch: pytest.MonkeyPatch, ward_files: Path, data: Path, *lines: str) -> int:
    """`python bot.py chat` in this process (so a test can inject faults), typing `lines`."""
    monkeypatch.chdir(data.parent)  # no stray .env from the developer's checkout
    monkeypatch.setenv("SEMANTIC_MATCHING", "off")
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    files = ["--faq", str(ward_files / "faq.yaml"), "--content", str(ward_files / "content")]
    return bot.main(["chat", *files, "--data", str(data)])


@pytest.mark.parametrize(
    "flushes",
    [
        pytest.param(True, id="nothing-fits"),  # found by the first write it tries
        pytest.param(False, id="a-few-kilobytes-left"),  # found when the database opens
    ],
)
def test_bot_py_chat_on_a_full_data_disk_answers_and_says_the_folder_is_full(
    tmp_path: Path,
    ward_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    flushes: bool,
) -> None:
    data = tmp_path / "data"
    assert bot_chat(monkeypatch, ward_files, data, "/subscribe bhyt") == 0  # yesterday
    capsys.readouterr()
    disk.fill(data, monkeypatch, flushes=flushes)
    caplog.clear()
    status = bot_chat(
        monkeypatch,
        ward_files,
        data,
        "dang ky tam tru can giay to gi",
        "/mysubs",
        "/subscribe cu-tru",
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "Đăng ký tạm trú cần giấy tờ gì?" in out
    saved = out.split("> /mysubs\n", 1)[1].split("> /subscribe cu-tru\n", 1)[0]
    assert "Anh/chị đang nhận tin về" in saved and "Bảo hiểm y tế" in saved  # read
    refused = out.split("> /subscribe cu-tru\n", 1)[1]
    assert "hệ thống đang gặp sự cố" in refused  # and to try again later
    full = [r.getMessage() for r in caplog.records if "is full" in r.getMessage()]
    assert full == [
        f"the data folder {data} is full ({disk.NO_SPACE if flushes else 'database or disk is full'}): "
        "answering questions only; subscriptions, alerts and the question log resume once "
        "its disk has room and the bot is restarted"
    ]


async def test_ctrl_c_while_the_chat_starts_leaves_at_once_without_a_traceback(
    ward_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while a large ward's index is still being built: the chat leaves at once,
    with Ctrl-C's exit status, instead of a KeyboardInterrupt traceback once it is built."""
    opening, release = threading.Event(), threading.Event()

    def slow_open(self: Settings, **kwargs: object) -> Engine:
        opening.set()
        release.wait(30)
        raise RuntimeError("opened too late to matter")

    monkeypatch.setattr(Settings, "open_engine", slow_open)
    # Whatever happens, no KeyboardInterrupt reaches the test runner.
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        chatting = asyncio.create_task(terminal.main(ward_settings))
        assert await asyncio.to_thread(opening.wait, 10)
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(chatting, 5) == 128 + signal.SIGINT
    finally:
        release.set()
        signal.signal(signal.SIGINT, previous)
    assert "Traceback" not in capsys.readouterr().err


async def _logged(caplog: pytest.LogCaptureFixture, text: str) -> None:
    for _ in range(1000):
        if text in caplog.messages:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never logged: {text}")


async def test_the_chat_reads_a_faq_being_saved_once_it_is_saved_whole(
    ward_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`bot.py chat` started while faq.yaml is still being copied: as `bot.py run`, it
    waits for the copy to end rather than answer from half of it."""
    caplog.set_level(logging.INFO, logger="wardbot.alerts")
    faq = ward_settings.faq_file
    whole = faq.read_text(encoding="utf-8")
    faq.write_text(whole[: whole.index("\n  - id:", whole.index("faq:")) + 1], encoding="utf-8")
    served: list[int] = []
    real_open = Settings.open_engine

    def counting_open(self: Settings, **kwargs: object) -> Engine:
        engine = real_open(self, **kwargs)  # type: ignore[arg-type]
        served.append(len(engine.corpus.faq))
        return engine  # type: ignore[no-any-return]

    monkeypatch.setattr(Settings, "open_engine", counting_open)
    monkeypatch.setattr(sys, "stdin", io.StringIO("/quit\n"))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    chatting = asyncio.create_task(terminal.main(ward_settings))
    await _logged(caplog, "waiting for the staff files being saved before reading them")
    faq.write_text(whole, encoding="utf-8")  # the copy ends
    assert await asyncio.wait_for(chatting, 30) == 0
    assert served == [len(load_faq(faq).faq)] and served[0] > 0


async def test_ctrl_c_while_the_chat_waits_for_a_faq_being_saved_leaves_without_a_traceback(
    ward_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.INFO, logger="wardbot.alerts")
    faq = ward_settings.faq_file
    saving = threading.Event()

    def copying() -> None:  # a sync tool still writing faq.yaml
        while True:
            with faq.open("a", encoding="utf-8") as out:
                out.write("#\n")
            if saving.wait(0.05):
                return

    opened: list[Settings] = []
    monkeypatch.setattr(Settings, "open_engine", lambda self, **_: opened.append(self))
    with faq.open("a", encoding="utf-8") as out:  # written just now, as the chat starts
        out.write("#\n")
    writer = threading.Thread(target=copying)
    writer.start()
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    try:
        chatting = asyncio.create_task(terminal.main(ward_settings))
        await _logged(caplog, "waiting for the staff files being saved before reading them")
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(chatting, 5) == 128 + signal.SIGINT
    finally:
        saving.set()
        writer.join()
        signal.signal(signal.SIGINT, previous)
    assert opened == []  # nothing read half written
    assert "Traceback" not in capsys.readouterr().err


class _Shown(io.StringIO):
    """Standard output that tells when the chat waits for the resident's first line."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.getvalue().count(RULE) >= 3:  # the greeting and the topics shown
            self.waiting.set()
        return written


async def test_ctrl_c_in_the_chat_leaves_with_its_exit_status(
    ward_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the README says of every command: Ctrl-C stops it with status 130 (the chat
    left with 0, as /quit does, once it had started)."""
    read_end, write_end = os.pipe()
    shown = _Shown()
    monkeypatch.setattr(sys, "stdout", shown)
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    # Opening a pipe's descriptors does not block.
    with open(read_end, encoding="utf-8") as stdin, open(write_end, "w") as keep_open:  # noqa: ASYNC230
        monkeypatch.setattr(sys, "stdin", stdin)
        try:
            chatting = asyncio.create_task(terminal.main(ward_settings))
            assert await asyncio.to_thread(shown.waiting.wait, 30)
            os.kill(os.getpid(), signal.SIGINT)
            assert await asyncio.wait_for(chatting, 5) == 128 + signal.SIGINT
        finally:
            signal.signal(signal.SIGINT, previous)
            keep_open.write("\n")


def test_ctrl_c_before_the_chat_takes_it_exits_with_its_status_and_no_traceback(
    tmp_path: Path,
    ward_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def interrupted(settings: Settings) -> int:  # Ctrl-C while modules still load
        raise KeyboardInterrupt

    monkeypatch.setattr(terminal, "main", interrupted)
    try:
        status = bot_chat(monkeypatch, ward_files, tmp_path / "data")
    except KeyboardInterrupt:  # not to the test runner, which would stop every test
        pytest.fail("bot.py chat let Ctrl-C out as a KeyboardInterrupt traceback")
    assert status == 130
    assert capsys.readouterr().err == "\n"


def test_changes_refused_by_a_read_only_data_folder_are_one_log_line_each(
    tmp_path: Path,
    ward_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As the README says: the bot says once, at start-up, that nothing can be saved; each
    change a resident then asks for is apologised for and logged in one line, not with a
    traceback per message."""
    data = tmp_path / "data"
    assert bot_chat(monkeypatch, ward_files, data, "/subscribe bhyt") == 0
    capsys.readouterr()
    caplog.clear()
    with read_only_folder(data):
        status = bot_chat(
            monkeypatch, ward_files, data, "/subscribe cu-tru", "/unsubscribe bhyt", "/forget"
        )
    out = capsys.readouterr().out
    assert status == 0
    for command in ("/subscribe cu-tru", "/unsubscribe bhyt", "/forget"):
        reply = out.split(f"> {command}\n", 1)[1].split("> ", 1)[0]
        assert "hệ thống đang gặp sự cố" in reply, reply  # ... try again later
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    not_saved = [r.getMessage() for r in caplog.records if "not saved" in r.getMessage()]
    assert len(not_saved) == 3
    assert all(
        m.startswith("terminal: a change was not saved: the data folder is read-only (")
        for m in not_saved
    )


class _Screen(io.StringIO):
    """The chat's output, which a test can wait on (each write wakes it)."""

    def __init__(self) -> None:
        super().__init__()
        self.written = asyncio.Event()

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)

    async def shows(self, text: str, after: int = 0) -> int:
        """Wait until `text` appears after position `after`; returns where it ends."""
        async with asyncio.timeout(30):  # only a broken chat waits that long
            while (at := self.getvalue().find(text, after)) < 0:
                self.written.clear()
                await self.written.wait()
        return at + len(text)


@contextlib.asynccontextmanager
async def watched_chat(
    faq: Path, content: Path, errors: io.StringIO
) -> AsyncIterator[tuple[_Screen, Callable[[str], None]]]:
    """The terminal chat over the ward `faq` and `content`, watching them as `bot.py chat`
    does (problems and warnings printed to `errors`): its screen and how to type a line;
    /quit is typed at the end."""
    settings = Settings(
        faq_file=faq, content_dir=content, data_dir=faq.parent / "data", ward_name="UBND Phường 2"
    )
    snapshot = Snapshot.take(faq, content)
    engine = Engine.open(faq, content, settings.data_dir, today=TODAY)
    screen = _Screen()
    read_end, write_end = os.pipe()
    # Opening a pipe's descriptors does not block.
    source = open(read_end, encoding="utf-8")  # noqa: ASYNC230, SIM115
    typing = open(write_end, "w", encoding="utf-8")  # noqa: ASYNC230, SIM115

    def type_line(line: str) -> None:
        typing.write(f"{line}\n")
        typing.flush()

    async with await Store.open(settings.data_dir / "bot.sqlite3") as store:
        with source, typing, contextlib.closing(engine):
            conversation = Conversation(engine, store, settings)
            chatting = asyncio.create_task(
                run_chat(
                    conversation, settings, source, screen, watch=(engine, snapshot), errors=errors
                )
            )
            yield screen, type_line
            type_line("/quit")
            await asyncio.wait_for(chatting, 10)


async def test_the_chat_applies_staff_edits_by_itself_and_keeps_the_last_good_faq(
    tmp_path: Path,
) -> None:
    """Staff try their edits in the terminal chat: a notice dropped into content/ is
    answered without a restart, and a faq.yaml broken meanwhile is reported as file:line
    while the last good version keeps answering; each reload is one line in the chat."""
    faq, content = write_chat_ward(tmp_path)
    errors = io.StringIO()
    async with watched_chat(faq, content, errors) as (screen, type_line):
        question = "lich cat dien khu pho 4"
        type_line(question)
        seen = await screen.shows("> " + question)
        seen = await screen.shows("chưa có thông tin về câu hỏi này", seen)
        good = faq.read_text(encoding="utf-8")
        faq.write_text(good.replace("topics:\n", "topics:\n  - id: [oops\n", 1), "utf-8")
        (content / "2024-07-30-cat-dien-khu-pho-4.md").write_text(
            "---\ntitle: Lịch cắt điện khu phố 4\ndate: 2024-07-30\n---\n"
            "Ngày 05/8/2024 cắt điện khu phố 4 từ 7 giờ đến 16 giờ.\n",
            encoding="utf-8",
        )
        seen = await screen.shows(
            "⚠️ faq.yaml có lỗi nên chưa nạp được; em vẫn dùng bản đúng gần nhất", seen
        )
        assert f"{faq}:" in errors.getvalue() and "bot chưa đọc được cả tệp" in errors.getvalue()
        type_line(question)
        seen = await screen.shows("> " + question, seen)
        seen = await screen.shows("Ngày 05/8/2024 cắt điện khu phố 4", seen)
        type_line("muc dong bhyt ho gia dinh")  # the last good FAQ still answers
        seen = await screen.shows("Người thứ nhất đóng", seen)
        faq.write_text(good, encoding="utf-8")
        seen = await screen.shows("🔄 Em đã nạp nội dung vừa sửa", seen)


async def test_the_chat_warns_of_a_picture_residents_will_not_see_at_start_and_when_saved(
    tmp_path: Path,
) -> None:
    """A picture is warned of (file:line, as `bot.py check` says it) when the chat starts,
    and when staff save a notice holding one while it runs; a reload of files otherwise
    unchanged does not warn of it again."""
    faq, content = write_chat_ward(tmp_path)
    (content / "2024-07-29-so-do-mau.md").write_text(
        "---\ntitle: Mẫu đơn cấp sổ đỏ\ndate: 2024-07-29\n---\n"
        "Mẫu đơn như hình:\n\n![mẫu đơn](hinh/don.png)\n",
        encoding="utf-8",
    )
    errors = io.StringIO()
    async with watched_chat(faq, content, errors) as (screen, _):
        seen = await screen.shows(RULE)  # the greeting: the chat has started
        first = errors.getvalue()
        assert "so-do-mau.md:7: người dân không thấy hình 'mẫu đơn' (hinh/don.png)" in first
        notice = content / "2024-07-31-tiem-chung.md"
        notice.write_text(
            "---\ntitle: Lịch tiêm chủng tháng 8\ndate: 2024-07-31\n---\n"
            'Lịch tiêm: <img src="data:image/png;base64,iVBORw0KGgo=">\n',
            encoding="utf-8",
        )
        seen = await screen.shows("🔄 Em đã nạp nội dung vừa sửa", seen)
        warned = errors.getvalue()[len(first) :]
        assert f"{notice}:5: người dân không thấy hình data:image/png;base64,…" in warned
        assert "so-do-mau.md" not in warned  # told at the start already
        (content / "2024-07-31-hop-dan.md").write_text(
            "---\ntitle: Họp dân khu phố 3\ndate: 2024-07-31\n---\nHọp lúc 19 giờ.\n",
            encoding="utf-8",
        )
        await screen.shows("🔄 Em đã nạp nội dung vừa sửa", seen)
        assert errors.getvalue().count(f"{notice}:5:") == 1  # once per save


def test_bot_py_chat_watches_the_staff_files_and_logs_only_warnings(
    tmp_path: Path, ward_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bot.py chat` hands the chat the files as they were before the engine opened (an
    edit made while it loads is applied too), and its log does not narrate each reload
    (the chat says so in one line); -v still shows everything."""
    seen: list[tuple[object, int]] = []

    async def chatting(*args: object, watch: object = None, **kwargs: object) -> None:
        seen.append((watch, logging.getLogger("wardbot.alerts").getEffectiveLevel()))

    monkeypatch.setattr(terminal, "run_chat", chatting)
    before = logging.getLogger().level
    assert bot_chat(monkeypatch, ward_files, tmp_path / "data") == 0
    ((watch, level),) = seen
    assert isinstance(watch, tuple) and isinstance(watch[1], Snapshot)
    assert watch[1].faq is not None and watch[1].files
    assert level == logging.WARNING
    assert logging.getLogger().level == before  # as it was, after the chat


async def test_a_phone_number_is_no_choice_and_the_list_still_works_after_it(
    conversation: Conversation, ward_settings: Settings
) -> None:
    out = await chat(conversation, ward_settings, "/latest", "0912345678", "1", "/quit")
    said = out.split("> 0912345678\n", 1)[1].split("> 1\n", 1)[0]
    s = ward_settings
    assert (
        msg.call_back(s.ward_name, s.ward_hotline, staff=False, example=EXAMPLE) in said
    )  # it cannot call
    assert "không có trong danh sách" not in said
    opened = out.split("> 1\n", 1)[1]  # the list shown before it still answers to "1"
    assert "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8" in opened


class _HeldEmbedder:
    """The real model, except that the background pass computing the documents' meaning
    (the "vectors" thread) waits until `release` is set."""

    def __init__(self, inner, release: threading.Event) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.name, self.release = inner, inner.name, release

    def embed(self, texts, *, query):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "vectors":
            self.release.wait(30)
        return self.inner.embed(texts, query=query)

    def question_tail(self, text: str, tokens: int) -> str:
        return self.inner.question_tail(text, tokens)  # type: ignore[no-any-return]


async def _stderr_shows(capsys: pytest.CaptureFixture[str], text: str) -> str:
    seen = ""
    for _ in range(1000):
        seen += capsys.readouterr().err
        if text in seen:
            return seen
        await asyncio.sleep(0.01)
    raise AssertionError(f"never printed: {text}; printed: {seen}")


async def test_a_first_chat_waits_for_the_meaning_of_the_wards_documents_before_answering(
    ward_settings: Settings,
    ward_engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`make chat` on a fresh data folder: whoever tries the bot first gets the answers
    residents will get, matched by meaning, not the word matches of the seconds while the
    documents' meaning is computed ("nhập hộ khẩu cho vợ" shares no word with "đăng ký
    thường trú" and is answered only by meaning)."""
    from wardbot import semantic

    question = "nhập hộ khẩu cho vợ"
    answer = ward_engine.ask(question)
    assert answer.answered and answer.best.id == "dang-ky-thuong-tru"  # type: ignore[union-attr]
    release = threading.Event()
    held = _HeldEmbedder(ward_engine.embedder, release)
    monkeypatch.setattr(semantic, "embedder_or_why", lambda threads=None: (held, None))
    output = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{question}\n/quit\n"))
    monkeypatch.setattr(sys, "stdout", output)
    chatting = asyncio.create_task(terminal.main(ward_settings))
    try:
        await _stderr_shows(capsys, "để hiểu câu hỏi theo nghĩa")
        await asyncio.sleep(0.5)
        assert "Đăng ký thường trú" not in output.getvalue(), "answered before the meaning"
    finally:
        release.set()
    assert await asyncio.wait_for(chatting, 60) == 0
    replies = output.getvalue().split(f"> {question}\n", 1)[1]
    assert replies.split("\n", 2)[1].startswith("Đăng ký thường trú ở đâu?")


async def test_subscribe_and_unsubscribe_with_a_number_take_that_line_of_the_list_on_screen(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "/subscribe 2" under /topics follows its line 2, as "2" does; "/unsubscribe 1" under
    /mysubs stops its line 1; before, each said no topic “2” was found."""
    out = await chat(conversation, ward_settings, "/topics", "/subscribe 2", "/subscribe bhyt")
    assert msg.subscribed(WARD_NAME, "Học bổng và khuyến học") in out
    assert "“2”" not in out
    assert sorted(await conversation.store.subscriptions_of(CHAT)) == ["bhyt", "hoc-bong"]
    out = await chat(conversation, ward_settings, "/mysubs", "đăng ký nhận tin số 2")
    assert msg.already_subscribed("Học bổng và khuyến học") in out
    out = await chat(conversation, ward_settings, "/mysubs", "/unsubscribe 1", "/unsubscribe 1")
    first, second = out.split("> /unsubscribe 1\n")[1:]
    assert msg.unsubscribed("Bảo hiểm y tế") in first
    assert msg.unsubscribed("Học bổng và khuyến học") in second  # line 1 of the list shown
    assert "“1”" not in out
    assert await conversation.store.subscriptions_of(CHAT) == []


async def test_register_with_a_number_under_the_topics_follows_that_line(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "đăng ký 3" under /topics follows its line 3; before, it was asked as a question
    ("chưa có thông tin")."""
    out = await chat(conversation, ward_settings, "/topics", "đăng ký 3", "/quit")
    assert msg.subscribed(WARD_NAME, "Cư trú") in out.split("> đăng ký 3\n", 1)[1]
    assert await conversation.store.subscriptions_of(CHAT) == ["cu-tru"]


async def test_stop_with_a_number_under_mysubs_stops_that_line(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "hủy 2" under /mysubs stops its line 2, as "hủy đăng ký 2" does; before, it was
    asked as a question ("chưa có thông tin")."""
    lines = ("/subscribe bhyt", "/subscribe cư trú", "/mysubs", "hủy 2", "/quit")
    out = await chat(conversation, ward_settings, *lines)
    assert msg.unsubscribed("Cư trú") in out.split("> hủy 2\n", 1)[1]
    assert await conversation.store.subscriptions_of(CHAT) == ["bhyt"]


@pytest.mark.parametrize("stop", ["hủy hai", "bỏ số hai ạ"])
async def test_stop_with_a_number_word_under_mysubs_stops_that_line(
    conversation: Conversation, ward_settings: Settings, stop: str
) -> None:
    """ "hủy hai", "bỏ số hai ạ" under /mysubs stop its line 2, as "hủy 2" does; before,
    they were asked as a question ("chưa có thông tin")."""
    lines = ("/subscribe bhyt", "/subscribe cư trú", "/mysubs", stop, "/quit")
    out = await chat(conversation, ward_settings, *lines)
    assert msg.unsubscribed("Cư trú") in out.split(f"> {stop}\n", 1)[1]
    assert await conversation.store.subscriptions_of(CHAT) == ["bhyt"]


async def test_register_with_a_number_word_under_the_topics_follows_that_line(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "đăng ký ba" under /topics follows its line 3, as "đăng ký 3" does."""
    out = await chat(conversation, ward_settings, "/topics", "đăng ký số ba", "/quit")
    assert msg.subscribed(WARD_NAME, "Cư trú") in out.split("> đăng ký số ba\n", 1)[1]
    assert await conversation.store.subscriptions_of(CHAT) == ["cu-tru"]


async def test_stop_with_a_number_word_and_no_list_on_screen_is_a_question(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "hủy hai thẻ bhyt", and "hủy hai" with no list shown, stop no subscription: they
    are asked as any message is."""
    lines = ("/subscribe bhyt", "/subscribe cư trú", "hủy hai", "/mysubs", "hủy hai thẻ bhyt")
    out = await chat(conversation, ward_settings, *lines, "/quit")
    assert msg.unsubscribed("Cư trú") not in out
    assert sorted(await conversation.store.subscriptions_of(CHAT)) == ["bhyt", "cu-tru"]


async def test_unsubscribe_with_the_number_of_stop_all_under_mysubs_stops_all(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "/unsubscribe 3" under /mysubs, whose line 3 stops every topic, stops them all."""
    lines = ("/subscribe bhyt", "/subscribe cư trú", "/mysubs", "/unsubscribe 3", "/quit")
    out = await chat(conversation, ward_settings, *lines)
    assert "3. 🔕 Bỏ nhận tin tất cả" in out
    assert "“3”" not in out
    assert await conversation.store.subscriptions_of(CHAT) == []


async def test_a_number_word_alone_under_a_list_picks_its_line(
    conversation: Conversation, ward_settings: Settings
) -> None:
    """ "một" under /latest opens its line 1 and "hai ạ" under /topics follows line 2, as
    "1" and "2" do; before, the resident was told there was no list to pick from, with
    the list on screen."""
    lines = ("/latest", "một", "/topics", "hai ạ", "/quit")
    out = await chat(conversation, ward_settings, *lines)
    opened = out.split("> một\n", 1)[1].split("> /topics\n", 1)[0]
    assert "Lịch tiếp công dân định kỳ của Chủ tịch UBND phường tháng 8" in opened
    assert "Thông báo ngày 25/07/2024" in opened
    followed = out.split("> hai ạ\n", 1)[1]
    assert msg.subscribed(WARD_NAME, "Học bổng và khuyến học") in followed
    assert "không có danh sách" not in out
    assert await conversation.store.subscriptions_of(CHAT) == ["hoc-bong"]
