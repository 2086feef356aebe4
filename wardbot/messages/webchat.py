"""The web chat's own texts (handlers.webchat): its page and widget, its limits, and where it
sends residents for alerts.
"""

from __future__ import annotations

from wardbot.messages.common import channel_name, contact_line, unit

WEB_WIDGET_BUTTON = "Hỏi đáp"  # the widget draws its own chat icon (emoji fonts vary)
WEB_WIDGET_CLOSE = "Đóng"
# Beside the chat button, while the panel is closed and a reply has come (a staff answer).
WEB_WIDGET_UNREAD = "có tin nhắn mới"
WEB_FORBIDDEN = "Yêu cầu không hợp lệ. Anh/chị vui lòng tải lại trang."
WEB_BAD_REQUEST = "Tin nhắn không hợp lệ. Anh/chị vui lòng tải lại trang và thử lại."
# Too many pages open at once from one network (or on the whole bot): the page falls back
# to polling, so a resident never reads it; a client calling the API by hand does.
WEB_BUSY = "Hệ thống đang bận, anh/chị vui lòng thử lại sau ít phút."
# The full page opened from the widget with a link that is no longer good (used, or past
# its two minutes): it shows this browser's own conversation instead.
WEB_HANDOFF_EXPIRED = (
    "Đường dẫn mở toàn trang đã hết hạn. Anh/chị vui lòng bấm “Mở toàn trang” trong khung "
    "hỏi đáp một lần nữa."
)
WEB_WIDGET_RETRY = "Thử lại"


def web_widget_failed(ward_name: str, hotline: str) -> str:
    """In the widget's panel, or on the chat page, when the chat could not load (a flaky
    network, the bot restarting)."""
    return (
        "Chưa tải được khung hỏi đáp. Anh/chị vui lòng bấm “Thử lại”, hoặc "
        f"{contact_line(ward_name, hotline)}."
    )


def web_noscript(ward_name: str, hotline: str) -> str:
    """On the chat page, in a browser with JavaScript turned off (a data-saving mode, a
    setting changed long ago): the chat cannot work there, and reloading will not help."""
    return (
        "Trang hỏi đáp cần JavaScript, nhưng trình duyệt của anh/chị đang tắt JavaScript. "
        "Anh/chị vui lòng bật JavaScript trong phần cài đặt của trình duyệt rồi tải lại "
        f"trang, hoặc {contact_line(ward_name, hotline)}."
    )


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
        "full_page": "Mở toàn trang",
        "handoff_expired": WEB_HANDOFF_EXPIRED,
    }
