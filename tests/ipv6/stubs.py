"""A DNS stub (dnspython messages over UDP) and dual-stack HTTP servers, all on loopback."""
from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DNSStub:
    """Answers A / AAAA / NS for the names in ``zone``: {"portal.test": {"A": [...], "AAAA": [...], "NS": [...]}}."""

    def __init__(self, zone: dict[str, dict[str, list[str]]]):
        self.zone = {k.rstrip(".").lower(): v for k, v in zone.items()}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.flags |= 0x0400  # authoritative
            q = query.question[0]
            name = q.name.to_text().rstrip(".").lower()
            rtype = dns.rdatatype.to_text(q.rdtype)
            records = self.zone.get(name)
            if records is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif records.get(rtype):
                values = [v if rtype != "NS" else v.rstrip(".") + "." for v in records[rtype]]
                response.answer.append(dns.rrset.from_text_list(q.name, 60, "IN", rtype, values))
            self.sock.sendto(response.to_wire(), addr)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


class DualStack:
    """HTTP on 127.0.0.1 and, optionally, [::1] on the same port, each with its own page."""

    @staticmethod
    @contextlib.contextmanager
    def reserve():
        """A free port number on both 127.0.0.1 and ::1 (released before the servers bind it)."""
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
            s6.bind(("::1", 0))
            port = s6.getsockname()[1]
        yield port

    def __init__(self, v4_body: str, v6_body: str | None, port: int = 0):
        def handler(body: str):
            class H(BaseHTTPRequestHandler):
                def do_GET(self):  # noqa: N802
                    data = body.encode("utf-8")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

                def log_message(self, *a):
                    pass
            return H

        self.servers = [ThreadingHTTPServer(("127.0.0.1", port), handler(v4_body))]
        self.port = self.servers[0].server_address[1]
        if v6_body is not None:
            class V6(ThreadingHTTPServer):
                address_family = socket.AF_INET6
            self.servers.append(V6(("::1", self.port), handler(v6_body)))
        self.threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                        for s in self.servers]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        for s in self.servers:
            s.shutdown()
            s.server_close()
