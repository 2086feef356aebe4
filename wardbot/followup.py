"""Follow-up questions: "mất bao lâu?", "lệ phí bao nhiêu ạ", "thế còn cho con thì sao?".

A message that names nothing of its own, sent a short while after the chat was answered
(or offered close matches), asks more about that subject. `Conversation` keeps, per chat,
only which entries it was last answered or offered and when: the subject is the entry's
own question (after close matches, the question "sai rồi" keeps anyway). This module
decides what is a follow-up and which lines of the entry answer it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from wardbot import plaintext, weekdays
from wardbot.intents import own_words
from wardbot.messages import WEEKDAYS
from wardbot.models import Announcement, FaqEntry
from wardbot.small_talk import ASKING, HOW_MUCH
from wardbot.text import REGIONAL_PARTICLES, fold, nfc, standard_words

# A follow-up comes soon after the answer it asks more about; later, a message is read alone.
FOLLOW_UP_WITHIN = 10 * 60.0
# Longer than this, a message the engine cannot answer alone is a question of its own
# (told at length), not "and for X?".
FOLLOW_UP_WORDS = 8
_WORD = re.compile(r"[^\W_]+")

# "thế còn ... thì sao", "vậy nếu ... thì sao", "trường hợp ...", "cho ...": words that
# turn a message into "and what about ..." of the subject before, naming nothing.
_CONNECTORS = frozenset("the vay neu thi truong hop doi voi rieng cho ma o".split())
# "Dạ cho em hỏi", "ad ơi", "... và ...": asking politely names nothing either; nor do
# the particles of central and southern speech ("rứa", "hè", "hỉ", "răng": thế, nhỉ, sao;
# "z", "v", "dzậy": vậy) nor "nhiêu", "nhiu" (bao nhiêu: "phí nhiêu vậy", "được nhiu z").
_POLITE = frozenset(
    "da vang hoi ad admin oi chao xin va voi rua he hi rang z v zay dzay nhieu nhiu".split()
)
# The words `_names_nothing` passes over, as typed with their accents: a word folding to
# one of them but typed otherwise is another word ("nhà" is no "nha").
_SAID_SO = frozenset(
    "còn con thì vậy ạ à nhé nhe nha nữa thêm có phải cần được dc đc mất phí lệ tiền bao "
    "lâu thời gian hết miễn giấy tờ hồ sơ những các gồm nộp lấy mang theo là mấy ngày làm "
    "đi đâu ở em anh chị tôi mình tui bạn thế nếu trường hợp đối với riêng cho mà dạ vâng "
    "hỏi ad admin ơi chào xin và giờ khi nào chỗ nơi online trực tuyến qua mạng trên gì "
    "thủ tục điều kiện tiêu chuẩn chí rứa hè hỉ răng z v zậy dzậy nhiêu nhiu mô tháng tuần quý một "
    "mỗi hằng tốn nhiều ai đối tượng nào nhận lãnh lĩnh hưởng bữa chừng hôm kết quả xong "
    "mới rồi".split()
)
# Receiving what a procedure gives, folded: "nhận", "lấy", the south's "lãnh", "lĩnh"
# ("lãnh ở đâu", "lĩnh tiền ở chỗ nào", "nhan tien o dau vay"), naming nothing of its own
# when typed so or without accents ("lạnh", "nhân", "nhàn": other words, `_SAID_SO`).
_RECEIVING = frozenset("nhan lanh linh lay".split())
# Where or when what one receives is handed over, as a line says it (folded): paid out
# ("chi trả", "lĩnh tiền tại"), handed over ("trả kết quả", "nhận thẻ tại"); not where the
# file is handed in ("tiếp nhận hồ sơ", "nhận đủ hồ sơ") nor "cá nhân", "lãnh đạo".
_HANDED_OVER = re.compile(
    r"\b(?:chi tra|tra (?:ket qua|the|giay)"
    r"|(?:(?<!tiep )(?<!ca )nhan|linh|lanh|lay)"
    r" (?:ket qua|the|giay|tien|tro cap|luong|tai|o|qua|truc tiep))\b"
)
# When it is handed over, as such a line says it (folded): a day, or how often ("mỗi
# tháng", "3 tháng một lần", "định kỳ"), which "mất bao lâu?" is not answered by.
_HANDED_WHEN = re.compile(
    r"\b(?:\d+ (?:ngay|tuan|thang|quy|nam)|ngay \d+|(?:moi|hang|theo) (?:ngay|tuan|thang|quy|nam)"
    r"|dinh k[yi])\b"
)
# How often an amount is asked for ("bao nhiêu tiền 1 tháng", "mỗi tháng"), or it is paid
# ("lãnh mấy tháng một lần"), folded: what any allowance or contribution has, naming
# nothing of its own.
_PER = re.compile(
    r"\b(?:(?:1|mot|moi|hang) (?:thang|tuan|quy)"
    r"|(?:may|bao nhieu) (?:ngay|tuan|thang|quy|nam) (?:1|mot) lan)\b"
)
# Where to go, as a line says it (folded): "nơi", "tại", the public service portal, or an
# office named after going, filing or asking ("đến Công an phường", "hỏi cán bộ UBND").
_OFFICE = r"cong an|ubnd|uy ban nhan dan|bo phan mot cua|tru so"
_PLACE = rf"noi|tai|dich vu cong|(?:den|o|nop|gui|lien he|hoi can bo)(?: \w+){{0,2}} (?:{_OFFICE})"
# What makes the place a line names next where something is posted, not where to go
# ("bảng giá niêm yết tại nơi tiếp nhận hồ sơ", "công khai tại khu dân cư").
_POSTED = re.compile(r"\b(?:niem yet|cong khai|treo|dang tai)\b")
# What residents ask about any procedure, and how a line of the entry says it (its words
# folded): an amount, a duration, a place... ("validity", how long what one gets stays
# valid, is asked in phrases of its own: `_ASKS_VALIDITY`.)
_ASPECTS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (aspect, tuple(t for t in triggers.split("|") if t), re.compile(rf"\b(?:{says})\b"))
    for aspect, triggers, says in (
        # "Kinh phí" is funding (one gets it: "hỗ trợ kinh phí chăm sóc"), never a fee; "chi
        # phí" is a cost, paid unless a benefit claims it ("hỗ trợ chi phí mai táng").
        ("fee", "phi|tien|mien phi", r"chi phi|(?<!kinh )phi|tien|\d+ ?(?:dong|d|vnd)"),
        # How much money, "phí" unsaid ("bao nhiêu tiền 1 tháng" under an allowance): any
        # amount a line names, paid or received, or that nothing is paid.
        (
            "amount",
            "bao nhieu tien|may tien|nhieu tien",
            r"\d+ ?(?:dong|d|vnd|trieu|nghin|ngan)|mien phi|khong (?:mat|phai nop|thu) (?:le )?phi",
        ),
        (
            "time",
            # "Mấy ngày", the south's "(mất) nhiêu ngày" (bao nhiêu ngày), "nhiều ngày không",
            # "mấy bữa" (bữa: a day), "chừng nào" (khi nào), the north's "mấy hôm".
            "bao lau|may ngay|bao nhieu ngay|nhieu ngay|may tuan|bao nhieu tuan|thoi gian"
            "|bao gio|khi nao|lau|may bua|bao nhieu bua|nhieu bua|chung nao|may hom"
            "|bao nhieu hom|nhieu hom",
            # Or at once: "chứng thực và trả ngay", "cấp ngay", "lấy liền", "ngay lập tức"
            # (not "nhận ngày 15", "trả ngày thứ Hai", "liên hệ": folded, the same words).
            r"\d+ (?:ngay|tuan|thang|gio|phut)|trong ngay|ngay lam viec|thoi han|ngay lap tuc"
            r"|(?:tra|cap|nhan|lay|lanh|giai quyet|chung thuc|xu ly)"
            r"(?: (?:ket qua|the|giay|ban sao))? (?:ngay|lien)"
            r"(?! (?:\d|thu|chu|mai|mot|kia|nghi|le|hen|he|quan|thong|tuc|ket|ke))",
        ),
        (
            "validity",
            "",
            r"\d+ (?:ngay|tuan|thang|nam|tuoi)|vinh vien|suot doi|khong (?:co )?thoi han",
        ),
        ("place", "o dau|cho nao|noi nao|di dau|nop dau|lam dau|o mo|cho mo", _PLACE),
        (
            # What comes after what the resident did ("rồi sao nữa", asked in phrases of
            # its own: `_ASKS_NEXT`): a step said to follow ("sau khi nộp", "bước 2"),
            # waiting ("chờ thẻ", "giấy hẹn"), the result; and, in `_says`, the wait and
            # where what one gets is handed over.
            "next",
            "",
            r"sau khi|sau do|tiep theo|tiep do|cuoi cung|buoc \d+|giay hen"
            r"|cho (?:ket qua|the|giay|duyet|xet duyet)|(?:tra|nhan|co|thong bao) ket qua"
            r"|cap nhat",
        ),
        (
            "online",
            "online|truc tuyen|qua mang|tren mang",
            r"truc tuyen|online|vneid|dich vu cong|dichvucong|qua mang|tren mang|internet"
            r"|cong thong tin dien tu|trang web|website|ung dung",
        ),
        (
            "papers",
            "giay to|ho so|can gi|mang theo|can nhung gi|thu tuc|mang gi|mang nhung gi|can mang"
            "|giay gi",
            r"giay|ho so|to khai|ban sao|mang theo",
        ),
        (
            # Who may apply ("ai được hưởng", "đối tượng nào", and the rest of
            # `_ASKS_WHO`) asks them too; a line says who when it names the beneficiaries
            # ("được xét hưởng", "ưu tiên", "từ đủ 75 tuổi", "thuộc hộ nghèo").
            "conditions",
            "dieu kien|tieu chuan|tieu chi|ai duoc|nhung ai|doi tuong"
            "|ai dc|ai duoc nhan|ai duoc huong|ai duoc lam",
            r"dieu kien|tieu chuan|tieu chi|doi tuong|danh cho|ap dung (?:cho|doi voi)"
            r"|(?:duoc|dc) (?:xet )?(?:huong|nhan)|uu tien|(?:tu )?du \d+ tuoi|\d+ tuoi tro len"
            r"|thuoc (?:dien|ho)",
        ),
    )
)
# How long what a procedure gives stays valid, as residents ask it ("có giá trị bao lâu",
# "hiệu lực mấy năm", "dùng được mấy năm", "bao lâu thì hết hạn", "hạn sử dụng"): folded.
# Its "bao lâu" asks no time the procedure takes ("mất bao lâu, có giá trị mấy năm" asks
# both).
_HOW_LONG = (
    r"(?:trong |duoc )?(?:bao lau|bao nhieu (?:nam|thang|ngay)|may (?:nam|thang|ngay)"
    r"|(?:den )?khi nao|(?:den )?bao gio)"
)
_TERM_ASKED = r"(?:gia tri|hieu luc)(?: su dung)?|(?:thoi )?han su dung|het han"
_USED = r"(?:su dung|dung|xai)(?: duoc)?"
_ASKS_VALIDITY = re.compile(
    rf"\b(?:{_HOW_LONG}(?: (?:thi|moi|la))? (?:{_TERM_ASKED})"
    rf"|(?:co )?(?:{_TERM_ASKED})(?: {_HOW_LONG})?|{_USED} {_HOW_LONG})\b"
)
# Who qualifies, as residents ask it of what was just answered, folded and read as
# standard speech ("tui", "hông" typed so are "tôi", "không"): who gets it ("ai được
# nhận", "người nào được hưởng", "những ai đc nhận", "đối tượng nào thì được") or whether
# the resident's household does ("nhà tui có được hông", "tôi có được nhận không", "mình
# có được không"). Its words ("người", "nhà") name nothing a line must hold.
_WHO = r"(?:nhung )?(?:ai|(?:nguoi|doi tuong|truong hop|dien)(?: nhu)?(?: the)? nao)"
_SELF = r"(?:(?:nha|gia dinh|ho) )?(?:toi|tui|minh|em|chau)"
_GETS = r"(?:duoc|dc)(?: (?:xet|lam))?(?: (?:nhan|huong|lanh|linh|cap|ho tro))?"
_ASKS_WHO = re.compile(
    rf"\b(?:{_WHO}(?: thi)?(?: moi)? {_GETS}|{_SELF} co {_GETS} (?:khong|ko|k|kh|hong|hok))\b"
)
# What makes the duration a line names next no time a procedure takes, whatever "mất bao
# lâu?" asks, but how long what it gives stays valid ("có giá trị 6 tháng", "hiệu lực",
# "thời hạn tạm trú tối đa 2 năm": a term of a thing, not "thời hạn giải quyết" nor
# "thời hạn 15 ngày"; "trước khi hết hạn 15 ngày"): the validity "có giá trị bao lâu?"
# asks. Each such word claims the first duration after it only: "cấp trong 7 ngày làm
# việc và có giá trị 5 năm" names both a wait and a term.
_TERM = re.compile(
    r"\b(?:gia tri|hieu luc|het han|han su dung|thoi han (?!giai quyet|xu ly|tra ket qua|\d)\w+)\b"
)
# How long something must last first ("từ 30 ngày trở lên": a condition): no wait either.
_CONDITION = re.compile(r"\b(?:tu \d+ \w+ tro len)\b")
# A deadline the resident must keep ("đăng ký trong thời hạn 60 ngày kể từ ngày sinh",
# "chậm nhất 30 ngày", "trước ngày 15/12", "hạn chót"), folded: the durations of a
# clause naming one are no time the office takes, which "mất bao lâu?" asks; unless the
# clause (or its line's label: "Hạn chót: 20 ngày") names the office's work too
# (`_PROCESSING`: "trong thời hạn 3 ngày làm việc", "chậm nhất 5 ngày kể từ ngày nộp hồ
# sơ", "chậm nhất 5 ngày, trả kết quả").
_DEADLINE = re.compile(
    r"\b(?:trong (?:thoi )?han|cham nhat|truoc ngay|han chot|han cuoi"
    r"|(?:ke|tinh) tu (?:ngay|khi))\b"
)
_PROCESSING = re.compile(
    r"\b(?:ngay lam viec|giai quyet|xu ly|(?:tra|nhan|co|lay) ket qua|tra loi|tiep nhan"
    r"|nhan (?:du )?ho so|ho so hop le|(?:duoc )?cap"
    r"|(?:ke|tinh) tu (?:ngay|khi) (?:nop|nhan|tiep nhan|dong))\b"
)
# A follow-up asking the resident's own deadline ("khi nào phải làm", "phải đăng ký trong
# bao lâu", "hạn chót là bao giờ", "trễ nhất mấy ngày"), folded: the deadline lines
# answer it. "Phải chờ bao lâu", "phải mất mấy ngày" ask the office's time still.
# Its "hạn chót", "trễ nhất" ask (`_ASKS_LATEST`), as "khi nào" does, naming nothing a
# line must hold: "hạn chót là khi nào", "trễ nhất mấy ngày vậy".
_LATEST = r"han chot|han cuoi|cham nhat|tre nhat|muon nhat"
_ASKS_DEADLINE = re.compile(
    rf"\b(?:phai (?:di )?(?:lam|dang ky|nop|khai|bao|mang|den)|{_LATEST}"
    r"|thoi han(?! giai quyet| xu ly| tra))\b"
)
_ASKS_LATEST = re.compile(rf"\b(?:{_LATEST})\b")
# What comes next, as residents ask it once they have read an answer (folded, read as
# standard speech: central "rồi răng nữa", "mần chi tiếp" are "rồi sao nữa", "làm gì
# tiếp"): "rồi sao nữa", "xong rồi sao", "làm xong rồi thì sao", "sau đó làm gì" ("đó",
# a southern particle too, is left out: "sau làm gì"), "tiếp theo làm gì", "bước tiếp
# theo là gì", "làm gì tiếp", "phải làm gì nữa". "Xong rồi", "rồi" alone thank or agree.
_THEN = r"(?:xong roi|roi|xong|sau do|sau)(?: thi)?"
_WHAT = r"(?:sao|lam gi|lam chi|the nao|ra sao|gi nua)"
_NEXT = r"(?:buoc )?(?:tiep theo|ke tiep|tiep do|buoc sau)"
_ASKS_NEXT = re.compile(
    rf"\b(?:{_THEN} {_WHAT}(?: (?:nua|tiep theo|tiep))?"
    rf"|{_NEXT}(?: (?:la|thi|phai|can))?(?: (?:lam )?(?:gi|chi|sao|the nao|nao))?"
    r"|lam (?:gi|chi) (?:nua|tiep theo|tiep))\b"
)
# When what a procedure gives is in hand, as residents ask its time ("mất bao lâu thì có
# thẻ", "bao lâu thì lấy được", "mấy ngày thì nhận được giấy", "có thẻ mất bao lâu"),
# folded: the card, paper or book it names is what any procedure hands over, naming
# nothing of its own ("mất bao lâu thì có thẻ căn cước" names the ID card).
_WHEN = r"bao lau|bao gio|khi nao|chung nao|(?:may|bao nhieu) (?:ngay|hom|bua|tuan|thang)"
_GOT = r"(?:co|lay|nhan|lanh|linh)(?: (?:duoc|dc))? (?:the|giay|so|ket qua)"
_ASKS_READY = re.compile(
    rf"\b(?:(?:{_WHEN})(?: (?:thi|moi|se|la))* {_GOT}"
    rf"|{_GOT}(?: (?:thi|la|mat|phai|cho|doi))* (?:{_WHEN}))\b"
)
# Whether the office is open, as residents ask it of a day ("thứ 7 có làm việc không",
# "t7 có mở cửa ko", "chủ nhật có ai trực hông"), folded: the day is what a line must
# name, not "làm việc" nor "mở cửa" (a line says "sáng thứ bảy tiếp nhận hồ sơ").
_ASKS_OPEN = re.compile(
    r"\b(?:co )?(?:ai )?(?:lam viec|lam|mo cua|mo|truc|tiep dan|nhan ho so)"
    r" (?:khong|ko|k|kh|hong|hok)\b"
)
# What makes the amount a line names next no fee a resident pays: a fine ("phạt tiền
# 500.000 đồng") or money the resident gets ("mức trợ cấp 500.000 đồng"). It claims an
# amount or "tiền", never "phí" ("người được trợ cấp không phải nộp lệ phí" names a fee).
_NOT_PAID = re.compile(
    r"\b(?:phat|xu phat|tro cap|ho tro|chi tra|duoc nhan|nhan duoc|duoc huong|muc huong"
    r"|boi thuong)\b"
)
_AMOUNT = re.compile(r"\b(?:tien|chi phi|\d+ ?(?:dong|d|vnd))\b")
# Funding asked about ("kinh phí chăm sóc"), folded: no fee asked.
_FUNDING = re.compile(r"\bkinh phi\b")
# A duration a line names as how often something recurs, or as what a payment covers, not
# as a wait: "(đóng) theo tháng", "mỗi 3 tháng", "hằng năm", "định kỳ 6 tháng", "12 tháng
# một lần", "đóng 6 tháng", with the durations listed with it ("theo quý, 6 tháng hoặc 12
# tháng"); "tính theo ngày làm việc" counts a wait's days. Left out of a clause, what
# remains may still name a wait ("giải quyết trong 10 ngày ... chi trả hằng tháng").


def _how_often(
    unit: str, every: str, periodic: str, once: str, pays: str, either: str, working: str
) -> str:
    duration = rf"\d+ (?:{unit})"
    durations = rf"{duration}(?: (?:(?:{either}) )?{duration})*"
    more = rf"(?: (?:(?:{either}) )?{durations})?(?: (?:{once}))?"
    return (
        rf"\b(?:(?:{every}) (?:\d+ )?(?:{unit})\b(?! {working}){more}"
        rf"|(?:{periodic}){more}|{durations} (?:{once})|(?:{pays}) {durations}{more})\b"
    )


# Read as typed (lower case, accents kept): folded, "mỗi" is "mới" (new: "cấp mới 7 ngày").
_HOW_OFTEN = re.compile(
    _how_often(
        "ngày|tuần|tháng|quý|năm",
        "theo|mỗi|hằng|hàng",
        "định kỳ|định kì",
        "một lần|1 lần",
        "đóng|đóng theo|đóng trước",
        "hoặc|và|hay",
        "làm việc",
    )
)
# A line typed without accents: the same, but "moi" (mới or mỗi) is taken for no "each".
_HOW_OFTEN_FOLDED = re.compile(
    _how_often(
        "ngay|tuan|thang|quy|nam",
        "theo|hang",
        "dinh ky|dinh ki",
        "mot lan|1 lan",
        "dong|dong theo|dong truoc",
        "hoac|va|hay",
        "lam viec",
    )
)
# A clause that only lists durations ("3 tháng", "6 tháng hoặc 12 tháng") goes on with
# the one before it: "đóng theo tháng, 3 tháng, 6 tháng hoặc 12 tháng" is one list.
_FOLDED_UNIT = r"(?:ngay|tuan|thang|quy|nam)"
_DURATIONS_ONLY = re.compile(
    rf"(?:(?:hoac|va|hay) )?\d+ {_FOLDED_UNIT}"
    rf"(?: (?:hoac|va|hay) \d+ {_FOLDED_UNIT})*(?: (?:mot|1) lan)?"
)
_CLAUSE = re.compile(r"[;,.:]\s|\n")
_ASPECT_WORDS = frozenset(w for _, triggers, _ in _ASPECTS for t in triggers for w in t.split())
# What follows "còn" (what about) typed without accents: what a follow-up asks ("con le
# phi", "con lam o dau", "con mat bao lau", "con cho con thi sao"), which no child is
# ("the con thi sao" may ask about a child as well).
_WHAT_ABOUT_NEXT = (
    _ASPECT_WORDS | _CONNECTORS | {"mat", "lam", "le", "muc", "het", "phai", "co"}
) - {"thi"}
# What any procedure ends in, folded: "bao giờ có kết quả", "bao lâu thì xong", "mấy
# ngày mới có" ask its time, "lấy kết quả ở đâu" its place, naming nothing of their own.
_DONE = frozenset("ket qua xong moi roi".split())
# Words a message that names nothing of its own may hold besides `own_words`' own, and
# "tốn" (costs: "tốn nhiêu tiền"), as "mất" is ("tôn", "tồn" typed so: `_SAID_SO`).
_NAMING_NOTHING = _CONNECTORS | _POLITE | _ASPECT_WORDS | {"ton"} | _DONE | _RECEIVING
# "Bà con" (folks: how the ward's texts address residents) names no child ("con").
_FOLKS = re.compile(r"\b(?:bà con|ba con)\b")
# Particles, pronouns and "what about" words: not what a line of the entry must hold.
_NOT_ASKED = (
    frozenset(
        "a ah nhe nha nua them co phai duoc dc thi vay the neu cho ma o la em anh chi toi "
        "minh tui ban truong hop doi voi rieng lam can mat nop lay di le muc het ton rua he hi "
        "rang z v zay dzay nhieu nhiu".split()
    )
    | _DONE
    | _RECEIVING
)


def follows_up(text: str, answered_alone: bool) -> bool:
    """Whether `text` (a single question) asks more about the subject before it: it names
    nothing of its own besides question words and what any procedure has (its fee, papers,
    time, place); or it is short and the engine cannot answer it alone ("nếu ở xa thì
    sao"). A message the engine answers alone and that names something ("còn đăng ký kết
    hôn thì sao") is a new subject."""
    if _names_nothing(text):
        return True
    return not answered_alone and len(_WORD.findall(text)) <= FOLLOW_UP_WORDS


# "Thế còn X thì sao", "vậy còn X", "X thì sao ạ", "còn X thì": the subject before, asked
# again of X (someone else, another case). Folded, as it opens and closes.
# The words that may open it, folded: "thế", "vậy", "ok", "dạ", "vâng", "ừ", "ủa", "à",
# and central and southern speech's "rứa", "dzậy", "z".
_OPENING = frozenset("the vay ok oke da vang u uh ua a rua zay dzay z".split())
_TURN_OPENS = re.compile(rf"^(?:(?:{'|'.join(sorted(_OPENING))}) )*con ")
_TURN_CLOSES = re.compile(
    r"(?:(?:^| )thi(?: (?:sao|the nao|lam sao|nhu the nao|ra sao))?)?"
    r"(?:(?:^| )(?:a|ah|nhi|nhe|vay|the|ad|oi|em|chi|anh|ban))*$"
)


def turned_to(text: str) -> str | None:
    """What `text` turns the subject before to, when it is "and what about X?" ("thế còn
    con gái thì sao", "nhà 2 tầng ở nông thôn thì sao", "còn người già thì"): X, as typed;
    None when it is not so worded, or X names nothing of its own ("thế còn lệ phí": a fact
    of the subject, which `asks_only` reads)."""
    folded = " ".join(_WORD.findall(fold(text.lower())))
    opened = _TURN_OPENS.match(folded) is not None  # "còn", or "con" without accents
    typed = _asked(text, folded=False).split()  # and "con" before "lệ phí" without them
    opening = []
    while typed and fold(typed[0]) in _OPENING:
        opening.append(typed.pop(0))
    if (
        len(typed) > 1
        and typed[0] == "con"
        and (opening or typed[1] == "con")
        and all(word == fold(word) for word in (*opening, *typed))
    ):
        typed.pop(0)  # "the con nguoi gia", "con con nuoi": "còn", typed without accents
    found = _TURN_CLOSES.search(" ".join(fold(word) for word in typed))
    closing = found.group().split() if found is not None else []
    closed = "thi" in closing
    turned = " ".join(typed[: len(typed) - len(closing)])
    if not (opened or closed) or not turned or _names_nothing(turned):
        return None
    return turned


def _names_nothing(text: str) -> bool:
    said = _asked(text, folded=True)
    # A step named by its number ("làm xong bước 2 rồi") is one of the answer's own.
    for asking in (
        _ASKS_VALIDITY,
        _ASKS_WHO,
        _ASKS_LATEST,
        _PER,
        _ASKS_NEXT,
        _ASKS_READY,
        _STEP_NAMED,
    ):
        said = asking.sub(" ", said)
    return all(word in _NAMING_NOTHING for word in own_words(said)) and all(
        _receiving(_asked(text, folded=False).split())
    )


def _receiving(typed: list[str]) -> list[bool]:
    """For each word of `typed` (a message's words as typed) folding to a receiving word
    (`_RECEIVING`), whether it is one: typed so ("lãnh") or without accents ("lanh"), not
    with other accents ("lạnh": cold; "nhân")."""
    return [word == fold(word) or word in _SAID_SO for word in typed if fold(word) in _RECEIVING]


def _asking_at(said: str, *, how_often: bool = False) -> set[int]:
    """The positions of the words of `said` (folded words, one space apart) that ask: a
    question word, how long what one gets is valid ("có giá trị bao lâu"), who
    qualifies ("người nào được nhận", "nhà tôi có được không"), the latest one may
    ("hạn chót", "trễ nhất"), whether the office is open ("có làm việc không"), what
    comes next ("rồi sao nữa") or when what one gets is in hand ("bao lâu thì có thẻ");
    with `how_often`, how often too ("mỗi tháng", `_PER`)."""
    asking: set[int] = set()
    asked = (ASKING, _ASKS_VALIDITY, _ASKS_WHO, _ASKS_LATEST, _ASKS_OPEN, _ASKS_NEXT, _ASKS_READY)
    for pattern in (*asked, *([_PER] if how_often else [])):
        for found in pattern.finditer(said):
            first = said[: found.start()].count(" ")
            asking.update(range(first, first + found.group().count(" ") + 1))
    return asking


def _aspects_asked(said: str) -> list[tuple[str, re.Pattern[str]]]:
    """The aspects `said` (folded words) asks of a procedure, and how a line says each;
    the "bao lâu" of "có giá trị bao lâu" asks the validity, not the time it takes."""
    without_term = " ".join(_ASKS_VALIDITY.sub(" ", said).split())
    rest = _FUNDING.sub("kinh", without_term)  # "kinh phí ... thì sao": funding, no fee
    asked = [
        (aspect, says)
        for aspect, triggers, says in _ASPECTS
        if (without_term != said if aspect == "validity" else any(_has(rest, t) for t in triggers))
        or (aspect == "amount" and HOW_MUCH.search(rest) is not None)
        or (aspect == "conditions" and _ASKS_WHO.search(rest) is not None)
        or (aspect == "time" and _ASKS_LATEST.search(rest) is not None)
        or (aspect == "next" and _ASKS_NEXT.search(rest) is not None)
    ]
    # An amount asked is the fee when "phí" is said ("lệ phí bao nhiêu tiền"), else money
    # of any kind: an allowance's as well as a fee.
    dropped = "amount" if _has(rest, "phi") else "fee"
    if any(aspect == "amount" for aspect, _ in asked):
        asked = [(aspect, says) for aspect, says in asked if aspect != dropped]
    return asked


def _typed_as_named(text: str) -> bool:
    """Whether `text`, typed with its accents, names something its folded words hide: a
    word typed otherwise than any question, polite or procedure word it folds to ("giấy tờ
    nhà": a house, not "nha"; "ảnh thẻ": a photo, not "anh", "thế")."""
    typed = _asked(text, folded=False).split()
    if all(word == fold(word) for word in typed):
        return False  # typed without accents: no telling "nha" from "nhà"
    said = " ".join(fold(word) for word in typed)
    asking = _asking_at(said)
    return any(
        at not in asking and word not in _SAID_SO and not word.isdigit()
        for at, word in enumerate(typed)
    )


def asks_only(text: str) -> tuple[str, ...]:
    """What `text` asks of any procedure ('fee', 'amount', 'time', 'place', 'papers'...),
    when it names nothing else ("mất bao lâu?", "lệ phí bao nhiêu ạ"); else ()."""
    if not _names_nothing(text) or _typed_as_named(text):
        return ()
    return tuple(aspect for aspect, _ in _aspects_asked(_asked(text, folded=True)))


def narrows(doc: FaqEntry | Announcement, text: str) -> bool:
    """Whether `text`, which the engine answers alone with `doc` just given, asks about
    some of its lines: it names what the question heading `doc` does not ("thứ 7 có làm
    không" after office hours, whose line on Saturdays it wants), and those lines are not
    all."""
    words = set(_words(doc.title, folded=True).split())
    if all(word in words for word, _ in _named(text)):
        return False  # asked again in its own words: the whole answer again
    part = excerpt(doc, text)
    return part is not None and not part.whole


def mentions(doc: FaqEntry | Announcement, text: str, *, heading_only: bool = False) -> bool:
    """Whether `doc` names, in its heading, the ways it is asked or its lines, all that
    `text` names: asked "thế còn X thì sao" of it, whether it says anything of X (the
    marriage entry of "người nước ngoài", the ID card's of "con"). `heading_only`: in its
    heading and the ways it is asked alone, where X is what the entry is about ("làm
    cho trẻ em" and "Làm thẻ căn cước lần đầu, kể cả cho trẻ em")."""
    phrasings = (doc.title, *doc.variants) if isinstance(doc, FaqEntry) else (doc.title,)
    said = set(
        _words(
            " ".join(phrasings if heading_only else (*phrasings, _body(doc))), folded=True
        ).split()
    )
    return all(word in said for word, _ in _named(text))


def asked_by(
    doc: FaqEntry | Announcement, aspects: tuple[str, ...], of: FaqEntry | Announcement
) -> bool:
    """Whether `doc` is an FAQ entry on `aspects` of the procedure `of` is about: its
    question, or a way staff wrote it is asked, asks them and names nothing that one of
    `of`'s phrasings does not ("Lệ phí làm thẻ căn cước là bao nhiêu?" under "Làm thẻ
    căn cước lần đầu", "tiêu chí hộ nghèo" under registering a poor household; not "đổi
    nơi kcb ban đầu khi nào được", the time of another procedure, under a lost health
    insurance card)."""
    if not isinstance(doc, FaqEntry) or not aspects:
        return False
    aspects = tuple("fee" if aspect == "amount" else aspect for aspect in aspects)  # how much
    phrasings = (of.question, *of.variants) if isinstance(of, FaqEntry) else (of.title,)
    subjects = [set(_words(phrasing, folded=True).split()) for phrasing in phrasings]
    return any(
        set(aspects)
        <= {
            "fee" if aspect == "amount" else aspect
            for aspect, _ in _aspects_asked(_asked(phrasing, folded=True))
        }
        and any(
            _ASPECT_WORDS.union(subject).issuperset(own_words(phrasing)) for subject in subjects
        )
        for phrasing in (doc.question, *doc.variants)
    )


@dataclass(frozen=True)
class Excerpt:
    """The lines of an entry that answer a follow-up about it."""

    doc: FaqEntry | Announcement
    lines: tuple[str, ...]

    @property
    def whole(self) -> bool:
        """Whether the lines are every line of the entry: nothing more to open."""
        return self.lines == tuple(
            line.strip() for line in _body(self.doc).splitlines() if line.strip()
        )


def _how_said(aspect: str) -> re.Pattern[str]:
    """How a line says `aspect` (`_ASPECTS`)."""
    return next(pattern for name, _, pattern in _ASPECTS if name == aspect)


def names_no_amount(part: Excerpt, aspects: tuple[str, ...]) -> bool:
    """Whether `part`, the lines answering a follow-up asking only how much (`aspects`:
    'fee' or 'amount'), names no amount of money, nor that nothing is paid: "Lệ phí
    theo quy định hiện hành"."""
    if not aspects or not set(aspects) <= {"fee", "amount"}:
        return False
    says = _how_said("amount")
    return not any(says.search(_words(line, folded=True)) for line in part.lines)


def _body(doc: FaqEntry | Announcement) -> str:
    return plaintext.plain(doc.answer if isinstance(doc, FaqEntry) else doc.body)


def excerpt(doc: FaqEntry | Announcement, text: str) -> Excerpt | None:
    """The lines of `doc` that say what `text` asks (its fee, time, place, papers) and name
    all else it names ("cho con" finds the line about children, "tiền điện" no line about
    a fee), or None."""
    said = _asked(text, folded=True)
    asked = _aspects_asked(said)
    # Where or when one receives it ("lãnh ở đâu", "khi nào được nhận"): the lines saying
    # where or when it is handed over, not where the file is handed in, when there are any;
    # the money of "nhận tiền ở đâu" is what one gets, no fee asked.
    received = any(_receiving(_asked(text, folded=False).split())) and any(
        aspect in ("place", "time") for aspect, _ in asked
    )
    if received and not _has(said, "phi"):
        asked = [(aspect, says) for aspect, says in asked if aspect != "fee"]
    # What it names, read as typed: typed accents tell "con" (a child) from "còn lại".
    accented = said != _asked(text, folded=False)
    # How often money is asked for ("mỗi tháng mấy tiền") is no word its line must hold: a
    # line naming the amount a year answers it too.
    money = any(aspect in ("fee", "amount") for aspect, _ in asked)
    named = [
        typed if accented else word
        for word, typed in _named(text, how_often=money)
        if word not in _ASPECT_WORDS
    ]
    if not asked and not named:
        return None
    if any(aspect == "next" for aspect, _ in asked):
        steps = _steps_after(doc, said)
        if steps:
            return Excerpt(doc, steps)
    found: list[tuple[str, set[str], bool]] = []  # a line, the aspects it says, handed over
    for line in _body(doc).splitlines():
        says_it = {aspect for aspect, says in asked if _says(line, aspect, says, said)}
        handed = received and _hands_over(line, asked, said)
        words = _FOLKS.sub(" ", _words(line, folded=not accented))
        if (not asked or says_it or handed) and all(_has(words, word) for word in named):
            found.append((line.strip(), says_it, handed))
    if any(handed for _, _, handed in found):
        found = [
            (line, says_it, handed)
            for line, says_it, handed in found
            if handed or says_it - {"place", "time"}
        ]
    lines = [line for line, _, _ in found]
    return Excerpt(doc, tuple(lines)) if lines else None


# A line that opens a numbered step ("Bước 2: ...", "- Bước 2."), read folded.
_STEP = re.compile(r"^buoc \d+\b")
# Words of "rồi sao nữa" that name no step done: particles and asking what follows, not
# the filing or taking ("nộp", "lấy" name what was done: "nộp rồi sao nữa"; "làm" of
# "làm gì tiếp" names nothing).
_NOT_DONE = (_NOT_ASKED - {"nop", "lay"}) | frozenset(
    "roi xong sao nua tiep theo gi chi sau do buoc nao the man mo".split()
)


def _steps_after(doc: FaqEntry | Announcement, said: str) -> tuple[str, ...] | None:
    """For an entry told in numbered steps ("Bước 1: ...", "Bước 2: ..."), what comes
    after what the resident did (`said`, the question folded: "rồi sao nữa"): the lines
    after the step sharing most words with it ("nộp hồ sơ rồi thì sao": after the step of
    filing, not the one of making the file), or after the first step when no step shares
    any, which they have done at least; never the first step again. None for an entry of
    fewer than two steps, or when nothing follows."""
    lines = [line.strip() for line in _body(doc).splitlines() if line.strip()]
    steps = [at for at, line in enumerate(lines) if _STEP.match(_words(line, folded=True))]
    if len(steps) < 2:
        return None
    done_words = {word for word in said.split() if word not in _NOT_DONE and not word.isdigit()}

    def shared(at: int) -> int:
        return len(done_words & set(_words(lines[at], folded=True).split()))

    done = max(steps, key=lambda at: (shared(at), at)) if done_words else steps[0]
    if not shared(done):
        done = steps[0]
    if (named := _STEP_NAMED.search(said)) is not None:  # "xong bước 2 rồi": that step
        done = next((at for at in steps if _step_number(lines[at]) == named[1]), done)
    return tuple(lines[done + 1 :]) or None


# A step the resident names by its number ("xong bước 2 rồi"), folded.
_STEP_NAMED = re.compile(r"\bbuoc (\d+)\b")


def _step_number(line: str) -> str:
    """The number of the step `line` opens ("Bước 2: ..." is "2")."""
    found = _STEP_NAMED.match(_words(line, folded=True))
    return found[1] if found else ""


def _hands_over(line: str, asked: list[tuple[str, re.Pattern[str]]], said: str) -> bool:
    """Whether `line` says where (or when) what one receives is handed over (`_HANDED_OVER`),
    as `asked` (the aspects `said`, the question folded, asks) wants: "chi trả mỗi tháng
    tại nhà văn hóa" answers "lãnh ở đâu" and "khi nào được lãnh"."""
    words = _words(line, folded=True)
    if _HANDED_OVER.search(words) is None:
        return False
    aspects = dict(asked)
    return ("place" in aspects and _says(line, "place", aspects["place"], said)) or (
        "time" in aspects and _HANDED_WHEN.search(words) is not None
    )


def _says(line: str, aspect: str, says: re.Pattern[str], said: str) -> bool:
    """Whether `line` of an entry says the `aspect` asked (`says`: how a line says it) in
    what `said` (the question, folded) asks: a time, one no word of validity or condition
    claims (`_TERM`, `_CONDITION`), once what it names as how often (`_HOW_OFTEN`) is left
    out, in a clause naming no deadline the resident keeps (`_deadline`) unless that is
    what is asked (`_ASKS_DEADLINE`: "khi nào phải làm"); a validity, a
    duration such a word claims; a fee, "phí" or an amount no fine or benefit claims
    (`_NOT_PAID`); a place, one where nothing is posted (`_POSTED`). Read
    clause by clause, each fact of a clause on its own:
    "cấp trong 7 ngày và có giá trị 5 năm" says both a time and a validity."""
    if aspect == "amount":  # any money named, or a fee ("phí thu theo số trang")
        return bool(says.search(_words(line, folded=True))) or _says(
            line, "fee", _how_said("fee"), said
        )
    if aspect == "next":  # a step said to follow, or the wait, or where it is handed over
        words = _words(line, folded=True)
        return bool(says.search(words) or _HANDED_OVER.search(words)) or _says(
            line, "time", _how_said("time"), said
        )
    if aspect not in ("time", "validity", "fee", "place"):
        return bool(says.search(_words(line, folded=True)))
    accented = _words(line, folded=False) != _words(line, folded=True)
    how_often = _HOW_OFTEN if accented else _HOW_OFTEN_FOLDED
    label = _label(line)
    for typed, folded in _clauses(line):
        if aspect == "place":
            if not all(_mentions(_place_words(typed, accented=accented), says, _POSTED)):
                return True
        elif aspect == "time":
            if not _ASKS_DEADLINE.search(said) and _deadline(f"{label} {folded}"):
                continue  # "trong thời hạn 60 ngày kể từ ngày sinh": the resident's deadline
            clause = " ".join(fold(how_often.sub(" ", typed)).split())
            if not all(_mentions(clause, says, _TERM)):
                return True
        elif aspect == "validity":
            if any(_mentions(folded, says, _TERM)):
                return True
        elif not all(_mentions(folded, says, _NOT_PAID, claimable=_AMOUNT, said=said)):
            return True
    return False


def _label(line: str) -> str:
    """The label a line opens with, folded ("Hạn chót nộp hồ sơ: 20 ngày": "han chot nop ho
    so"), which tells what each clause after it is; "" when it has none."""
    head, colon, _ = line.partition(":")
    words = _words(head, folded=True)
    return words if colon and 0 < len(words.split()) <= _LABEL_WORDS else ""


_LABEL_WORDS = 6


def _deadline(said: str) -> bool:
    """Whether `said` (a clause and its line's label, folded) names a deadline the resident
    keeps and none of the office's work (`_DEADLINE`, `_PROCESSING`)."""
    return _DEADLINE.search(said) is not None and _PROCESSING.search(said) is None


# "Tại" and "nơi" as typed: "Bộ Tài chính", "như đã nói" fold to them but name no place.
_PLACE_WORDS = {"tai": "tại", "noi": "nơi"}


def _place_words(typed: str, *, accented: bool) -> str:
    """The folded words of a clause (`typed`: its words as typed), where in a line typed
    with accents a word folding to "tại" or "nơi" but typed otherwise is none of them."""
    words = []
    for word in typed.split():
        folded = fold(word)
        place = _PLACE_WORDS.get(folded)
        words.append("-" if accented and place is not None and word != place else folded)
    return " ".join(words)


# Words between things listed together ("6 tháng hoặc 12 tháng", "từ 200.000 đồng đến
# 500.000 đồng"), folded: a word that claims one claims the others.
_LISTING = frozenset("hoac va hay den toi tu".split())


def _mentions(
    clause: str,
    says: re.Pattern[str],
    marks: re.Pattern[str],
    *,
    claimable: re.Pattern[str] | None = None,
    said: str = "",
) -> list[bool]:
    """For each thing `says` finds in `clause` (folded words), whether a word `marks` finds
    claims it: one since the thing before it (a mark claims the first thing after it, and
    those listed with it, only), unless the question (`said`, folded) names that word too
    ("phạt bao nhiêu tiền"). Only what `claimable` finds, when given, is claimed; what a
    condition (`_CONDITION`) holds is passed over, as are a mark's own words ("thời hạn"
    of "thời hạn tạm trú")."""
    marked = [m for m in marks.finditer(clause) if not (said and _has(said, m.group()))]
    conditions = list(_CONDITION.finditer(clause))
    claimed: list[bool] = []
    since = 0
    listing = False  # the thing before was claimed: so is one listed with it
    for found in says.finditer(clause):
        if any(m.start() < found.end() and found.start() < m.end() for m in marked):
            continue
        held = [c for c in conditions if c.start() <= found.start() and found.end() <= c.end()]
        if held:
            since = held[0].end()
            continue
        can = claimable is None or claimable.fullmatch(found.group()) is not None
        listed = listing and all(
            w in _LISTING or w.isdigit() for w in clause[since : found.start()].split()
        )
        claims = can and (listed or any(since <= m.start() < found.start() for m in marked))
        claimed.append(claims)
        since, listing = found.end(), claims
    return claimed


def _clauses(line: str) -> list[tuple[str, str]]:
    """The clauses of `line`, each as its words typed and folded; one only listing
    durations joined to the one before it (`_DURATIONS_ONLY`)."""
    clauses: list[str] = []
    for part in _CLAUSE.split(unicodedata.normalize("NFC", line)):
        typed = _words(part, folded=False)
        if clauses and _DURATIONS_ONLY.fullmatch(fold(typed)):
            clauses[-1] = f"{clauses[-1]} {typed}"
        else:
            clauses.append(typed)
    return [(typed, fold(typed)) for typed in clauses]


def _weekdays_written_out(said: str) -> str:
    """`said` (lower-case words) with each weekday typed short ("thứ 7", "thu 7", "t7",
    "cn": `weekdays.shorthand`) written out ("thứ bảy", "thu bay", "chủ nhật"): with
    accents when typed so, or, typed "t7" or "cn", when the message (`said`) has them."""
    folded = fold(said)
    if len(folded) != len(said):  # a letter folded to two: positions differ, read as folded
        said = folded
    accents = said != folded
    parts, at = [], 0
    for found in weekdays.TYPED_WEEKDAY.finditer(folded):
        if not weekdays.shorthand(found):
            continue
        typed = said[found.start() : found.end()]
        accented = typed != found[0] or (not typed.startswith("th") and accents)
        written = WEEKDAYS[weekdays.weekday(found)].lower()
        parts += [said[at : found.start()], written if accented else fold(written)]
        at = found.end()
    return "".join([*parts, said[at:]])


def _words(text: str, *, folded: bool) -> str:
    """The words of `text`, lower-case, folded or as typed, a weekday's number written out;
    "còn" (and what about) left out, which is no "con" (a child)."""
    words = (w for w in _WORD.findall(text.lower()) if w != "còn")
    said = " ".join(words)
    said = _weekdays_written_out(said)
    return fold(said) if folded else said


def _asked(text: str, *, folded: bool) -> str:
    """`_words` of a message, read as standard speech (`_standard`); typed without accents,
    "con" opening it before what it asks ("con le phi thi sao", "the con lam o dau") left
    out too: "còn", not a child ("con toi thi sao" keeps it)."""
    said = _words(_standard(text), folded=folded)
    typed = said.split()
    if any(word != fold(word) for word in typed):
        return said
    for at, word in enumerate(typed[:-1]):
        if word == "con" and typed[at + 1] in _WHAT_ABOUT_NEXT:
            return " ".join(typed[:at] + typed[at + 1 :])
        if word not in _CONNECTORS | _POLITE:
            break
    return said


# How a resident closes a question to the officer, naming nothing: the north's "hả"
# (anywhere: "hả? thế nộp ở đâu"), "hở" ("mất bao lâu hở"; "ha" after a word that closes
# a question, `_CLOSING`), and, after such a word, whom they address ("hả bác", "vậy
# cô", "không chú", "ạ cháu"), typed so or without accents ("co" is "có", and "cho cháu"
# names a grandchild: after no closing word, it stays).
_ASKS_ENDING = frozenset("hả hở".split())
_ADDRESSED = frozenset("bác cô chú cháu dì cậu".split())
_ADDRESSED_UNACCENTED = frozenset("bac chu chau cau".split())
_CLOSING = frozenset("ha vay a nhe nha oi khong ko gi dau nao nhieu lau z v".split())
# Whom a resident calls, folded, before "ơi" ("bác ơi", "cô ơi, nộp ở đâu"): "co oi" is
# "cô ơi" too, "có ơi" being no phrase.
_CALLED = frozenset(fold(word) for word in _ADDRESSED)


def _calls(word: str, then: str) -> bool:
    """Whether `word` and `then` call the officer ("bác ơi", "co oi")."""
    return fold(then) == "oi" and fold(word) in _CALLED


def _standard(text: str) -> str:
    """The words of a resident's message, lower-case, with central and southern words in
    their standard form ("có mất tiền hông": không, "mần mấy ngày": làm) and the particles
    that only soften it, or close it to the officer, left out ("nộp ở đâu nè", "mất bao
    lâu nghen", "lệ phí bao nhiêu hả bác")."""
    words = standard_words(_WORD.findall(nfc(text).lower()))
    words = [word for word in words if word not in REGIONAL_PARTICLES]
    called = [at for at, word in enumerate(words[:-1]) if _calls(word, words[at + 1])]
    if called and len(words) > 2 * len(called):  # "bác ơi", "co oi": whom they call
        words = [w for at, w in enumerate(words) if at not in called and at - 1 not in called]
    if (
        len(words) > 2
        and (words[-1] in _ADDRESSED or words[-1] in _ADDRESSED_UNACCENTED)
        and fold(words[-2]) in _CLOSING
    ):
        words.pop()
    if len(words) > 1 and (
        words[-1] in _ASKS_ENDING or (words[-1] == "ha" and fold(words[-2]) in _CLOSING)
    ):
        words.pop()
    return " ".join([word for word in words if word != "hả"] or words)


def _named(text: str, *, how_often: bool = False) -> list[tuple[str, str]]:
    """The words of `text` (folded, and as typed) besides question words, particles and
    "what about" words (and, `how_often`, words saying how often: `_asking_at`)."""
    typed = _asked(text, folded=False).split()
    folded = [fold(word) for word in typed]
    said = " ".join(folded)
    asking = _asking_at(said, how_often=how_often)
    return [
        (word, as_typed)
        for at, (word, as_typed) in enumerate(zip(folded, typed, strict=True))
        if at not in asking and word not in _NOT_ASKED and not _counts(word)
    ]


def _counts(word: str) -> bool:
    """Whether `word` (folded) is a number, as "1 trang", "một bản" count what they name:
    a line saying a fee "theo trang" answers "bao nhiêu tiền 1 trang". Not a year ("năm
    2025 thì sao"), which names what is asked: a line on paying "nhiều năm" says nothing
    of it."""
    if word.isdigit():
        return not (len(word) == 4 and word[:2] in ("19", "20"))
    return word == "mot"


def _has(said: str, phrase: str) -> bool:
    return f" {phrase} " in f" {said} "
