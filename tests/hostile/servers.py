"""Loopback servers that misbehave on purpose. Each runs in a thread and stops with its ``with`` block."""
from __future__ import annotations

import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Route = Callable[[BaseHTTPRequestHandler], None]


class FaultServer:
    """``with FaultServer({"/": handler, ...}) as s: s.url``; handlers write the raw response."""

    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                outer.hits[self.path] = outer.hits.get(self.path, 0) + 1
                route = routes.get(self.path.split("?")[0]) or routes.get("*")
                if route is None:
                    send(self, 404, b"not found")
                else:
                    try:
                        route(self)
                    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                        pass

            def log_message(self, *a):
                pass

        self.hits: dict[str, int] = {}
        server_class = ThreadingHTTPServer
        if ":" in host:  # an IPv6 literal such as ::1
            server_class = type("ThreadingHTTPServer6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
        self.server = server_class((host, 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.host = host
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def page(title: str, body: str = "", links: list[str] = ()) -> bytes:
    anchors = "".join(f'<a href="{u}">{u}</a> ' for u in links)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1>{body}{anchors}</body></html>").encode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slow(seconds: float, then: Route) -> Route:
    def route(h):
        time.sleep(seconds)
        then(h)
    return route
