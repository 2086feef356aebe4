"""A fake ward web portal on 127.0.0.1: news pages and an RSS feed, and the ways real
portals fail (404, a server that never answers or trickles its answer in, a huge page, a
PDF, a redirect away).

Like the fake Bot API servers (tests/fakes/server.py) it records every request and is a
context manager; unlike them it runs in its own threads, because `bot.py import` and the
importer are synchronous and would block a server living in the test's event loop.

A page's ETag is derived from its bytes, and Last-Modified changes with each `put`: a
conditional request for an unchanged page gets 304, as from a real web server.
"""

from __future__ import annotations

import hashlib
import ssl
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portal"
# The fixtures' own address, replaced by the fake's when served.
FIXTURE_ORIGIN = b"https://phuong5.example.vn"


@dataclass
class Route:
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: str = ""
    hang: bool = False  # never answer (until the server closes)
    stream: int = 0  # send this many bytes, with no Content-Length
    trickle: bool = False  # send the status line and headers a byte at a time

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


# A certificate (and its key) the fake signed itself, for 127.0.0.1: no client trusts it.
SELF_SIGNED = FIXTURES / "self-signed-127.0.0.1.pem"


class FakePortal:
    def __init__(self, *, self_signed: bool = False) -> None:
        """`self_signed`: HTTPS with SELF_SIGNED, as a portal whose certificate expired or
        lacks its chain is to a client checking it."""
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._released = threading.Event()
        self._version = 0
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                portal._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._scheme = "https" if self_signed else "http"
        if self_signed:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(SELF_SIGNED)
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    # --- what it serves ---------------------------------------------------------------

    def put(self, path: str, body: bytes | str = b"", content_type: str | None = None, **kw) -> str:
        """Serve `body` at `path` (a fixture's address replaced by ours); its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        data = data.replace(FIXTURE_ORIGIN, self.base.encode("ascii"))
        self._version += 1
        route = Route(data, last_modified=formatdate(1_700_000_000 + self._version, usegmt=True))
        if content_type is not None:
            route.content_type = content_type
        for name, value in kw.items():
            setattr(route, name, value)
        self.routes[path] = route
        return self.url(path)

    def put_fixture(self, path: str, name: str, content_type: str | None = None, **kw) -> str:
        return self.put(path, (FIXTURES / name).read_bytes(), content_type, **kw)

    def release(self) -> None:
        """The requests a hanging route holds end now, unanswered (the server closes them)."""
        self._released.set()

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    # --- serving ----------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        self.requests.append(Request(handler.path, dict(handler.headers.items())))
        route = self.routes.get(handler.path)
        if route is None:
            handler.send_error(404, "Not Found")
            return
        if route.hang:
            self._released.wait()
            return
        if route.trickle:
            self._trickle(handler, route)
            return
        # If-None-Match, when sent, decides alone (RFC 9110, 13.2.2).
        tag, since = handler.headers.get("If-None-Match"), handler.headers.get("If-Modified-Since")
        fresh = tag == route.etag if tag is not None else since == route.last_modified
        if route.status == 200 and fresh:
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(route.status)
        if route.content_type:
            handler.send_header("Content-Type", route.content_type)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        if route.status == 200:
            handler.send_header("ETag", route.etag)
            handler.send_header("Last-Modified", route.last_modified)
        if route.stream:
            handler.send_header("Connection", "close")
            handler.end_headers()
            chunk = b"<p>" + b"x" * 1020 + b"</p>"
            try:
                for _ in range(route.stream // len(chunk) + 1):
                    handler.wfile.write(chunk)
            except OSError:
                pass  # the client gave up, as it should
            handler.close_connection = True
            return
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        handler.wfile.write(route.body)

    TRICKLE_PAUSE = 0.005  # seconds between two bytes of a trickled answer's headers

    def _trickle(self, handler: BaseHTTPRequestHandler, route: Route) -> None:
        """A server that answers at once but sends its headers (600 bytes) a byte at a
        time: no read waits long, the whole answer takes seconds."""
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {route.content_type}\r\n"
            f"X-Padding: {'a' * 500}\r\nContent-Length: {len(route.body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode("latin-1")
        handler.close_connection = True
        try:
            for byte in head:
                handler.wfile.write(bytes([byte]))
                if self._released.wait(self.TRICKLE_PAUSE):
                    return
            handler.wfile.write(route.body)
        except OSError:
            pass  # the client gave up, as it should
