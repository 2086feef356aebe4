"""The words residents and staff read (wardbot.messages), held to the rules every text
assembled from pieces must keep, whatever fills it: no placeholder left, no doubled
punctuation or spaces, no Markdown or HTML, counts written the Vietnamese way.

Every public function of the catalogue is called with each sample its parameters have
(`SAMPLES`, by name, else by type), in as many combinations as `MAX_CALLS` allows.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import inspect
import itertools
import pkgutil
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from wardbot import messages as msg
from wardbot.channels import SPECS

MAX_CALLS = 96  # combinations of samples per function
BIG = 12345  # a count: written "12.345" in Vietnamese
DAY = dt.date(2024, 7, 5)

# Samples by parameter name: where its type says too little (a count from an id, an int
# from a number of seconds).
SAMPLES: dict[str, list[Any]] = {
    "ward_name": ["UBND Phường 2", "UBND xã Mỹ Phước", "Ủy ban nhân dân thị trấn Long Thành"],
    "hotline": ["0276 3822 123", ""],
    # Numbers no count: a port (HTTP_PORT), a user's and a group's id on the system.
    "port": [8080, 443],
    "uid": [1000],
    "gid": [1000],
    "host": ["0.0.0.0"],
    "address": ["Số 12 Nguyễn Huệ, khu phố 3", ""],  # WARD_ADDRESS
    "office": ["công an phường", "trạm y tế xã"],  # another office whose number is asked
    "emergency": [("khẩn cấp về an ninh, trật tự", "113"), None],
    "alerts": [msg.HERE, msg.ELSEWHERE, msg.NOWHERE],
    "channel": ["telegram", "zalo", "web", "terminal", None],  # None: any channel
    "said": ["câu hỏi", "phản ánh"],  # what a resident passes on to staff
    "command": ["variant", "newfaq", "/abc"],
    "own_id": ["telegram:123456789"],
    "desk": [True, False],  # a staff group answers tickets
    "new_id": [-1001234567890],  # a Telegram group's id, as STAFF_CHAT_ID is written
    "old_id": [-4001234567],  # a group's id before Telegram upgraded it to a supergroup
    "ticket_id": [12],
    "ticket": [None, 12],
    "open_ids": [[12], [12, 3, 40]],  # open tickets, the longest waiting first
    "more": [0, 4],  # more of them, not named
    "every": ["2 giờ"],  # how often an officer is reminded
    "ack": ["👍", "ok ạ"],  # an officer's acknowledgement, no answer
    "example": [1, 3, "Làm sổ đỏ lần đầu ở đâu?"],  # a number to pick; an FAQ question
    "page": [1, 2],
    "first": [0, 20],
    "number": ["5"],
    "old_topic": ["hocbong"],  # a topic id staff changed
    "new_topic": ["hoc-bong"],
    "followers": [1, BIG],
    "picked": ["5", "số 5", "1, 3"],  # topics picked by number, no list shown
    "numbers": [["9"], ["9", "12"], ["0", "9", "12"]],
    "days": [7],
    # None: a question no more quoted (the Monday report's line, weekly_group).
    "question": ["Đăng ký tạm trú cần giấy tờ gì?", None],
    # A message the resident edited once staff had it: short, and long enough to be cut.
    "earlier": ["Đăng ký tạm trú cần giấy tờ gì?", "Cho em hỏi thủ tục " * 12],
    "target": ["content/2024-07-05-hop.md"],
    "source": ["content/hop.md"],
    "notice_id": ["2024-07-05-hop"],
    "faq_file": ["faq.yaml"],
    "kept_line": [28],
    "saving": [["faq.yaml", "content/2024-07-05-hop.md"], []],
    "data_dir": ["/srv/wardbot/data", "data"],
    "lasted": [30.0, 5400.0, 200000.0],  # how long the data folder's disk was full
    "folder": ["/srv/wardbot/content"],
    "sample_ids": [["2024-07-16-mttq-phat-hoc-bong"], ["2024-03-04-ao-dai", "2024-07-15-cau"]],
    "backup": ["data/faq.yaml.bak"],
    "again": ["python bot.py announce content/hop.md"],
    "reason": ["hết thời gian chờ"],
    "entry_id": ["bhyt-mat-the"],
    # The ids most like one an admin mistyped: one, several, none.
    "nearest": [["bhyt-mat-the"], ["bhyt", "bhyt-muc-dong", "bhxh"], []],
    "typed": ["bhty", "Bảo hiểm"],
    "where": ["faq.yaml"],
    "topic_ids": [["bhyt", "cu-tru"], []],
    # Edits made from chat a hand save of faq.yaml overwrote: time, entry, asked, new entry.
    "lost": [
        [("10:05", "bhyt-mat-the", "quên thẻ bảo hiểm", False)],
        [("09:40", "bhyt-mat-the", "rớt thẻ", False), ("10:05", "muon-loa", "Mượn loa?", True)],
    ],
    "copy": ["data/faq.after-chat-edit.yaml", None],
    # Edits /undo took back that a hand save of faq.yaml brought back.
    "back": [[("10:05", "bhyt-muc-dong", "mất thẻ đi khám", False)]],
    # /redo: lost chat edits added again, found added by hand, refused with why.
    "edits": [[("10:05", "bhyt-mat-the", "quên thẻ bảo hiểm", False)], []],
    "added": [
        [
            ("09:40 03/07", "bhyt-mat-the", "rớt thẻ", False),
            ("10:05", "muon-loa", "Mượn loa?", True),
        ],
        [],
    ],
    "already": [[("10:05", "bhyt-mat-the", "quên thẻ bảo hiểm", False)], []],
    "refused": [
        [(("10:05", "bhyt-mat-the", "quên thẻ", False), "mục bhyt-mat-the đã được sửa tay")],
        [],
    ],
    # A `variants: |` block's lines and the way of asking to add, as list items.
    "ways": [["khai sinh cho bé", "làm giấy khai sinh", "'thứ bảy: có làm không'"]],
    "max_age": [30],
    "max_days": [30],
    "gather": [0, 30],
    "when": [
        "Cán bộ thường trả lời trong giờ làm việc.",
        "Hiện đang nghỉ trưa; cán bộ sẽ trả lời từ 13:30 chiều nay.",
    ],
    "held_up": ["", "gọi đường dây nóng 0276 3822 123"],
    "bot": ["Phuong2Bot", None],
    "signer": ["Lan", None],
    "first_line": ["Chủ tịch UBND phường tiếp công dân vào sáng thứ Năm.", ""],
    "was": ["", "Lịch tiếp công dân tháng 7"],
    "topics": [[("Bảo hiểm y tế", BIG), ("Cư trú", 1)], []],
    "tickets": [None, (BIG, BIG, 600.0), (0, 0, None)],
    "held": [None, ("21:30-6:30", "6:30 sáng mai")],
    "groups": [[(BIG, "xin giấy xác nhận", ["xin xác nhận"]), (1, "cắt điện", [])], []],
    "chosen": [[("Mất thẻ bảo hiểm y tế thì làm sao?", BIG), None], ()],
    "notices": [[("2024-07-05-hop", "Họp tổ dân phố")], True, False],
    "ahead": [[("2062-08-01-lich-tiem", "Lịch tiêm tháng 8", dt.date(2062, 8, 1))]],
    "misdated": [
        [("2024-08-01-lich-tiem", "Lịch tiêm tháng 8", dt.date(2024, 7, 1), dt.date(2024, 8, 1))]
    ],
    "followed": [[("bhyt", BIG), ("cu-tru", 1)], ["Bảo hiểm y tế", "Cư trú"], []],
    "kinds": [["number", "name"], []],
    "blanked": [["number"], []],
    "rows": [["• #12 · Zalo · chờ trả lời · 5 phút"], []],
    "state": ["open", "answered"],
    "waited": ["5 phút"],
    "sent_at": [dt.datetime(2024, 7, 5, 21, 40), dt.datetime(2024, 12, 31, 7, 5)],
    "link": ["https://t.me/c/123/45", None],
    "queued": [None, 0, 1, BIG],
    "why": [None, "chưa ai theo dõi chủ đề Cư trú của thông báo"],
    # An FAQ entry's mistake, as faq.yaml's check says it, and what the entry lacks for it.
    "mistake": ["mục 'bhyt-mat-the': dòng answer: còn trống, chưa có câu trả lời"],
    "because": ["", " vì thiếu câu trả lời"],
    "noun": ["mục", "chủ đề"],  # what an edit broke in faq.yaml
    "other": ["bhyt-the-moi"],  # another FAQ entry's id
    "other_line": [12],
    "mistakes": [
        ["faq.yaml:28: mục 'bhyt-mat-the': 'anwser' viết sai, có phải 'answer'?"],
        ["faq.yaml:27: dòng question: lặp lại", "faq.yaml:29: dòng answer: còn trống"],
    ],
    "morning": [None, "6:30 sáng mai"],
    "saved": [None, "data/faq.last-good.yaml"],
    "seconds": [0.0, 20.0, 600.0, 7200.0, 400000.0],
    "median": [None, 20.0, 600.0],
    # None: the question log is off; else counts, or an FAQ's questions
    "questions": [None, 0, BIG, ["Hộ nghèo?", "Làm sổ đỏ lần đầu ở đâu?"], []],
    "titles": [["Lịch tiêm phòng cho trẻ em", "Thông báo: ngừng cấp nước"], []],
    "guesses": [["Mất thẻ bảo hiểm y tế thì làm sao? (bhyt-mat-the)"], []],
    "has_links": [True, False],
    "aspects": [["fee"], ["time", "place"], ["online", "papers"]],
    "what": ["con gái", "nhà 2 tầng ở nông thôn"],
    "quiet": ["21:30-6:30", ("21:30–6:30", "6:30 sáng mai"), None],
    "topic": ["Bảo hiểm y tế", None],
    # A voice message while the resident's messages go to staff, and while they do not.
    "relayed": [True, False],
    "group": [1, 3],  # a group's number on the list shown (ten at most), no count
    "chat_name": ["Cư dân khu phố 3", "-1001234500001"],  # a group's title, else its id
    # A message a resident forwarded (someone else's words), as staff get it.
    "forwarded": [
        "Phường thông báo: mỗi hộ nộp 200.000 đồng phí vệ sinh trước thứ sáu.",
        "Tin khẩn!!!\nTừ mai cắt nước toàn khu phố 3, bà con tích nước nhé",
    ],
    # One question of several in a message: short, opening with "còn", or long (cut).
    "parts": [
        ["nuôi chó có phải đăng ký không"],
        ["còn giá vé xe buýt lên thành phố là bao nhiêu", "xin giấy phép sửa nhà " * 8],
        # Typed so that its diacritics cannot be put back surely: not quoted.
        [None],
        ["còn giá vé xe buýt lên thành phố là bao nhiêu", None],
    ],
    # Where those questions stand in the message (1 for the first asked).
    "places": [[], [2], [2, 3]],
}


def _fits(value: Any, annotation: str) -> bool:
    """Whether `value` is of the type `annotation` names (a name two parameters share)."""
    if value is None:
        return "None" in annotation
    if annotation.startswith(("int", "float")):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation.startswith("bool"):
        return isinstance(value, bool)
    if "datetime" in annotation:
        return isinstance(value, dt.datetime)
    if annotation.startswith("str"):
        return isinstance(value, str)
    if not isinstance(value, list | tuple):
        return False
    if annotation.startswith("Sequence[") and value and value[0] is not None:
        return isinstance(value[0], tuple) == ("tuple[" in annotation)
    return True


def _samples(name: str, annotation: str) -> list[Any]:
    fitting = [value for value in SAMPLES.get(name, []) if _fits(value, annotation)]
    return fitting or _by_type(name, annotation)


def _by_type(name: str, annotation: str) -> list[Any]:
    if annotation.startswith("bool"):
        return [True, False, None] if "None" in annotation else [True, False]
    if annotation in ("int", "float"):
        return [0, 1, 3, BIG]
    if "date" in annotation:
        return [DAY]
    if "tuple[str, bool]" in annotation:
        return [[("Bảo hiểm y tế", True), ("Cư trú", False)], []]
    if "Sequence[str]" in annotation:
        return [["Bảo hiểm y tế", "Cư trú", "Hộ tịch"], ["Bảo hiểm y tế"]]
    if annotation.startswith("str"):
        return ["chữ mẫu"]
    raise AssertionError(f"no sample for {name}: {annotation}; add one to SAMPLES")


def _modules() -> list[ModuleType]:
    """The catalogue's modules: the package's own, one per audience (wardbot.messages)."""
    return [
        importlib.import_module(f"{msg.__name__}.{module.name}")
        for module in pkgutil.iter_modules(msg.__path__)
    ]


def _functions() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (name, function)
        for module in _modules()
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]


def test_every_text_is_reached_where_callers_look_for_it() -> None:
    """Callers write `msg.NAME`: each public name an audience's module defines is the
    package's, and no module's name hides another's."""
    hidden = [
        f"{module.__name__}.{name}"
        for module in _modules()
        for name in _defined(module)
        if not name.startswith("_") and getattr(msg, name, None) is not getattr(module, name)
    ]
    assert not hidden, f"not re-exported by wardbot/messages/__init__.py: {hidden}"


def _defined(module: ModuleType) -> Iterator[str]:
    """The names `module` defines itself (not those it imports)."""
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                yield from (n.id for n in ast.walk(target) if isinstance(n, ast.Name))


def _texts(function: Callable[..., Any]) -> Iterator[tuple[dict[str, Any], str]]:
    """What `function` says for each combination of samples (up to MAX_CALLS)."""
    parameters = inspect.signature(function).parameters
    samples = [_samples(name, str(p.annotation)) for name, p in parameters.items()]
    for combination in itertools.islice(itertools.product(*samples), MAX_CALLS):
        arguments = dict(zip(parameters, combination, strict=True))
        try:
            said = function(**arguments)
        except (TypeError, ValueError, IndexError, AttributeError):
            continue  # a sample of another function's shape (a name shared by two)
        if isinstance(said, dict):
            yield from ((arguments, text) for text in said.values())
        elif isinstance(said, tuple):
            yield from ((arguments, text) for pair in said for text in pair)
        else:
            yield arguments, said


# What no text may hold, whatever fills it.
RULES = {
    "a placeholder left": re.compile(r"[{}]|\bNone\b"),
    "two spaces": re.compile(r"(?<=\S)  +(?=\S)"),
    "a space before punctuation": re.compile(r" [,.;:!?)”]"),
    "a space inside an opening bracket or quote": re.compile(r"[(“] "),
    "doubled punctuation": re.compile(
        r"(?<!\.)\.\.(?!\.)|[,;:]\s*[.,;:!?…]|[.!?]\s*[.,;:]|\.\s*\.\.\."
    ),
    "space at an end of a line": re.compile(r"(?m)[ \t]$|^[ \t]+(?![ ]*cũng hỏi|[ ]*👉)"),
    "an empty line too many": re.compile(r"\n\n\n"),
    "Markdown or HTML": re.compile(r"\*\*|__|</?[a-z]+>"),
    # "chờ 0 phút" (waited 0 minutes): a wait under a minute.
    "a zero duration": re.compile(r"(?<![\d.])0 (?:phút|giờ|ngày)"),
    # The ward's offices and pages, named one way in every text (contact_line,
    # alerts_elsewhere): "Bộ phận Một cửa", its "trang thông tin điện tử".
    "a name written another way": re.compile(r"bộ phận một cửa|cổng thông tin điện tử"),
    # "cả 1 chủ đề" ("all 1 topic"): one is no whole.
    "all of one": re.compile(r"\b(?:cả|tất cả|các|những) 1\b"),
    "a count not grouped by thousands": re.compile(rf"(?<![\d.]){BIG}(?![\d])"),
}


def test_every_function_of_the_catalogue_is_held_to_the_rules() -> None:
    silent = [name for name, function in _functions() if not any(_texts(function))]
    assert silent == [], "functions no sample could call: add samples to SAMPLES"


@pytest.mark.parametrize("name", [name for name, _ in _functions()])
def test_a_text_assembled_from_pieces_keeps_the_rules(name: str) -> None:
    function = getattr(msg, name)
    broken = {
        (rule, text[max(0, found.start() - 30) : found.end() + 30])
        for arguments, text in _texts(function)
        for rule, pattern in RULES.items()
        if (found := pattern.search(text.strip("\n")))
    }
    assert not broken, broken


@pytest.mark.parametrize("staff", [True, False])
def test_help_promises_a_phone_number_only_where_there_is_one(staff: bool) -> None:
    """Without WARD_HOTLINE, /help gives the one-stop office in office hours: its menu
    line must not promise "số điện thoại hỗ trợ"."""
    without = msg.help_text("UBND Phường 2", "", staff=staff, example="Làm sổ đỏ ở đâu?")
    assert "số điện thoại" not in without
    assert "Bộ phận Một cửa của UBND Phường 2" in without
    assert "0276 3822 123" in msg.help_text(
        "UBND Phường 2", "0276 3822 123", staff=staff, example="Làm sổ đỏ ở đâu?"
    )


def test_a_list_of_one_is_not_called_several() -> None:
    """A resident following one topic reads "/mysubs" (and a topic to stop not found)
    about "chủ đề dưới đây", not "các chủ đề" ("the topics"); a ward with one notice
    lists "Thông báo mới nhất", not "Các thông báo mới nhất"."""
    heading = msg.announcement_heading(DAY, "Họp tổ dân phố")
    one = [
        msg.mysubs_menu(1),
        msg.latest("UBND Phường 2", [heading]),
        msg.latest_menu("UBND Phường 2", 1),
        msg.unknown_topic_to_unsubscribe("học phí", ["Bảo hiểm y tế"]),
        msg.unknown_topic_to_unsubscribe_menu("học phí", 1),
    ]
    several = [
        msg.mysubs_menu(2),
        msg.latest("UBND Phường 2", [heading, heading]),
        msg.latest_menu("UBND Phường 2", 2),
        msg.unknown_topic_to_unsubscribe("học phí", ["Bảo hiểm y tế", "Cư trú"]),
        msg.unknown_topic_to_unsubscribe_menu("học phí", 2),
    ]
    for text in one:
        assert not re.search(r"\b[Cc]ác (?:chủ đề|thông báo)\b|chủ đề nào", text), text
    for text in several:
        assert re.search(r"\b[Cc]ác (?:chủ đề|thông báo)\b", text), text


@pytest.mark.parametrize("channel", [spec.name for spec in SPECS])
def test_every_channel_is_named_in_words_to_residents_and_staff(channel: str) -> None:
    ward = "Phường 2"
    # A resident offered the desk reads which channel goes with the question; staff read
    # where a ticket came from: the platform's name, not the bot's setting for it.
    offer = msg.staff_offer(ward, channel, "")
    post = msg.ticket_post(ward, 7, channel, "08:00", "Làm căn cước ở đâu?", [])
    named = msg.channel_name(channel)
    assert named != channel
    for text in (offer, post, msg.relay_channel_off(7, channel)):
        assert f"({named})" in text or f" {named} " in text, text
