"""Every resident-facing Vietnamese text, in one place.

Texts are plain (no HTML, no Markdown): each channel escapes and decorates them.
Functions take what they show as arguments, so nothing here reads settings or files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

# The chat commands (FORMATS.md) and their menu descriptions, in menu order.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Lời chào và giới thiệu"),
    ("help", "Cách hỏi, các lệnh và số điện thoại hỗ trợ"),
    ("topics", "Các chủ đề nhận tin"),
    ("subscribe", "Đăng ký nhận tin một chủ đề"),
    ("unsubscribe", "Hủy nhận tin một chủ đề (hoặc tất cả)"),
    ("mysubs", "Các chủ đề tôi đang nhận tin"),
    ("latest", "Thông báo mới nhất của phường"),
    ("forget", "Xóa mọi dữ liệu của tôi"),
)

# How each command is written in /help (with its argument, when it takes one).
_COMMAND_USAGE = {
    "subscribe": "/subscribe <chủ đề>",
    "unsubscribe": "/unsubscribe <chủ đề | all>",
}

EXAMPLE_QUESTION = "Đăng ký tạm trú cần giấy tờ gì?"


def vn_date(day: dt.date) -> str:
    """15/07/2024: the way dates are written in Vietnamese documents."""
    return day.strftime("%d/%m/%Y")


def contact_line(ward_name: str, hotline: str) -> str:
    if hotline:
        return f"gọi đường dây nóng {hotline}"
    return f"liên hệ Bộ phận Một cửa của {ward_name} trong giờ hành chính"


# --- greeting and help ------------------------------------------------------------


def greeting(ward_name: str) -> str:
    return (
        f"Dạ, xin chào anh/chị! Đây là trợ lý tự động của {ward_name}.\n\n"
        "Em có thể:\n"
        "• Giải đáp các thủ tục, giấy tờ thường gặp (cư trú, hộ tịch, BHYT, căn cước, ...)\n"
        "• Gửi các thông báo mới nhất của phường\n"
        "• Nhắn tin cho anh/chị khi phường có thông báo mới về chủ đề anh/chị quan tâm\n\n"
        "Anh/chị cứ nhắn câu hỏi như khi hỏi cán bộ phường, có dấu hay không dấu đều được, "
        f"ví dụ: “{EXAMPLE_QUESTION}”"
    )


def help_text(ward_name: str, hotline: str) -> str:
    lines = [
        "Cách hỏi: anh/chị nhắn câu hỏi bằng tiếng Việt, có dấu hoặc không dấu đều được "
        "(ví dụ: “muc dong bhyt ho gia dinh”). Hỏi càng cụ thể (nêu tên thủ tục, giấy tờ), "
        "câu trả lời càng sát.",
        "",
        "Các lệnh:",
    ]
    lines += [f"{_COMMAND_USAGE.get(name, '/' + name)} — {about}" for name, about in COMMANDS]
    lines += [
        "",
        "Không cần gõ lệnh, anh/chị cũng có thể nhắn: “đăng ký nhận tin bhyt”, "
        "“hủy đăng ký học bổng”, “tin mới”, “tôi đang theo dõi gì”, “xóa dữ liệu của tôi”.",
        "",
        f"Cần hỗ trợ trực tiếp, anh/chị vui lòng {contact_line(ward_name, hotline)}.",
    ]
    return "\n".join(lines)


def unknown_command(command: str) -> str:
    return f"Dạ, em chưa hiểu lệnh “{command}”. Anh/chị gõ /help để xem các lệnh nhé."


def thanks() -> str:
    return "Dạ, không có gì ạ! Anh/chị cần hỏi thêm gì cứ nhắn em nhé."


# --- answers ----------------------------------------------------------------------


def faq_source(ward_name: str) -> str:
    return f"Nguồn: Hỏi đáp thủ tục của {ward_name}"


def announcement_source(day: dt.date) -> str:
    return f"Thông báo ngày {vn_date(day)}"


def announcement_heading(day: dt.date, title: str) -> str:
    return f"{vn_date(day)} — {title}"


RELATED = "Câu hỏi liên quan:"
SUGGESTIONS = "Có thể anh/chị muốn hỏi một trong các câu sau:"
READ_MORE = "Xem thêm"
ORIGINAL_DOCUMENT = "Xem văn bản gốc"
FULL_TEXT_BUTTON = "📄 Xem toàn văn"
TRIMMED_NOTE = "(Nội dung đã rút gọn, bấm “Xem toàn văn” để đọc đầy đủ.)"


def no_answer(ward_name: str, hotline: str, *, suggestions: bool) -> str:
    parts = ["Xin lỗi, hiện chưa có thông tin về câu hỏi này."]
    if not suggestions:
        parts.append(
            "Anh/chị có thể hỏi lại bằng từ ngữ khác, nêu rõ tên thủ tục hoặc giấy tờ cần làm."
        )
    parts.append(f"Để được hỗ trợ trực tiếp, anh/chị vui lòng {contact_line(ward_name, hotline)}.")
    return "\n\n".join(parts)


def not_found() -> str:
    return "Dạ, nội dung này không còn nữa. Anh/chị vui lòng hỏi lại giúp em nhé."


# --- topics and subscriptions -----------------------------------------------------


def topics_list(names: Sequence[tuple[str, bool]]) -> str:
    """`names`: each topic's name and whether this chat follows it."""
    if not names:
        return "Dạ, hiện phường chưa mở chủ đề nhận tin nào."
    lines = ["Các chủ đề anh/chị có thể nhận tin:"]
    lines += [f"• {name}" + (" — đang nhận tin ✅" if followed else "") for name, followed in names]
    lines += [
        "",
        "Bấm nút bên dưới để bật/tắt nhận tin, hoặc nhắn “đăng ký nhận tin <tên chủ đề>”.",
    ]
    return "\n".join(lines)


def subscribe_button(name: str) -> str:
    return f"🔔 Nhận tin: {name}"


def unsubscribe_button(name: str) -> str:
    return f"🔕 Bỏ nhận tin: {name}"


TOPICS_BUTTON = "📋 Các chủ đề"
LATEST_BUTTON = "📰 Thông báo mới"


def subscribed(name: str) -> str:
    return (
        f"Dạ, đã đăng ký nhận tin về “{name}”. Khi phường có thông báo mới về chủ đề này, "
        "em sẽ nhắn ngay cho anh/chị."
    )


def already_subscribed(name: str) -> str:
    return f"Dạ, anh/chị đã đăng ký nhận tin về “{name}” rồi ạ."


def unsubscribed(name: str) -> str:
    return f"Dạ, đã hủy nhận tin về “{name}”. Anh/chị có thể đăng ký lại bất cứ lúc nào."


def not_subscribed(name: str) -> str:
    return f"Dạ, anh/chị chưa đăng ký nhận tin về “{name}” nên không cần hủy ạ."


def unsubscribed_all(count: int) -> str:
    if count == 0:
        return "Dạ, anh/chị hiện chưa nhận tin chủ đề nào nên không cần hủy ạ."
    return f"Dạ, đã hủy nhận tin tất cả {count} chủ đề. Anh/chị sẽ không nhận thêm tin nào."


def unknown_topic(text: str, names: Sequence[str]) -> str:
    lines = [f"Dạ, em chưa tìm thấy chủ đề “{text}”."]
    if names:
        lines += ["Các chủ đề hiện có:"] + [f"• {name}" for name in names]
    return "\n".join(lines)


def choose_topic_to_unsubscribe() -> str:
    return (
        "Dạ, anh/chị muốn hủy nhận tin chủ đề nào? "
        "Bấm nút bên dưới, hoặc nhắn “hủy đăng ký tất cả”."
    )


def mysubs(names: Sequence[str]) -> str:
    if not names:
        return "Dạ, anh/chị chưa đăng ký nhận tin chủ đề nào. Gõ /topics để xem các chủ đề."
    return "\n".join(["Anh/chị đang nhận tin về:", *(f"• {name}" for name in names)])


def latest(ward_name: str, headings: Sequence[str]) -> str:
    if not headings:
        return "Dạ, hiện chưa có thông báo mới nào."
    lines = [f"Các thông báo mới nhất của {ward_name}:"]
    lines += [f"• {heading}" for heading in headings]
    lines += ["", "Bấm vào từng thông báo để xem nội dung."]
    return "\n".join(lines)


def forget_done() -> str:
    return (
        "Dạ, đã xóa toàn bộ dữ liệu của anh/chị (các chủ đề đã đăng ký nhận tin). "
        "Anh/chị sẽ không nhận thêm tin nào; vẫn có thể tiếp tục hỏi đáp bình thường."
    )


# --- problems ---------------------------------------------------------------------


def please_type() -> str:
    return (
        "Dạ, hiện em chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi, "
        f"ví dụ: “{EXAMPLE_QUESTION}”"
    )


def too_long(limit: int) -> str:
    return (
        f"Dạ, tin nhắn hơi dài (quá {limit} ký tự) nên em chưa xử lý được. "
        "Anh/chị vui lòng hỏi ngắn gọn trong một hai câu, nêu rõ thủ tục cần hỏi nhé."
    )


def error(ward_name: str, hotline: str) -> str:
    return (
        "Xin lỗi, hệ thống đang gặp sự cố nên chưa trả lời được. Anh/chị vui lòng thử lại "
        f"sau ít phút, hoặc {contact_line(ward_name, hotline)}."
    )
