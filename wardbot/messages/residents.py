"""What a resident reads in conversation: the greeting, /help and the commands, answers
from faq.yaml and the announcements, problems with a message (attachments, unclear or too
long, errors), and picking from a list by number where there are no buttons (Zalo).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from wardbot.messages.common import (
    ELSEWHERE,
    HERE,
    NOWHERE,
    contact_line,
    figure,
    unit,
    vn_date,
)
from wardbot.messages.desk import shared_with_staff
from wardbot.text import fold, one_line

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


# Following topics: not offered where alerts cannot reach the chat (the web chat).
_ALERT_COMMANDS = frozenset({"topics", "subscribe", "unsubscribe", "mysubs"})


def commands(ward_name: str, *, staff: bool, alerts: str = HERE) -> tuple[tuple[str, str], ...]:
    """The commands offered to residents (in /help and Telegram's menu): /hoicanbo only
    where ward staff answer it (a staff desk is set up), following topics only where
    alerts reach the chat."""
    return tuple(
        (name, about.format(unit=unit(ward_name)))
        for name, about in COMMANDS
        if (staff or name != "hoicanbo") and (alerts == HERE or name not in _ALERT_COMMANDS)
    )


# --- greeting and help ------------------------------------------------------------


def _topic_examples(names: Sequence[str], most: int = 2) -> tuple[str, ...]:
    """A couple of the ward's topic names (faq.yaml, in its order) to give as examples
    where a sentence names them: the shortest read best there ("Hộ tịch" before "Giảm
    nghèo và trợ giúp xã hội"), each lower-cased unless its first word is an abbreviation
    ("BHYT")."""
    shortest = sorted(names, key=lambda name: len(name.split()))[:most]
    return tuple(in_sentence(name) for name in names if name in shortest)[:most]


def in_sentence(name: str) -> str:
    """A topic's name inside a sentence: "học bổng", but "BHYT" kept."""
    first = name.split(maxsplit=1)[0] if name.strip() else ""
    if len(first) > 1 and first.isupper():
        return name
    return name[:1].lower() + name[1:]


def _alerts_note(ward_name: str, alerts: str, *, topics: bool = True) -> str:
    """Where a chat that gets no alerts here (ELSEWHERE, NOWHERE) can follow the news
    (`topics`: whether the ward has topics to follow; without, /latest only)."""
    if alerts == ELSEWHERE and topics:
        return (
            "Để nhận thông báo mới theo chủ đề anh/chị quan tâm, anh/chị vui lòng mở đường dẫn "
            f"bên dưới để nhắn cho bot của {unit(ward_name)}, vì trang web không gửi tin được "
            "khi đã đóng."
        )
    return (
        f"Trang web này không tự gửi thông báo khi {unit(ward_name)} có tin mới; anh/chị gõ "
        "/latest để xem các thông báo mới nhất."
    )


def greeting(
    ward_name: str, *, example: str, alerts: str = HERE, topics: Sequence[str] = ()
) -> str:
    """`example`: a question the ward's FAQ answers (`example_question`); `alerts`: where
    this chat gets alerts (HERE, ELSEWHERE or NOWHERE); `topics`: the names of the ward's
    topics (faq.yaml), a couple of which are given as examples of what the bot answers
    about (none: following topics is not promised)."""
    where = unit(ward_name)
    examples = _topic_examples(topics)
    about = f" ({', '.join(examples)}…)" if examples else ""
    if alerts == HERE and topics:
        promise = (
            f"• Nhắn tin cho anh/chị khi {where} có thông báo mới về chủ đề anh/chị quan tâm\n\n"
        )
    elif alerts == HERE:
        promise = "\n"
    else:
        promise = f"\n{_alerts_note(ward_name, alerts, topics=bool(topics))}\n\n"
    return (
        f"Dạ, xin chào anh/chị! Đây là trợ lý tự động của {ward_name}.\n\n"
        "Em có thể:\n"
        f"• Giải đáp các thủ tục, giấy tờ thường gặp{about}\n"
        f"• Gửi các thông báo mới nhất của {where}\n"
        f"{promise}"
        f"Anh/chị cứ nhắn câu hỏi như khi hỏi cán bộ {where}, có dấu hay không dấu đều được, "
        f"ví dụ: “{example}”"
    )


def greeted_again(ward_name: str, *, example: str) -> str:
    """To a greeting ("alo", "có ai không", "bạn là ai") mid-conversation, a question asked
    a short while before: who answers, in a line, not the whole greeting again."""
    return (
        f"Dạ, em là trợ lý tự động của {ward_name}, em vẫn đang ở đây ạ. Anh/chị cứ nhắn câu "
        f"hỏi, ví dụ: “{example}”"
    )


def greeted_back(ward_name: str, *, example: str) -> str:
    """To a greeting ("xin chào", "chào ad", "bạn là ai") right after the bot's own welcome,
    nothing asked since: a greeting back in a line, and how to ask."""
    return (
        f"Dạ, em chào anh/chị ạ! Em là trợ lý tự động của {ward_name}, anh/chị cần hỏi gì "
        f"cứ nhắn em, ví dụ: “{example}”"
    )


def help_text(
    ward_name: str,
    hotline: str,
    *,
    staff: bool,
    example: str,
    alerts: str = HERE,
    topics: Sequence[str] = (),
) -> str:
    """`example`: a question the ward's FAQ answers (`example_question`); `staff`: whether
    /hoicanbo passes questions to ward staff here (else it is not listed); `alerts`: where
    this chat gets alerts (HERE, ELSEWHERE or NOWHERE); `topics`: the names of the ward's
    topics (faq.yaml), the examples of following one (none: following topics is not
    offered)."""
    follow = alerts == HERE and bool(topics)
    lines = [
        "Cách hỏi: anh/chị nhắn câu hỏi bằng tiếng Việt, có dấu hoặc không dấu đều được "
        f"(ví dụ: “{fold(example).rstrip('?')}”). Hỏi càng cụ thể (nêu tên thủ tục, "
        "giấy tờ), câu trả lời càng sát.",
        "",
        "Các lệnh:",
    ]
    lines += [
        f"{_COMMAND_USAGE.get(name, '/' + name)} — {about}"
        for name, about in commands(ward_name, staff=staff, alerts=alerts if topics else NOWHERE)
    ]
    if staff:  # what the offer to pass a question on says is shared, to read again
        shared = shared_with_staff()
        where = unit(ward_name)
        lines += ["", f"Khi chuyển câu hỏi tới cán bộ {where}: {shared[0].lower()}{shared[1:]}"]
    if follow:
        first, *rest = _topic_examples(topics)
        lines += [
            "",
            f"Không cần gõ lệnh, anh/chị cũng có thể nhắn: “đăng ký nhận tin {first}”, "
            f"“hủy đăng ký {(rest or [first])[0]}”, “tin mới”, “tôi đang theo dõi gì”, "
            "“xóa dữ liệu của tôi”.",
        ]
    else:
        lines += [
            "",
            "Không cần gõ lệnh, anh/chị cũng có thể nhắn: “tin mới”, “xóa dữ liệu của tôi”.",
        ]
    if alerts != HERE:
        lines += ["", _alerts_note(ward_name, alerts, topics=bool(topics))]
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


def emoji_seen() -> str:
    """To an emoji alone saying neither thanks nor an ok ("😂", "🇻🇳") in a conversation
    under way: the door left open, no thanks for nothing."""
    return "Dạ. Anh/chị cần hỏi thêm gì cứ nhắn em nhé."


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


def call_back(ward_name: str, hotline: str, *, staff: bool, example: str) -> str:
    """To a phone number sent alone ("0909 123 456", "sđt em 0909123456"): most likely
    asking to be called back, which the bot cannot do. `staff`: ward staff read questions
    passed on with /hoicanbo here; else (and for talking in person) the hotline."""
    opening = "Dạ, em là trợ lý trả lời tự động nên không gọi điện cho anh/chị được ạ."
    contact = contact_line(ward_name, hotline)
    if staff:
        return (
            f"{opening} Nếu cần cán bộ {unit(ward_name)} hỗ trợ, anh/chị gõ /hoicanbo kèm "
            f"câu hỏi của mình (ví dụ: “/hoicanbo {example}”), em sẽ chuyển để cán bộ "
            f"trả lời anh/chị ngay tại đây. Cần trao đổi trực tiếp, anh/chị vui lòng {contact}."
        )
    return (
        f"{opening} Để trao đổi trực tiếp với cán bộ {unit(ward_name)}, anh/chị vui lòng "
        f"{contact}. Anh/chị cũng có thể nhắn câu hỏi ngay tại đây, em sẽ trả lời nếu có "
        "thông tin."
    )


def ward_phone(ward_name: str, hotline: str, address: str = "") -> str:
    """To "số điện thoại phường là gì", "cho xin hotline": the hotline (WARD_HOTLINE), or,
    with none set, where to go instead (at `address`, WARD_ADDRESS, when set)."""
    if hotline:
        return (
            f"Dạ, đường dây nóng của {ward_name} là {hotline} ạ. Anh/chị cũng có thể nhắn câu "
            "hỏi ngay tại đây, em sẽ trả lời nếu có thông tin."
        )
    return (
        f"Dạ, em chưa có số điện thoại của {unit(ward_name)} để gửi anh/chị ạ. Anh/chị vui "
        f"lòng {contact_line(ward_name, hotline, address)}, hoặc nhắn câu hỏi ngay tại đây, "
        "em sẽ trả lời nếu có thông tin."
    )


def ward_address(ward_name: str, address: str, hotline: str) -> str:
    """To "địa chỉ phường ở đâu", "ubnd xã nằm ở đâu": the office's address (WARD_ADDRESS),
    and its hotline when one is set (with no address, where to ask instead)."""
    if not address.strip(" ."):
        return (
            f"Dạ, em chưa có địa chỉ trụ sở {ward_name} để gửi anh/chị ạ. Anh/chị vui lòng "
            f"{contact_line(ward_name, hotline)}, hoặc nhắn câu hỏi ngay tại đây, em sẽ trả "
            "lời nếu có thông tin."
        )
    call = f" Anh/chị cần hỏi trước khi đến có thể gọi đường dây nóng {hotline}." if hotline else ""
    return (
        f"Dạ, trụ sở {ward_name} ở địa chỉ: {address.rstrip('. ')} ạ.{call} Anh/chị cũng có "
        "thể nhắn câu hỏi ngay tại đây, em sẽ trả lời nếu có thông tin."
    )


def ward_hotline_too(ward_name: str, hotline: str) -> str:
    """One line under an FAQ answer to "số điện thoại phường" that gives no number itself
    ("được niêm yết tại bảng tin"): the hotline (WARD_HOTLINE; with none, the desk)."""
    if not hotline:
        return f"Anh/chị cũng có thể {contact_line(ward_name, hotline)}."
    return f"Đường dây nóng của {ward_name}: {hotline}."


def office_phone_unknown(
    office: str, ward_name: str, hotline: str, emergency: tuple[str, str] | None = None
) -> str:
    """To "số điện thoại công an phường", "sđt trạm y tế": another office's number, which
    the bot does not have (the ward's hotline is not theirs: it is offered as the ward's).
    `emergency`: when to call which national number instead ("khẩn cấp về an ninh, trật
    tự", "113")."""
    reach = f"gọi đường dây nóng của {ward_name} ({hotline})" if hotline else ""
    parts = [
        f"Dạ, em chưa có số điện thoại của {office} ạ. Để được hướng dẫn, anh/chị vui lòng "
        f"{reach or contact_line(ward_name, hotline)}, hoặc nhắn câu hỏi ngay tại đây, em sẽ "
        "trả lời nếu có thông tin."
    ]
    if emergency is not None:
        parts.append(f"Trường hợp {emergency[0]}, anh/chị gọi ngay {emergency[1]}.")
    return "\n\n".join(parts)


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


def closed_by_notice(day: str, title: str, dated: dt.date, ward_name: str) -> str:
    """Above the answer to "is the office open on `day`" when a closure notice covers it."""
    return (
        f"⚠️ Dạ, {day} {unit(ward_name)} nghỉ, không làm việc, theo thông báo "
        f"“{_one_title(title)}” (ngày {vn_date(dated)}). Anh/chị vui lòng đến vào "
        "ngày làm việc khác để khỏi mất công ạ."
    )


def closed_on_duty(day: str, title: str, dated: dt.date, ward_name: str) -> str:
    """Above the answer to "is the office open on `day`" when a closure notice covers it
    but keeps staff on duty for some matters ("lịch trực", "vẫn tiếp nhận")."""
    return (
        f"⚠️ Lưu ý: {day} là ngày nghỉ theo thông báo “{_one_title(title)}” (ngày "
        f"{vn_date(dated)}); {unit(ward_name)} chỉ trực, tiếp nhận một số việc như thông báo "
        "nêu. Anh/chị xem thông báo này trước khi đến ạ."
    )


def closure_in_force(title: str, dated: dt.date, ward_name: str) -> str:
    """Above the answer to "is the office open" while a closure notice naming no date
    the bot can read is in force."""
    return (
        f"⚠️ Lưu ý: {unit(ward_name)} đang có thông báo “{_one_title(title)}” (ngày "
        f"{vn_date(dated)}) về việc nghỉ, tạm ngừng làm việc. Anh/chị xem thông báo "
        "này trước khi đến ạ."
    )


def closed_that_day(day: str, ward_name: str) -> str:
    """Above the answer to "is the office open on `day`", a day the office is closed
    (OFFICE_CLOSED) with no notice saying so."""
    return f"⚠️ Dạ, {day} là ngày nghỉ của {unit(ward_name)}, không làm việc ạ."


def closed_weekday(day: str, ward_name: str) -> str:
    """Above the answer to "is the office open on `day`", a weekday OFFICE_HOURS gives no
    hours ("chủ nhật có làm việc không")."""
    return f"⚠️ Dạ, {day} {unit(ward_name)} không làm việc ạ."


def open_that_day(day: str, hours: str, ward_name: str) -> str:
    """Above the answer to "is the office open on `day`": its OFFICE_HOURS that day."""
    return f"🕐 Dạ, {day} {unit(ward_name)} có làm việc, từ {hours} ạ."


def open_until(title: str, until: dt.date) -> str:
    """Above an answer to "is it still open" (applications...): the notice runs on."""
    return f"📅 Theo thông báo “{_one_title(title)}”, hạn vẫn còn: đến hết ngày {vn_date(until)}."


def ended_on(title: str, ended: dt.date) -> str:
    """Above an answer to "is it still open": the notice's time is over."""
    return (
        f"⚠️ Lưu ý: thông báo “{_one_title(title)}” đã hết hạn từ ngày "
        f"{vn_date(ended)}; thông tin dưới đây chỉ để tham khảo, "
        "anh/chị nên hỏi lại cán bộ trước khi nộp ạ."
    )


def _one_title(title: str) -> str:
    return one_line(" ".join(title.split()), 120)


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


def no_answer(ward_name: str, hotline: str, address: str = "") -> str:
    """Nothing answers the question: how to ask again, and how to reach the office (its
    one-stop desk at `address`, WARD_ADDRESS, when no hotline is set)."""
    reach = contact_line(ward_name, hotline, address)
    return "\n\n".join(
        [
            "Dạ, em xin lỗi, hiện em chưa có thông tin về câu hỏi này ạ.",
            "Anh/chị có thể hỏi lại bằng từ ngữ khác, nêu rõ tên thủ tục hoặc giấy tờ cần làm.",
            f"Để được hỗ trợ trực tiếp, anh/chị vui lòng {reach}.",
        ]
    )


def forwarded_notice(ward_name: str) -> str:
    """Above a notice a resident forwarded to the bot (its own alert, say): it is the
    ward's, and the notice follows as it reads now."""
    return (
        f"Dạ, tin anh/chị chuyển tiếp là thông báo chính thức của {unit(ward_name)}. "
        "Nội dung hiện hành của thông báo như dưới đây ạ."
    )


def forwarded_unconfirmed(ward_name: str, hotline: str) -> str:
    """A message forwarded from elsewhere (a neighbour's, a group's) that is no notice of
    the ward: the bot neither answers nor confirms it."""
    return "\n\n".join(
        [
            "Dạ, em thấy đây là tin nhắn anh/chị chuyển tiếp từ nơi khác. Em không xác nhận "
            f"được nội dung tin nhắn này có phải thông tin chính thức của {unit(ward_name)} "
            "hay không ạ.",
            "Anh/chị muốn hỏi điều gì về nội dung này, vui lòng gõ câu hỏi của mình "
            "(ví dụ: lệ phí, giấy tờ, thời hạn), em sẽ tìm giúp thông tin chính thức.",
            f"Để kiểm tra chính xác, anh/chị vui lòng {contact_line(ward_name, hotline)}.",
        ]
    )


MAX_PART_CHARS = 80  # a part quoted longer is cut: the resident has just typed it
# "còn", "ngoài ra" opening a second question: not quoted with it.
_TURNING = re.compile(r"^(?:còn|với lại|ngoài ra|thêm nữa)\s+", re.IGNORECASE)


_ORDINALS = ("thứ nhất", "thứ hai", "thứ ba", "thứ tư")


def about_parts(parts: Sequence[str | None], places: Sequence[int] = ()) -> str:
    """Above the reply to questions of a message asking several that the bot cannot
    answer: which ones the reply is about, quoted (each
    with its diacritics put back: wardbot.engine.Engine.accented), or, when one is None
    (typed so that its diacritics cannot be put back surely), not quoted: a resident's
    own words without them read oddly in a reply that has them. Unquoted, they are "the
    questions left" when no other reply names some of those and all answers are above
    it; else they are named by
    their `places` in the message (1 for the first asked): "Về câu hỏi thứ hai:"."""
    if any(part is None for part in parts):
        if not places:
            return "Về câu hỏi còn lại:" if len(parts) == 1 else "Về các câu hỏi còn lại:"
        named = [_ORDINALS[place - 1] for place in places]
        if len(named) == 1:
            return f"Về câu hỏi {named[0]}:"
        return f"Về các câu hỏi {', '.join(named[:-1])} và {named[-1]}:"
    quoted = []
    for part in filter(None, parts):
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
    "amount": "số tiền cụ thể",
    "time": "thời gian giải quyết",
    "validity": "thời hạn sử dụng của giấy tờ được cấp",
    "place": "nơi làm thủ tục",
    "online": "cách làm trực tuyến",
    "papers": "giấy tờ cần chuẩn bị",
    "conditions": "điều kiện, đối tượng được làm thủ tục",
    "next": "bước làm tiếp theo",
}


def not_stated(title: str, aspects: Sequence[str], ward_name: str, hotline: str) -> str:
    """A follow-up ("mất bao lâu?") that the entry just given does not answer: it says
    plainly that the entry does not say it, and whom to ask."""
    if tuple(aspects) == ("next",):  # "rồi sao nữa": what was sent is all it says
        return (
            f"Dạ, các bước em có về “{title}” là tất cả những gì em đã gửi ở trên ạ, "
            "ngoài ra chưa nêu bước nào khác. Anh/chị cần hỏi thêm gì (lệ phí, thời gian, "
            "nơi nộp…) cứ nhắn em ạ.\n\n"
            f"Để biết chính xác, anh/chị vui lòng {contact_line(ward_name, hotline)}."
        )
    asked = " và ".join(_ASPECT_NAMES[aspect] for aspect in aspects)
    return (
        f"Dạ, thông tin em có về “{title}” chưa nêu {asked} ạ.\n\n"
        f"Để biết chính xác, anh/chị vui lòng {contact_line(ward_name, hotline)}."
    )


def not_said_of(title: str, what: str | None, ward_name: str, hotline: str) -> str:
    """ "Thế còn X thì sao" after the entry `title`, which names nothing of X (`what`, with
    its diacritics; None when they could not be put back surely, and X is not quoted): it
    says plainly that the entry does not speak of X, and whom to ask."""
    said = f"“{what}”" if what else "trường hợp anh/chị hỏi"
    return (
        f"Dạ, thông tin em có về “{title}” chưa nói riêng về {said} ạ.\n\n"
        f"Để biết chính xác, anh/chị vui lòng {contact_line(ward_name, hotline)}."
    )


# How a resident names the procedure a question about its fee, time... is about (one any
# ward office handles), for `which_procedure`.
_ASPECT_EXAMPLES = {
    "fee": "Lệ phí đăng ký khai sinh là bao nhiêu?",
    "amount": "Trợ cấp người cao tuổi được bao nhiêu tiền một tháng?",
    "time": "Đăng ký khai sinh mất bao lâu?",
    "validity": "Giấy xác nhận tình trạng hôn nhân có giá trị bao lâu?",
    "place": "Đăng ký khai sinh làm ở đâu?",
    "online": "Đăng ký khai sinh làm trực tuyến được không?",
    "papers": "Đăng ký khai sinh cần giấy tờ gì?",
    "conditions": "Đăng ký kết hôn cần điều kiện gì?",
    "next": "Nộp hồ sơ đăng ký khai sinh xong thì làm gì tiếp?",
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


def nothing_to_take_back(ward_name: str, hotline: str, *, example: str) -> str:
    """ "Sai rồi", "bot ngu quá" with no answer lately to have missed (nothing asked yet,
    or since /forget): no apology for an answer never given; help offered, and whom to call."""
    return (
        "Dạ, em sẵn sàng hỗ trợ anh/chị ạ. Anh/chị cần hỏi thủ tục, giấy tờ gì cứ nhắn "
        f"câu hỏi cho em, ví dụ: “{example}” Nếu cần gặp cán bộ, anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)}."
    )


def complaint_heard(ward_name: str, hotline: str) -> str:
    """A complaint about the ward's staff or service ("hẹn mãi không trả hồ sơ, tôi rất
    bức xúc"): heard, thanked for, and whom it goes to (no FAQ entry answers it)."""
    where = unit(ward_name)
    return (
        "Dạ, em rất tiếc về việc anh/chị gặp phải và cảm ơn anh/chị đã phản ánh. Ý kiến này "
        f"cần cán bộ {where} xem xét trực tiếp ạ. Anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)} để phản ánh với cán bộ {where}."
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


def ask_what(example: str) -> str:
    """A message with nothing to read in it ("?", "...")."""
    return f"Dạ, anh/chị cần hỏi gì ạ? Anh/chị cứ gõ câu hỏi, ví dụ: “{example}”"


def unclear() -> str:
    """To "?", "???", "hả?" right after an answer: what was unclear in it."""
    return (
        "Dạ, anh/chị chưa rõ chỗ nào ạ? Anh/chị nhắn giúp em điều cần hỏi thêm, ví dụ "
        "“lệ phí bao nhiêu?” hay “nộp ở đâu?”, em trả lời ngay ạ."
    )


def go_ahead(example: str) -> str:
    """To "cho em hỏi", "ad ơi": the resident is about to ask; nothing was asked yet."""
    return f"Dạ, anh/chị cứ hỏi ạ. Anh/chị nhắn luôn câu hỏi giúp em, ví dụ: “{example}”"


def answered_just_above() -> str:
    """The same question sent again within seconds (a double tap on send, a slow 3G
    network): its answer is the message just above, not sent a second time."""
    return "Dạ, em vừa trả lời câu này ở tin nhắn ngay phía trên ạ."


def please_type(example: str) -> str:
    return f"Dạ, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi, ví dụ: “{example}”"


def voice_unheard(ward_name: str, hotline: str, *, relayed: bool) -> str:
    """A voice message: the bot cannot listen to it (`relayed`: while the resident's
    messages go to staff, nor can staff get it). Who sends one may find typing hard: whom
    to call comes with the request to type."""
    contact = contact_line(ward_name, hotline)
    if relayed:
        heard = (
            "Dạ, em chưa nghe được tin nhắn thoại và cũng chưa chuyển được tới cán bộ "
            f"{unit(ward_name)}. Anh/chị vui lòng gõ nội dung cần trao đổi bằng chữ"
        )
    else:
        heard = (
            "Dạ, em chưa nghe được tin nhắn thoại ạ. Anh/chị vui lòng gõ câu hỏi bằng chữ giúp em"
        )
    return f"{heard}; nếu gõ chữ bất tiện, anh/chị vui lòng {contact} để được hướng dẫn ạ."


def content_hidden(ward_name: str, hotline: str) -> str:
    """Zalo passed on a message without its content (its "unsupported" event, sent for
    protected accounts, such as children's, and for kinds of message it does not pass
    on): typing again may not help, so whom to contact comes too."""
    return (
        "Dạ, Zalo không chuyển nội dung tin nhắn này cho em nên em chưa đọc được ạ. "
        "Anh/chị vui lòng gõ câu hỏi bằng chữ; nếu vẫn nhận được tin này, anh/chị vui lòng "
        f"{contact_line(ward_name, hotline)} để được hỗ trợ."
    )


def late_answer(sent_at: dt.datetime) -> str:
    """Before the answer to a message the bot could answer only long after it came (it was
    down, and answers what it kept meanwhile): the resident knows which message it answers,
    and that it may no longer matter. `sent_at`: when they sent it, in Vietnam's time."""
    return (
        f"Dạ, em xin lỗi vì trả lời muộn: tin nhắn anh/chị gửi lúc {sent_at:%H:%M} ngày "
        f"{vn_date(sent_at.date())} đến giờ em mới trả lời được. "
        "Nếu việc đó đã xong, anh/chị bỏ qua tin này giúp em ạ."
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


def no_list_to_pick(number: str, example: str) -> str:
    """To a number typed alone ("1", "một", "1 và 2") with no list on screen to pick from
    (or too long a number to pick with: a phone number, a year)."""
    if number.isdigit() and len(number) > 3:
        said = f"em chưa hiểu số “{number}” là gì"
    else:
        said = f"hiện không có danh sách nào để chọn “{number}” ạ"
    return f"Dạ, {said}. Anh/chị vui lòng gõ câu hỏi của mình, ví dụ: “{example}”"


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


def numbers_not_in_list(numbers: Sequence[str]) -> str:
    """After what the other numbers typed at once did ("1, 3, 9"): these were not on the
    list, so nothing was done for them."""
    if len(numbers) == 1:
        return f"Số {numbers[0]} không có trong danh sách em vừa gửi nên em bỏ qua ạ."
    first, last = int(numbers[0]), int(numbers[-1])
    if len(numbers) > 2 and [int(n) for n in numbers] == list(range(first, last + 1)):
        # A run typed past the list's end ("1-25" under twelve lines): its part off it.
        return f"Các số từ {first} đến {last} không có trong danh sách em vừa gửi nên em bỏ qua ạ."
    listed = f"{', '.join(numbers[:-1])} và {numbers[-1]}"
    return f"Các số {listed} không có trong danh sách em vừa gửi nên em bỏ qua ạ."


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
