"""The chat channels the bot can run on, in one registry.

A channel is one module in handlers/ whose class is built from (settings, conversation)
and implements `Channel`, plus its settings in wardbot.config. Adding one means adding a
`ChannelSpec` here: `bot.py run` starts every enabled channel, the alert sender pushes
through those that can push, and `bot.py announce` queues alerts for their subscribers.
Channel modules are imported only when enabled (python-telegram-bot is heavy).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from starlette.routing import BaseRoute

from wardbot import messages as msg
from wardbot.config import ConfigError, Settings, quoted_setting, setting_error, web_address
from wardbot.delivery import Deliverer

if TYPE_CHECKING:
    from wardbot.conversation import Conversation


class Channel(Deliverer, Protocol):
    """A chat platform the bot runs on (handlers.telegram, handlers.zalo, handlers.webchat)."""

    def routes(self) -> list[BaseRoute]: ...
    async def start(self) -> None: ...
    # Receive no more messages, still sending: the bot stopping asks this first, before it
    # waits for the alerts under way, then `stop`s the channel.
    async def stop_receiving(self) -> None: ...
    async def stop(self) -> None: ...
    def is_running(self) -> bool: ...


def _no_checks(settings: Settings) -> None:
    return None


@dataclass(frozen=True)
class ChannelSpec:
    """One channel: its name (in chat references and ADMIN_IDS), where its class is
    ("module:Class"), when it is on, whether alerts can be pushed to its chats, and the
    checks its settings need beyond their types (ConfigError with what to fix)."""

    name: str
    factory: str
    enabled: Callable[[Settings], bool]
    pushes: bool = True
    check: Callable[[Settings], None] = _no_checks

    def build(self, settings: Settings, conversation: Conversation) -> Channel:
        module, _, cls = self.factory.partition(":")
        channel: Channel = getattr(importlib.import_module(module), cls)(settings, conversation)
        return channel


# Telegram's rule for a webhook's secret_token: setWebhook refuses anything else.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Zalo's lengths for its webhook's secret.
ZALO_SECRET_CHARS = (8, 256)
# A webhook's secret is all that tells the platform's requests from anyone's: whoever has it
# posts messages in any resident's or admin's name (an admin's /broadcast to every follower,
# say). Shorter than this, one the platform takes may be found by trying: warned of at each
# start (not refused: the platforms take it, and a ward running on one keeps running).
SAFE_SECRET_CHARS = 16
# Secrets printed in the bot's own source as examples in its earlier versions: anyone can
# read them, so a bot set up with one of them copied is open to anyone.
PUBLISHED_SECRETS = frozenset({"phuong2-bi-mat-2026"})
# A bot token as @BotFather and Zalo give it: the bot's id, a colon, its secret. Telegram's
# id is a number; Zalo documents only `<bot_id>:<secret>`, so anything without a space is
# left for Zalo to judge.
_TELEGRAM_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
_ZALO_TOKEN = re.compile(r"[^\s:]+:\S+")


def _token_check(name: str, token: str, shape: re.Pattern[str]) -> None:
    """ConfigError (never showing the token) when `token` cannot be a bot token: the
    platform would refuse it at every try, and the bot would say to copy it again."""
    if "'" in token or '"' in token:
        raise quoted_setting(name)
    if not shape.fullmatch(token):
        raise setting_error(
            name,
            "không phải mã bot: mã bot gồm số hiệu của bot, dấu hai chấm rồi phần bí mật, "
            "không có dấu cách; hãy chép lại cả mã",
        )


def _base_check(name: str, base: str) -> None:
    """Not shown: a token pasted into it by mistake would be."""
    if not web_address(base):
        raise setting_error(name, "phải là một địa chỉ web bắt đầu bằng http:// hoặc https://")


# The only ports Telegram's setWebhook accepts in a webhook's address.
TELEGRAM_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})


def _telegram_checks(settings: Settings) -> None:
    if settings.telegram_token:
        _token_check("TELEGRAM_BOT_TOKEN", settings.telegram_token, _TELEGRAM_TOKEN)
    _base_check("TELEGRAM_BASE_URL", settings.telegram_base_url)
    if settings.public_url and not settings.telegram_webhook_secret:
        raise _needed_with_public_url("TELEGRAM_WEBHOOK_SECRET")
    port = urlsplit(settings.public_url or "").port  # a number: Settings.validate
    if port is not None and port not in TELEGRAM_WEBHOOK_PORTS:
        raise setting_error(
            "PUBLIC_URL",
            f"cổng {port}: Telegram chỉ gửi tin tới các cổng 443, 80, 88 hoặc 8443 (hãy đặt "
            "bot sau một proxy ở một trong các cổng đó)",
        )
    secret = settings.telegram_webhook_secret
    if secret and not _TELEGRAM_SECRET.fullmatch(secret):
        raise setting_error(
            "TELEGRAM_WEBHOOK_SECRET",
            "phải dài từ 1 đến 256 ký tự, mỗi ký tự là chữ A-Z hoặc a-z (không dấu), chữ số, "
            "dấu _ hoặc dấu - (quy định của Telegram)",
        )
    _unpublished("TELEGRAM_WEBHOOK_SECRET", secret)


def _zalo_checks(settings: Settings) -> None:
    if settings.zalo_token:
        _token_check("ZALO_BOT_TOKEN", settings.zalo_token, _ZALO_TOKEN)
    _base_check("ZALO_BOT_API_BASE", settings.zalo_api_base)
    if settings.public_url and not settings.zalo_webhook_secret:
        raise _needed_with_public_url("ZALO_WEBHOOK_SECRET")
    if settings.zalo_webhook_secret and not zalo_secret_fits(settings.zalo_webhook_secret):
        raise zalo_secret_error()
    _unpublished("ZALO_WEBHOOK_SECRET", settings.zalo_webhook_secret)


def zalo_secret_fits(secret: str) -> bool:
    """Whether Zalo takes a webhook's secret of this length."""
    low, high = ZALO_SECRET_CHARS
    return low <= len(secret) <= high


def zalo_secret_error() -> ConfigError:
    """ZALO_WEBHOOK_SECRET of a length Zalo refuses."""
    low, high = ZALO_SECRET_CHARS
    return setting_error(
        "ZALO_WEBHOOK_SECRET", f"phải dài từ {low} đến {high} ký tự (quy định của Zalo)"
    )


def weak_secrets(settings: Settings) -> list[str]:
    """A warning for each webhook secret in use shorter than SAFE_SECRET_CHARS, with a
    random one to use instead (never the secret itself)."""
    used = (
        ("TELEGRAM_WEBHOOK_SECRET", settings.telegram_token, settings.telegram_webhook_secret),
        ("ZALO_WEBHOOK_SECRET", settings.zalo_token, settings.zalo_webhook_secret),
    )
    return [
        msg.secret_too_short(name, len(secret), SAFE_SECRET_CHARS)
        for name, token, secret in used
        if token and settings.public_url and secret and len(secret) < SAFE_SECRET_CHARS
    ]


def _unpublished(name: str, secret: str | None) -> None:
    if secret in PUBLISHED_SECRETS:
        raise setting_error(
            name,
            "chuỗi này là ví dụ in sẵn trong mã nguồn của bot, ai cũng đọc được: hãy dùng "
            "một chuỗi ngẫu nhiên của riêng phường",
        )


def _needed_with_public_url(name: str) -> ConfigError:
    return setting_error(
        name,
        "đang để trống, trong khi đã đặt PUBLIC_URL: bot nhận tin qua địa chỉ đó cần có cả"
        " chuỗi bí mật này",
    )


# The settings the Zalo Official Account channel needs, all of them: the channel is on when
# they are all set (and PUBLIC_URL: the OA API has no polling).
ZALO_OA_SETTINGS = {
    "ZALO_OA_APP_ID": "zalo_oa_app_id",
    "ZALO_OA_APP_SECRET": "zalo_oa_app_secret",
    "ZALO_OA_SECRET_KEY": "zalo_oa_secret_key",
    "ZALO_OA_REFRESH_TOKEN": "zalo_oa_refresh_token",
}
_ZALO_OA_APP_ID = re.compile(r"[0-9]{1,30}")
_NO_SPACE = re.compile(r"\S+")


def _zalo_oa_on(settings: Settings) -> bool:
    return all(getattr(settings, field) for field in ZALO_OA_SETTINGS.values())


def _zalo_oa_partly(settings: Settings) -> None:
    """Some of the OA channel's settings without the others: a setup half done, which
    would leave the channel silently off."""
    given = [name for name, field in ZALO_OA_SETTINGS.items() if getattr(settings, field)]
    if given and len(given) < len(ZALO_OA_SETTINGS):
        missing = ", ".join(name for name in ZALO_OA_SETTINGS if name not in given)
        raise setting_error(
            missing.partition(",")[0],
            f"đang để trống, trong khi đã đặt {given[0]}: kênh Zalo Official Account cần đủ "
            f"cả {missing}",
        )


def _zalo_oa_checks(settings: Settings) -> None:
    if not settings.public_url:
        raise setting_error(
            "PUBLIC_URL",
            "đang để trống, trong khi kênh Zalo Official Account (ZALO_OA_APP_ID...) cần nó: "
            "Zalo gửi tin nhắn của OA tới PUBLIC_URL/zalo-oa",
        )
    if not _ZALO_OA_APP_ID.fullmatch(str(settings.zalo_oa_app_id)):
        raise setting_error(
            "ZALO_OA_APP_ID",
            "phải là mã ứng dụng như trang developers.zalo.me hiển thị (chỉ gồm chữ số)",
        )
    for name, field in ZALO_OA_SETTINGS.items():
        value = str(getattr(settings, field))
        if "'" in value or '"' in value:
            raise quoted_setting(name)
        if not _NO_SPACE.fullmatch(value):
            raise setting_error(name, "giá trị có dấu cách: hãy chép lại cả giá trị")
    _base_check("ZALO_OA_API_BASE", settings.zalo_oa_api_base)
    _base_check("ZALO_OA_OAUTH_BASE", settings.zalo_oa_oauth_base)


SPECS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "telegram",
        "handlers.telegram:TelegramChannel",
        lambda s: bool(s.telegram_token),
        check=_telegram_checks,
    ),
    ChannelSpec(
        "zalo",
        "handlers.zalo:ZaloChannel",
        lambda s: bool(s.zalo_token),
        check=_zalo_checks,
    ),
    ChannelSpec(
        "zalo-oa",
        "handlers.zalo_oa:ZaloOaChannel",
        _zalo_oa_on,
        check=_zalo_oa_checks,
    ),
    # A closed page cannot be pushed to: web visitors follow topics on Zalo or Telegram.
    ChannelSpec("web", "handlers.webchat:WebChatChannel", lambda s: s.web_chat, pushes=False),
)

# Channels whose chats alerts can be pushed to.
PUSH_CHANNELS = tuple(spec.name for spec in SPECS if spec.pushes)


def enabled(settings: Settings) -> list[ChannelSpec]:
    """The channels these settings turn on, in the registry's order."""
    return [spec for spec in SPECS if spec.enabled(settings)]


def pushing(settings: Settings) -> list[str]:
    """The channels alerts are queued for with these settings: those turned on that push.
    `bot.py run` queues for these, and so do `announce` and `import` in the same
    environment (a channel the ward does not run would keep its alerts waiting forever,
    to go out months later if it is turned on)."""
    return [spec.name for spec in enabled(settings) if spec.pushes]


def check(settings: Settings) -> None:
    """Every enabled channel's own checks; ConfigError on the first problem."""
    _zalo_oa_partly(settings)
    for spec in enabled(settings):
        spec.check(settings)


def no_push(settings: Settings | None = None) -> frozenset[str]:
    """Channels whose chats alerts cannot reach."""
    return frozenset(spec.name for spec in SPECS if not spec.pushes)


def build(settings: Settings, conversation: Conversation) -> list[Channel]:
    """One instance of each enabled channel, serving `conversation`."""
    return [spec.build(settings, conversation) for spec in enabled(settings)]
