"""Polite HTTP fetching: timeouts, retries with backoff, size cap, per-host rate limit.

Every outcome is a :class:`Fetched`, never an exception: a portal that times
out, loops its redirects or sends 50 MB is a finding about the portal, and
the crawl carries on.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from ..extract.urls import host_of

DEFAULT_USER_AGENT = "zwgk-audit/0.1 (open government information assessment; zhengwu gongkai)"  # HTTP headers are latin-1: ASCII only


@dataclass
class CrawlConfig:
    """How to crawl. Defaults are polite for a real government portal."""

    max_pages: int = 500
    max_depth: int = 8
    rate: float = 1.0  # requests per second per host; 0 means no limit (own loopback server)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # one response, all bytes: stops a 1 byte/s drip
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    user_agent: str = DEFAULT_USER_AGENT
    contact: str | None = None  # e-mail put into the User-Agent so a webmaster can reach the assessor
    respect_robots: bool = True
    extra_hosts: tuple[str, ...] = ()
    verify_tls: bool = True

    @property
    def ua(self) -> str:
        return f"{self.user_agent} contact:{self.contact}" if self.contact else self.user_agent


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int | None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fetched_at: str = ""
    error: str | None = None
    truncated: bool = False
    hops: list["Fetched"] = field(default_factory=list)  # redirect responses before the final one
    method: str = "GET"

    @property
    def content_type(self) -> str:
        for k, v in self.headers:
            if k.lower() == "content-type":
                return v
        return ""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Fetcher:
    def __init__(self, config: CrawlConfig):
        self.config = config
        self.session = requests.Session()
        self.session.headers["User-Agent"] = config.ua
        self.session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.session.max_redirects = config.max_redirects
        retry = Retry(
            total=config.retries,
            connect=config.retries,
            read=config.retries,
            status=config.retries,
            backoff_factor=0.5,
            backoff_max=30,
            status_forcelist=(500, 502, 503, 504, 429),
            allowed_methods=("GET", "HEAD"),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def _wait_turn(self, url: str) -> None:
        if self.config.rate <= 0:
            return
        host = host_of(url)
        interval = 1.0 / self.config.rate
        with self._lock:
            last = self._last.get(host, 0.0)
            wait = last + interval - time.monotonic()
            self._last[host] = max(time.monotonic(), last + interval)
        if wait > 0:
            time.sleep(wait)

    def get(self, url: str, method: str = "GET") -> Fetched:
        self._wait_turn(url)
        started = _now()
        cfg = self.config
        try:
            resp = self.session.request(
                method, url, stream=True, timeout=(cfg.connect_timeout, cfg.read_timeout),
                verify=cfg.verify_tls, allow_redirects=True,
            )
        except requests.exceptions.TooManyRedirects:
            return Fetched(url, url, None, fetched_at=started, error=f"redirect loop or more than {cfg.max_redirects} redirects", method=method)
        except requests.exceptions.SSLError as exc:
            return Fetched(url, url, None, fetched_at=started, error=f"TLS error: {exc}", method=method)
        except requests.exceptions.ConnectTimeout:
            return Fetched(url, url, None, fetched_at=started, error="connect timeout", method=method)
        except requests.exceptions.ReadTimeout:
            return Fetched(url, url, None, fetched_at=started, error="read timeout", method=method)
        except requests.exceptions.ConnectionError as exc:
            reason = "DNS failure" if "Name or service not known" in str(exc) or "getaddrinfo" in str(exc) else "connection failed"
            return Fetched(url, url, None, fetched_at=started, error=f"{reason}: {exc}", method=method)
        except (requests.exceptions.RequestException, ValueError, UnicodeError) as exc:
            return Fetched(url, url, None, fetched_at=started, error=f"request failed: {exc}", method=method)
        hops = [
            Fetched(h.url, h.headers.get("Location", ""), h.status_code, list(h.headers.items()), b"", started, method=method)
            for h in resp.history
        ]
        body = bytearray()
        truncated = False
        error = None
        deadline = time.monotonic() + cfg.total_timeout
        try:
            if method != "HEAD":
                for chunk in resp.iter_content(64 * 1024):
                    body.extend(chunk)
                    if len(body) > cfg.max_bytes:
                        del body[cfg.max_bytes:]
                        truncated = True
                        error = f"response larger than {cfg.max_bytes} bytes: cut at the cap"
                        break
                    if time.monotonic() > deadline:
                        truncated = True
                        error = f"response not complete within {cfg.total_timeout:g} s: cut"
                        break
        except requests.exceptions.RequestException as exc:
            truncated = True
            error = f"body read failed: {exc}"
        finally:
            resp.close()
        headers = [(k, v) for k, v in resp.headers.items()
                   if k.lower() not in {"content-encoding", "transfer-encoding", "content-length"}]
        return Fetched(url, resp.url, resp.status_code, headers, bytes(body), started, error, truncated, hops, method)

    def close(self) -> None:
        self.session.close()
