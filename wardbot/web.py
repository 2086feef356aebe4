"""The bot's own web server: channel webhooks (/telegram, /zalo), /healthz and /livez.

Starlette routes served by uvicorn inside the bot's event loop, as in python-telegram-bot's
custom-webhook example. Signals stay with the caller (wardbot.app), which decides how the
whole bot stops. Also what every channel needs to receive updates: reading a webhook body,
dropping repeated deliveries, and telling /healthz whether polling gets answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import hmac
import inspect
import json
import logging
import re
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Protocol, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wardbot import messages as msg
from wardbot.portal_log import page_key

log = logging.getLogger(__name__)
T = TypeVar("T")

HealthCheck = Callable[[], bool]
# The folders of an absolute path in what /healthz tells beside its checks (an error naming
# the file it could not load or write: "...: '/srv/ward/data/index/vectors.npy'"): anyone
# the proxy lets in reads /healthz, and where the bot keeps its files is none of theirs.
# The file's own name stays: it tells the operator enough. (Not a web address's path.)
_FOLDERS = re.compile(r"(?<![\w:/.~-])(?:/[^\s/'\"]+)+/(?=[^\s/'\"])")
# No poll for updates answered for this long: not receiving. A long poll is answered within
# its timeout (10 s on Telegram, 30 s on Zalo, plus the client's grace); python-telegram-bot
# waits at most 30 s between attempts after errors.
STALE_AFTER = 120.0
# How often the parts are looked at when /healthz is not asked (Health.watch): the time a
# part is said down since is right to within this.
LOOK_EVERY = 30.0


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the bot installs one handler for everything."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def install_signal_handlers(self) -> None:  # uvicorn < 0.29
        return


class AsgiServer:
    """Serve an ASGI app on a host and port (or an already bound socket) in this loop."""

    def __init__(
        self,
        app: Starlette,
        host: str = "0.0.0.0",  # noqa: S104 - a container's server listens on every interface
        port: int = 8080,
        trusted_proxies: Sequence[str] | None = None,
    ) -> None:
        """`trusted_proxies`: whose X-Forwarded-For names the client (Settings'
        forwarded_allow_ips); None: uvicorn's reading of FORWARDED_ALLOW_IPS."""
        self.app = app
        self.trusted_proxies = None if trusted_proxies is None else list(trusted_proxies)
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, sock: socket.socket | None = None) -> None:
        """Start listening; returns once connections are accepted.

        Raises OSError with a message fit for staff when it cannot listen (the port is
        taken, say), rather than letting uvicorn exit the process.
        """
        if sock is None:
            sock = self._bind()
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            # Its lines go to the bot's log, with their time and zone and the tokens
            # masked: uvicorn's own handlers printed them bare (`WARNING:  ...`).
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            forwarded_allow_ips=self.trusted_proxies,
        )
        self._server = server = _Server(config)
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                sock.close()
                with contextlib.suppress(SystemExit):  # uvicorn's way to report a failure
                    self._task.result()
                self._server = self._task = None
                raise OSError(msg.web_not_started(self.host, self.port))
            await asyncio.sleep(0.01)
        self.port = sock.getsockname()[1]

    def _bind(self) -> socket.socket:
        try:
            return bound_socket(self.host, self.port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise OSError(msg.port_taken(self.port)) from None
            refused = exc.errno in (errno.EACCES, errno.EPERM)  # a port below 1024, say
            reason = "không có quyền dùng cổng này" if refused else str(exc.strerror or exc)
            raise OSError(msg.port_refused(self.host, self.port, reason)) from None

    async def stop(self, grace: float = 3.0) -> None:
        """Stop accepting requests and finish the ones under way (for at most `grace` s)."""
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._server.force_exit = True
            await self._task
        finally:
            self._server = self._task = None


# Where Health keeps, in the database's `meta` table, since when each part is down and
# when it last looked (JSON; names of parts and times, nothing about residents).
DOWN_KEY = "parts-down"
# A part the bot that ran just before found down, and still down this long after the
# start (a channel connects within it), has been down since then, not since the start:
# so /healthz says, and admins hear of an outage after its ten minutes however often
# the bot restarted meanwhile (a crash loop must not hide it). Only from a bot that
# looked within CARRY_WITHIN of this start: one stopped for a day says nothing of now.
START_GRACE = 90.0
CARRY_WITHIN = 600.0
KEEP_WAIT = 10.0  # a database this slow to keep the times in is left alone till next look


class KeepsMeta(Protocol):
    """Where Health keeps its times across restarts (wardbot.store.Store)."""

    async def meta_value(self, key: str) -> str | None: ...

    async def set_meta_value(self, key: str, value: str) -> None: ...


class Health:
    """The parts' checks for /healthz, and since when each part is down: the first look
    that found it down, by /healthz or by `watch` (every LOOK_EVERY seconds, so that the
    time is right to within that even when nobody asks), by this bot or, with `kept`,
    the one that ran just before it (START_GRACE)."""

    def __init__(
        self,
        checks: Mapping[str, HealthCheck],
        *,
        clock: Callable[[], float] = time.time,
        kept: KeepsMeta | None = None,
    ) -> None:
        self.checks = dict(checks)
        self.clock = clock
        self.kept = kept
        self._down: dict[str, float] = {}  # part -> when it was first found down
        self._failing: set[str] = set()  # the checks and details that raised, logged once each
        self._started = clock()
        # Down for the bot before this one, and since when: `recall` reads them.
        self._carried: dict[str, float] | None = None
        self._kept_at: tuple[float, bool] | None = None  # the last `keep`: when, any down

    async def asked(self, name: str, look: Callable[[], T | Awaitable[T]], instead: T) -> T:
        """`look()`, awaited when it reads the database; `instead` when it raises (a
        part's folder unreadable, say): that part is down, and the others are still
        told."""
        try:
            found = look()
            if inspect.isawaitable(found):
                found = await found
        except Exception:
            if name not in self._failing:
                log.exception("/healthz could not look at %s", name)
                self._failing.add(name)
            return instead
        self._failing.discard(name)
        return found

    async def look(self) -> dict[str, bool]:
        """Each part: well or not, now; noting when a part is first found down."""
        status = {
            name: bool(await self.asked(name, check, False)) for name, check in self.checks.items()
        }
        now = self.clock()
        carried = self._carried if self._carried is not None else {}
        for name, well in status.items():
            if well:
                self._down.pop(name, None)
                carried.pop(name, None)  # back, or just connected: that outage is over
            else:
                since = self._down.setdefault(name, now)
                if name in carried and now - self._started >= START_GRACE:
                    self._down[name] = min(since, carried.pop(name))
        return status

    async def recall(self) -> None:
        """Read which parts the bot before this one found down, and since when (none
        without `kept`, when that bot looked too long ago, or the database cannot say)."""
        carried: dict[str, float] = {}
        if self.kept is not None:
            try:
                value = await asyncio.wait_for(self.kept.meta_value(DOWN_KEY), KEEP_WAIT)
                kept = json.loads(value or "{}")
                if self._started - float(kept.get("seen", 0.0)) <= CARRY_WITHIN:
                    down = kept.get("down", {}).items()
                    carried = {k: float(v) for k, v in down if k in self.checks}
            except Exception:  # unreadable, another shape, or too slow: nothing carried
                log.warning("could not read when parts went down before the start", exc_info=True)
        self._carried = carried

    async def keep(self, now: float) -> None:
        """Save the parts down and since when (those the bot before found down, not yet
        past START_GRACE, with its times): while any is, once a LOOK_EVERY (so that a
        restart knows the times are fresh); once when none is (the first look too, so
        that no older outage is carried past it)."""
        if self.kept is None:
            return
        down = self._down | (self._carried or {})
        last = self._kept_at
        if down and last is not None and last[1] and now - last[0] < LOOK_EVERY:
            return
        if not down and last is not None and not last[1]:
            return  # none down, and saved so
        self._kept_at = (now, bool(down))
        try:
            kept = json.dumps({"seen": now, "down": down}, sort_keys=True)
            await asyncio.wait_for(self.kept.set_meta_value(DOWN_KEY, kept), KEEP_WAIT)
        except Exception:  # the database may be what is down: /healthz tells that
            log.debug("could not keep when parts went down", exc_info=True)

    def down_at(self) -> dict[str, float]:
        """Each part down at the last look, and since when (by `clock`)."""
        return dict(self._down)

    def down_since(self) -> dict[str, str]:
        """Each part down at the last look, and since when (UTC, ISO 8601)."""
        return {
            name: dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="seconds")
            for name, at in self._down.items()
        }

    async def watch(
        self, stop: asyncio.Event, after: Callable[[], Awaitable[object]] | None = None
    ) -> None:
        """Look every LOOK_EVERY seconds until `stop` is set; `after` each look (telling
        admins of what is down: wardbot.down_notes)."""
        told_failing = False  # logged once while it lasts
        await self.recall()
        while not stop.is_set():
            await self.look()
            await self.keep(self.clock())
            if after is not None:
                try:
                    await after()
                    told_failing = False
                except Exception:  # the database may be what fails: /healthz still tells
                    if not told_failing:
                        log.exception("could not tell admins of the parts down")
                    told_failing = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LOOK_EVERY)


def web_app(
    routes: Sequence[BaseRoute] = (),
    checks: Mapping[str, HealthCheck] | Health | None = None,
    details: Mapping[str, Callable[[], object]] | None = None,
) -> Starlette:
    """The bot's web app: `routes` from the channels, plus /healthz over `checks`."""
    health = checks if isinstance(checks, Health) else Health(checks or {})

    async def healthz(request: Request) -> Response:
        """200 when every part of the bot is running, 503 otherwise (Docker HEALTHCHECK)."""
        status = await health.look()
        healthy = all(status.values())
        body: dict[str, object] = {
            "status": "ok" if healthy else "unhealthy",
            "checks": status,
            "down_since": health.down_since(),
        }
        # What is degraded without being down (matching by words only, say), and what
        # waits on purpose (alerts held for the morning).
        for name, detail in (details or {}).items():
            body[name] = _without_folders(await health.asked(f"{name} (detail)", detail, None))
        return JSONResponse(body, status_code=200 if healthy else 503)

    async def livez(request: Request) -> Response:
        """200 whenever the bot's event loop answers, whatever part is down: the process is
        alive and serving (Docker's HEALTHCHECK). A platform's outage shows in /healthz,
        and a restart would not end it: restarted over it, the bot would stop answering
        the residents of the channels that work, again and again."""
        return JSONResponse({"status": "alive"})

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            Route("/livez", livez, methods=["GET", "HEAD"]),
            *routes,
        ]
    )


def _without_folders(value: object) -> object:
    """`value` (a detail for /healthz) with the folders of each absolute path in its texts
    left out: '.../vectors.npy'."""
    if isinstance(value, str):
        return _FOLDERS.sub("…/", value)
    if isinstance(value, list | tuple):
        return [_without_folders(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_folders(item) for key, item in value.items()}
    return value


MAX_UPDATE_BYTES = 1 << 20


async def webhook_json(
    request: Request, *, secret: str | None, header: str, channel: str
) -> object | Response:
    """The JSON body of a platform's webhook request, or the response refusing it: 403
    without the right secret in `header` (compared in constant time; no secret set: every
    request is refused), 413 when larger than MAX_UPDATE_BYTES, 400 when not JSON."""
    expected = (secret or "").encode()
    given = request.headers.get(header, "").encode()
    if not expected or not hmac.compare_digest(given, expected):
        return Response(status_code=403)
    body = await read_limited(request, MAX_UPDATE_BYTES)
    if body is None:
        return Response(status_code=413)
    data = json_or_none(body)
    return not_an_update(channel) if data is None else data


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it is longer than `limit` bytes (the rest is
    not read: a body that never ends costs nothing)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def json_or_none(body: bytes) -> object:
    """The JSON in a webhook body; None when it is not JSON or nests too deep to read.

    Half of a UTF-16 pair escaped alone ("\\ud83d", an emoji cut in two) is valid JSON but
    no character: it becomes U+FFFD, as a bad byte does, since no text holding it can be
    written as UTF-8 (to the database, to a log, to a platform)."""
    try:
        data = json.loads(body)
        return _whole_characters(data) if LONE_SURROGATE_ESCAPE.search(body) else data
    except (ValueError, RecursionError):
        return None


LONE_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # a candidate, at least
SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(value: object) -> object:
    """`value` with every surrogate left in its strings (json.loads joins the pairs)
    replaced by U+FFFD."""
    if isinstance(value, str):
        return SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_whole_characters(item) for item in value]
    if isinstance(value, dict):
        return {_whole_characters(k): _whole_characters(v) for k, v in value.items()}
    return value


def not_an_update(channel: str) -> Response:
    """400 for a webhook body that is not an update, noted in one line (no traceback)."""
    log.warning("%s: refused a webhook body that is not an update", channel)
    return Response(status_code=400)


class Recent:
    """The last `size` keys seen: a platform's repeated deliveries of one update are dropped."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._keys: OrderedDict[str, None] = OrderedDict()

    def seen(self, key: str) -> bool:
        """True if `key` was seen already; records it otherwise."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return True
        self._keys[key] = None
        if len(self._keys) > self.size:
            self._keys.popitem(last=False)
        return False


class Receiving:
    """Whether a channel's polling gets answers, for /healthz: its last poll did not fail,
    and one was answered within `stale_after` seconds (by `clock`)."""

    def __init__(
        self, stale_after: float = STALE_AFTER, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stale_after = stale_after
        self.clock = clock
        self.answered_at = clock()
        self.failing = False

    def restart(self) -> None:
        """Polling starts (again): it has `stale_after` seconds to get its first answer."""
        self.answered_at = self.clock()
        self.failing = False

    def answered(self) -> None:
        self.answered_at = self.clock()
        self.failing = False

    def failed(self) -> None:
        """A poll failed: not receiving until one is answered."""
        self.failing = True

    def ok(self) -> bool:
        return not self.failing and self.clock() - self.answered_at < self.stale_after


# Webhook mode: seconds between two looks at whether the platform still posts to the bot.
WEBHOOK_CHECK = 60.0


def same_address(given: object, ours: str) -> bool:
    """Whether the webhook address a platform gives back (getWebhookInfo) is `ours`, maybe
    in another form of it: a trailing slash, the host's case, a default port."""
    return isinstance(given, str) and bool(given) and page_key(given) == page_key(ours)


class WebhookWatch:
    """Webhook mode, where no failing poll tells that updates stopped coming: every `every`
    seconds, `look` asks the platform (its getWebhookInfo) and returns what keeps updates
    from reaching the bot, or None. The latest answer is `trouble`, for /healthz; the log
    says each new trouble once."""

    def __init__(
        self, channel: str, look: Callable[[], Awaitable[str | None]], every: float = WEBHOOK_CHECK
    ) -> None:
        self.channel = channel
        self.look = look
        self.every = every
        self.trouble: str | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """The webhook was just set: no trouble until a look finds some."""
        self.trouble = None
        if self._task is None:
            self._task = asyncio.create_task(self._watch(), name=f"{self.channel}-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                trouble = await self.look()
            except Exception as exc:  # the platform unreachable, a refused token: retried
                log.info("%s: could not check the webhook: %s", self.channel, exc)
                continue
            if trouble and trouble != self.trouble:
                log.error("%s: %s", self.channel, trouble)
            self.trouble = trouble


def bound_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready socket; port 0 picks a free port (tests, benchmarks)."""
    # IPPROTO_TCP spelt out: asyncio sets TCP_NODELAY only on sockets that say so, and
    # without it Nagle's algorithm adds ~40 ms to every response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class RateLimit:
    """Token buckets per key (a browser session, an address): `burst` requests at once,
    then one more every `every` seconds. The `size` most recent keys are remembered."""

    def __init__(
        self,
        burst: int,
        every: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        size: int = 10_000,
    ) -> None:
        self.burst = burst
        self.every = every
        self.clock = clock
        self.size = size
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, key: str) -> float:
        """0 when `key` may go now (and its turn is taken); else how long until it may."""
        now = self.clock()
        tokens, at = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) / self.every)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) * self.every
        if len(self._buckets) > self.size:
            self._buckets.popitem(last=False)
        return wait


class Slots:
    """What is held open at once (an event stream, a long poll): at most `per_key` per key
    (a client address) and `total` in all. Unlike RateLimit, a slot is taken for as long
    as the request lasts, and given back when it ends."""

    def __init__(self, per_key: int, total: int) -> None:
        self.per_key = per_key
        self.total = total
        self._held: dict[str, int] = {}
        self._all = 0

    def take(self, key: str) -> bool:
        """True when `key` may hold one more (it is counted until `give_back`)."""
        held = self._held.get(key, 0)
        if held >= self.per_key or self._all >= self.total:
            return False
        self._held[key] = held + 1
        self._all += 1
        return True

    def give_back(self, key: str) -> None:
        held = self._held.get(key, 0) - 1
        if held < 0:
            return
        if held:
            self._held[key] = held
        else:
            del self._held[key]
        self._all -= 1
