"""Typed configuration from environment variables (and a `.env` file), checked at start-up.

`Settings` is what the bot uses: a frozen dataclass. `Settings.from_env` has pydantic-settings
read and check each variable (`Environment`, at the end), then checks them across each other
(`Settings.validate`); every problem is a ConfigError in words for the ward's operator.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import os
import re
import stat
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, get_args
from urllib.parse import urlsplit

from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from wardbot import messages as msg
from wardbot.hours import Closures, OfficeHours, QuietHours

# Alerts composed from 21:30 to 6:30 Vietnam time wait for the morning (QUIET_HOURS).
DEFAULT_QUIET_HOURS = QuietHours(21 * 60 + 30, 6 * 60 + 30)


class ConfigError(ValueError):
    """A configuration value is missing or wrong; the message says which and how to fix it."""


def setting_error(name: str, problem: str, example: str | None = None) -> ConfigError:
    """The ConfigError of a wrong setting, in the words of ward staff, who set the .env:
    `name`, `problem` (a Vietnamese clause), a right value (messages.wrong_setting)."""
    return ConfigError(msg.wrong_setting(name, problem, example))


class Secret(str):
    """A string that never shows itself in reprs, logs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('********')"


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}
DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_ZALO_BOT_API_BASE = "https://bot-api.zaloplatforms.com"
# The Zalo Official Account API v3 and the OAuth server that renews its tokens.
DEFAULT_ZALO_OA_API_BASE = "https://openapi.zalo.me"
DEFAULT_ZALO_OA_OAUTH_BASE = "https://oauth.zaloapp.com"
# How an on/off setting (SEMANTIC_MATCHING, WEB_CHAT; QUIET_HOURS's off) may be spelt;
# anything else is a mistake worth stopping for ("maybe", "of", "enabled").
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
        raise setting_error(
            "FORWARDED_ALLOW_IPS",
            f"“{entry}” không phải một dải mạng; hãy viết {network}, hoặc chính địa chỉ của "
            f"proxy là {entry.partition('/')[0]}",
            str(network),
        )
    raise setting_error(
        "FORWARDED_ALLOW_IPS",
        f"“{entry}” phải là địa chỉ IP của proxy ngược (như 172.17.0.1), một dải mạng (như "
        "172.17.0.0/16), hoặc chỉ một dấu * để tin mọi địa chỉ",
    )


# The channels whose users can be admins, and what their user ids look like: Telegram's
# are numbers; Zalo's are letters and digits ("8a1b..."). The web chat and the terminal
# have no users to name. An admin who sends an admin command in a private chat is told
# their own id in this form (wardbot.admin).
ADMIN_CHANNELS = {
    "telegram": (re.compile(r"[0-9]{1,20}"), "một dãy chữ số", "telegram:123456789"),
    "zalo": (re.compile(r"[A-Za-z0-9_-]{1,64}"), "một dãy chữ và số", "zalo:8a1b2c3d4e5f"),
    # A Zalo Official Account's follower: a number, as the OA's webhook names them.
    "zalo-oa": (re.compile(r"[0-9]{1,25}"), "một dãy chữ số", "zalo-oa:2512523625412515"),
}


# Telegram's GroupAnonymousBot: the sender of a group administrator's anonymous messages.
TELEGRAM_ANONYMOUS_ADMIN = "1087968824"


def admin_id(entry: str) -> str:
    """One ADMIN_IDS entry as is_admin compares it ("Telegram: 123" is "telegram:123");
    ConfigError naming the entry when its channel is unknown or its id malformed, since
    such an entry would never match anyone."""
    channel, colon, user = entry.partition(":")
    channel, user = channel.strip().lower(), user.strip()
    how = "cán bộ nhắn /stats cho bot trong tin nhắn riêng sẽ được bot cho biết mã của mình"
    if not colon or channel not in ADMIN_CHANNELS:
        raise setting_error(
            "ADMIN_IDS",
            f"“{entry}” phải có dạng telegram:<mã người dùng>, zalo:<mã người dùng> hoặc "
            f"zalo-oa:<mã người dùng> (Zalo Official Account), các mã cách nhau bằng dấu phẩy "
            f"({how})",
        )
    pattern, shape, example = ADMIN_CHANNELS[channel]
    if re.search(r";|telegram:|zalo:|zalo-oa:", user, re.IGNORECASE):  # two ids, no commas
        raise setting_error(
            "ADMIN_IDS", f"“{entry}” gồm nhiều mã: các mã phải cách nhau bằng dấu phẩy ({how})"
        )
    if not pattern.fullmatch(user):
        raise setting_error(
            "ADMIN_IDS",
            f"trong “{entry}”, mã người dùng {msg.channel_name(channel)} phải là {shape} ({how})",
            example,
        )
    if channel == "telegram" and user == TELEGRAM_ANONYMOUS_ADMIN:
        raise setting_error(
            "ADMIN_IDS",
            f"“{entry}” là mã Telegram dùng chung cho mọi quản trị viên nhóm nhắn ẩn danh, "
            f"không phải mã của một người: hãy dùng mã riêng của cán bộ ({how})",
            example,
        )
    return f"{channel}:{user}"


@dataclass(frozen=True)
class Settings:
    faq_file: Path = Path("faq.yaml")
    content_dir: Path = Path("content")
    data_dir: Path = Path("data")
    ward_name: str = "UBND phường"
    ward_hotline: str = ""
    # Where the ward office is ("Số 12 Nguyễn Huệ, khu phố 3"): optional, told to residents
    # asking where the office is, and beside the one-stop desk they are sent to.
    ward_address: str = ""
    telegram_token: Secret | None = None
    telegram_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    zalo_token: Secret | None = None
    zalo_api_base: str = DEFAULT_ZALO_BOT_API_BASE
    # The Zalo Official Account channel (handlers.zalo_oa): the OA's app on
    # developers.zalo.me (its id and secret), the OA's key that signs webhook requests, and
    # the first refresh token (the one stored in the data folder wins after the first renewal).
    zalo_oa_app_id: str | None = None
    zalo_oa_app_secret: Secret | None = None
    zalo_oa_secret_key: Secret | None = None
    zalo_oa_refresh_token: Secret | None = None
    zalo_oa_api_base: str = DEFAULT_ZALO_OA_API_BASE
    zalo_oa_oauth_base: str = DEFAULT_ZALO_OA_OAUTH_BASE
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
    # Whom the web server believes when X-Forwarded-For names the client (uvicorn's
    # default: a reverse proxy on this machine).
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    web_allowed_origins: tuple[str, ...] = ()
    web_history_days: int = 30
    zalo_bot_url: str | None = None  # the ward's Zalo bot, offered to web visitors for alerts
    # The Zalo bot's name as residents see it ("Bot Phường 2", given in Bot Creator), which
    # they mention in a group: getMe gives only the account's handle.
    zalo_bot_name: str | None = None
    # The ward portal's RSS/Atom feeds (or news list pages, for a portal without RSS) that
    # `bot.py run` imports announcements from (wardbot.portal), and how often it reads them.
    portal_feeds: tuple[str, ...] = ()
    portal_poll_minutes: int = 15
    # How long an alert waits for the other notices of its burst, to go out with them as
    # one message (wardbot.outbox); 0: at once.
    alert_gather_seconds: int = 30
    # When alerts about new or corrected notices wait for the morning (QUIET_HOURS, Vietnam
    # time; None: 'off', they go at any hour). A notice with `urgent: true` goes at once.
    quiet_hours: QuietHours | None = DEFAULT_QUIET_HOURS
    # Every Monday at 8:00 admins get the week's figures and the questions the bot could
    # not answer (wardbot.weekly); WEEKLY_REPORT=off: none.
    weekly_report: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        # A value of only spaces is unset, and one around spaces is read without them.
        given = {name: value.strip() for name, value in env.items() if value.strip()}
        for name in Environment.variables() & given.keys():
            _unquoted(name, given[name])
            _uncommented(name, given[name])
        try:
            environment = Environment.model_validate(given)
        except ValidationError as error:
            raise _config_error(error) from None
        values = {each.name: getattr(environment, each.name) for each in fields(cls)}
        for name, value in values.items():
            if isinstance(value, SecretStr):
                values[name] = Secret(value.get_secret_value())
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Checks across settings; each channel's own are in its wardbot.channels entry."""
        from wardbot import channels  # the registry reads these settings

        if self.public_url and not web_address(self.public_url, ("https",)):
            raise setting_error(
                "PUBLIC_URL",
                "phải là địa chỉ https:// của bot này (Telegram và Zalo chỉ gửi tin tới "
                "địa chỉ https)",
            )
        try:
            _port = urlsplit(self.public_url or "").port  # parsed when read
        except ValueError:  # "https://bot.example.vn:99999", "https://bot.example.vn:443a"
            raise setting_error(
                "PUBLIC_URL", "cổng (số sau dấu hai chấm) phải là một số từ 1 đến 65535"
            ) from None
        channels.check(self)
        if self.staff_chat_id is not None and not self.telegram_token:
            raise setting_error(
                "TELEGRAM_BOT_TOKEN",
                "đang để trống, trong khi đã đặt STAFF_CHAT_ID: cán bộ trả lời người dân "
                "trong một nhóm Telegram nên cần có mã bot Telegram",
            )
        if self.staff_chat_id is not None and self.staff_chat_id >= 0:
            raise setting_error(
                "STAFF_CHAT_ID",
                f"phải là mã của nhóm cán bộ trên Telegram, là một số âm, không phải "
                f"{self.staff_chat_id}",
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
        from wardbot.semantic import embedder_or_why

        embedder, unloaded = embedder_or_why() if self.semantic else (None, None)
        engine = Engine.open(
            self.faq_file,
            self.content_dir,
            self.data_dir,
            embedder=embedder,
            background_vectors=background_vectors,
            max_notice_bytes=self.max_notice_bytes,
            embed_at_most=embed_at_most,
        )
        if unloaded is not None:  # /healthz's `semantic` says why, not only "no model"
            engine.vectors.error = unloaded
        return engine

    @property
    def max_notice_bytes(self) -> int:
        return self.max_notice_kb * 1024

    def is_admin(self, channel: str, user_id: str | int) -> bool:
        return f"{channel}:{user_id}" in self.admin_ids


def check_ward_files(settings: Settings) -> None:
    """Raise ConfigError when neither faq.yaml nor content/ is where the settings say: a
    bot started so (a mistyped FAQ_FILE and CONTENT_DIR, the ward's folder not mounted
    into the container, `bot.py chat` typed in another folder) would tell every resident
    it knows nothing, while its log showed two warnings among the lines of a normal start."""
    faq, content = settings.faq_file, settings.content_dir
    if not os.path.lexists(faq) and not os.path.lexists(content):
        raise setting_error(
            "FAQ_FILE",
            f"không có tệp hỏi đáp {faq}, cũng không có thư mục thông báo {content}, nên bot "
            "không có gì để trả lời: hãy kiểm tra FAQ_FILE và CONTENT_DIR (hoặc --faq và "
            "--content; nếu chạy bằng Docker, kiểm tra thư mục của phường đã được gắn vào "
            "đúng chỗ chúng chỉ tới)",
        )


def read_dotenv(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """The working directory's .env (or the nearest parent folder's: not the one beside
    bot.py when the bot is started from elsewhere), loaded into `environ` (default: the
    process environment, where Settings.from_env reads it, and uvicorn too); the
    environment's own values win, but not a blank one, which the bot takes for unset.

    A file that cannot be read, or a line in it that is no setting (`WARD_NAME: ...`, whose
    setting would silently be left at its default), is a ConfigError naming the file and
    line, never the line itself (it may hold a token). Returns a warning for each name
    that is almost one of the bot's (`TELEGRAM_TOKEN`, `ward_name`): read by nothing, it
    leaves that setting unset; other names are left alone (HTTP_PROXY, a compose file's)."""
    from dotenv import dotenv_values, find_dotenv
    from dotenv.parser import parse_stream

    environ = os.environ if environ is None else environ
    found = find_dotenv(usecwd=True)
    if not found:
        return []
    path = Path(found)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"không đọc được tệp {path} ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark, as Notepad may write
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            f"{path}:{line}: tệp không phải văn bản UTF-8; hãy lưu lại tệp với bảng mã UTF-8"
        ) from None
    warnings = []
    for binding in parse_stream(io.StringIO(text)):
        written = binding.original.string
        # The binding starts with the blank lines before it.
        line = binding.original.line + written[: len(written) - len(written.lstrip())].count("\n")
        if binding.error:
            raise ConfigError(
                f"{path}:{line}: dòng này không phải một cài đặt: mỗi cài đặt viết trên một "
                "dòng, dạng TÊN=giá trị, ví dụ WARD_HOTLINE=0276 3822 123 (dòng bắt đầu bằng "
                "# là ghi chú)"
            )
        if binding.key is not None and (meant := _meant(binding.key)) is not None:
            warnings.append(
                f"{path}:{line}: bot không có cài đặt {binding.key} nên bỏ qua dòng này; "
                f"có lẽ anh/chị muốn viết {meant}"
            )
    values = dotenv_values(stream=io.StringIO(text))
    for name, value in values.items():
        if value is not None and not environ.get(name, "").strip():
            environ[name] = value
    exposed = _secrets_exposed(path, values)
    return [*warnings, exposed] if exposed else warnings


def _secrets_exposed(path: Path, values: Mapping[str, str | None]) -> str | None:
    """A warning when the .env holds a secret setting (a bot token, a webhook's secret)
    and every user of the server may read it, as a file made under the usual umask
    (0o644) is: with a bot token anyone reads what residents write and writes as the ward."""
    secret = Environment.secret_variables()
    held = sorted(name for name, value in values.items() if value and name.upper() in secret)
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not (held and mode & stat.S_IROTH and _folders_let_others_in(path)):
        return None
    # Runnable too, as no editor makes a text file: most likely a file system that keeps
    # no permissions (a Windows drive under WSL shows every file so), where chmod does
    # nothing and the warning would come back at each start whatever staff did.
    elsewhere = (
        "; nếu chmod không đổi được gì, tệp nằm trên ổ đĩa Windows hay USB không giữ quyền "
        "tệp: hãy chuyển thư mục của bot sang ổ đĩa Linux (như /home hay /srv)"
        if mode & 0o111
        else ""
    )
    return (
        f"{path} chứa {', '.join(held)} mà mọi người dùng khác trên máy này đều đọc được: "
        f"hãy chạy chmod 600 {path} (chmod 640 nếu bot chạy bằng một người dùng khác thuộc "
        f"nhóm của tệp){elsewhere}"
    )


def _folders_let_others_in(path: Path) -> bool:
    """Whether every folder on the way to `path` (its real one, past symbolic links) lets
    users outside its owner and group pass (search permission, x): one that does not (a
    home folder 0o700 or 0o750, say) keeps them from the file whatever the file's own mode,
    and a warning then would be untrue and teach staff to pass over warnings. A folder that
    cannot be looked at is taken to let them in: better a warning too many than a token
    given away unsaid."""
    for folder in path.resolve().parents:
        try:
            if not folder.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            continue
    return True


def misnamed(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each name of the environment (default: the process's, before the
    .env is loaded into it) that is almost one of the bot's settings, as read_dotenv warns
    of the .env's: `docker run --env-file` and systemd's Environment= give the settings
    there. Only a name whose first word is the setting's (TELEGRAM_TOKEN, WARD_HOTLNE,
    ward_name) is taken for a mistake: the environment holds the system's own names too
    (XDG_DATA_DIRS). The value is never shown: it may be a token."""
    environ = os.environ if environ is None else environ
    warnings = []
    for name in sorted(environ):
        meant = _meant(name)
        if meant is None or not environ[name].strip():
            continue
        if name.upper().partition("_")[0] == meant.partition("_")[0]:
            warnings.append(
                f"bot không có cài đặt {name} (đặt trong biến môi trường) nên bỏ qua nó; có "
                f"lẽ anh/chị muốn viết {meant}"
            )
    return warnings


def tidy_time_zone(environ: MutableMapping[str, str] | None = None) -> None:
    """TZ without the spaces around it, as the bot reads each of its settings: a line of
    `docker run --env-file` keeps the space left at its end, and the C library takes
    `Asia/Ho_Chi_Minh ` for no zone at all (UTC)."""
    environ = os.environ if environ is None else environ
    zone = environ.get("TZ")
    if zone is not None and zone != zone.strip():
        environ["TZ"] = zone.strip()


# TZ in POSIX form, its offset spelt out ("ICT-7", "<+07>-7", "UTC0"): no zone file read.
_POSIX_TZ = re.compile(r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)[+-]?\d")
# Its offset counts hours west of UTC: Vietnam's UTC+7 written so ("UTC+7") is UTC-7.
_VIETNAM_WESTWARD = re.compile(r"(?:UTC|GMT|ICT|<\+0?7>)\+?0?7(?::00)?", re.IGNORECASE)


def unknown_time_zone(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning when TZ, the zone of the log's times, names none this system has
    (`TZ=Asia/Hanoi`): the C library then takes UTC without a word, and staff read the
    log's times as Vietnam's. TZ is no setting of the bot's: the bot runs on all the same
    (its own hours, OFFICE_HOURS and QUIET_HOURS, are Vietnam time whatever TZ says)."""
    import zoneinfo

    environ = os.environ if environ is None else environ
    name = environ.get("TZ", "").strip().removeprefix(":")
    if _VIETNAM_WESTWARD.fullmatch(name):
        return [
            f"TZ={name} theo cách viết này là chậm hơn UTC 7 giờ (-0700), vì cách viết này "
            "đếm theo chiều ngược lại: để dùng giờ Việt Nam (+0700), hãy viết TZ=ICT-7 hoặc "
            "TZ=Asia/Ho_Chi_Minh"
        ]
    if not name or name in ("UTC", "GMT") or _POSIX_TZ.match(name):
        return []

    def known(zone: str) -> bool:
        folders = [""] if os.path.isabs(zone) else zoneinfo.TZPATH
        return any(os.path.isfile(os.path.join(folder, zone)) for folder in folders)

    if known(name):
        return []
    # Without the zone files (no tzdata installed) Vietnam's time is still UTC+7 spelt out.
    vietnam = "Asia/Ho_Chi_Minh" if known("Asia/Ho_Chi_Minh") else "ICT-7"
    return [
        f"TZ={name} không phải múi giờ máy này biết, nên giờ trong nhật ký là giờ UTC "
        f"(+0000): để dùng giờ Việt Nam, hãy viết TZ={vietnam}"
    ]


def _meant(name: str) -> str | None:
    """The bot's setting that `name`, which is none of them, was most likely meant to be."""
    import difflib

    known = Environment.variables()
    if name in known:
        return None
    if name.upper() in known:  # read as written, in capitals only
        return name.upper()
    close = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _unquoted(name: str, value: str) -> None:
    """ConfigError when the whole of `value` is in quotes: `docker run --env-file` keeps
    them as part of the value (a shell, docker compose and the .env the bot reads itself
    do not), and residents would be greeted by '"UBND Phường 2"'. The value is not shown:
    it may be a secret."""
    quote = value[0]
    if quote in "'\"" and len(value) >= 2 and value[-1] == quote and quote not in value[1:-1]:
        raise quoted_setting(name)


def quoted_setting(name: str) -> ConfigError:
    """A value with quotes in it, which `docker run --env-file` keeps."""
    return setting_error(
        name,
        "giá trị có dấu ngoặc kép: hãy viết không có dấu ngoặc (`docker run --env-file` giữ "
        "dấu ngoặc như một phần của giá trị)",
    )


def _uncommented(name: str, value: str) -> None:
    """ConfigError when `value` ends in a comment (`0276 3822 123 # đường dây nóng`): the
    .env the bot reads itself drops it, but `docker run --env-file` and systemd keep it as
    part of the value. Only a '#' after a space and before one: `Tổ dân phố #3` is a
    value. The value is not shown: it may be a secret."""
    if re.search(r"\s#(\s|$)", value):
        raise setting_error(
            name,
            "cuối giá trị có ghi chú (sau dấu #): hãy viết ghi chú trên một dòng riêng "
            f"(`docker run --env-file` lấy mọi thứ sau {name}= đến hết dòng làm giá trị)",
        )


def _variable(info: ValidationInfo) -> str:
    """The environment variable a field is read from, for messages."""
    name = info.field_name or ""
    return Environment.model_fields[name].alias or name


def _whole(what: str, least: int, most: int | None = None) -> BeforeValidator:
    """A whole number from `least` to `most` (None: no most), `what` the setting is (in
    Vietnamese: "số ngày")."""

    def read(raw: str, info: ValidationInfo) -> int:
        name = _variable(info)
        try:
            value = int(raw)
        except ValueError:
            raise setting_error(name, f"phải là {what} (số nguyên), không phải “{raw}”") from None
        if value < least or (most is not None and value > most):
            bound = f"từ {least} đến {most}" if most is not None else f"từ {least} trở lên"
            raise setting_error(name, f"phải là {what} {bound}, không phải {value}")
        return value

    return BeforeValidator(read)


def _switch(raw: str, info: ValidationInfo) -> bool:
    """An on/off setting: on, yes, true, 1 or off, no, false, 0 (any case)."""
    value = raw.lower()
    if value not in ON | OFF:
        raise setting_error(_variable(info), f"phải là on (bật) hoặc off (tắt), không phải “{raw}”")
    return value in ON


def _items(raw: str) -> tuple[str, ...]:
    """A comma-separated list, without blanks."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


Switch = Annotated[bool, BeforeValidator(_switch)]
Items = Annotated[tuple[str, ...], BeforeValidator(_items)]


# What pydantic's own checks found, in words for staff; any other: _UNREADABLE.
_PYDANTIC_PROBLEMS = {
    "int_parsing": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "string_type": "phải là một đoạn chữ",
    "path_type": "phải là đường dẫn tới một tệp hoặc thư mục",
}
_UNREADABLE = "bot không đọc được giá trị này"


def _config_error(error: ValidationError) -> ConfigError:
    """The first problem pydantic found, as the ConfigError a check raised or naming the
    variable (never its value: it may be a token): the one place a validation error
    becomes what staff read."""
    problem = error.errors(include_url=False)[0]
    cause = problem.get("ctx", {}).get("error")
    if isinstance(cause, ConfigError):
        return cause
    name = ".".join(str(part) for part in problem["loc"])
    return setting_error(name, _PYDANTIC_PROBLEMS.get(problem["type"], _UNREADABLE))


class Environment(BaseSettings):
    """The environment variables Settings is read from, each checked on its own: Settings'
    fields and defaults, each read from the variable of its name in capitals (HTTP_PORT)
    unless it names another."""

    model_config = SettingsConfigDict(
        alias_generator=str.upper,
        case_sensitive=True,  # as the environment is: `http_port` is no HTTP_PORT
        enable_decoding=False,  # lists are comma-separated, not JSON
        hide_input_in_errors=True,  # a token is never shown
        validate_default=False,  # Settings' own defaults
        frozen=True,
        extra="ignore",  # the rest of the environment
    )

    faq_file: Path = Settings.faq_file
    content_dir: Path = Settings.content_dir
    data_dir: Path = Settings.data_dir
    ward_name: str = Settings.ward_name
    ward_hotline: str = Settings.ward_hotline
    ward_address: str = Settings.ward_address
    telegram_token: Annotated[SecretStr | None, Field(alias="TELEGRAM_BOT_TOKEN")] = None
    telegram_base_url: str = Settings.telegram_base_url
    zalo_token: Annotated[SecretStr | None, Field(alias="ZALO_BOT_TOKEN")] = None
    zalo_api_base: Annotated[str, Field(alias="ZALO_BOT_API_BASE")] = Settings.zalo_api_base
    zalo_oa_app_id: str | None = None
    zalo_oa_app_secret: SecretStr | None = None
    zalo_oa_secret_key: SecretStr | None = None
    zalo_oa_refresh_token: SecretStr | None = None
    zalo_oa_api_base: str = Settings.zalo_oa_api_base
    zalo_oa_oauth_base: str = Settings.zalo_oa_oauth_base
    public_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    zalo_webhook_secret: SecretStr | None = None
    http_port: Annotated[int, _whole("số cổng", 1, 65535)] = Settings.http_port
    admin_ids: frozenset[str] = frozenset()
    question_log_days: Annotated[int, _whole("số ngày", 0)] = Settings.question_log_days
    semantic: Annotated[Switch, Field(alias="SEMANTIC_MATCHING")] = Settings.semantic
    max_notice_kb: Annotated[int, _whole("dung lượng tính bằng KB", 1)] = Settings.max_notice_kb
    staff_chat_id: int | None = None
    staff_signature: str = Settings.staff_signature
    # Read before office_hours, which holds it (its validator sees it).
    office_closed: Closures | None = None
    office_hours: OfficeHours | None = None
    forwarded_allow_ips: Items = Settings.forwarded_allow_ips
    web_chat: Switch = Settings.web_chat
    web_allowed_origins: Items = ()
    web_history_days: Annotated[int, _whole("số ngày", 1)] = Settings.web_history_days
    zalo_bot_url: str | None = None
    zalo_bot_name: str | None = None
    portal_feeds: Items = ()
    portal_poll_minutes: Annotated[int, _whole("số phút", 1)] = Settings.portal_poll_minutes
    alert_gather_seconds: Annotated[int, _whole("số giây", 0, 600)] = Settings.alert_gather_seconds
    quiet_hours: QuietHours | None = Settings.quiet_hours
    weekly_report: Switch = Settings.weekly_report

    @classmethod
    def variables(cls) -> set[str]:
        """The environment variables the bot reads."""
        return {info.alias or name for name, info in cls.model_fields.items()}

    @classmethod
    def secret_variables(cls) -> set[str]:
        """Those of them that hold a secret (tokens, keys, webhooks' secrets), in capitals."""
        return {
            (info.alias or name).upper()
            for name, info in cls.model_fields.items()
            if SecretStr in get_args(info.annotation)
        }

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what it is given (Settings.from_env: the process environment, or a test's),
        never the environment behind its back: bot.py loads the .env into the process
        environment, which uvicorn reads too."""
        return (init_settings,)

    @field_validator("faq_file", "content_dir", "data_dir")
    @classmethod
    def _home(cls, path: Path) -> Path:
        # `FAQ_FILE=~/ward/faq.yaml` in the .env (or quoted in the shell): no shell
        # expanded the ~, and the file "was not found" at the very path staff wrote.
        return path.expanduser()

    @field_validator("zalo_api_base", "zalo_oa_api_base", "zalo_oa_oauth_base")
    @classmethod
    def _api_base(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return (value or "").rstrip("/") or None

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, raw: str) -> frozenset[str]:
        return frozenset(admin_id(entry) for entry in _items(raw))

    @field_validator("staff_chat_id", mode="before")
    @classmethod
    def _staff_chat(cls, raw: str) -> int:
        try:
            return int(raw)
        except ValueError:
            raise setting_error(
                "STAFF_CHAT_ID",
                f"phải là mã số của nhóm cán bộ trên Telegram (một số âm), không phải “{raw}”",
            ) from None

    @field_validator("staff_signature")
    @classmethod
    def _signature(cls, value: str) -> str:
        signature = value.lower()
        if signature not in ("ward", "name"):
            raise setting_error(
                "STAFF_SIGNATURE",
                "phải là ward (câu trả lời ký tên phường) hoặc name (ký tên cán bộ), không "
                f"phải “{value}”",
            )
        return signature

    @field_validator("office_closed", mode="plain")
    @classmethod
    def _closed(cls, raw: str) -> Closures:
        return Closures.parse(raw)

    @field_validator("office_hours", mode="plain")
    @classmethod
    def _hours(cls, raw: str, info: ValidationInfo) -> OfficeHours:
        hours = OfficeHours.parse(raw)
        closed = info.data.get("office_closed")
        return hours if closed is None else replace(hours, closed=closed)

    @field_validator("quiet_hours", mode="plain")
    @classmethod
    def _quiet(cls, raw: str) -> QuietHours | None:
        return None if raw.lower() in OFF else QuietHours.parse(raw)

    @model_validator(mode="after")
    def _closed_needs_hours(self) -> Environment:
        if self.office_closed is not None and self.office_hours is None:
            raise setting_error(
                "OFFICE_HOURS",
                "đang để trống, trong khi đã đặt OFFICE_CLOSED: ngày nghỉ được báo cho người "
                "dân cùng với giờ làm việc",
            )
        return self

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, proxies: tuple[str, ...]) -> tuple[str, ...]:
        for proxy in proxies:
            trusted_proxy(proxy, alone=len(proxies) == 1)
        return proxies

    @field_validator("web_allowed_origins")
    @classmethod
    def _origins(cls, entries: tuple[str, ...]) -> tuple[str, ...]:
        origins = tuple(entry.rstrip("/") for entry in entries)
        for origin in origins:
            if "[" in origin:
                # Chromium drops such a source from CSP frame-ancestors (its grammar takes
                # host names and IPv4 addresses only): the frame would be refused there.
                raise setting_error(
                    "WEB_ALLOWED_ORIGINS",
                    f"“{origin}”: trình duyệt không cho trang ở một địa chỉ IPv6 hiện khung "
                    "chat; hãy gọi trang bằng tên máy (host name, từ DNS hoặc tệp hosts)",
                    "http://localhost:8080",
                )
            if not _ORIGIN.fullmatch(origin):
                raise setting_error(
                    "WEB_ALLOWED_ORIGINS",
                    f"“{origin}” phải là địa chỉ gốc của trang web: giao thức và tên miền, "
                    "không có đường dẫn phía sau",
                )
        # As browsers spell an origin (the widget compares it with location.origin).
        return tuple(dict.fromkeys(normal_origin(origin) for origin in origins))

    @field_validator("portal_feeds")
    @classmethod
    def _feeds(cls, feeds: tuple[str, ...]) -> tuple[str, ...]:
        for feed in feeds:
            if not web_address(feed):
                raise setting_error(
                    "PORTAL_FEEDS",
                    f"“{feed}” phải là địa chỉ web (http:// hoặc https://) của một nguồn tin "
                    "RSS hoặc một trang danh sách tin; nhiều địa chỉ cách nhau bằng dấu phẩy",
                )
        return feeds

    @field_validator("zalo_bot_name")
    @classmethod
    def _zalo_bot_name(cls, name: str | None) -> str | None:
        return (name or "").lstrip("@").strip() or None  # "@Bot Phường 2", as it is typed

    @field_validator("zalo_bot_url")
    @classmethod
    def _zalo_bot(cls, url: str | None) -> str | None:
        if url is not None and not web_address(url):
            raise setting_error(
                "ZALO_BOT_URL",
                f"phải là địa chỉ web của bot Zalo của phường (giới thiệu cho người dùng khung "
                f"chat trên web), không phải “{url}”",
            )
        return url
