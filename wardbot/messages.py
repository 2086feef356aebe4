"""Every resident-facing Vietnamese text, in one place.

Texts are plain (no HTML, no Markdown): each channel escapes and decorates them.
Functions take what they show as arguments, so nothing here reads settings or files.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from wardbot.text import UNITS, fold, one_line

# The units (wardbot.text.UNITS), each with its words as written and without diacritics.
_UNITS = tuple((name, name.split(), fold(name).split()) for name in UNITS)


def unit(ward_name: str) -> str:
    """The unit the ward office serves, as its residents call it ("cán bộ xã", "của xã"):
    the first of _UNITS that `ward_name` names, in any case, with its diacritics or
    without ("UBND xa My Phuoc Dien": "xã"); "phường" when it names none."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", ward_name).casefold())
    for start in range(len(words)):
        for name, written, plain in _UNITS:
            if words[start : start + len(written)] in (written, plain):
                return name
    return "phường"


# The chat commands (FORMATS.md) and their menu descriptions, in menu order ("{unit}":
# `unit`, filled in by `commands`).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Lời chào và giới thiệu"),
    ("help", "Cách hỏi, các lệnh và nơi liên hệ hỗ trợ"),  # no hotline: no phone number
    ("topics", "Các chủ đề nhận tin"),
    ("subscribe", "Đăng ký nhận tin một chủ đề"),
    ("unsubscribe", "Hủy nhận tin một chủ đề (hoặc tất cả)"),
    ("mysubs", "Các chủ đề tôi đang nhận tin"),
    ("latest", "Thông báo mới nhất của {unit}"),
    ("forget", "Xóa mọi dữ liệu của tôi"),
    ("hoicanbo", "Chuyển câu hỏi tới cán bộ {unit}"),
)

# How each command is written in /help (with its argument, when it takes one).
_COMMAND_USAGE = {
    "subscribe": "/subscribe <chủ đề | all>",
    "unsubscribe": "/unsubscribe <chủ đề | all>",
    "hoicanbo": "/hoicanbo [câu hỏi]",
}

EXAMPLE_QUESTION = "Đăng ký tạm trú cần giấy tờ gì?"


# Following topics: not offered where alerts cannot reach the chat (the web chat).
_ALERT_COMMANDS = frozenset({"topics", "subscribe", "unsubscribe", "mysubs"})

# Where a chat gets alerts, for the texts that promise them: HERE (Telegram, Zalo);
# ELSEWHERE, on the ward's Zalo or Telegram bot, whose links come with the reply (the web
# chat, when they are configured); NOWHERE (the web chat without such links).
HERE, ELSEWHERE, NOWHERE = "here", "elsewhere", "nowhere"


def commands(ward_name: str, *, staff: bool, alerts: str = HERE) -> tuple[tuple[str, str], ...]:
    """The commands offered to residents (in /help and Telegram's menu): /hoicanbo only
    where ward staff answer it (a staff desk is set up), following topics only where
    alerts reach the chat."""
    return tuple(
        (name, about.format(unit=unit(ward_name)))
        for name, about in COMMANDS
        if (staff or name != "hoicanbo") and (alerts == HERE or name not in _ALERT_COMMANDS)
    )


def figure(count: int) -> str:
    """A count as Vietnamese writes it, its thousands grouped with dots: "12.345" (not for
    ids, numbers typed as commands, years)."""
    return f"{count:,}".replace(",", ".")


def vn_date(day: dt.date) -> str:
    """15/07/2024: the way dates are written in Vietnamese documents."""
    return day.strftime("%d/%m/%Y")


def contact_line(ward_name: str, hotline: str) -> str:
    if hotline:
        return f"gọi đường dây nóng {hotline}"
    return f"liên hệ Bộ phận Một cửa của {ward_name} trong giờ hành chính"


# --- greeting and help ------------------------------------------------------------


def _alerts_note(ward_name: str, alerts: str) -> str:
    """Where a chat that gets no alerts here (ELSEWHERE, NOWHERE) can follow the news."""
    if alerts == ELSEWHERE:
        return (
            "Để nhận thông báo mới theo chủ đề anh/chị quan tâm, anh/chị vui lòng mở đường dẫn "
            f"bên dưới để nhắn cho bot của {unit(ward_name)}, vì trang web không gửi tin được "
            "khi đã đóng."
        )
    return (
        f"Trang web này không tự gửi thông báo khi {unit(ward_name)} có tin mới; anh/chị gõ "
        "/latest để xem các thông báo mới nhất."
    )


def greeting(ward_name: str, *, alerts: str = HERE) -> str:
    """`alerts`: where this chat gets alerts (HERE, ELSEWHERE or NOWHERE)."""
    where = unit(ward_name)
    if alerts == HERE:
        promise = (
            f"• Nhắn tin cho anh/chị khi {where} có thông báo mới về chủ đề anh/chị quan tâm\n\n"
        )
    else:
        promise = f"\n{_alerts_note(ward_name, alerts)}\n\n"
    return (
        f"Dạ, xin chào anh/chị! Đây là trợ lý tự động của {ward_name}.\n\n"
        "Em có thể:\n"
        "• Giải đáp các thủ tục, giấy tờ thường gặp (cư trú, hộ tịch, BHYT, căn cước…)\n"
        f"• Gửi các thông báo mới nhất của {where}\n"
        f"{promise}"
        f"Anh/chị cứ nhắn câu hỏi như khi hỏi cán bộ {where}, có dấu hay không dấu đều được, "
        f"ví dụ: “{EXAMPLE_QUESTION}”"
    )


def greeted_again(ward_name: str) -> str:
    """To a greeting ("alo", "có ai không", "bạn là ai") a short while after the greeting:
    who answers, in a line, not the whole greeting again."""
    return (
        f"Dạ, em là trợ lý tự động của {ward_name}, em vẫn đang ở đây ạ. Anh/chị cứ nhắn câu "
        f"hỏi, ví dụ: “{EXAMPLE_QUESTION}”"
    )


def help_text(ward_name: str, hotline: str, *, staff: bool, alerts: str = HERE) -> str:
    """`staff`: whether /hoicanbo passes questions to ward staff here (else it is not listed);
    `alerts`: where this chat gets alerts (HERE, ELSEWHERE or NOWHERE)."""
    lines = [
        "Cách hỏi: anh/chị nhắn câu hỏi bằng tiếng Việt, có dấu hoặc không dấu đều được "
        "(ví dụ: “muc dong bhyt ho gia dinh”). Hỏi càng cụ thể (nêu tên thủ tục, giấy tờ), "
        "câu trả lời càng sát.",
        "",
        "Các lệnh:",
    ]
    lines += [
        f"{_COMMAND_USAGE.get(name, '/' + name)} — {about}"
        for name, about in commands(ward_name, staff=staff, alerts=alerts)
    ]
    if alerts == HERE:
        lines += [
            "",
            "Không cần gõ lệnh, anh/chị cũng có thể nhắn: “đăng ký nhận tin bhyt”, "
            "“hủy đăng ký học bổng”, “tin mới”, “tôi đang theo dõi gì”, “xóa dữ liệu của tôi”.",
        ]
    else:
        lines += [
            "",
            "Không cần gõ lệnh, anh/chị cũng có thể nhắn: “tin mới”, “xóa dữ liệu của tôi”.",
            "",
            _alerts_note(ward_name, alerts),
        ]
    lines += ["", f"Cần hỗ trợ trực tiếp, anh/chị vui lòng {contact_line(ward_name, hotline)}."]
    return "\n".join(lines)


def admins_only(ward_name: str, own_id: str) -> str:
    """An admin command from someone not in ADMIN_IDS, in a private chat: their own id
    (`telegram:123456789`), which neither app shows, to pass on if they are staff."""
    return (
        f"Dạ, lệnh này chỉ dành cho cán bộ quản trị của {unit(ward_name)}. "
        f"Mã của anh/chị là {own_id} — nếu anh/chị là cán bộ, nhờ người cài đặt bot "
        "thêm mã này vào ADMIN_IDS."
    )


def unknown_command(command: str) -> str:
    return f"Dạ, em chưa hiểu lệnh “{command}”. Anh/chị gõ /help để xem các lệnh nhé."


def thanks() -> str:
    return "Dạ, không có gì ạ! Anh/chị cần hỏi thêm gì cứ nhắn em nhé."


def acknowledged() -> str:
    """To "vâng", "được rồi", "ok", "👍": the turn is closed, the door left open."""
    return "Dạ vâng ạ. Anh/chị cần hỏi thêm gì cứ nhắn em nhé."


def liked() -> str:
    """To an emoji alone closing a turn ("👍", "😊"): thanks, the door left open."""
    return "Dạ, em cảm ơn anh/chị ạ! Anh/chị cần hỏi thêm gì cứ nhắn em nhé."


def upset(ward_name: str, hotline: str, *, angry: bool, staff: bool) -> str:
    """To an angry or sad emoji alone ("😡", "😢"), with no answer before it to have
    missed: what happened, and how the ward can help (`staff`: ward staff read what the
    bot cannot answer; else the hotline)."""
    opening = "Dạ, em rất tiếc vì anh/chị đang không vui." if angry else "Dạ, anh/chị đừng buồn ạ."
    asked = (
        f"Anh/chị gặp chuyện gì, cần {unit(ward_name)} giúp việc gì, anh/chị cứ nhắn cho em biết"
    )
    if staff:
        return f"{opening} {asked}, em sẽ trả lời hoặc chuyển cán bộ {unit(ward_name)} hỗ trợ ạ."
    contact = contact_line(ward_name, hotline)
    return f"{opening} {asked} để em hướng dẫn ạ. Nếu cần gặp cán bộ, anh/chị vui lòng {contact}."


def wished() -> str:
    """To good wishes ("chúc mừng năm mới", "chúc ad một ngày tốt lành")."""
    return "Dạ, em cảm ơn anh/chị ạ! Anh/chị cần hỏi gì về thủ tục, giấy tờ cứ nhắn em nhé."


def farewell() -> str:
    return "Dạ, em chào anh/chị ạ. Khi cần hỏi về thủ tục, giấy tờ, anh/chị cứ nhắn em nhé."


# --- answers ----------------------------------------------------------------------


def faq_source(ward_name: str) -> str:
    return f"Nguồn: Hỏi đáp thủ tục của {ward_name}"


def announcement_source(day: dt.date) -> str:
    return f"Thông báo ngày {vn_date(day)}"


def expired_note(expires: dt.date) -> str:
    """Above a notice given after its expiry date (its last valid day): it is a record,
    not current news."""
    return (
        f"⚠️ Lưu ý: thông báo này đã hết hạn (có hiệu lực đến ngày {vn_date(expires)}), "
        "chỉ còn để tham khảo."
    )


def announcement_heading(day: dt.date, title: str) -> str:
    return f"{vn_date(day)} — {title}"


RELATED = "Câu hỏi liên quan:"
RELATED_CONTENT = "Nội dung liên quan:"


def related(*, notices: bool) -> str:
    """Above the entries related to an answer: questions, or notices among them."""
    return RELATED_CONTENT if notices else RELATED


READ_MORE = "Xem thêm"
ORIGINAL_DOCUMENT = "Xem văn bản gốc"
FULL_TEXT_BUTTON = "📄 Xem toàn văn"
# Under the lines of an answer that say what a follow-up asked ("Lệ phí: ...").
WHOLE_ANSWER_BUTTON = "📄 Xem đầy đủ"
TRIMMED_NOTE = "(Nội dung đã rút gọn; chọn “Xem toàn văn” để đọc đầy đủ.)"


def full_text_which_of() -> str:
    """What typing "xem toàn văn" gets after an alert listing several notices."""
    return "Dạ, anh/chị muốn xem toàn văn thông báo nào ạ?"


def full_text_which(ward_name: str) -> str:
    """What typing "xem toàn văn" gets before any notice was shown in the chat."""
    return (
        "Dạ, anh/chị muốn xem toàn văn thông báo nào ạ? Anh/chị chọn “Thông báo mới” để xem "
        f"các thông báo mới nhất của {unit(ward_name)}, rồi mở thông báo cần đọc."
    )


def full_text_sent() -> str:
    """What typing "xem toàn văn" gets after a document shown whole (an answer, a short notice)."""
    return "Dạ, em đã gửi hết nội dung em có về mục anh/chị vừa xem rồi ạ."


def rest_elsewhere(ward_name: str, *, has_source: bool) -> str:
    """Under the first part of a notice too long to send whole: where to read the rest."""
    if has_source:
        return (
            "(Văn bản dài, trên đây là phần đầu. "
            f"Mời anh/chị xem tiếp ở “{ORIGINAL_DOCUMENT}” bên dưới.)"
        )
    return (
        "(Văn bản dài, trên đây là phần đầu. Mời anh/chị xem toàn văn tại Bộ phận "
        f"Một cửa của {ward_name} hoặc trên trang thông tin điện tử của {unit(ward_name)}.)"
    )


def no_answer(ward_name: str, hotline: str) -> str:
    return "\n\n".join(
        [
            "Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này ạ.",
            "Anh/chị có thể hỏi lại bằng từ ngữ khác, nêu rõ tên thủ tục hoặc giấy tờ cần làm.",
            f"Để được hỗ trợ trực tiếp, anh/chị vui lòng {contact_line(ward_name, hotline)}.",
        ]
    )


MAX_PART_CHARS = 80  # a part quoted longer is cut: the resident has just typed it
# "còn", "ngoài ra" opening a second question: not quoted with it.
_TURNING = re.compile(r"^(?:còn|với lại|ngoài ra|thêm nữa)\s+", re.IGNORECASE)


def about_parts(parts: Sequence[str]) -> str:
    """Above the reply to questions of a message asking several that the bot cannot
    answer (the others answered above it): which ones the reply is about."""
    quoted = []
    for part in parts:
        asked = _TURNING.sub("", one_line(part, MAX_PART_CHARS))
        quoted.append(f"“{asked[:1].upper()}{asked[1:]}”")
    if len(quoted) == 1:
        return f"Về câu {quoted[0]}:"
    return f"Về các câu {', '.join(quoted[:-1])} và {quoted[-1]}:"


def in_vietnamese_only(ward_name: str, hotline: str) -> str:
    """Under the no-answer reply to a message plainly in another language
    (wardbot.language): in English, which a foreign resident is likeliest to read."""
    if hotline:
        contact = f"call {ward_name} on {hotline}"
    else:
        contact = f"contact the one-stop desk (Bộ phận Một cửa) of {ward_name} in office hours"
    return (
        "(English) Sorry, this assistant understands Vietnamese only. Please write your "
        f"question in Vietnamese, or {contact}."
    )


# What a follow-up asks of a procedure (wardbot.followup's aspects), as `not_stated` names it.
_ASPECT_NAMES = {
    "fee": "lệ phí",
    "time": "thời gian giải quyết",
    "place": "nơi làm thủ tục",
    "online": "cách làm trực tuyến",
    "papers": "giấy tờ cần chuẩn bị",
}


def not_stated(title: str, aspects: Sequence[str], ward_name: str, hotline: str) -> str:
    """A follow-up ("mất bao lâu?") that the entry just given does not answer: it says
    plainly that the entry does not say it, and whom to ask."""
    asked = " và ".join(_ASPECT_NAMES[aspect] for aspect in aspects)
    return (
        f"Dạ, thông tin em có về “{title}” chưa nêu {asked} ạ.\n\n"
        f"Để biết chính xác, anh/chị vui lòng {contact_line(ward_name, hotline)}."
    )


# How a resident names the procedure a question about its fee, time... is about (one any
# ward office handles), for `which_procedure`.
_ASPECT_EXAMPLES = {
    "fee": "Lệ phí đăng ký khai sinh là bao nhiêu?",
    "time": "Đăng ký khai sinh mất bao lâu?",
    "place": "Đăng ký khai sinh làm ở đâu?",
    "online": "Đăng ký khai sinh làm trực tuyến được không?",
    "papers": "Đăng ký khai sinh cần giấy tờ gì?",
}


def which_procedure(aspects: Sequence[str], *, group: bool = False, listed: bool = False) -> str:
    """A question asking only what any procedure has ("lệ phí bao nhiêu?", "mất bao
    lâu?") with no answer before it to be about: which procedure does it mean? `group`:
    in a group, where the bot reads only the messages that reply to it or mention it.
    `listed`: asked just after close matches, which the resident may pick from instead."""
    how = "trả lời tin nhắn này, nhắn" if group else "nhắn"
    if listed:
        return (
            "Dạ, anh/chị đang hỏi về thủ tục nào ạ? Anh/chị chọn một trong các câu em vừa "
            f"gợi ý ở trên, hoặc {how} kèm tên thủ tục hoặc giấy tờ cần làm giúp em."
        )
    return (
        f"Dạ, anh/chị đang hỏi về thủ tục nào ạ? Anh/chị {how} kèm tên thủ tục hoặc giấy tờ "
        f"cần làm giúp em, ví dụ: “{_ASPECT_EXAMPLES[aspects[0]]}”"
    )


def _which_of(count: int, *, notices: bool) -> str:
    """Asking about the `count` close matches listed below: one, or one of several; questions
    ("câu"), or, with notices among them (a notice's title is no question), "nội dung"."""
    if notices:
        return "về nội dung dưới đây" if count == 1 else "về một trong các nội dung dưới đây"
    return "câu dưới đây" if count == 1 else "một trong các câu dưới đây"


def dated_notice(date: dt.date) -> str:
    """After the title of a notice offered beside an entry of the same words: which one
    is the notice."""
    return f"(thông báo ngày {vn_date(date)})"


def offer(ward_name: str, hotline: str, count: int, *, notices: bool = False) -> str:
    """The bot is not sure: it asks which of the `count` close matches below (buttons or
    numbered choices; `notices`: notices among them) was meant, then whom to call if none."""
    return (
        f"Dạ, có phải anh/chị muốn hỏi {_which_of(count, notices=notices)}? Nếu không phải, "
        f"anh/chị vui lòng {contact_line(ward_name, hotline)}."
    )


def wrong_answer(ward_name: str, hotline: str, *, offers: int, notices: bool = False) -> str:
    """The resident says the last answer missed (“sai rồi”, “không phải”): sorry, then the
    other close matches (`offers`: how many are listed below; `notices`: notices among
    them) or a way to ask again, and whom to call."""
    sorry = "Dạ, em xin lỗi vì trả lời chưa đúng ý anh/chị."
    contact = contact_line(ward_name, hotline)
    if offers:
        return (
            f"{sorry} Có phải anh/chị muốn hỏi {_which_of(offers, notices=notices)}? "
            "Nếu không phải, "
            f"anh/chị vui lòng {contact}."
        )
    return "\n\n".join(
        [
            sorry,
            "Anh/chị có thể hỏi lại bằng từ ngữ khác, nêu rõ tên thủ tục hoặc giấy tờ cần làm.",
            f"Để được hỗ trợ trực tiếp, anh/chị vui lòng {contact}.",
        ]
    )


# Under a confident answer: the resident says, with one tap, that it missed (as "sai rồi").
WRONG_BUTTON = "🙁 Chưa đúng ý tôi hỏi"


def wrong_button_stale() -> str:
    """ "Chưa đúng ý" pressed under an earlier answer than the chat's latest."""
    return (
        "Dạ, nút đó thuộc một câu trả lời trước. Nếu câu trả lời mới nhất chưa đúng ý, "
        "anh/chị bấm nút dưới câu trả lời đó hoặc nhắn “sai rồi”; còn câu hỏi trước thì "
        "anh/chị vui lòng gửi lại giúp em nhé."
    )


def not_found() -> str:
    return "Dạ, nội dung này không còn nữa. Anh/chị vui lòng hỏi lại giúp em nhé."


# --- topics and subscriptions -----------------------------------------------------


def topics_list(ward_name: str, names: Sequence[tuple[str, bool]]) -> str:
    """`names`: each topic's name and whether this chat follows it."""
    if not names:
        return f"Dạ, hiện {unit(ward_name)} chưa mở chủ đề nhận tin nào."
    lines = ["Các chủ đề anh/chị có thể nhận tin:"]
    lines += [f"• {name}" + (" — đang nhận tin ✅" if followed else "") for name, followed in names]
    lines += [
        "",
        "Chọn một chủ đề bên dưới để bật/tắt nhận tin, hoặc nhắn “đăng ký nhận tin <tên chủ đề>”.",
    ]
    return "\n".join(lines)


def retired_topic(topic_id: str) -> str:
    """A topic a chat still follows that the ward no longer offers (gone from faq.yaml):
    its id is all that is left of it."""
    return f"{topic_id} (chủ đề đã ngừng)"


def topics_menu(ward_name: str, names: Sequence[tuple[str, bool]]) -> str:
    """`topics_list` where the topics follow as numbered lines ("🔔 Nhận tin: …",
    "🔕 Bỏ nhận tin: …"; Zalo, the terminal): those lines are the list."""
    if not names:
        return topics_list(ward_name, names)
    lines = [
        "Chọn một chủ đề dưới đây để bật/tắt nhận tin, hoặc nhắn “đăng ký nhận tin <tên chủ đề>”."
    ]
    if any(followed for _, followed in names):
        lines[0] += " Chủ đề có dấu 🔕 là chủ đề anh/chị đang nhận tin."
    lines += ["", "Các chủ đề anh/chị có thể nhận tin:"]
    return "\n".join(lines)


def subscribe_button(name: str) -> str:
    return f"🔔 Nhận tin: {name}"


def unsubscribe_button(name: str) -> str:
    return f"🔕 Bỏ nhận tin: {name}"


UNSUBSCRIBE_ALL_BUTTON = "🔕 Bỏ nhận tin tất cả"
TOPICS_BUTTON = "📋 Các chủ đề"
LATEST_BUTTON = "📰 Thông báo mới"


def subscribed(ward_name: str, name: str, *, group: bool = False) -> str:
    """`group`: a group chat followed it (staff did), and the group gets the alerts."""
    to = "vào nhóm" if group else "cho anh/chị"
    return (
        f"Dạ, đã đăng ký nhận tin về “{name}”. Khi {unit(ward_name)} có thông báo mới về chủ "
        f"đề này, em sẽ nhắn ngay {to}."
    )


def subscribed_all(ward_name: str, count: int) -> str:
    """Every topic followed at once: `count` topics (0: all were followed already)."""
    if count == 0:
        return "Dạ, anh/chị đã đăng ký nhận tin về tất cả các chủ đề rồi ạ."
    told = (
        f"Dạ, đã đăng ký nhận tin về {_all_of(count, 'chủ đề')} của {unit(ward_name)}. Khi "
        f"{unit(ward_name)} có thông báo mới, em sẽ nhắn ngay cho anh/chị"
    )
    return f"{told}; muốn bỏ bớt chủ đề nào, anh/chị gõ /mysubs." if count > 1 else f"{told}."


def _all_of(count: int, noun: str) -> str:
    """ "cả 12 chủ đề" (all 12 topics); one is no whole: "chủ đề"."""
    return noun if count == 1 else f"cả {figure(count)} {noun}"


def _quoted(names: Sequence[str]) -> str:
    """“A”, “B” và “C”."""
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} và {quoted[-1]}"


def subscribed_several(ward_name: str, names: Sequence[str]) -> str:
    return (
        f"Dạ, đã đăng ký nhận tin về {_quoted(names)}. Khi {unit(ward_name)} có thông báo mới "
        "về các chủ đề này, em sẽ nhắn ngay cho anh/chị."
    )


def unsubscribed_several(names: Sequence[str]) -> str:
    return f"Dạ, đã hủy nhận tin về {_quoted(names)}. Anh/chị có thể đăng ký lại bất cứ lúc nào."


def already_subscribed(name: str) -> str:
    return f"Dạ, anh/chị đã đăng ký nhận tin về “{name}” rồi ạ."


def unsubscribed(name: str) -> str:
    return f"Dạ, đã hủy nhận tin về “{name}”. Anh/chị có thể đăng ký lại bất cứ lúc nào."


def not_subscribed(name: str) -> str:
    return f"Dạ, anh/chị chưa đăng ký nhận tin về “{name}” nên không cần hủy ạ."


def unsubscribed_all(count: int) -> str:
    if count == 0:
        return "Dạ, anh/chị hiện chưa nhận tin chủ đề nào nên không cần hủy ạ."
    return (
        f"Dạ, đã hủy nhận tin {_all_of(count, 'chủ đề')} anh/chị đang theo dõi. Anh/chị sẽ "
        "không nhận thêm tin báo nào nữa và có thể đăng ký lại bất cứ lúc nào."
    )


def unknown_topic(text: str, names: Sequence[tuple[str, bool]]) -> str:
    """`names`: each topic's name and whether this chat follows it."""
    lines = [f"Dạ, em chưa tìm thấy chủ đề “{text}”."]
    if names:
        lines += ["Các chủ đề hiện có:"]
        lines += [f"• {name}" + (" — đang nhận tin ✅" if on else "") for name, on in names]
    if not all(on for _, on in names):  # each one not followed yet has a button below
        lines += ["", "Anh/chị chọn chủ đề muốn nhận tin ở bên dưới nhé."]
    return "\n".join(lines)


def unknown_topic_menu(text: str) -> str:
    """`unknown_topic` where the topics not followed yet follow as numbered lines."""
    return (
        f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị chọn chủ đề muốn nhận tin "
        "trong các chủ đề dưới đây nhé:"
    )


def unknown_topic_to_unsubscribe(text: str, followed: Sequence[str]) -> str:
    """Stopping alerts of a topic not found: `followed` are the ones the chat can stop."""
    if not followed:
        return (
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Hiện anh/chị chưa nhận tin chủ đề nào "
            "nên không cần hủy ạ."
        )
    if len(followed) == 1:
        lines = [
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị đang nhận tin một chủ đề:",
            f"• {followed[0]}",
            "",
            "Anh/chị muốn bỏ nhận tin chủ đề này thì chọn bên dưới giúp em nhé.",
        ]
    else:
        lines = [
            f"Dạ, em chưa tìm thấy chủ đề “{text}” trong các chủ đề anh/chị đang nhận tin:",
            *(f"• {name}" for name in followed),
            "",
            "Anh/chị muốn bỏ nhận tin chủ đề nào thì chọn bên dưới giúp em nhé.",
        ]
    return "\n".join(lines)


def unknown_topic_to_unsubscribe_menu(text: str, count: int) -> str:
    """`unknown_topic_to_unsubscribe` where the chat's `count` topics follow as numbered
    lines."""
    if count == 1:
        return (
            f"Dạ, em chưa tìm thấy chủ đề “{text}”. Anh/chị đang nhận tin một chủ đề; muốn "
            "bỏ nhận tin chủ đề này thì chọn dưới đây giúp em nhé:"
        )
    return (
        f"Dạ, em chưa tìm thấy chủ đề “{text}” trong các chủ đề anh/chị đang nhận tin. "
        "Anh/chị muốn bỏ nhận tin chủ đề nào thì chọn dưới đây giúp em nhé:"
    )


def choose_topic_to_unsubscribe() -> str:
    return (
        "Dạ, anh/chị muốn hủy nhận tin chủ đề nào? "
        "Chọn chủ đề bên dưới, hoặc nhắn “hủy đăng ký tất cả”."
    )


def mysubs(names: Sequence[str]) -> str:
    if not names:
        return "Dạ, anh/chị chưa đăng ký nhận tin chủ đề nào. Gõ /topics để xem các chủ đề."
    which = "chủ đề này" if len(names) == 1 else "chủ đề nào"
    return "\n".join(
        [
            "Anh/chị đang nhận tin về:",
            *(f"• {name}" for name in names),
            "",
            f"Muốn bỏ nhận tin {which}, anh/chị chọn bên dưới.",  # its button
        ]
    )


def mysubs_menu(count: int) -> str:
    """`mysubs` where the chat's `count` topics follow as numbered lines ("🔕 Bỏ nhận tin:
    …")."""
    if count == 1:
        return "Anh/chị đang nhận tin về chủ đề dưới đây (chọn để bỏ nhận tin):"
    return "Anh/chị đang nhận tin về các chủ đề dưới đây (chọn một chủ đề để bỏ nhận tin):"


def latest(ward_name: str, headings: Sequence[str]) -> str:
    if not headings:
        return "Dạ, hiện chưa có thông báo mới nào."
    if len(headings) == 1:
        return "\n".join(
            [
                f"Thông báo mới nhất của {ward_name}:",
                f"• {headings[0]}",
                "",
                "Chọn thông báo bên dưới để xem nội dung.",
            ]
        )
    lines = [f"Các thông báo mới nhất của {ward_name}:"]
    lines += [f"• {heading}" for heading in headings]
    lines += ["", "Chọn từng thông báo bên dưới để xem nội dung."]
    return "\n".join(lines)


def latest_menu(ward_name: str, count: int) -> str:
    """`latest` where the notices follow as numbered lines (Zalo, the terminal)."""
    if not count:
        return latest(ward_name, [])
    if count == 1:
        return f"Thông báo mới nhất của {ward_name} (chọn để xem nội dung):"
    return f"Các thông báo mới nhất của {ward_name} (chọn một thông báo để xem nội dung):"


def group_staff_only(ward_name: str) -> str:
    return (
        f"Dạ, trong nhóm chỉ cán bộ {unit(ward_name)} mới đăng ký, hủy nhận tin hay xóa dữ "
        "liệu của nhóm. Anh/chị muốn nhận tin cho riêng mình thì nhắn trực tiếp cho em nhé."
    )


def forget_done(*, group: bool = False) -> str:
    """`group`: staff deleted a group chat's data (its topics), not their own."""
    if group:
        return (
            "Dạ, đã xóa toàn bộ dữ liệu của nhóm (các chủ đề nhóm đã đăng ký nhận tin và các "
            "câu hỏi đã gửi trong nhóm). Nhóm sẽ không nhận thêm tin nào; mọi người vẫn có "
            "thể tiếp tục hỏi đáp bình thường."
        )
    return (
        "Dạ, đã xóa toàn bộ dữ liệu của anh/chị (các chủ đề đã đăng ký nhận tin "
        "và các câu hỏi đã gửi). "
        "Anh/chị sẽ không nhận thêm tin nào; vẫn có thể tiếp tục hỏi đáp bình thường."
    )


# --- alerts -----------------------------------------------------------------------


def alert_title(title: str) -> str:
    return f"🔔 Thông báo mới: {title}"


def alert_footer(day: dt.date | None, topic_names: Sequence[str]) -> str:
    """Below an alert: the notice's date (None: a burst of notices, each dated above), why
    the chat gets it, and how to stop."""
    lines = [announcement_source(day)] if day is not None else []
    if topic_names:
        lines.append(f"Anh/chị nhận tin này vì đang theo dõi: {', '.join(topic_names)}.")
    lines.append(ALERT_STOP)
    return "\n".join(lines)


ALERT_STOP = "Ngừng nhận tin: gõ /unsubscribe"


def broadcast_title(ward_name: str) -> str:
    """Above a message ward staff sent to followers (/broadcast)."""
    return f"📢 Tin từ {ward_name}"


def topic_closed_answered_here() -> str:
    """Above a reply Telegram refused in the forum topic it answers (closed, and the bot no
    administrator of the group), sent to General instead."""
    return (
        "Dạ, chủ đề anh/chị vừa nhắn đã đóng nên em không trả lời vào đó được; em trả lời "
        "ở đây. Muốn em nhắn được vào chủ đề đã đóng (cả tin thông báo của nhóm), anh/chị "
        "đặt em làm quản trị viên của nhóm nhé."
    )


def admin_group_closed(chat_name: str) -> str:
    """To staff: an alert could not reach a group (`chat_name`: its title, else its id)
    that follows topics, its every place closed to the bot: in a Telegram group with forum
    topics, General and the topic it subscribed from (the bot no administrator there)."""
    return (
        f"⚠️ Tin báo vừa rồi không gửi được vào nhóm “{chat_name}”: chủ đề chung (General) "
        "và chủ đề nhóm đăng ký nhận tin đều đang đóng, mà bot không phải quản trị viên của "
        "nhóm. Để nhóm nhận tin trở lại, nhờ quản trị viên nhóm mở lại một trong hai chủ "
        "đề, đặt bot làm quản trị viên, hoặc gõ /subscribe <chủ đề> trong một chủ đề đang "
        "mở của nhóm."
    )


def alert_stop_in_group(ward_name: str, bot: str | None, *, mention: bool = True) -> str:
    """`ALERT_STOP` in a group, where only staff may stop the group's alerts: who types
    it, in a Zalo group (`mention`: a command typed alone never reaches the bot) with the
    bot's mention (`bot`: its name, when known)."""
    who = f"Ngừng nhận tin cho nhóm: cán bộ {unit(ward_name)}"
    if not mention:
        return f"{who} gõ /unsubscribe"
    if bot:
        return f"{who} nhắn “@{bot} /unsubscribe”"
    return f"{who} gõ @, chọn tên bot rồi nhắn /unsubscribe"


def alert_burst_title(count: int, corrected: int = 0, ward_name: str = "") -> str:
    """Above the one alert that lists the notices published together, and those alerted
    before that were corrected meanwhile (`corrected`)."""
    if not corrected:
        return f"🔔 {figure(count)} thông báo mới"
    if not count:
        who = unit(ward_name)
        return f"✏️ {who[:1].upper()}{who[1:]} vừa sửa {figure(corrected)} thông báo"
    return f"🔔 {figure(count)} thông báo mới, {figure(corrected)} thông báo vừa được sửa"


def alert_burst_item(day: dt.date, title: str, first_line: str) -> str:
    """One notice in that alert: its title and date, then the start of its text."""
    return f"• {title} ({vn_date(day)})" + (f"\n{first_line}" if first_line else "")


def correction_burst_item(day: dt.date, title: str, changed: str, was: str = "") -> str:
    """A notice corrected, in that alert: its title (`was`: before, when the edit changed
    it) and date, then the lines that changed."""
    named = f"“{was}”, nay là “{title}”" if was and was != title else title
    return f"• ✏️ Đã sửa: {named} ({vn_date(day)})" + (f"\n{changed}" if changed else "")


ALERT_BURST_OPEN = "📄 Xem toàn văn từng thông báo:"


def correction_title(ward_name: str, title: str, was: str = "") -> str:
    """Above a correction: a notice the chat was alerted to had its dates, times or
    amounts changed; `was`: its title before, when the edit changed it too."""
    who = unit(ward_name)
    named = f"“{was}”, nay là “{title}”" if was and was != title else f"“{title}”"
    return f"✏️ {who[:1].upper()}{who[1:]} vừa sửa thông báo {named}"


# --- for ward staff (admin commands) ------------------------------------------------


def admin_stats(
    ward_name: str,
    topics: Sequence[tuple[str, int]],
    days: int,
    questions: int | None,
    unanswered: int,
    sent: int,
    failed: int,
    waiting: int,
    tickets: tuple[int, int, float | None] | None = None,
    blocked: int = 0,
    held: tuple[str, str] | None = None,
) -> str:
    """`held`: in quiet hours, those hours and when the alerts they hold leave.
    `questions` None: the question log is off (QUESTION_LOG_DAYS=0): nothing to count."""
    lines = [f"📊 Thống kê của bot {ward_name}", "", "Người theo dõi theo chủ đề:"]
    lines += [f"• {name}: {figure(count)}" for name, count in topics] or ["• (chưa có chủ đề)"]
    why = f" ({figure(blocked)} vì người nhận đã chặn bot)" if blocked else ""
    lines += ["", f"{days} ngày qua:"]
    if questions is None:
        lines.append(f"• Câu hỏi: {QUESTION_LOG_OFF}")
    else:
        share = f" ({100 * unanswered / questions:.0f}%)" if questions else ""
        lines += [
            f"• Câu hỏi: {figure(questions)}",
            f"• Chưa trả lời được: {figure(unanswered)}{share}",
        ]
    lines += [
        f"• Tin báo đã gửi: {figure(sent)}, gửi lỗi: {figure(failed)}{why}, "
        f"đang chờ gửi: {figure(waiting)}",
    ]
    if held is not None:
        quiet, morning = held
        lines.append(
            f"• Đang trong giờ không gửi tin ban đêm ({quiet}): tin báo về thông báo mới chờ "
            f"đến {morning}, trừ thông báo khẩn (urgent: true)"
        )
    if tickets is not None:
        open_now, answered, median = tickets
        typical = f", thời gian trả lời trung vị {duration(median)}" if median is not None else ""
        lines += [
            f"• Hỏi cán bộ: {figure(answered)} phiếu đã trả lời{typical}",
            "",
            f"Phiếu đang chờ cán bộ trả lời: {figure(open_now)} (xem bằng /tickets)",
        ]
    return "\n".join(lines)


# QUESTION_LOG_DAYS=0: no question is logged, so /stats and /unanswered have nothing to
# count or list (not "none": residents did ask).
QUESTION_LOG_OFF = (
    "không ghi lại (QUESTION_LOG_DAYS=0: bot không lưu câu hỏi của người dân); muốn xem số "
    "câu hỏi và /unanswered, đặt QUESTION_LOG_DAYS (ví dụ 90) rồi khởi động lại bot"
)


def admin_unanswered_off() -> str:
    """/unanswered with the question log off: there is no list, not an empty one."""
    return f"Chưa có danh sách câu hỏi bot chưa trả lời được: câu hỏi {QUESTION_LOG_OFF}."


def admin_unanswered(
    days: int,
    groups: Sequence[tuple[int, str, Sequence[str]]],
    chosen: Sequence[tuple[str, int] | None] = (),
    *,
    added: int = 0,
) -> str:
    """`chosen`, for each group: the FAQ entry (its question) residents who asked it then
    picked from the close matches the bot offered, and how many of them; None if none.
    `added`: how many questions are left out as faq.yaml now asks them."""
    done = ""
    if added:
        done = f"\n({figure(added)} câu hỏi không còn hiện vì faq.yaml đã có đúng cách hỏi đó.)"
    if not groups:
        return f"Trong {days} ngày qua không có câu hỏi nào bot chưa trả lời được.{done}"
    lines = [
        f"❓ Câu hỏi bot chưa trả lời được ({days} ngày qua), gộp theo nội dung giống nhau.",
        "Nên bổ sung vào faq.yaml các nhóm hỏi nhiều:" + done,
    ]
    for number, (count, example, others) in enumerate(groups, 1):
        lines.append(f"\n{number}. “{example}” — {figure(count)} lần")
        lines += [f"   cũng hỏi: “{other}”" for other in others]
        pick = chosen[number - 1] if number <= len(chosen) else None
        if pick is not None:
            question, times = pick
            who = "người hỏi" if times == 1 else f"{figure(times)} người hỏi"
            lines.append(f"   👉 {who} đã chọn trong các gợi ý: “{question}”")
    return "\n".join(lines)


UNANSWERED_BUTTONS = (
    "Thêm một nhóm làm cách hỏi khác của mục FAQ người hỏi đã chọn (nếu có), hoặc của mục gần nhất:"
)


def unanswered_choice(group: int, question: str) -> str:
    """A /unanswered button as a numbered line, whose number is not the group's."""
    return f"➕ Nhóm {group} là cách hỏi khác của: “{question}”"


def unanswered_button_stale(days: int) -> str:
    return (
        "Nút này đã cũ: câu hỏi đó không còn trong danh sách chưa trả lời được "
        f"({days} ngày qua) hoặc mục FAQ đó không còn trong faq.yaml, nên chưa sửa gì. "
        "Gõ /unanswered để xem danh sách mới."
    )


def admin_ticket_usage(command: str) -> str:
    if command == "variant":
        return "Cách dùng: /variant SỐ_PHIẾU MÃ_MỤC_FAQ, ví dụ /variant 12 bhyt-gia-han."
    return "Cách dùng: /newfaq SỐ_PHIẾU [MÃ_MỤC_MỚI], ví dụ /newfaq 12."


def admin_broadcast_usage(topic_ids: Sequence[str]) -> str:
    return (
        "Cách dùng: /broadcast CHỦ_ĐỀ NỘI DUNG, hoặc /broadcast all NỘI DUNG để gửi cho "
        f"mọi người đang theo dõi. Mã chủ đề: {', '.join(topic_ids) or '(chưa có)'}."
    )


def _broadcast_to(topic: str | None) -> str:
    """Whom a broadcast reaches: the followers of `topic` (its name), or of any (None)."""
    if topic is None:
        return "mọi người đang nhận tin (theo dõi ít nhất một chủ đề)"
    return f"người theo dõi chủ đề “{topic}”"


def admin_broadcast_queued(count: int, topic: str | None) -> str:
    """A broadcast queued for the followers of `topic` (its name), or of any topic (None)."""
    if count == 0:
        if topic is None:
            return "Chưa có ai nhận tin chủ đề nào; chưa gửi tin nào."
        return f"Không có ai theo dõi chủ đề “{topic}”; chưa gửi tin nào."
    return (
        f"Đã xếp {figure(count)} tin vào hàng gửi cho {_broadcast_to(topic)}; "
        "tin sẽ được gửi dần trong ít phút."
    )


def admin_broadcast_review(
    count: int, topic: str | None, text: str, quiet: tuple[str, str] | None = None
) -> str:
    """/broadcast shown to its admin before it goes: to how many (the followers of `topic`,
    its name, or of any: None), and the text as they will read it. `quiet`: in quiet
    hours, those hours and when they end ('6:30 sáng mai')."""
    who = _broadcast_to(topic).removeprefix("mọi ")
    lines = [
        f"📣 Xem lại trước khi gửi: tin dưới đây sẽ tới {figure(count)} {who}. "
        "Tin đã gửi thì không thu hồi được.",
        "",
        text,
        "",
    ]
    if quiet is not None:
        hours, morning = quiet
        lines.append(
            f"Đang trong giờ không gửi tin ban đêm ({hours}): tin này vẫn gửi ngay và đổ "
            f"chuông điện thoại người nhận; tin không gấp thì nên để đến {morning}."
        )
    lines.append("Chọn “📣 Gửi” để gửi, hoặc “✖️ Hủy” nếu cần sửa (rồi gõ lại /broadcast).")
    return "\n".join(lines)


def broadcast_send_button(count: int) -> str:
    return f"📣 Gửi cho {figure(count)} người"


BROADCAST_DROP_BUTTON = "✖️ Hủy, không gửi"
BROADCAST_DROPPED = "Đã hủy: chưa gửi tin nào."


def broadcast_button_stale() -> str:
    return (
        "Nút này đã cũ (đã hủy, đã có /broadcast mới hơn, quá 1 giờ, hoặc bot vừa khởi động "
        "lại), nên chưa gửi gì. Gõ lại /broadcast để gửi."
    )


def admin_broadcast_sent_already(count: int, topic: str | None) -> str:
    return (
        f"Tin này đã được xếp gửi rồi ({figure(count)} tin cho {_broadcast_to(topic)}); "
        "bấm lại không gửi thêm."
    )


def admin_reloaded(
    faq: int, announcements: int, problems: Sequence[str], saving: Sequence[str] = ()
) -> str:
    """/reload's reply; `saving`: the files still being saved, so not read yet."""
    lines = [f"Đã nạp lại: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo."]
    if saving:
        lines = [
            f"Chưa nạp lại: {', '.join(saving)} đang được lưu hay tải lên (tệp vẫn đang thay "
            "đổi), nên bot chưa đọc để khỏi dùng bản lưu dở. Bot sẽ tự nạp khi tệp lưu xong, "
            "không cần gõ lại /reload.",
            f"Bot đang dùng: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo.",
        ]
    if problems:
        lines += ["", "Các lỗi cần sửa (tệp:dòng: lỗi):", *problems[:20]]
        if len(problems) > 20:
            lines.append(f"... và {figure(len(problems) - 20)} lỗi khác")
    return "\n".join(lines)


def terminal_reloaded(
    faq: int, announcements: int, problems: int, *, faq_broken: bool, no_good_version: bool
) -> str:
    """One line in `bot.py chat` when an edit of faq.yaml or content/ has been applied."""
    if faq_broken and no_good_version:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được, và chưa có bản đúng nào trước đó"
    elif faq_broken:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được; em vẫn dùng bản đúng gần nhất"
    else:
        head = "🔄 Em đã nạp nội dung vừa sửa"
    line = f"{head}: {figure(faq)} câu hỏi đáp, {figure(announcements)} thông báo."
    if problems:
        line += f" Còn {figure(problems)} lỗi cần sửa (tệp:dòng: lỗi, in ở trên)."
    return line


def admin_problems(
    problems: Sequence[str], *, faq_broken: bool, no_good_version: bool = False
) -> str:
    if faq_broken and no_good_version:
        head = (
            "⚠️ faq.yaml có lỗi nên chưa nạp được, và chưa có bản đúng nào trước đó: "
            "hiện bot không có câu hỏi đáp và chủ đề nào cho đến khi tệp được sửa."
        )
    elif faq_broken:
        head = "⚠️ faq.yaml có lỗi nên chưa nạp được; bot vẫn dùng bản đúng gần nhất."
    else:
        # Each problem says after " — " what it costs: a notice or an entry left out, only
        # a line of it, or nothing (a topic written by its name, taken for it).
        head = (
            "⚠️ Có lỗi trong tệp nội dung (mỗi lỗi có ghi ảnh hưởng của nó); các phần khác vẫn "
            "hoạt động."
        )
    lines = [head, "Vui lòng sửa (tệp:dòng: lỗi):", *problems[:20]]
    if len(problems) > 20:
        lines.append(f"... và {figure(len(problems) - 20)} lỗi khác")
    return "\n".join(lines)


def admin_problems_fixed() -> str:
    """Every problem admins were told of in faq.yaml and content/ is gone."""
    return (
        "✅ Các lỗi đã báo trong faq.yaml và thư mục thông báo đều đã được sửa; bot đang dùng "
        "đủ các tệp."
    )


def admin_faq_readable(faq: int, *, rest_fixed: bool = False) -> str:
    """faq.yaml serves again, whole, after admins were told it could not be read or had
    lost many entries; `rest_fixed`: so is every other mistake they were told of."""
    readable = (
        f"✅ faq.yaml đã đọc được bình thường trở lại: bot đang trả lời theo tệp vừa lưu "
        f"({figure(faq)} câu hỏi đáp)."
    )
    return f"{readable}\n{admin_problems_fixed()}" if rest_fixed else readable


def admin_faq_shrank(gone: Sequence[str], before: int, after: int, backup: str) -> str:
    lines = [
        f"⚠️ faq.yaml vừa mất {figure(len(gone))} trong số {figure(before)} câu hỏi đáp "
        f"(còn {figure(after)}); "
        "có thể tệp bị cắt mất một đoạn hoặc bị xóa nhầm.",
        "Các mã (id) không còn nữa:",
        *gone[:20],
    ]
    if len(gone) > 20:
        lines.append(f"... và {figure(len(gone) - 20)} mã khác")
    lines += ["", f"Nếu không cố ý xóa, có thể lấy lại bản trước trong tệp {backup}."]
    return "\n".join(lines)


def admin_topics_gone(followed: Sequence[tuple[str, int]]) -> str:
    """Topics faq.yaml no longer has that chats follow: (topic id, how many follow it)."""
    lines = [
        "⚠️ faq.yaml không còn các chủ đề dưới đây, nhưng vẫn có người dân đang theo dõi: "
        "họ sẽ không nhận được tin báo nào về các chủ đề này nữa.",
        *(f"• {topic_id}: {figure(count)} người theo dõi" for topic_id, count in followed),
        "",
        "Nếu chỉ định đổi mã (id) của chủ đề, vui lòng đặt lại mã cũ trong faq.yaml để người "
        "theo dõi vẫn nhận được tin. Nếu cố ý bỏ chủ đề thì không cần làm gì thêm.",
    ]
    return "\n".join(lines)


def admin_notices_untagged(notices: Sequence[tuple[str, str]]) -> str:
    """New notices in no topic, alerted to nobody: (id, title) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md): {announce_silent_no_topic()}."
        for notice_id, title in notices
    )


def admin_notices_misdated(
    misdated: Sequence[tuple[str, str, dt.date, dt.date]], max_age: int
) -> str:
    """New notices alerted to nobody for their old date: line: (id, title, date, the date
    its file is named by) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md) không được báo cho người theo dõi: "
        f"dòng date: ghi ngày {vn_date(date)}, cũ hơn {max_age} ngày, trong khi tên tệp ghi "
        f"ngày {vn_date(named)}. Nếu tệp được chép từ một thông báo cũ, hãy sửa dòng date: — "
        "tin sẽ được báo ngay khi sửa xong."
        for notice_id, title, date, named in misdated
    )


def admin_notices_dated_ahead(ahead: Sequence[tuple[str, str, dt.date]], max_days: int) -> str:
    """New notices dated over `max_days` ahead: (id, title, date) each."""
    return "\n".join(
        f"⚠️ Thông báo mới “{title}” ({notice_id}.md) đề ngày {vn_date(date)}, sau hôm nay hơn "
        f"{max_days} ngày: nếu gõ nhầm năm, hãy sửa dòng date: — cho tới ngày đó thông báo này "
        "luôn đứng đầu các tin mới nhất."
        for notice_id, title, date in ahead
    )


def admin_content_gone(count: int, folder: str, *, folder_missing: bool) -> str:
    where = (
        f"Thư mục thông báo {folder} không còn nữa (bị xóa, đổi tên hay chuyển đi nơi khác?)"
        if folder_missing
        else f"Thư mục thông báo {folder} vừa trống"
    )
    gone, these, they = (
        ("thông báo duy nhất trong đó đã biến mất", "thông báo này", "thông báo đó")
        if count == 1
        else (f"{_all_of(count, 'thông báo')} biến mất cùng lúc", "các thông báo này", "chúng")
    )
    return (
        f"⚠️ {where}: {gone}, bot không còn trả lời được về {these}.\n\n"
        f"Nếu không cố ý xóa, vui lòng khôi phục ngay: tin báo chưa gửi về {these} sẽ bị "
        f"hủy nếu sau khoảng một phút {they} vẫn chưa trở lại."
    )


# --- the staff files, on the command line (bot.py check, bot.py announce) ------------
# Each problem itself (`file:line: ...`) is worded where it is found (faq_file, notices...).


def check_summary(topics: int, faq: int, notices: int, problems: int, *, warned: bool) -> str:
    loaded = (
        f"đã nạp {figure(topics)} chủ đề, {figure(faq)} câu hỏi đáp, {figure(notices)} thông báo"
    )
    if problems:
        return f"{figure(problems)} lỗi cần sửa (ở các dòng trên); {loaded}."
    if warned:
        return f"Không có lỗi, nhưng xem cảnh báo ở trên; {loaded}."
    return f"Không có lỗi; {loaded}."


def check_dated_otherwise(where: str, date: dt.date, named: dt.date) -> str:
    """A notice whose date: line is not the date its file is named by (`where`: file:line):
    before it, most often copied from an older notice; after it, a year or month mistyped."""
    cause = "tệp được chép từ một thông báo cũ" if date < named else "gõ nhầm năm hay tháng"
    return (
        f"cảnh báo: {where}: dòng date: ghi ngày {date.isoformat()}, tên tệp ghi ngày "
        f"{named.isoformat()}: nếu {cause}, hãy sửa dòng date:"
    )


def faq_unusable(faq_file: str, saved: str | None) -> str:
    """faq.yaml cannot be used; `saved`: the last good copy the bot keeps serving, if any."""
    if saved is None:
        return (
            f"{faq_file} chưa đọc được và chưa có bản đúng nào trước đó: bot không có câu hỏi "
            "đáp và chủ đề nào cho đến khi sửa xong các lỗi trên."
        )
    return f"{faq_file} chưa dùng được: bot vẫn dùng bản đúng gần nhất, {saved}."


def faq_other_files_copy(saved: str, faq_file: str) -> str:
    """The last good copy is another file's (loader.another_file): not served."""
    return (
        f"{saved} không phải bản trước đây của {faq_file} (không có mã id nào của tệp này "
        "trong đó), nên bot không dùng bản đó."
    )


def faq_shrank_warning(faq_file: str, gone: Sequence[str], before: int, saved: str) -> str:
    return (
        f"cảnh báo: {faq_file} mất {figure(len(gone))} trong số {figure(before)} câu hỏi đáp "
        f"so với {saved} "
        f"(có thể tệp bị cắt mất một đoạn hay bị xóa nhầm): {', '.join(gone)}"
    )


def announce_faq_warning(faq_file: str, saved: str | None) -> str:
    """`announce` while faq.yaml cannot be used."""
    if saved is None:
        return (
            f"cảnh báo: {faq_file} chưa đọc được và chưa có bản đúng nào trước đó: bot không "
            "có chủ đề nào cho đến khi sửa xong (xem `bot.py check`)."
        )
    return (
        f"cảnh báo: {faq_file} chưa dùng được (xem `bot.py check`): bot vẫn dùng {saved}, "
        "và thông báo được kiểm tra theo chủ đề và mã trong bản đó."
    )


def announce_unreadable(source: str) -> str:
    return f"{source}: không đọc được tệp — thông báo này chưa được đăng"


def announce_refuses_note() -> str:
    """What a line the running bot would leave out or read otherwise (a topic written by its
    name, a link without https://) costs with `announce`, which publishes no notice with a
    mistake in it: said after " — " in place of "thông báo vẫn được đăng"."""
    return "announce chưa đăng thông báo này: hãy sửa dòng này rồi chạy lại lệnh"


def announce_source_changed(source: str) -> str:
    """`bot.py announce`: the notice changed while it was checked (still being saved)."""
    return (
        f"{source} vừa thay đổi trong lúc bot kiểm tra (có thể tệp đang được lưu hay chép "
        "vào), nên chưa đăng. Hãy chạy lại lệnh khi tệp đã lưu xong."
    )


def announce_exists(target: str) -> str:
    return (
        f"{target}:1: đã có một thông báo tên này trong thư mục thông báo — thông báo mới "
        "chưa được đăng; hãy đặt tên tệp khác"
    )


def announce_not_served(notice_id: str) -> str:
    return f"{notice_id}: bot không có thông báo này trong số thông báo đang đăng"


def announce_kept_unserved(target: str) -> str:
    return (
        f"{target} đã nằm trong thư mục thông báo nhưng bot không đăng: hãy sửa lỗi hoặc xóa tệp."
    )


def announce_failed(target: str, again: str, why: str) -> str:
    """`announce` copied the notice, then could not index it or queue its alerts; `again`:
    the command to run again, as the shell takes it."""
    return (
        f"{target} đã nằm trong thư mục thông báo nhưng chưa lập chỉ mục hay xếp tin báo được "
        f"({why}); bot đang chạy sẽ tự nhận tệp, hoặc chạy lại: {again}"
    )


def data_not_written(data_dir: str, why: str) -> str:
    """A command could not write in the data folder (read-only, full, not the owner)."""
    return f"không ghi được vào thư mục dữ liệu {data_dir}: {why}"


def announce_published(
    target: str,
    queued: int | None,
    why: str | None = None,
    gather: int = 0,
    morning: str | None = None,
    quiet: str = "",
) -> str:
    """`why`: why a notice that queued no alert alerts nobody (one of announce_silent_*);
    `gather`: ALERT_GATHER_SECONDS, how long a running bot waits before sending them;
    `morning`: when they leave, held by the quiet hours `quiet` ('6:30 sáng mai')."""
    if queued and morning:
        return (
            f"đã đăng {target}\nđã lập chỉ mục; đã xếp {figure(queued)} tin báo: gửi lúc {morning} "
            f"(từ {quiet} không gửi tin báo ban đêm) nếu bot đang chạy, nếu không "
            "thì khi bot chạy lại; nếu cần báo ngay trong đêm (bão, lũ, cắt nước tối nay), "
            f"hãy thêm dòng urgent: true vào phần đầu của {target}"
        )
    if queued is None:
        then = (
            "đã lập chỉ mục; không xếp tin báo nào (thông báo đã có từ trước, hoặc bot chưa "
            "từng chạy ở đây)"
        )
    elif queued == 0:
        then = (
            f"đã lập chỉ mục; {why or 'không ai theo dõi chủ đề của thông báo'}: không gửi tin báo"
        )
    else:
        then = (
            f"đã lập chỉ mục; đã xếp {figure(queued)} tin báo: "
            + (
                f"gửi sau khoảng {gather} giây (gộp chung với thông báo đăng cùng lúc)"
                if gather
                else "gửi ngay"
            )
            + " nếu bot đang chạy, nếu không thì khi bot chạy lại"
        )
    return f"đã đăng {target}\n{then}"


def announce_left_to_the_bot(target: str) -> str:
    """`announce` where no channel that sends alerts is configured (no token in its
    environment): the running bot queues them for the channels it runs."""
    return (
        f"đã đăng {target}\nđã lập chỉ mục; chưa xếp tin báo: ở đây chưa cấu hình kênh gửi "
        "tin (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN), nên bot sẽ tự xếp tin báo cho các kênh "
        "của nó khi thấy thông báo: ngay nếu bot đang chạy, nếu không thì khi bot chạy lại"
    )


def announce_silent_expired(expires: dt.date) -> str:
    return f"thông báo đã hết hạn (expires: {vn_date(expires)})"


def announce_silent_old(day: dt.date, max_age: int) -> str:
    return (
        f"thông báo đề ngày {vn_date(day)}, cũ hơn {max_age} ngày, nên được lưu như tin cũ "
        "(không báo lại cho người dân)"
    )


def announce_silent_no_topic() -> str:
    """A notice with no topics: line, or one the running bot left out (it names no topic
    faq.yaml has), and no topic's keyword in its text."""
    return (
        "thông báo không thuộc chủ đề nào (dòng topics: không có mã chủ đề nào có trong "
        "faq.yaml, hoặc không có dòng này, và trong bài không có từ khóa của chủ đề nào), nên "
        "chưa ai nhận tin; ghi dòng topics: [mã chủ đề] vào thông báo (xem mã ở phần topics: "
        "của faq.yaml) thì bot sẽ báo cho người theo dõi chủ đề đó"
    )


def announce_silent_no_follower(topic_names: Sequence[str]) -> str:
    return f"chưa ai theo dõi chủ đề {', '.join(topic_names)} của thông báo"


_TASKS = {
    "watcher": "theo dõi faq.yaml và thư mục thông báo (cập nhật câu trả lời, chuẩn bị tin "
    "báo về thông báo mới)",
    "retention": "xóa nhật ký câu hỏi cũ (QUESTION_LOG_DAYS)",
    "portal": "đọc tin từ cổng thông tin của {unit} (PORTAL_FEEDS)",
    "staff-desk": "chuyển câu hỏi của người dân vào nhóm cán bộ (STAFF_CHAT_ID; bot còn "
    "trong nhóm và còn quyền quản trị không?)",
}
# The search index could not be written in the data folder (wardbot.engine.index_state).
_INDEX_FAILING = (
    "⚠️ Bot không ghi được chỉ mục tìm kiếm vào thư mục dữ liệu (DATA_DIR) trên máy chủ. "
    "Người dân vẫn được trả lời theo nội dung bot đang có, nhưng thông báo mới và những chỉnh "
    "sửa faq.yaml, thư mục thông báo có thể chưa tra cứu được và chưa được báo cho người theo "
    "dõi. Bot tự thử lại mỗi khi tệp thay đổi và ít nhất 30 giây một lần.\n\n"
    "Trong lúc lỗi, /healthz báo “index”: false. Vui lòng kiểm tra ổ đĩa của máy chủ (còn "
    "trống không) và quyền ghi vào thư mục dữ liệu."
)
# Chat channels that could not start: (platform, the setting holding the bot's token).
_CHANNELS = {"telegram": ("Telegram", "TELEGRAM_BOT_TOKEN"), "zalo": ("Zalo", "ZALO_BOT_TOKEN")}


def admin_task_failing(ward_name: str, task: str) -> str:
    """A part of the bot stopped on an error (or could not start) and is tried again."""
    if task == "index":
        return _INDEX_FAILING
    channel, _, kind = task.partition("-")
    check = (
        "máy chủ (ổ đĩa còn trống không, tệp dữ liệu bot.sqlite3 có bị chương trình khác giữ không)"
    )
    if task in _CHANNELS:
        platform, token = _CHANNELS[task]
        what = f"kết nối với {platform} (người dân nhắn qua {platform} tạm chưa được trả lời)"
        check = f"kết nối mạng của máy chủ tới {platform} và mã bot {token} (có bị đổi không)"
    elif kind == "alerts":
        what = f"gửi tin báo qua {channel.capitalize()}"
    else:
        what = _TASKS.get(task, task).format(unit=unit(ward_name))
    return (
        f"⚠️ Bot vừa gặp lỗi ở phần {what} và đang tự chạy lại phần này "
        "(các lần thử thưa dần); chi tiết lỗi có trong nhật ký (log) của bot.\n\n"
        f"Trong lúc lỗi, /healthz báo “{task}”: false. Nếu lỗi kéo dài, vui lòng kiểm tra "
        f"{check}."
    )


# --- problems ---------------------------------------------------------------------


def attachment_unread() -> str:
    """Before the answer to a question typed under a photo or a file."""
    return (
        "Dạ, em chưa xem được ảnh và tệp đính kèm; em xin trả lời theo phần chữ anh/chị gửi kèm ạ."
    )


def attachment_not_relayed(ward_name: str, *, typed: bool) -> str:
    """A photo, a file or a sticker sent while the resident's messages go to ward staff:
    neither the bot nor staff get it (`typed`: the text under it does go)."""
    where = unit(ward_name)
    if typed:
        return (
            f"Dạ, em chỉ chuyển được phần chữ tới cán bộ {where}; ảnh hoặc tệp gửi kèm em chưa "
            "xem được và cũng chưa chuyển được tới cán bộ. Giấy tờ cần cán bộ xem, anh/chị "
            f"vui lòng gõ nội dung bằng chữ, hoặc mang tới khi làm việc với {where}."
        )
    return (
        f"Dạ, em chỉ chuyển được tin nhắn chữ tới cán bộ {where}; ảnh, tệp hay nhãn dán em "
        "chưa chuyển được. Anh/chị vui lòng gõ nội dung cần trao đổi bằng chữ; giấy tờ cần "
        f"cán bộ xem, anh/chị vui lòng mang tới khi làm việc với {where}."
    )


def ask_what() -> str:
    """A message with nothing to read in it ("?", "...")."""
    return f"Dạ, anh/chị cần hỏi gì ạ? Anh/chị cứ gõ câu hỏi, ví dụ: “{EXAMPLE_QUESTION}”"


def unclear() -> str:
    """To "?", "???", "hả?" right after an answer: what was unclear in it."""
    return (
        "Dạ, anh/chị chưa rõ chỗ nào ạ? Anh/chị nhắn giúp em điều cần hỏi thêm, ví dụ "
        "“lệ phí bao nhiêu?” hay “nộp ở đâu?”, em trả lời ngay ạ."
    )


def go_ahead() -> str:
    """To "cho em hỏi", "ad ơi": the resident is about to ask; nothing was asked yet."""
    return f"Dạ, anh/chị cứ hỏi ạ. Anh/chị nhắn luôn câu hỏi giúp em, ví dụ: “{EXAMPLE_QUESTION}”"


def please_type() -> str:
    return (
        "Dạ, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi, "
        f"ví dụ: “{EXAMPLE_QUESTION}”"
    )


def content_hidden(ward_name: str, hotline: str) -> str:
    """Zalo passed on a message without its content (its "unsupported" event, sent for
    protected accounts, such as children's, and for kinds of message it does not pass
    on): typing again may not help, so whom to contact comes too."""
    return (
        "Dạ, Zalo không chuyển nội dung tin nhắn này cho em nên em chưa đọc được ạ. "
        "Anh/chị vui lòng gõ câu hỏi bằng chữ; nếu vẫn nhận được tin này, anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ."
    )


def too_long(limit: int) -> str:
    return (
        f"Dạ, tin nhắn hơi dài (quá {figure(limit)} ký tự) nên em chưa xử lý được. "
        "Anh/chị vui lòng hỏi ngắn gọn trong một hai câu, nêu rõ thủ tục cần hỏi nhé."
    )


def error(ward_name: str, hotline: str) -> str:
    return (
        "Dạ, em xin lỗi, hệ thống đang gặp sự cố nên em chưa trả lời được ạ. "
        f"Anh/chị vui lòng thử lại sau ít phút, hoặc {contact_line(ward_name, hotline)}."
    )


# --- channels without buttons (Zalo) ------------------------------------------------


def choose_by_number(example: int = 1, *, in_group: bool = False, bot: str | None = None) -> str:
    """Under numbered lines, the first of which is `example`. `in_group`: in a Zalo group,
    where the bot sees only the messages that mention it, how to mention it with the
    number (`bot`: its name, when known)."""
    if in_group and bot:
        return f"Anh/chị nhắn “@{bot} {example}” (nhắc tên bot kèm số thứ tự) để chọn."
    if in_group:
        return f"Anh/chị gõ @, chọn tên bot rồi nhắn số thứ tự (ví dụ: {example}) để chọn."
    return f"Anh/chị nhắn số thứ tự (ví dụ: {example}) để chọn."


def no_list_to_pick(number: str) -> str:
    return (
        f"Dạ, em chưa hiểu số “{number}” là gì. Anh/chị vui lòng gõ câu hỏi, "
        f"ví dụ: “{EXAMPLE_QUESTION}”"
    )


def number_not_in_list(number: str, count: int) -> str:
    if count == 1:
        return (
            f"Dạ, số {number} không có trong danh sách em vừa gửi. Danh sách chỉ có một mục: "
            "anh/chị chọn số 1, hoặc gõ câu hỏi mới nhé."
        )
    return (
        f"Dạ, số {number} không có trong danh sách em vừa gửi. Anh/chị chọn một số từ 1 "
        f"đến {figure(count)} dưới đây, hoặc gõ câu hỏi mới nhé."
    )


def one_number_at_a_time(*, numbered: bool) -> str:
    """To several numbers typed at once ("1 và 3") where they do not each open an entry
    (topics to follow, a button to press): one at a time, the list follows again."""
    if not numbered:
        return "Dạ, anh/chị bấm lần lượt từng nút bên dưới giúp em nhé."
    return "Dạ, anh/chị gõ lần lượt từng số một (mỗi tin một số) giúp em nhé."


def number_not_a_button(number: str) -> str:
    """On Telegram, where choices are buttons: a typed number picks the button in that
    place; this is for a number past the last one (the buttons follow again)."""
    return (
        f"Dạ, số {number} không có trong các lựa chọn em vừa gửi. Anh/chị bấm vào một nút "
        "bên dưới, hoặc gõ câu hỏi mới nhé."
    )


# --- "hỏi cán bộ": passing a question to ward staff (wardbot.desk) -------------------


_ASK_STAFF = "Hỏi cán bộ"


def ask_staff_button(ward_name: str) -> str:
    return f"💬 {_ASK_STAFF} {unit(ward_name)}"


CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "web": "trang web", "terminal": "máy tính"}


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def staff_offer(ward_name: str, channel: str, when: str) -> str:
    """Under "no answer": what passing the question on means, before the resident agrees
    by choosing the button `ask_staff_button` labels (or typing "có", "đồng ý" next)."""
    where = unit(ward_name)
    return (
        f"Nếu cần, anh/chị chọn “{_ASK_STAFF} {where}” bên dưới để em chuyển câu hỏi này tới "
        f"cán bộ {where} trả lời trực tiếp. Chỉ nội dung câu hỏi như anh/chị đã gõ và kênh "
        f"nhắn tin ({channel_name(channel)}) được chuyển đi, không kèm tên hay số điện thoại. "
        f"{when}"
    )


def staff_offer_question(ward_name: str, question: str, channel: str, when: str) -> str:
    """After "hỏi cán bộ": offer to pass on the last question the bot could not answer."""
    return f"Dạ, câu hỏi em chưa trả lời được của anh/chị: “{question}”\n\n" + staff_offer(
        ward_name, channel, when
    )


def staff_offer_kept(ward_name: str) -> str:
    """To "ok", "vâng" under the offer to pass a question to staff: that it has not gone
    (the resident may have meant yes), and how to send it."""
    where = unit(ward_name)
    return (
        f"Dạ vâng ạ. Câu hỏi của anh/chị chưa được chuyển tới cán bộ {where}; nếu cần cán bộ "
        f"trả lời, anh/chị nhắn “có” hoặc chọn “{_ASK_STAFF} {where}” ở trên."
    )


def staff_offer_declined(ward_name: str) -> str:
    """To "không cần đâu", "thôi khỏi" under the offer to pass a question to staff."""
    where = unit(ward_name)
    return (
        f"Dạ vâng ạ, em chưa chuyển gì tới cán bộ {where}. Khi cần, anh/chị cứ nhắn câu hỏi "
        f"khác, hoặc gõ /hoicanbo để hỏi cán bộ {where} ạ."
    )


def staff_type_question(ward_name: str, when: str) -> str:
    return (
        f"Dạ, anh/chị vui lòng nhắn điều cần hỏi cán bộ {unit(ward_name)} trong tin tiếp theo; "
        "em sẽ chuyển nguyên văn tới cán bộ (không kèm tên hay số điện thoại). "
        f"{when}"
    )


def staff_private_only(ward_name: str) -> str:
    return f"Dạ, để hỏi cán bộ {unit(ward_name)}, anh/chị vui lòng nhắn riêng cho bot."


def staff_unavailable(ward_name: str, hotline: str) -> str:
    """Asking for a person where no staff desk is set up: how to reach one instead."""
    return (
        "Dạ, em là trợ lý trả lời tự động; tại đây chưa có cán bộ "
        f"{unit(ward_name)} trực tin nhắn. Để trao đổi trực tiếp với cán bộ, anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)}. "
        "Anh/chị cũng có thể nhắn câu hỏi ngay tại đây, em sẽ trả lời nếu có thông tin."
    )


def ticket_received(
    ward_name: str, ticket_id: int, when: str, channel: str, *, held_up: str = ""
) -> str:
    """The ticket is open. On the web chat nothing reaches a closed page: the answer waits
    on this page, in this browser (its storage holds the conversation's only key).
    `held_up`: how to reach the ward instead, when the bot cannot reach the staff group now
    (the ticket waits, and is passed on once it can)."""
    if channel == "web":
        where = (
            "Câu trả lời sẽ hiện ngay trên trang này. Trang web không báo được cho anh/chị "
            "khi đã đóng, nên anh/chị vui lòng mở lại trang hỏi đáp này trên cùng điện "
            "thoại và cùng trình duyệt để xem câu trả lời."
        )
    else:
        where = "Câu trả lời sẽ được gửi tới anh/chị ngay trong cuộc trò chuyện này."
    if held_up:
        passed = (
            f"📝 Em đã ghi lại câu hỏi của anh/chị (phiếu số {ticket_id}), nhưng hiện em chưa "
            f"chuyển được tới cán bộ {unit(ward_name)} vì {_DESK_HELD_UP}. Nếu việc cần gấp, "
            f"anh/chị vui lòng {held_up}."
        )
    else:
        passed = (
            f"✅ Em đã chuyển câu hỏi tới cán bộ {unit(ward_name)} (phiếu số {ticket_id}). {when}"
        )
    return (
        f"{passed} {where}\n\n"
        "Nếu cần bổ sung thông tin, anh/chị cứ nhắn tiếp, em sẽ chuyển cho cán bộ."
    )


# Why a question waits before it reaches staff: the bot cannot post in their group.
_DESK_HELD_UP = "trục trặc kỹ thuật; em sẽ chuyển ngay khi khắc phục xong"


def ticket_limit(ward_name: str, hotline: str) -> str:
    return (
        f"Dạ, em đã chuyển khá nhiều câu hỏi từ anh/chị tới cán bộ {unit(ward_name)} trong một "
        "giờ qua nên tạm thời chưa chuyển thêm được. Anh/chị vui lòng thử lại sau ít lâu, hoặc "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ ngay. Em xin lỗi vì sự bất tiện này."
    )


def staff_desk_busy(ward_name: str, hotline: str) -> str:
    return (
        f"Dạ, hiện có nhiều câu hỏi đang chờ chuyển tới cán bộ {unit(ward_name)} nên em tạm "
        "thời chưa nhận thêm. Anh/chị vui lòng thử lại sau ít phút, hoặc "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ ngay. Em xin lỗi vì sự bất tiện này."
    )


def staff_desk_unreachable(ward_name: str, hotline: str) -> str:
    """No ticket opened: questions wait for a staff group the bot cannot reach now."""
    return (
        f"Dạ, hiện em chưa chuyển được câu hỏi tới cán bộ {unit(ward_name)} vì {_DESK_HELD_UP}, "
        "và đã có nhiều câu hỏi đang chờ nên em tạm thời chưa nhận thêm. Anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ. Em xin lỗi vì sự bất tiện này."
    )


def ticket_already_open(ward_name: str, ticket_id: int) -> str:
    return (
        f"Dạ, câu hỏi của anh/chị đã được chuyển tới cán bộ {unit(ward_name)} (phiếu số "
        f"{ticket_id}). Anh/chị cứ nhắn thêm, em sẽ chuyển tiếp cho cán bộ."
    )


def ticket_follow_up(ward_name: str, ticket_id: int, *, held_up: bool = False) -> str:
    staff = f"cán bộ {unit(ward_name)}"
    if held_up:
        return (
            f"Dạ, em đã ghi lại tin nhắn này (phiếu số {ticket_id}), nhưng hiện chưa chuyển "
            f"được tới {staff} vì {_DESK_HELD_UP}."
        )
    return f"Dạ, em đã chuyển thêm tin nhắn này tới {staff} (phiếu số {ticket_id})."


def staff_offer_gone(ward_name: str) -> str:
    return (
        "Dạ, em không còn giữ câu hỏi trước đó. Anh/chị vui lòng nhắn lại câu hỏi, "
        f"hoặc gõ /hoicanbo rồi nhắn câu hỏi để chuyển tới cán bộ {unit(ward_name)}."
    )


def staff_answer_title(ward_name: str, ticket_id: int, signer: str | None) -> str:
    return f"💬 {_staff_signed(ward_name, signer)} trả lời (phiếu số {ticket_id})"


def staff_correction_title(ward_name: str, ticket_id: int, signer: str | None) -> str:
    """A staff answer sent again, corrected (the officer edited it in the staff group)."""
    return f"✏️ {_staff_signed(ward_name, signer)} sửa lại câu trả lời (phiếu số {ticket_id})"


def _staff_signed(ward_name: str, signer: str | None) -> str:
    return f"Cán bộ {signer} ({ward_name})" if signer else f"Cán bộ {ward_name}"


def staff_answer_revised(ticket_id: int, *, sent: bool | None) -> str:
    """To staff: their edit of an answer reaches the resident: in its place (`sent`
    False), after it (True), or after it as a try of it failed (None: it may or may not
    have reached them)."""
    if sent is None:
        return (
            f"✏️ Câu trả lời trước chưa chắc đã tới người dân (đang gửi, hoặc gửi lỗi), "
            f"nên bot gửi thêm bản sửa sau nó (phiếu số {ticket_id})."
        )
    if sent:
        return (
            f"✏️ Câu trả lời đã gửi trước đó nên bot gửi thêm bản sửa cho người dân "
            f"(phiếu số {ticket_id})."
        )
    return f"✏️ Câu trả lời chưa gửi đi: người dân sẽ nhận bản đã sửa (phiếu số {ticket_id})."


def staff_edit_not_moved(ticket_id: int) -> str:
    """To staff: they edited the ticket number of an answer relayed with /r."""
    return (
        f"⚠️ Sửa số phiếu không chuyển được câu trả lời: câu trả lời này đã được gửi (hoặc "
        f"đang gửi) cho người dân của phiếu số {ticket_id}, bản sửa không gửi cho ai. Muốn trả "
        "lời phiếu khác, hãy gửi tin mới: /r SỐ_PHIẾU nội dung."
    )


STAFF_ANSWER_FOOTER = "Anh/chị có thể nhắn tiếp tại đây nếu cần hỏi thêm."


# --- in the staff group -----------------------------------------------------------------


def ticket_topic_name(ticket_id: int, channel: str, question: str) -> str:
    """A forum topic's name: at most 128 characters (Telegram's limit)."""
    name = f"#{ticket_id} · {channel_name(channel)} · {' '.join(question.split())}"
    return name if len(name) <= 128 else name[:127].rstrip() + "…"


def ticket_post(
    ward_name: str,
    ticket_id: int,
    channel: str,
    asked: str,
    question: str,
    guesses: Sequence[str],
) -> str:
    lines = [
        f"🙋 Phiếu số {ticket_id} · qua {channel_name(channel)} · {asked}",
        "",
        f"Câu hỏi: “{question}”",
    ]
    if guesses:
        lines += ["", "Bot tìm được (chưa đủ chắc để tự trả lời):"]
        lines += [f"{n}. {guess}" for n, guess in enumerate(guesses, 1)]
    lines += [
        "",
        "↩️ Trả lời (reply) tin này để gửi câu trả lời cho người dân, thay mặt "
        f"{unit(ward_name)}. /close để đóng phiếu.",
    ]
    return "\n".join(lines)


# How the bot's posts about a ticket (ticket_post, ticket_follow_up_post, ticket_note_post)
# begin: a reply to one names the ticket even once it is gone. Only those: the bot's
# answers to staff ("Phiếu số 3 đã đóng từ trước.") name a ticket too, and are no post.
TICKET_POST_NUMBER = re.compile(r"(?:🙋|💬|⚠️) Phiếu số (\d+)(?: · qua | — người dân nhắn thêm:|: )")


def ticket_follow_up_post(ticket_id: int, text: str) -> str:
    return f"💬 Phiếu số {ticket_id} — người dân nhắn thêm:\n“{text}”"


def ticket_note_post(ticket_id: int, text: str) -> str:
    return f"⚠️ Phiếu số {ticket_id}: {text}"


def relay_failed(reason: str) -> str:
    return f"không gửi được câu trả lời tới người dân ({reason}). Người dân chưa nhận được tin này."


def relay_delayed(reason: str) -> str:
    return (
        f"chưa gửi được câu trả lời tới người dân ({reason}). Bot vẫn đang tự gửi lại và sẽ "
        "thả 👍 vào tin trả lời khi người dân nhận được."
    )


def relay_stranded(channel: str) -> str:
    """A ticket's note (after "Phiếu số N: "): staff answers on it wait for a channel the
    bot was restarted without (not configured any more)."""
    name = channel_name(channel)
    return (
        f"câu trả lời của cán bộ chưa tới người dân: bot vừa khởi động lại mà không chạy kênh "
        f"{name} (chưa cấu hình), nên chưa gửi được. Câu trả lời được giữ lại và sẽ tự gửi đi "
        f"khi bot chạy lại kênh {name} (nhờ người cài đặt bot kiểm tra); bot sẽ thả 👍 vào tin "
        "trả lời khi người dân nhận được."
    )


def relay_channel_off(ticket_id: int, channel: str) -> str:
    """To staff, under their answer: the resident's channel is not running now (not
    configured any more, or not reachable since the bot started)."""
    name = channel_name(channel)
    return (
        f"⚠️ Phiếu số {ticket_id} đến từ {name}, nhưng bot hiện chưa kết nối được kênh {name} "
        "(chưa cấu hình, hoặc đang lỗi kết nối), nên người dân chưa nhận được câu trả lời "
        f"này. Câu trả lời được giữ lại và sẽ tự gửi đi khi bot kết nối lại kênh {name} "
        "(nhờ người cài đặt bot kiểm tra); bot sẽ thả 👍 vào tin trả lời khi người dân "
        "nhận được."
    )


def delivery_trouble(channel: str, reason: str) -> str:
    """Why a staff answer has not reached the resident (in `relay_failed`, `relay_delayed`):
    the platform's refusal or silence, its own words (`reason`, in English) kept as a
    detail for whoever set the bot up."""
    return (
        f"{channel_name(channel)} chưa nhận tin; chi tiết kỹ thuật cho người cài đặt bot: {reason}"
    )


def relay_unreachable() -> str:
    return "người dân đã chặn bot, đã xóa cuộc trò chuyện hoặc không còn nhận được tin nhắn"


def relay_not_sent_hint() -> str:
    return (
        "Tin này chưa được gửi cho người dân. Để gửi, hãy trả lời (reply) tin của bot "
        "trong phiếu, hoặc gõ /r rồi nội dung."
    )


def staff_group_followed(new_id: int) -> str:
    """Said in the staff group's new supergroup (Telegram gave the group a new id, as when
    Topics are turned on): the bot works here now. Tickets posted in the old group cannot
    be replied to here: /r with the ticket's number answers them."""
    return (
        "ℹ️ Nhóm vừa được Telegram nâng cấp và có mã mới, bot đã chuyển sang làm việc ở đây: "
        "câu hỏi mới của người dân sẽ được chuyển vào nhóm này. Với phiếu đã gửi trong nhóm "
        "cũ, anh/chị trả lời bằng /r số_phiếu nội dung; phiếu nào người dân nhắn thêm sẽ "
        f"được gửi lại vào đây. (Mã mới của nhóm: {new_id}.)"
    )


def admin_staff_group_moved(old_id: int, new_id: int) -> str:
    """To admins, in private: Telegram gave the staff group a new id; the bot follows it,
    and STAFF_CHAT_ID should say so (a value set to another group still wins)."""
    return (
        f"ℹ️ Nhóm cán bộ (STAFF_CHAT_ID={old_id}) vừa được Telegram nâng cấp và có mã mới "
        f"{new_id}. Bot đã tự chuyển sang nhóm mới, câu hỏi của người dân vẫn được chuyển "
        "tới cán bộ như thường. Khi tiện, anh/chị vui lòng sửa cấu hình thành "
        f"STAFF_CHAT_ID={new_id}; nếu anh/chị đặt mã một nhóm khác, bot sẽ dùng nhóm đó."
    )


def staff_error() -> str:
    return (
        "⚠️ Bot gặp lỗi khi xử lý tin này; tin chưa được gửi cho người dân. Hãy thử lại sau ít phút."
    )


def staff_attachment_not_sent() -> str:
    """A photo, file or sticker as an answer: the bot passes text only."""
    return (
        "⚠️ Ảnh, tệp hay nhãn dán chưa được gửi cho người dân (bot chỉ chuyển chữ), kể cả "
        "dòng chữ kèm theo. Hãy gõ nội dung trả lời, hoặc gửi đường link tới tệp."
    )


def staff_command_private(command: str) -> str:
    """An admin command typed in the staff group: it works in a private chat only."""
    return (
        f"Lệnh /{command} chỉ dùng trong chat riêng với bot (nhắn riêng cho bot), không dùng "
        "trong nhóm này."
    )


def staff_help() -> str:
    """/help in the staff group: how staff answer, in a few lines."""
    return (
        "Cách trả lời người dân trong nhóm này:\n"
        "• Trả lời (reply) tin của bot về phiếu: nội dung được gửi cho người dân.\n"
        "• /r NỘI DUNG trong chủ đề của phiếu (hoặc /r 12 NỘI DUNG): như trên.\n"
        "• Sửa (Edit) câu trả lời đã gửi: người dân nhận bản sửa.\n"
        "• /close (hoặc nút ✔️ Đóng phiếu): đóng phiếu; /reopen 12: mở lại phiếu đóng nhầm.\n"
        "• /tickets: các phiếu đang mở.\n"
        "• /variant MÃ_MỤC, /newfaq (cán bộ trong ADMIN_IDS): đưa câu hỏi vào faq.yaml; "
        "/undo: hoàn tác lần thêm gần nhất.\n"
        "Tin nhắn khác trong nhóm không được gửi cho người dân."
    )


def staff_reply_names_no_ticket() -> str:
    """A reply to a message of the bot's that is about no ticket (its note to an officer,
    a listing), outside any ticket's topic: nothing was sent to anyone."""
    return (
        "Tin này chưa được gửi cho người dân: tin của bot mà anh/chị trả lời không phải tin "
        "về một phiếu. Hãy trả lời (reply) tin “🙋 Phiếu số …” của bot, hoặc gõ /r SỐ_PHIẾU "
        "nội dung, ví dụ: /r 12 nội dung trả lời."
    )


def staff_which_ticket() -> str:
    return (
        "Không rõ phiếu nào. Hãy trả lời (reply) tin của bot về phiếu đó, gõ lệnh trong chủ đề "
        "của phiếu, hoặc ghi số phiếu, ví dụ: /r 12 nội dung trả lời."
    )


def staff_ticket_gone(ticket_id: int) -> str:
    return (
        f"Phiếu số {ticket_id} không còn (đã xóa theo thời hạn lưu hoặc người dân đã xóa "
        "dữ liệu), nên tin này không được gửi cho ai."
    )


def staff_answer_held(ticket_id: int, earlier_by: str, ago: str) -> str:
    """Another officer answered the ticket just before (`ago`; `earlier_by` their first
    name, '' when not known): this answer was not sent, so that the resident does not get
    two; sent again, it goes."""
    who = f"anh/chị {earlier_by}" if earlier_by else "một cán bộ khác"
    return (
        f"⏸️ Câu trả lời này chưa được gửi: phiếu số {ticket_id} vừa được {who} trả lời "
        f"({ago} trước) và người dân chưa hỏi gì thêm. Để người dân không nhận hai câu trả "
        "lời, anh/chị xem câu trả lời đó trong phiếu trước. Nếu vẫn cần gửi (bổ sung hay sửa "
        f"ý), gửi lại: trả lời (reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ "
        f"/r #{ticket_id} nội dung; lần này bot sẽ chuyển."
    )


def staff_held_edit_not_sent(ticket_id: int) -> str:
    """An officer edited their answer that was held (staff_answer_held): the edit sends
    nothing either."""
    return (
        f"✏️ Bản sửa này cũng chưa được gửi: câu trả lời này đã được giữ lại vì phiếu số "
        f"{ticket_id} vừa có câu trả lời của cán bộ khác. Nếu vẫn cần gửi, gửi lại: trả lời "
        f"(reply) tin “🙋 Phiếu số {ticket_id}” của bot, hoặc gõ /r #{ticket_id} nội dung."
    )


def staff_reply_empty() -> str:
    return "Chưa có nội dung để gửi. Cách dùng: /r nội dung trả lời (hoặc /r 12 nội dung)."


def ticket_closed(ticket_id: int) -> str:
    return f"✔️ Đã đóng phiếu số {ticket_id}. Đóng nhầm thì gõ /reopen {ticket_id} để mở lại."


def ticket_reopened(ticket_id: int) -> str:
    return f"↩️ Đã mở lại phiếu số {ticket_id}: tin người dân nhắn tiếp lại được chuyển tới cán bộ."


def ticket_not_closed(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} đang mở, không cần mở lại."


def staff_no_ticket(ticket_id: int) -> str:
    return f"Không có phiếu số {ticket_id}. Xem các phiếu đang mở bằng lệnh /tickets."


def ticket_was_closed(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} đã đóng từ trước."


def staff_admin_only(own_id: str) -> str:
    """In the staff group, to an officer not in ADMIN_IDS: their id (`telegram:123`), which
    Telegram does not show them, to pass on if they are to edit faq.yaml."""
    return (
        "Chỉ cán bộ có tên trong ADMIN_IDS mới sửa được faq.yaml. Mã của anh/chị là "
        f"{own_id} — nếu cần, nhờ người cài đặt bot thêm mã này vào ADMIN_IDS."
    )


def staff_anonymous(*, channel: bool = False, undo: bool = False) -> str:
    """/variant, /newfaq or (`undo`) /undo sent "as the group" (anonymous admin) or as a
    channel: who sent it is unknown. A ticket's buttons add to faq.yaml: no way to undo."""
    if channel:
        how = "dưới tên kênh"
        fix = "chọn gửi bằng tài khoản của mình (bấm ảnh đại diện cạnh ô nhập tin)"
    else:
        how = "ẩn danh dưới tên nhóm"
        fix = "tắt “Ẩn danh” (Remain anonymous) trong quyền quản trị của mình"
    ways = (
        "gõ /undo trong chat riêng với bot"
        if undo
        else "bấm nút dưới tin về phiếu, gõ lệnh trong chat riêng với bot (ví dụ /newfaq 12)"
    )
    return (
        f"Anh/chị đang gửi {how} nên bot không biết ai gửi, mà chỉ cán bộ có tên trong "
        f"ADMIN_IDS mới sửa được faq.yaml. Xin {ways}, hoặc {fix}."
    )


# What wardbot.redact blanked, as staff are told (its kinds; "quoted": in the staff answer,
# what it repeated of the resident's).
_BLANKED = {
    "number": "số điện thoại / số giấy tờ",
    "email": "e-mail",
    "name": "tên người",
    "address": "số nhà, hẻm",
    "birth": "ngày sinh",
    "quoted": "chỗ câu trả lời nhắc lại thông tin của người dân",
}


# An edit of faq.yaml made from chat can be taken back with /undo this long after
# (wardbot.faq_edit.UNDO_FOR); said under each.
UNDO_MINUTES = 30
FAQ_UNDO_HINT = f"Thêm nhầm? Gõ /undo trong vòng {UNDO_MINUTES} phút để hoàn tác."
FAQ_UNDO_NOTHING = (
    "không còn lần sửa nào để hoàn tác (hoàn tác được các lần thêm bằng ➕, /variant hoặc "
    f"/newfaq trong {UNDO_MINUTES} phút qua, lần gần nhất trước)."
)


def faq_blanked(kinds: Sequence[str]) -> str:
    """What was blanked in a resident's words before they went into faq.yaml (public)."""
    if kinds:
        done = "Đã che (…): " + ", ".join(_BLANKED[kind] for kind in kinds) + "."
    else:
        done = "Không thấy số điện thoại, số giấy tờ, e-mail, tên hay số nhà nào để che."
    return (
        f"{done} faq.yaml là tệp công khai: nếu câu trên còn thông tin riêng của người dân "
        "(tên viết thường, địa chỉ), xin sửa lại trong faq.yaml ngay."
    )


# An edit from chat written, but not applied yet: another staff file was still being saved
# (alerts.FORCE_WAIT_AT_MOST_SECONDS), and the bot applies it by itself once it is.
FAQ_NOT_RELOADED_YET = (
    "một tệp của cán bộ đang được lưu hay tải lên nên bot chưa nạp lại; bot sẽ tự nạp khi "
    "tệp lưu xong"
)


def faq_variant_added(
    entry_id: str, question: str, blanked: Sequence[str] = (), *, applied: bool = True
) -> str:
    """`applied`: the bot reloaded with it (else FAQ_NOT_RELOADED_YET)."""
    reloaded = "bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET
    return (
        f"📝 Đã thêm “{question}” làm một cách hỏi khác của mục {entry_id} trong faq.yaml; "
        f"{reloaded} và từ nay tự trả lời câu này. {FAQ_UNDO_HINT}\n{faq_blanked(blanked)}"
    )


def faq_entry_added(
    entry_id: str,
    question: str,
    answer: str,
    blanked: Sequence[str] = (),
    *,
    applied: bool = True,
) -> str:
    """`answer`: the staff answer it took (as written into faq.yaml), shown whole enough to
    tell which: residents get it from now on. `applied`: as for faq_variant_added."""
    shown = one_line(answer, 300)
    reloaded = "Bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET.capitalize()
    return (
        f"📝 Đã thêm mục mới {entry_id} vào faq.yaml với câu hỏi “{question}” (câu hỏi của "
        f"người dân) và câu trả lời của cán bộ: “{shown}”. {reloaded} và từ nay trả lời "
        "như vậy. Nếu câu trả lời này không đúng (ví dụ chỉ là lời chào), sửa mục này trong "
        "faq.yaml; lần sau có thể trả lời (reply) đúng tin trả lời cần dùng bằng /newfaq. "
        f"Nên xem lại câu chữ và thêm chủ đề (topics) cho mục này. {FAQ_UNDO_HINT}\n"
        f"{faq_blanked(blanked)}"
    )


FAQ_EDIT_OFF = "bot không được phép sửa faq.yaml ở đây (thư mục dữ liệu chỉ đọc)"


def faq_undo_too_late() -> str:
    return (
        f"lần sửa gần nhất đã quá {UNDO_MINUTES} phút nên không hoàn tác tự động; hãy sửa tay "
        "faq.yaml rồi gõ /reload (bản trước mỗi lần sửa ở thư mục dữ liệu, faq.before-edit.yaml)."
    )


def faq_undo_changed(shown: str) -> str:
    """Undo refused: faq.yaml changed since the edit (by hand, or another edit)."""
    return (
        f"{shown} đã được sửa tiếp sau lần thêm đó, nên bot không hoàn tác để khỏi mất phần sửa "
        "sau; hãy sửa tay faq.yaml rồi gõ /reload."
    )


def faq_undone_variant(entry_id: str, variant: str) -> str:
    return f"đã bỏ cách hỏi “{variant}” khỏi mục {entry_id}"


def faq_undone_entry(entry_id: str, question: str) -> str:
    return f"đã bỏ mục {entry_id} (“{question}”)"


def faq_undone(what: str, *, more: bool = False, applied: bool = True) -> str:
    """/undo done; `more`: an earlier edit made from chat can be undone next; `applied`:
    as for faq_variant_added."""
    again = " Gõ /undo lần nữa để hoàn tác lần sửa trước đó." if more else ""
    reloaded = "bot đã nạp lại" if applied else FAQ_NOT_RELOADED_YET
    return (
        f"↩️ Đã hoàn tác lần sửa faq.yaml gần nhất: {what}. faq.yaml trở lại như trước lần "
        f"sửa đó (giữ nguyên chú thích) và {reloaded}.{again}"
    )


def faq_chat_edits_overwritten(lost: Sequence[tuple[str, str, str, bool]], copy: str | None) -> str:
    """To admins: faq.yaml was saved without edits made from chat (an editor still holding
    it as it was before them). `lost`: each edit's time (HH:MM), entry, the way of asking it
    added, and whether it made the entry; `copy`: faq.yaml as the latest of them left it."""
    rows = [
        f"• {at}: mục mới {entry_id} (“{asked}”)"
        if new_entry
        else f"• {at}: cách hỏi “{asked}” của mục {entry_id}"
        for at, entry_id, asked, new_entry in lost
    ]
    edits = "lần thêm này" if len(lost) == 1 else f"{figure(len(lost))} lần thêm này"
    where = (
        f", hoặc chép từ {copy} (faq.yaml ngay sau lần thêm) sang faq.yaml rồi gõ /reload"
        if copy
        else ""
    )
    return (
        "⚠️ faq.yaml vừa được lưu mà không còn những gì đã thêm từ chat dưới đây (có lẽ lưu "
        "từ một trình soạn thảo còn mở bản cũ, từ trước các lần thêm), nên bot không còn tự "
        "trả lời theo chúng:\n" + "\n".join(rows) + "\n"
        f"Bot dùng faq.yaml đúng như vừa lưu; /undo không đưa lại được {edits}. Nếu không cố "
        "ý bỏ, xin thêm lại: bấm lại nút ➕ hoặc gõ lại /variant, /newfaq trong phiếu (nếu "
        f"phiếu còn mở){where}. Nếu cố ý bỏ thì không cần làm gì."
    )


def faq_folder_read_only(folder: str) -> str:
    """Why an edit of faq.yaml is refused: its folder cannot be written."""
    return (
        f"bot không có quyền ghi vào thư mục chứa faq.yaml ({folder}), nên chưa sửa được. "
        "Cần cho bot quyền ghi thư mục này (với Docker: gắn thư mục không có ':ro' và cho "
        "người dùng của bot, uid 10001, quyền ghi; xem README)."
    )


def faq_folder_read_only_note(folder: str) -> str:
    """To admins, once: why the buttons turning tickets into FAQ entries are not offered."""
    return (
        f"⚠️ Bot không có quyền ghi vào thư mục chứa faq.yaml ({folder}), nên tạm không đưa "
        "câu hỏi vào faq.yaml được: các nút “➕ Là cách hỏi khác của…”, “📝 Tạo mục FAQ mới…” "
        "(dưới phiếu hỏi cán bộ và /unanswered) không hiện, lệnh /variant, /newfaq không chạy. "
        "Để bật lại: cho người dùng chạy bot quyền ghi thư mục này (với Docker: gắn thư mục "
        "không có ':ro' và cho uid 10001 quyền ghi; xem README). Các nút hiện lại ngay khi "
        "thư mục ghi được."
    )


def faq_no_answer_yet(ticket_id: int) -> str:
    return f"Phiếu số {ticket_id} chưa có câu trả lời của cán bộ để đưa vào faq.yaml."


def faq_being_saved(shown: str) -> str:
    """An edit from chat refused: faq.yaml is being saved or uploaded right now."""
    return (
        f"{shown} đang được lưu hay tải lên (tệp vừa thay đổi và chưa lưu xong), nên bot chưa "
        "sửa để khỏi mất phần đang lưu; hãy thử lại sau ít giây."
    )


def faq_edit_failed(reason: str) -> str:
    return f"Không sửa được faq.yaml: {reason}"


def faq_undo_failed(reason: str) -> str:
    return f"Không hoàn tác được: {reason}"


def faq_variant_usage() -> str:
    return "Cách dùng (trong phiếu): /variant MÃ_MỤC_FAQ, hoặc /variant 12 MÃ_MỤC_FAQ."


VARIANT_BUTTON = "➕ Là cách hỏi khác của: "
NEW_FAQ_BUTTON = "📝 Tạo mục FAQ mới từ câu trả lời"
CLOSE_TICKET_BUTTON = "✔️ Đóng phiếu"


def tickets_off() -> str:
    return "Chức năng hỏi cán bộ chưa bật (đặt STAFF_CHAT_ID để bật)."


def tickets_listing(rows: Sequence[str], total: int, page: int = 1, *, first: int = 0) -> str:
    """Page `page` of the `total` open tickets: `rows`, the `first`-th on."""
    if not total:
        return "Không có phiếu nào đang mở."
    if not rows:
        return (
            f"Không có trang {page}: chỉ có {figure(total)} phiếu đang mở. "
            "Gõ /tickets để xem từ đầu."
        )
    head = "📋 Phiếu đang mở (chờ lâu nhất ở trên; câu hỏi xem tại phiếu trong nhóm cán bộ)"
    if page > 1:
        head += f", trang {page}"
    text = f"{head}:\n\n" + "\n".join(rows)
    more = total - first - len(rows)
    if more > 0:
        text += (
            f"\n… và {figure(more)} phiếu khác (tổng cộng {figure(total)} phiếu đang mở): "
            f"gõ /tickets {page + 1} để xem tiếp."
        )
    return text


def ticket_row(ticket_id: int, channel: str, state: str, waited: str, link: str | None) -> str:
    """One ticket in /tickets: no words of the resident's (a listing, once sent, is not
    deleted by /forget); `link` opens the ticket in the staff group."""
    label = {"open": "chờ trả lời", "answered": "đã trả lời"}.get(state, state)
    row = f"• #{ticket_id} · {channel_name(channel)} · {label} · {waited}"
    return f"{row} · {link}" if link else row


def duration(seconds: float) -> str:
    """'5 phút', '3 giờ', '2 ngày': roughly how long ('dưới 1 phút': not a minute)."""
    minutes = max(0, round(seconds / 60))
    if minutes < 1:
        return "dưới 1 phút"
    if minutes < 60:
        return f"{minutes} phút"
    hours = round(minutes / 60)
    if hours < 48:
        return f"{hours} giờ"
    return f"{round(hours / 24)} ngày"


# --- the web chat (handlers.webchat) ------------------------------------------------------

WEB_WIDGET_BUTTON = "Hỏi đáp"  # the widget draws its own chat icon (emoji fonts vary)
WEB_WIDGET_CLOSE = "Đóng"
# Beside the chat button, while the panel is closed and a reply has come (a staff answer).
WEB_WIDGET_UNREAD = "có tin nhắn mới"
WEB_FORBIDDEN = "Yêu cầu không hợp lệ. Anh/chị vui lòng tải lại trang."
WEB_BAD_REQUEST = "Tin nhắn không hợp lệ. Anh/chị vui lòng tải lại trang và thử lại."
# Too many pages open at once from one network (or on the whole bot): the page falls back
# to polling, so a resident never reads it; a client calling the API by hand does.
WEB_BUSY = "Hệ thống đang bận, anh/chị vui lòng thử lại sau ít phút."


def web_title(ward_name: str) -> str:
    return f"Hỏi đáp {ward_name}"


def web_slow_down(seconds: int) -> str:
    return f"Anh/chị nhắn hơi nhanh, vui lòng đợi {seconds} giây rồi gửi tiếp."


def web_too_many_sessions(ward_name: str, hotline: str) -> str:
    """A client address that started too many conversations today (session ids are free)."""
    return (
        "Dạ, hôm nay đã có quá nhiều cuộc trò chuyện mới từ cùng một mạng với anh/chị nên "
        "em chưa mở thêm được. Anh/chị vui lòng tiếp tục ở trang đang trò chuyện, quay lại "
        f"vào ngày mai, hoặc {contact_line(ward_name, hotline)}."
    )


def web_daily_limit(ward_name: str, hotline: str) -> str:
    """A client address that sent more than a day's worth of messages."""
    return (
        "Dạ, hôm nay em đã nhận quá nhiều tin nhắn từ cùng một mạng với anh/chị nên tạm "
        "ngừng nhận thêm đến hết ngày. Anh/chị vui lòng quay lại vào ngày mai, hoặc "
        f"{contact_line(ward_name, hotline)}."
    )


def follow_on(channel: str) -> str:
    return f"Nhận tin qua {channel_name(channel)}"


def alerts_elsewhere(ward_name: str, has_links: bool) -> str:
    """On the web chat: alerts cannot reach a closed page. `has_links`: the ward has a bot
    on Zalo or Telegram (its links come with the reply); without one there is nowhere to
    send the resident, so the reply says what the web chat itself offers."""
    where = unit(ward_name)
    if not has_links:
        return (
            "Dạ, trang hỏi đáp này không gửi được thông báo tự động cho anh/chị. "
            f"Anh/chị xem các thông báo mới nhất của {where} bằng cách nhắn “tin mới” "
            f"(hoặc gõ /latest), hoặc theo dõi trang thông tin điện tử của {where} ạ."
        )
    return (
        "Trang web không gửi tin được cho anh/chị khi trang đã đóng. Để nhận thông báo mới "
        f"của {where} theo chủ đề (BHYT, học bổng…), anh/chị vui lòng mở đường dẫn bên dưới "
        f"để nhắn cho bot của {where} rồi chọn chủ đề. "
        "Ở đây anh/chị vẫn hỏi đáp và xem thông báo mới nhất (/latest) bình thường."
    )


def web_ui(ward_name: str, hotline: str) -> dict[str, str]:
    """Every text the chat page shows by itself (its own labels, not the bot's replies)."""
    return {
        "title": web_title(ward_name),
        "intro": f"Trợ lý tự động của {ward_name}. Nhắn câu hỏi, có dấu hay không dấu đều được.",
        "log_label": "Tin nhắn",
        "input_label": "Câu hỏi của anh/chị",
        "placeholder": "Nhập câu hỏi…",
        "send": "Gửi",
        "you": "Anh/chị",
        "bot": f"Trợ lý {unit(ward_name)}",
        "sending": "Đang gửi…",
        "typing": "Trợ lý đang trả lời…",
        "offline": "Mất kết nối, đang thử kết nối lại…",
        "failed": "Chưa gửi được tin nhắn. Anh/chị vui lòng thử lại.",
        "too_long": "Tin nhắn quá dài; anh/chị vui lòng rút gọn câu hỏi.",
        "choices": "Lựa chọn",
        "links": "Liên kết",
        "hotline": contact_line(ward_name, hotline),
        "contact": f"Cần hỗ trợ trực tiếp, anh/chị vui lòng {contact_line(ward_name, hotline)}.",
        "hotline_number": hotline,
        "new_tab": "(mở trong thẻ mới)",
        "new_below": "Có tin nhắn mới",
    }
