"""Typed configuration from environment variables (and a `.env` file), checked at start-up."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from wardbot.hours import OfficeHours


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message says which and how to fix it."""


class Secret(str):
    """A string that never shows itself in reprs, logs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('********')"


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}
DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_ZALO_BOT_API_BASE = "https://bot-api.zaloplatforms.com"
# How an on/off setting (SEMANTIC_MATCHING, WEB_CHAT) may be spelt; anything else is a
# mistake worth stopping for ("maybe", "of", "enabled").
ON = frozenset({"on", "yes", "true", "1"})
OFF = frozenset({"off", "no", "false", "0"})


def authority(scheme: str, netloc: str) -> str:
    """`host[:port]` as browsers write it in an origin: lower case, without the scheme's
    default port ("Phuong2.gov.vn:443" over https is "phuong2.gov.vn")."""
    host, _, port = netloc.strip().lower().rpartition(":")
    if not host or not port.isdigit() or "]" in port:  # no port (or an IPv6 address's colon)
        return netloc.strip().lower()
    return host if int(port) == DEFAULT_PORTS.get(scheme.lower()) else f"{host}:{int(port)}"


def web_address(value: str, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    """Whether `value` is an address with one of `schemes`, a host, and no space."""
    parts = urlsplit(value)
    return parts.scheme in schemes and bool(parts.hostname) and not re.search(r"\s", value)


def normal_origin(origin: str) -> str:
    """An origin as a browser's `location.origin` spells it: "HTTPS://Phuong2.gov.vn:443/"
    is "https://phuong2.gov.vn"."""
    scheme, _, rest = origin.strip().rstrip("/").partition("://")
    return f"{scheme.lower()}://{authority(scheme, rest)}"


def trusted_proxy(entry: str, alone: bool) -> None:
    """One FORWARDED_ALLOW_IPS entry as uvicorn reads it: an address, a network, or `*`
    (`alone`: the whole setting); ConfigError otherwise, since uvicorn takes anything else
    for a name no connection has, trusts no proxy, and every resident of the web chat
    counts as the proxy's one address."""
    if entry == "*" and alone:
        return
    try:
        if "/" not in entry:
            ipaddress.ip_address(entry)
            return
        ipaddress.ip_network(entry)  # uvicorn's reading: no host bits (172.17.0.0/16)
        return
    except ValueError:
        network = None
        if "/" in entry:
            with contextlib.suppress(ValueError):
                network = ipaddress.ip_network(entry, strict=False)
    if network is not None:
        raise ConfigError(
            f"FORWARDED_ALLOW_IPS entry {entry!r} is not a network: write {network} (or the "
            f"proxy's own address, {entry.partition('/')[0]})"
        )
    raise ConfigError(
        f"FORWARDED_ALLOW_IPS entry {entry!r} must be an IP address (the reverse proxy's, "
        "such as 172.17.0.1), a network such as 172.17.0.0/16, or * alone for any"
    )


# The channels whose users can be admins, and what their user ids look like: Telegram's
# are numbers; Zalo's are letters and digits ("8a1b..."). The web chat and the terminal
# have no users to name. An admin who sends an admin command in a private chat is told
# their own id in this form (wardbot.admin).
ADMIN_CHANNELS = {
    "telegram": (re.compile(r"[0-9]{1,20}"), "a number such as telegram:123456789"),
    "zalo": (re.compile(r"[A-Za-z0-9_-]{1,64}"), "letters and digits such as zalo:8a1b2c3d4e5f"),
}


def admin_id(entry: str) -> str:
    """One ADMIN_IDS entry as is_admin compares it ("Telegram: 123" is "telegram:123");
    ConfigError naming the entry when its channel is unknown or its id malformed, since
    such an entry would never match anyone."""
    channel, colon, user = entry.partition(":")
    channel, user = channel.strip().lower(), user.strip()
    how = "whoever sends the bot /stats in a private chat is told their own id"
    if not colon or channel not in ADMIN_CHANNELS:
        raise ConfigError(
            f"ADMIN_IDS entry {entry!r} must be 'telegram:<user id>' or 'zalo:<user id>', "
            f"separated by commas ({how})"
        )
    pattern, shape = ADMIN_CHANNELS[channel]
    if not pattern.fullmatch(user):
        raise ConfigError(
            f"ADMIN_IDS entry {entry!r}: a {channel.capitalize()} user id is {shape} ({how})"
        )
    return f"{channel}:{user}"


@dataclass(frozen=True)
class Settings:
    faq_file: Path = Path("faq.yaml")
    content_dir: Path = Path("content")
    data_dir: Path = Path("data")
    ward_name: str = "UBND phường"
    ward_hotline: str = ""
    telegram_token: Secret | None = None
    telegram_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    zalo_token: Secret | None = None
    zalo_api_base: str = DEFAULT_ZALO_BOT_API_BASE
    public_url: str | None = None
    telegram_webhook_secret: Secret | None = None
    zalo_webhook_secret: Secret | None = None
    http_port: int = 8080
    admin_ids: frozenset[str] = field(default_factory=frozenset)
    question_log_days: int = 90
    semantic: bool = True  # match by meaning too (SEMANTIC_MATCHING=off: words only)
    max_notice_kb: int = 200  # a larger notice is skipped and reported (MAX_NOTICE_KB)
    # "Hỏi cán bộ" (wardbot.desk): the Telegram group where ward staff answer residents,
    # and whether answers are signed with the officer's name ('name') or the ward's.
    staff_chat_id: int | None = None
    staff_signature: str = "ward"
    office_hours: OfficeHours | None = None  # when staff answer residents (OFFICE_HOURS)
    # The web chat (handlers.webchat): on or off, the sites that may embed its widget, and
    # how long a browser session's history is kept.
    web_chat: bool = False
    web_allowed_origins: tuple[str, ...] = ()
    web_history_days: int = 30
    zalo_bot_url: str | None = None  # the ward's Zalo bot, offered to web visitors for alerts
    # The ward portal's RSS/Atom feeds that `bot.py run` imports announcements from
    # (wardbot.portal), and how often it reads them.
    portal_feeds: tuple[str, ...] = ()
    portal_poll_minutes: int = 15
    # How long an alert waits for the other notices of its burst, to go out with them as
    # one message (wardbot.outbox); 0: at once.
    alert_gather_seconds: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def secret(name: str) -> Secret | None:
            value = text(name)
            return Secret(value) if value else None

        def whole(name: str, default: int, what: str, least: int, most: int | None = None) -> int:
            raw = text(name) or str(default)
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be {what}, got {raw!r}") from None
            if value < least or (most is not None and value > most):
                bound = f"between {least} and {most}" if most is not None else f"at least {least}"
                raise ConfigError(f"{name} must be {bound}, got {value}")
            return value

        def switch(name: str, default: bool) -> bool:
            """An on/off setting: on, yes, true, 1 or off, no, false, 0 (any case)."""
            raw = text(name)
            if raw is None:
                return default
            value = raw.lower()
            if value not in ON | OFF:
                raise ConfigError(f"{name} must be 'on' or 'off', got {raw!r}")
            return value in ON

        def items(name: str) -> tuple[str, ...]:
            """A comma-separated list, without blanks."""
            return tuple(part.strip() for part in (text(name) or "").split(",") if part.strip())

        port = whole("HTTP_PORT", cls.http_port, "a port number", 1, 65535)
        log_days = whole("QUESTION_LOG_DAYS", cls.question_log_days, "a number of days", 0)
        notice_kb = whole("MAX_NOTICE_KB", cls.max_notice_kb, "a size in kilobytes", 1)

        admins = frozenset(admin_id(entry) for entry in items("ADMIN_IDS"))

        staff_text = text("STAFF_CHAT_ID")
        staff_chat: int | None = None
        if staff_text is not None:
            try:
                staff_chat = int(staff_text)
            except ValueError:
                raise ConfigError(
                    f"STAFF_CHAT_ID must be the staff group's numeric id (like -1001234567890), "
                    f"got {staff_text!r}"
                ) from None
        signature = (text("STAFF_SIGNATURE") or "ward").lower()
        if signature not in ("ward", "name"):
            raise ConfigError(f"STAFF_SIGNATURE must be 'ward' or 'name', got {signature!r}")
        hours_text = text("OFFICE_HOURS")
        office_hours = OfficeHours.parse(hours_text) if hours_text else None

        proxies = items("FORWARDED_ALLOW_IPS")  # read by uvicorn itself: only checked here
        for proxy in proxies:
            trusted_proxy(proxy, alone=len(proxies) == 1)
        origins = tuple(origin.rstrip("/") for origin in items("WEB_ALLOWED_ORIGINS"))
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ConfigError(
                    f"WEB_ALLOWED_ORIGINS entry {origin!r} must be an origin such as "
                    "'https://phuong2.gov.vn' (scheme and host, no path)"
                )
        # As browsers spell an origin (the widget compares it with location.origin).
        origins = tuple(dict.fromkeys(normal_origin(origin) for origin in origins))
        history_days = whole("WEB_HISTORY_DAYS", cls.web_history_days, "a number of days", 1)
        feeds = items("PORTAL_FEEDS")
        for feed in feeds:
            if not web_address(feed):
                raise ConfigError(
                    f"PORTAL_FEEDS entry {feed!r} must be a feed's web address "
                    "(http:// or https://), several separated by commas"
                )
        zalo_bot_url = text("ZALO_BOT_URL")
        if zalo_bot_url is not None and not web_address(zalo_bot_url):
            raise ConfigError(
                f"ZALO_BOT_URL must be a web address such as https://zalo.me/1234567890 "
                f"(the ward's Zalo bot, offered to web chat visitors), got {zalo_bot_url!r}"
            )
        poll_minutes = whole(
            "PORTAL_POLL_MINUTES", cls.portal_poll_minutes, "a number of minutes", 1
        )

        gather = whole(
            "ALERT_GATHER_SECONDS", cls.alert_gather_seconds, "a number of seconds", 0, 600
        )

        settings = cls(
            faq_file=Path(text("FAQ_FILE") or "faq.yaml"),
            content_dir=Path(text("CONTENT_DIR") or "content"),
            data_dir=Path(text("DATA_DIR") or "data"),
            ward_name=text("WARD_NAME") or cls.ward_name,
            ward_hotline=text("WARD_HOTLINE") or "",
            telegram_token=secret("TELEGRAM_BOT_TOKEN"),
            telegram_base_url=text("TELEGRAM_BASE_URL") or DEFAULT_TELEGRAM_BASE_URL,
            zalo_token=secret("ZALO_BOT_TOKEN"),
            zalo_api_base=(text("ZALO_BOT_API_BASE") or DEFAULT_ZALO_BOT_API_BASE).rstrip("/"),
            public_url=(text("PUBLIC_URL") or "").rstrip("/") or None,
            telegram_webhook_secret=secret("TELEGRAM_WEBHOOK_SECRET"),
            zalo_webhook_secret=secret("ZALO_WEBHOOK_SECRET"),
            http_port=port,
            admin_ids=admins,
            question_log_days=log_days,
            semantic=switch("SEMANTIC_MATCHING", cls.semantic),
            max_notice_kb=notice_kb,
            staff_chat_id=staff_chat,
            staff_signature=signature,
            office_hours=office_hours,
            web_chat=switch("WEB_CHAT", cls.web_chat),
            web_allowed_origins=origins,
            web_history_days=history_days,
            zalo_bot_url=zalo_bot_url,
            portal_feeds=feeds,
            portal_poll_minutes=poll_minutes,
            alert_gather_seconds=gather,
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Checks across settings; each channel's own are in its wardbot.channels entry."""
        from wardbot import channels  # the registry reads these settings

        if self.public_url and not web_address(self.public_url, ("https",)):
            raise ConfigError(
                "PUBLIC_URL must be the https:// address of this bot, such as "
                "https://bot.phuong2.gov.vn (Telegram and Zalo require https)"
            )
        channels.check(self)
        if self.staff_chat_id is not None and not self.telegram_token:
            raise ConfigError(
                "STAFF_CHAT_ID is set, but ward staff answer in a Telegram group: "
                "TELEGRAM_BOT_TOKEN is required too"
            )
        if self.staff_chat_id is not None and self.staff_chat_id >= 0:
            raise ConfigError(
                f"STAFF_CHAT_ID must be a group's id, which is negative "
                f"(like -1001234567890), got {self.staff_chat_id}"
            )

    def open_engine(  # type: ignore[no-untyped-def]
        self, *, background_vectors: bool = False, embed_at_most: int | None = None
    ):
        """The answer engine over these files, matching by meaning when enabled.

        With `background_vectors` the engine answers at once (lexically) while document
        vectors are computed; otherwise they are computed before this returns (unless
        more documents than `embed_at_most` lack them: see Engine.open).
        """
        from wardbot.engine import Engine  # heavy (Whoosh, the embedder): only when used
        from wardbot.semantic import load_embedder

        return Engine.open(
            self.faq_file,
            self.content_dir,
            self.data_dir,
            embedder=load_embedder() if self.semantic else None,
            background_vectors=background_vectors,
            max_notice_bytes=self.max_notice_bytes,
            embed_at_most=embed_at_most,
        )

    @property
    def max_notice_bytes(self) -> int:
        return self.max_notice_kb * 1024

    def is_admin(self, channel: str, user_id: str | int) -> bool:
        return f"{channel}:{user_id}" in self.admin_ids
