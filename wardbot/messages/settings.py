"""What ward staff read when a setting (the .env file, the environment) is wrong: which
setting, what is wrong with it, and a right value to copy. The checks themselves
(wardbot.config, wardbot.hours, wardbot.channels) say the middle part; this module gives
every problem the same shape."""

from __future__ import annotations

import re
import secrets

from wardbot.messages.common import figure

# A right value of each setting, to show beside a problem with it (what staff copy): as
# written, each is accepted (tests/test_cli.py); where it comes from is _WHERE_FROM's.
SETTING_EXAMPLES: dict[str, str] = {
    "FAQ_FILE": "faq.yaml",
    "CONTENT_DIR": "content",
    "DATA_DIR": "data",
    "WARD_NAME": "UBND Phường 2",
    "WARD_HOTLINE": "0276 3822 123",
    "WARD_ADDRESS": "Số 12 Nguyễn Huệ, khu phố 3",
    "TELEGRAM_BOT_TOKEN": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "TELEGRAM_BASE_URL": "https://api.telegram.org/bot",
    "ZALO_BOT_TOKEN": "1234567890:aBcD1234eFgH5678iJkL",
    "ZALO_BOT_API_BASE": "https://bot-api.zaloplatforms.com",
    "ZALO_OA_APP_ID": "1234567890123456789",
    "ZALO_OA_APP_SECRET": "aBcD1234eFgH5678",
    "ZALO_OA_SECRET_KEY": "aBcD1234eFgH5678",
    "ZALO_OA_REFRESH_TOKEN": "aBcD1234eFgH5678",
    "ZALO_OA_API_BASE": "https://openapi.zalo.me",
    "ZALO_OA_OAUTH_BASE": "https://oauth.zaloapp.com",
    "PUBLIC_URL": "https://bot.phuong2.gov.vn",
    # Made afresh each time the bot runs: a fixed example is public, and a bot whose
    # secret was copied from it is open to anyone who reads it.
    "TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(18),
    "ZALO_WEBHOOK_SECRET": secrets.token_urlsafe(18),
    "HTTP_PORT": "8080",
    "ADMIN_IDS": "telegram:123456789,zalo:8a1b2c3d4e5f",
    "QUESTION_LOG_DAYS": "90",
    "SEMANTIC_MATCHING": "on",
    "MAX_NOTICE_KB": "200",
    "STAFF_CHAT_ID": "-1001234567890",
    "STAFF_SIGNATURE": "ward",
    "OFFICE_CLOSED": "1/1, 30/4-1/5, 2/9, 5/2/2027-13/2/2027",
    "OFFICE_HOURS": "T2-T6 7:30-11:30 13:30-17:00; T7 7:30-11:30",
    "FORWARDED_ALLOW_IPS": "172.17.0.1",
    "WEB_CHAT": "on",
    "WEB_ALLOWED_ORIGINS": "https://phuong2.gov.vn",
    "WEB_HISTORY_DAYS": "30",
    "ZALO_BOT_URL": "https://zalo.me/1234567890",
    "ZALO_BOT_NAME": "Bot Phường 2",
    "PORTAL_FEEDS": "https://phuong2.gov.vn/rss/thong-bao.rss",
    "PORTAL_POLL_MINUTES": "15",
    "ALERT_GATHER_SECONDS": "30",
    "QUIET_HOURS": "21:30-6:30",
    "WEEKLY_REPORT": "on",
}


_TOKENS = ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN")  # the chat channels' (no_channel)

# Where a secret setting's value comes from: said before its example, not inside it
# (a note copied with the value would be part of it).
_WHERE_FROM = {
    "TELEGRAM_BOT_TOKEN": "mã bot @BotFather gửi khi tạo bot",
    "ZALO_BOT_TOKEN": "mã bot Zalo Bot Creator gửi khi tạo bot",
    "ZALO_OA_APP_SECRET": "khóa bí mật của ứng dụng trên developers.zalo.me",
    "ZALO_OA_SECRET_KEY": "khóa bí mật của OA trên developers.zalo.me",
    "ZALO_OA_REFRESH_TOKEN": "refresh token lấy trên developers.zalo.me",
}

# What may be a secret in a value a problem quotes: a bot token's secret after its id
# (`123456789:AAE...`), or the value of a secret setting written on the same line
# (`WEB_CHAT=on TELEGRAM_BOT_TOKEN=...`, a line break lost).
_TOKEN_SECRET = re.compile(r"\b(\d{5,}):[A-Za-z0-9_-]{8,}")
_SECRET_SETTING = re.compile(r"\b([A-Z][A-Z0-9_]*(?:TOKEN|SECRET|SECRET_KEY))=[^\s”]+")
_MASK = "********"


def _masked(text: str) -> str:
    """`text` with what may be a secret in it masked: a message staff read may be pasted
    anywhere (a chat asking for help, an issue), a token in it gives the bot away."""
    text = _SECRET_SETTING.sub(rf"\1={_MASK}", text)
    return _TOKEN_SECRET.sub(rf"\1:{_MASK}", text)


def wrong_setting(name: str, problem: str, example: str | None = None) -> str:
    """A problem with the setting `name`: `problem` says what is wrong (a clause, no full
    stop; a value it quotes is masked where it may hold a secret), `example` a right value
    (default: SETTING_EXAMPLES'; "" for none)."""
    right = SETTING_EXAMPLES.get(name, "") if example is None else example
    text = f"Cài đặt {name} chưa đúng: {_masked(problem)}."
    if name in _WHERE_FROM and right:
        text += f" {name} là {_WHERE_FROM[name]}."
    return f"{text} Ví dụ viết đúng: {name}={right}" if right else text


def config_stopped(problem: str) -> str:
    """What `bot.py` prints, then stops, when a setting is wrong."""
    return f"Lỗi cấu hình, bot chưa chạy được: {problem}"


def config_warned(warning: str) -> str:
    """What `bot.py` prints, and goes on, for a setting that is likely a mistake."""
    return f"Cảnh báo cấu hình: {warning}"


def secret_too_short(name: str, length: int, safe: int) -> str:
    """A webhook's secret the platform takes but anyone may find by trying."""
    return (
        f"{name} chỉ dài {figure(length)} ký tự: người ngoài có thể dò thử ra và gửi tin vào "
        f"bot dưới tên cán bộ quản trị; hãy đổi sang một chuỗi ngẫu nhiên từ {figure(safe)} ký "
        f"tự trở lên, ví dụ {name}={secrets.token_hex(12)}"
    )


def no_channel() -> str:
    """What `bot.py run` says, then stops, with no chat channel set: how to get one."""
    telegram, zalo = (f"{name}={SETTING_EXAMPLES[name]}" for name in _TOKENS)
    return (
        "Chưa cài đặt kênh chat nào, nên bot chưa có gì để chạy. Hãy cài đặt Telegram, Zalo "
        "hoặc cả hai; một lần chạy phục vụ cả hai kênh cùng lúc.\n\n"
        "Để đưa bot lên Telegram:\n"
        "1. Trong Telegram, mở @BotFather (https://t.me/BotFather) và gửi /newbot; đặt tên "
        "hiển thị, rồi tên người dùng kết thúc bằng “bot”.\n"
        "2. BotFather gửi lại mã bot; ghi mã đó vào tệp `.env` trên một dòng riêng, dạng "
        f"{telegram}\n"
        "3. Chạy lại `python bot.py run`.\n\n"
        "Để đưa bot lên Zalo (Zalo Bot Platform):\n"
        "1. Trong ứng dụng Zalo, mở Official Account “Zalo Bot Manager” và chọn “Tạo bot” "
        "(Bot Creator); tên bot phải bắt đầu bằng “Bot”.\n"
        "2. Zalo gửi mã bot trong một tin nhắn Zalo; ghi mã đó vào tệp `.env` trên một dòng "
        f"riêng, dạng {zalo}\n"
        "3. Chạy lại `python bot.py run`.\n\n"
        "Để mở khung chat trên trang web của UBND (không cần mã bot), đặt WEB_CHAT=on; xem "
        "mục “Web chat” trong README.\n\n"
        "Để thử bot mà không cần mã nào, trò chuyện với bot ngay trong cửa sổ lệnh: "
        "`python bot.py chat`"
    )


def data_folder_taken(pid: str, folder: str) -> str:
    """A second `bot.py run` on the data `folder` another, process `pid`, serves."""
    return (
        f"một `bot.py run` khác (pid {pid}) đang dùng thư mục dữ liệu {folder}: hãy dừng "
        "bot đó trước, hoặc cho bot này một thư mục riêng (DATA_DIR)"
    )


def port_taken(port: int) -> str:
    """`bot.py run` with HTTP_PORT already in use (most often by a bot already running)."""
    return (
        f"cổng {port} đang được một chương trình khác dùng (có thể bot đã đang chạy): hãy "
        "dừng chương trình đó, hoặc đặt HTTP_PORT là một cổng còn trống"
    )


def port_refused(host: str, port: int, reason: str) -> str:
    """`bot.py run` cannot listen on HTTP_PORT for another reason than its being in use
    (`reason`, the system's: a port below 1024 without the right to it, say)."""
    return f"không mở được cổng {host}:{port} ({reason}): hãy đặt HTTP_PORT là một cổng khác"


def web_not_started(host: str, port: int) -> str:
    """The web server stopped while starting, on `host`:`port` (HTTP_PORT)."""
    return f"máy chủ web của bot không khởi động được trên {host}:{port} (HTTP_PORT)"


def folder_not_allowed(place: str, setting: str, uid: int, gid: int) -> str:
    """`bot.py run` refused a folder or file (`place`, set by `setting`: DATA_DIR,
    CONTENT_DIR, FAQ_FILE) by the system: the user it runs as may not open it."""
    return (
        f"người dùng chạy bot (uid {uid}) không có quyền mở {place} ({setting}). Hãy cấp "
        f"quyền cho người dùng đó (sudo chown -R {uid}:{gid} {place}), hoặc đặt {setting} "
        "là một nơi bot được dùng"
    )
