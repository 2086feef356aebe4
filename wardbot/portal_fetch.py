"""Fetching pages and feeds from the ward's web portal, politely and within limits.

One `Fetcher` per import run: an httpx client with a User-Agent naming the bot, timeouts,
a cap on the bytes read, one overall deadline per request (connecting, the status line
and headers, the body, redirects: a server that trickles its answer in, even before its
headers, cannot hold the bot's poll and the lock /reload waits on), conditional requests
(ETag / Last-Modified) and, when `allowed_hosts` is given, no request to any other host,
redirects included. Every way a fetch can go wrong becomes a `FetchError` whose message
says why in a few words, for staff.

httpx's timeouts bound each read, not a whole answer, so the deadline is kept below it:
every socket operation of the client's connections (connect, TLS, each read and write)
waits at most until the deadline of the request under way.
"""

from __future__ import annotations

import email.message
import re
import ssl
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpcore
import httpx

USER_AGENT = "wardbot/0.1 (ward office chatbot importing the ward's own news; python-httpx)"
MAX_BYTES = 3 * 1024 * 1024  # a ward news page is well under 1 MB; a feed too
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 20.0
DEADLINE = 60.0  # seconds for one whole request, however slowly the bytes arrive
MAX_REDIRECTS = 5
# Seconds between two requests of one fetcher (a poll, an import): a portal without RSS has
# its news list's pages read, and a small ward server is not to be asked them all at once.
REQUEST_INTERVAL = 1.0
# How many times MAX_BYTES a page may be with the data: URIs it holds (images pasted into
# the article), which are dropped as they arrive.
INLINE_SHARE = 10
# A compressed answer is inflated here, at most this many bytes at a time, so that the
# caps above stop it within a step: httpx inflates each chunk read whole (60 KB of gzip
# became 60 MB at once; 1 KB gzipped twice, "Content-Encoding: gzip, gzip", 600 MB).
INFLATE_STEP = 64 * 1024
# What the bot asks for and inflates itself; another encoding is refused (FetchError).
ACCEPT_ENCODING = "gzip, deflate"


class FetchError(Exception):
    """A page or feed could not be had; `why` says so in plain words."""

    def __init__(self, why: str, status: int | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.status = status  # the HTTP status when the server answered with an error


@dataclass(frozen=True)
class Fetched:
    """What a request brought back (a 304 has no body)."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""  # the media type alone, lower case: 'text/html'
    charset: str | None = None  # as the server declared it
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def host_of(url: str) -> str:
    """The host of `url`, lower case; "" for none, or an address that cannot be read
    ("http://[phuong5.gov.vn/")."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_web_address(text: str) -> bool:
    """Whether `text` is an http(s) address with a host; False for one that cannot be read."""
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def looks_web(text: str) -> bool:
    """Whether `text` was meant as a web address (`is_web_address` says if it is one)."""
    return re.match(r"https?://", text.strip(), re.I) is not None


# Query parameters whose values are credentials, never shown in logs or to admins.
_SECRET_PARAM = re.compile(r"key|token|secret|pass|pwd|auth|sig|session|sid|credential", re.I)


def shown_address(url: str) -> str:
    """`url` as logs and admins see it: without a password (https://user:...@host) or the
    values of its key-like query parameters (?token=..., ?apikey=...)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            netloc = f"{user.partition(':')[0]}:***@{host}" if ":" in user else netloc
        query = "&".join(
            f"{name}=***" if sep and _SECRET_PARAM.search(name) else f"{name}{sep}{value}"
            for name, sep, value in (pair.partition("=") for pair in parts.query.split("&"))
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:  # malformed ("http://[host/..."): no credentials to find in it
        return url


class Halted(BaseException):
    """The bot is stopping: no more requests (a BaseException, as asyncio's CancelledError,
    so that no importer's `except Exception` takes it for the portal failing, to be
    recorded and tried again later)."""


class _HostRefused(Exception):
    pass


class _Downgraded(Exception):
    """A redirect from https to plain http (where a page can be altered on its way)."""


_Budget = Callable[[float | None, type[httpcore.TimeoutException]], float | None]


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline of the request under way."""

    def __init__(self, stream: httpcore.NetworkStream, budget: _Budget) -> None:
        self._stream = stream
        self._budget = budget

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        within = self._budget(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, within), self._budget
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, its connections kept to the request's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend, budget: _Budget) -> None:
        self._backend = backend
        self._budget = budget

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        within = self._budget(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, within, local_address, socket_options)
        return _DeadlineStream(stream, self._budget)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        within = self._budget(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_unix_socket(path, within, socket_options)
        return _DeadlineStream(stream, self._budget)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class Fetcher:
    """GETs pages and feeds for the importer (synchronous: it runs in a worker thread)."""

    def __init__(
        self,
        allowed_hosts: Collection[str] | None = None,
        *,
        max_bytes: int | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
        interval: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # Limits default to the module's constants as they are when the fetcher is made.
        self.allowed_hosts = (
            None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
        )
        self.max_bytes = MAX_BYTES if max_bytes is None else max_bytes
        self.deadline = DEADLINE if deadline is None else deadline
        self.clock = clock
        self.interval = REQUEST_INTERVAL if interval is None else interval
        self.sleep = sleep
        self._last: float | None = None  # when the last request ended
        # Whether the bot is stopping: no request starts then (`Halted` is raised).
        self.halted: Callable[[], bool] = lambda: False
        read = READ_TIMEOUT if timeout is None else timeout
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(read, connect=min(CONNECT_TIMEOUT, read)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            event_hooks={"request": [self._check_host]},
            transport=transport,
        )
        self._ends_at: float | None = None  # the deadline of the request under way
        self._secure = False  # whether the request under way went over https at some step
        # The client's own transports (direct, and those of proxies from the environment):
        # their connections are made through a backend that keeps to the deadline. (httpx
        # offers no overall timeout, nor a public way to give its transport a backend.)
        for mounted in (self._client._transport, *self._client._mounts.values()):
            pool = getattr(mounted, "_pool", None)
            if pool is not None and hasattr(pool, "_network_backend"):
                pool._network_backend = _DeadlineBackend(pool._network_backend, self._budget)

    def _budget(
        self, timeout: float | None, expired: type[httpcore.TimeoutException]
    ) -> float | None:
        """How long a socket operation may wait: its own timeout, cut to what is left
        of the request's deadline; `expired` is raised when nothing is."""
        if self._ends_at is None:
            return timeout
        left = self._ends_at - self.clock()
        if left <= 0:
            raise expired(f"no complete answer in {self.deadline:g} s")
        return left if timeout is None else min(timeout, left)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def allowed(self, url: str) -> bool:
        """Whether `url` is on an allowed host; a host's www. twin is the same site
        (phuong5.gov.vn sending to www.phuong5.gov.vn, or back)."""
        if self.allowed_hosts is None:
            return True
        host = host_of(url)
        twin = host.removeprefix("www.") if host.startswith("www.") else f"www.{host}"
        return host in self.allowed_hosts or twin in self.allowed_hosts

    def _check_host(self, request: httpx.Request) -> None:
        # Runs before every request, the redirected ones too.
        if not self.allowed(str(request.url)):
            raise _HostRefused(request.url.host)
        # Once on https, a redirect back to plain http is not followed (http to https is).
        if request.url.scheme == "https":
            self._secure = True
        elif self._secure:
            raise _Downgraded(shown_address(str(request.url)))

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url`; raises FetchError with the reason on any failure (a 304 is no failure)."""
        if not is_web_address(url):
            raise FetchError("not a web address (http:// or https://)")
        if not self.allowed(url):
            raise FetchError(f"host {host_of(url)} is not one of the portal's (PORTAL_FEEDS)")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # Politely: a request REQUEST_INTERVAL after the last one ended, at the soonest.
        wait = 0.0 if self._last is None else self._last + self.interval - self.clock()
        if wait > 0:
            self.sleep(wait)
        if self.halted():
            raise Halted
        started = self.clock()
        self._ends_at = started + self.deadline
        self._secure = False
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(str(response.url), 304, etag=etag, last_modified=last_modified)
                if response.status_code >= 400:
                    phrase = response.reason_phrase or "error"
                    raise FetchError(
                        f"the server answered {response.status_code} {phrase}",
                        response.status_code,
                    )
                # Images pasted into an article come inline (data: URIs, megabytes of
                # base64): they are dropped as they arrive, and count toward a larger cap.
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes * INLINE_SHARE:
                    raise FetchError(self._too_large())
                body, inline, read = bytearray(), _InlineData(), 0
                for chunk in _inflated(response):
                    read += len(chunk)
                    body += inline.feed(chunk)
                    if len(body) > self.max_bytes or read > self.max_bytes * INLINE_SHARE:
                        raise FetchError(self._too_large())
                    if self.clock() - started > self.deadline:
                        raise FetchError(f"timed out (no complete answer in {self.deadline:g} s)")
                body += inline.end()
                media, charset = parse_content_type(response.headers.get("content-type", ""))
                return Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    body=bytes(body),
                    content_type=media,
                    charset=charset,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except _HostRefused as exc:
            raise FetchError(f"redirected to {exc}, which is not the portal's host") from None
        except _Downgraded as exc:
            raise FetchError(
                f"redirected from https to plain http ({exc}), which the bot does not follow"
            ) from None
        except httpx.TimeoutException:
            if self.clock() - started >= self.deadline:
                raise FetchError(f"timed out (no complete answer in {self.deadline:g} s)") from None
            raise FetchError("timed out: the server did not answer in time") from None
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects") from None
        except httpx.HTTPError as exc:
            raise FetchError(_connect_problem(exc)) from None
        finally:
            self._ends_at = None
            self._last = self.clock()

    def _too_large(self) -> str:
        return f"too large (more than {self.max_bytes // 1024} KB)"


def _connect_problem(exc: httpx.HTTPError) -> str:
    """Why a request got no answer: the portal's HTTPS refused (its certificate, which a
    browser may still accept, or its encryption), else the connection failed."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the portal's HTTPS certificate was refused ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"the portal's HTTPS connection failed ({cause.reason or cause})"
        cause = cause.__cause__ or cause.__context__
    return f"could not connect ({type(exc).__name__})"


def _inflated(response: httpx.Response) -> Iterator[bytes]:
    """The body as sent, inflated when compressed (gzip or deflate), INFLATE_STEP bytes
    at a time at most: the caller's caps stop a small body that inflates to gigabytes (a
    compression bomb) before it is held. Any other Content-Encoding, or two of them, is a
    FetchError (ACCEPT_ENCODING asks for neither)."""
    if response.is_stream_consumed:  # read whole, inflated, by a transport answering from
        yield response.content  # memory (httpx.MockTransport): nothing left to stream
        return
    named = response.headers.get("content-encoding", "").lower().split(",")
    codings = [c.strip() for c in named if c.strip() not in ("", "identity")]
    if not codings:
        yield from response.iter_raw()
        return
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"compressed in a way the bot does not read ({', '.join(codings)})")
    inflate = _Inflate(gzip=codings[0] != "deflate")
    try:
        for chunk in response.iter_raw():
            yield from inflate.feed(chunk)
        yield from inflate.feed(b"")
    except zlib.error:
        raise FetchError("compressed, and broken: the answer cannot be inflated") from None


class _Inflate:
    """gzip or deflate (zlib's format, or raw as some servers send it), inflated a step at
    a time (zlib's max_length), never a whole chunk at once."""

    def __init__(self, *, gzip: bool) -> None:
        self._format_known = gzip  # deflate: zlib's format, or raw when it does not read so
        self._z = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """What `data` inflates to, in steps; b"" for the end of the body."""
        if not self._format_known and data:
            try:  # (its first byte, at most, inflated to tell)
                zlib.decompressobj().decompress(data, 1)
            except zlib.error:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            self._format_known = True
        while True:
            out = self._z.decompress(data, INFLATE_STEP)
            if out:
                yield out
            data = self._z.unconsumed_tail
            if not data and len(out) < INFLATE_STEP:
                return


_DATA_URI = re.compile(rb"data:[\w.+-]+/[\w.+-]+;base64,", re.I)
_DATA_END = re.compile(rb"[\"'\s)<>]")
_DATA_URI_START = 64  # bytes that may hold the start of a data: URI, held for the next chunk


class _InlineData:
    """Drops the payload of the data: URIs of a page as it streams in (its images pasted
    in as base64): "data:image/png;base64," stays, what follows up to its quote goes."""

    def __init__(self) -> None:
        self._inside = False
        self._held = b""

    def feed(self, chunk: bytes) -> bytes:
        data, self._held = self._held + chunk, b""
        kept = bytearray()
        at = 0
        while at < len(data):
            if self._inside:
                end = _DATA_END.search(data, at)
                if end is None:
                    return bytes(kept)  # the payload goes on in the next chunk
                self._inside, at = False, end.start()
            found = _DATA_URI.search(data, at)
            if found is None:
                held = max(at, len(data) - _DATA_URI_START)
                kept += data[at:held]
                self._held = data[held:]
                return bytes(kept)
            kept += data[at : found.end()]
            self._inside, at = True, found.end()
        return bytes(kept)

    def end(self) -> bytes:
        return b"" if self._inside else self._held


def parse_content_type(header: str) -> tuple[str, str | None]:
    """('text/html', 'windows-1258') from 'text/html; charset=windows-1258'."""
    if not header.strip():
        return "", None
    message = email.message.Message()
    message["content-type"] = header
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) else None


def read_file(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A saved page or feed; FetchError when it cannot be read or is too large."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FetchError("not a file")
        if size > max_bytes:
            raise FetchError(f"too large (more than {max_bytes // 1024} KB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise FetchError("file not found") from None
    except OSError as exc:
        raise FetchError(f"cannot read the file ({exc.strerror})") from None
