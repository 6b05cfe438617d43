"""Serve a generated sample portal on loopback (127.0.0.1, and [::1] when the host has it)."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .generator import SamplePortal


def _home_delay(portal: SamplePortal):
    """The planted ``slow_home``: seconds to hold the n-th request for the home page (every ``slow_home_every``-th
    request, counted over the server's life, is held; the others answer at once)."""
    d = portal.config.defects
    delay, every = getattr(d, "slow_home", 0.0), max(getattr(d, "slow_home_every", 0), 1)
    count = [0]
    lock = threading.Lock()

    def seconds(path: str) -> float:
        if not delay or path not in ("/", "/index.html"):
            return 0.0
        with lock:
            count[0] += 1
            n = count[0]
        return delay if n % every == 0 else 0.0

    return seconds


def _handler(portal: SamplePortal, latency: float = 0.0) -> type[BaseHTTPRequestHandler]:
    home_delay = _home_delay(portal)

    class Handler(BaseHTTPRequestHandler):
        server_version = "SamplePortal/1.0"
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall per page

        def _send(self, head_only: bool, form: str | None = None) -> None:
            if latency:
                time.sleep(latency)  # a far-away portal, for benchmarks
            parts = urlsplit(self.path)
            if (hold := home_delay(parts.path)):
                time.sleep(hold)  # planted slow_home: the 站点无法访问 veto's trigger
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            page = portal.get(target, form)
            if page is None and parts.path.endswith("/"):
                page = portal.get(parts.path + "index.html")
            if page is None:
                status, body, ctype = 404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(), "text/html; charset=utf-8"
            else:
                body, ctype = portal.encode(page)
                status = page.status
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head_only:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # a client that gave up (a monitor's timeout)
                    self.close_connection = True

        def do_GET(self) -> None:  # noqa: N802
            self._send(head_only=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(head_only=True)

        def do_POST(self) -> None:  # noqa: N802  (大汉 dataproxy.jsp pages)
            size = min(int(self.headers.get("Content-Length") or 0), 64 * 1024)
            form = self.rfile.read(size).decode("utf-8", errors="replace")
            self._send(head_only=False, form=form)

        def log_message(self, *args) -> None:  # quiet: tests and the demo print their own summary
            pass

    return Handler


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def ipv6_loopback_available() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class SampleServer:
    """Context manager: ``with SampleServer(portal) as srv: srv.url``.

    Binds 127.0.0.1 on ``port`` (0 = any free port) and, where the machine has
    IPv6 loopback, [::1] on the same port so IPv6 checks have something real.
    """

    def __init__(self, portal: SamplePortal, port: int = 0, host: str = "127.0.0.1", latency: float = 0.0):
        self.portal = portal
        self.servers: list[ThreadingHTTPServer] = []
        handler = _handler(portal, latency)
        v4 = ThreadingHTTPServer((host, port), handler)
        v4.daemon_threads = True
        self.servers.append(v4)
        self.port = v4.server_address[1]
        self.host = host
        if ipv6_loopback_available():
            try:
                v6 = _V6Server(("::1", self.port), handler)
                v6.daemon_threads = True
                self.servers.append(v6)
            except OSError:
                pass
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def url_v6(self) -> str | None:
        return f"http://[::1]:{self.port}/" if len(self.servers) > 1 else None

    def start(self) -> "SampleServer":
        for s in self.servers:
            t = threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> "SampleServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
