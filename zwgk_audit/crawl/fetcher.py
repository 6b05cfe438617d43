"""Polite HTTP fetching: timeouts, retries with backoff, size cap, per-host rate limit.

Every outcome is a :class:`Fetched`, never an exception: a portal that times
out, loops its redirects or sends 50 MB is a finding about the portal, and
the crawl carries on.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.utils import get_netrc_auth
from urllib3.util.retry import Retry

from .reachability import default_probe

DEFAULT_USER_AGENT = "zwgk-audit/0.1 (open government information assessment; zhengwu gongkai)"  # HTTP headers are latin-1: ASCII only


SLACK = 0.1  # share of the per-host interval a late start may take from the next one
# host[:port] -> earliest start of its next request, shared by every Fetcher in the process: crawls of one
# server one after another (a batch's agencies on a shared portal) or at once keep one polite pace between
# them. Keyed like the batch's task groups (``netloc``). An entry in the past means "now"; it is a float per
# server ever crawled, so entries are never pruned.
_NEXT_START: dict[str, float] = {}
_NEXT_START_LOCK = threading.Lock()


@dataclass
class CrawlConfig:
    """How to crawl. Defaults are polite for a real government portal."""

    max_pages: int = 500
    # share of max_pages the structure (hubs, navigation, first pages of lists) may take before articles;
    # structure pages beyond it wait behind articles, and the snapshot says the column tree is incomplete
    structure_share: float = 0.8
    scope: str | None = None  # a path prefix (https://www.example.gov.cn/bm/yjj/) on a shared portal; None = host
    max_depth: int = 8
    rate: float = 1.0  # requests per second per host; 0 means no limit (own loopback server)
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # one response, all bytes: stops a 1 byte/s drip
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    user_agent: str = DEFAULT_USER_AGENT
    # e-mail put into the User-Agent so a webmaster can reach the assessor (env ZWGK_AUDIT_CONTACT by default)
    contact: str | None = field(default_factory=lambda: os.environ.get("ZWGK_AUDIT_CONTACT"))
    respect_robots: bool = True
    extra_hosts: tuple[str, ...] = ()
    verify_tls: bool = True
    check_external: bool = True  # HEAD the other sites linked from home and column pages (links_valid)
    # HOST:PORT the crawl resolves and connects to before those checks (None or "" = no probe): when it fails,
    # external links stay unverified instead of all counting as dead. Default www.gov.cn:443, or
    # $ZWGK_AUDIT_INTERNET_PROBE.
    internet_probe: str | None = field(default_factory=default_probe)
    max_external_checks: int = 200
    probe_ipv6: bool = False  # run the IPv6 sub-tests (zwgk_audit.ipv6) after the crawl and keep them as evidence
    ipv6_url: str | None = None  # probe this URL instead of the start URL (same site under its DNS name)
    dns_nameservers: tuple[str, ...] = ()  # resolver for the probe; empty = the system's
    dns_port: int = 53
    insecure_fallback: bool = False  # --insecure: on a TLS error, read the page unverified and record the error
    max_retry_after: float = 60.0  # seconds; a longer Retry-After is cut to this (the wait stays bounded)
    # called after every page with (pages fetched, pages queued): the CLI's progress bar; never part of the evidence
    progress: Callable[[int, int], None] | None = field(default=None, repr=False, compare=False)

    @property
    def ua(self) -> str:
        ua = f"{self.user_agent} contact:{self.contact}" if self.contact else self.user_agent
        if not ua.isascii():
            raise ValueError(f"User-Agent and contact must be ASCII (HTTP headers are latin-1): {ua!r}")
        return ua


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
    request_body: str | None = None  # the form a POST sent (Hanweb dataproxy.jsp), kept in the WARC request record

    @property
    def content_type(self) -> str:
        for k, v in self.headers:
            if k.lower() == "content-type":
                return v
        return ""


def _bounded_retry_after(limit: float):
    def get_retry_after(self, response):
        value = Retry.get_retry_after(self, response)
        return None if value is None else min(value, limit)

    return get_retry_after


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _environment_once_per_host(session: requests.Session):
    """``session.merge_environment_settings``, asked once per scheme and host.

    requests reads the proxy environment (every environment variable, twice: proxies, then no_proxy) and the
    CA-bundle variables on every request: about a tenth of a crawl's CPU (issue 19). Its answer depends only on
    the URL's scheme and host, the call's own settings and the environment, which a crawl does not change, so it
    is kept per (scheme, host, stream, verify, cert). Explicit ``proxies`` are merged as requests does.
    """
    merge = session.merge_environment_settings
    memo: dict[tuple, dict] = {}

    def merged(url, proxies, stream, verify, cert):
        try:
            parts = urlsplit(url)
            key = (parts.scheme, parts.netloc, stream, verify, cert)
            hash(key)
        except (TypeError, ValueError):
            return merge(url, proxies, stream, verify, cert)
        if proxies:
            return merge(url, proxies, stream, verify, cert)
        settings = memo.get(key)
        if settings is None:
            settings = memo[key] = merge(url, proxies, stream, verify, cert)
        return {k: dict(v) if isinstance(v, dict) else v for k, v in settings.items()}

    return merged


class Fetcher:
    def __init__(self, config: CrawlConfig):
        self.config = config
        self.session = requests.Session()
        self.session.headers["User-Agent"] = config.ua
        self.session.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.session.max_redirects = config.max_redirects
        bounded = type("BoundedRetry", (Retry,), {"get_retry_after": _bounded_retry_after(config.max_retry_after)})
        retry = bounded(
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
        self.session.merge_environment_settings = _environment_once_per_host(self.session)  # type: ignore[method-assign]
        self._netrc: dict[str, tuple[str, str] | None] = {}  # netloc -> ~/.netrc credentials, read once per host
        self._hosts: set[str] = set()  # hosts this fetcher has asked already
        # Seconds the polite schedule slipped: a request whose turn came while the previous page was still
        # being fetched or parsed, or that started late (a busy CPU). Explains a crawl slower than pages / rate.
        self.behind_schedule = 0.0

    def _wait_turn(self, url: str) -> None:
        """Per-host politeness: requests start on a grid ``1/rate`` apart.

        A request that starts late (its thread waited for the CPU) pushes the rest of the schedule
        back only by what exceeds ``SLACK`` of an interval, so scheduling jitter does not pile up over
        hundreds of pages: consecutive requests to a host start at least ``(1 - SLACK) / rate``
        apart, and the k-th starts no earlier than ``k / rate`` after the first. The grid is the process's,
        not this fetcher's: a second crawl of the host waits its turn after the first one's last request.
        """
        if self.config.rate <= 0:
            return
        host = urlsplit(url).netloc.rpartition("@")[2].lower()
        interval = 1.0 / self.config.rate
        with _NEXT_START_LOCK:
            now = time.monotonic()
            due = _NEXT_START.get(host, now)
            start = max(now, due)
            if host in self._hosts:  # a first request owes nothing to an earlier crawl's schedule
                self.behind_schedule += start - due
            self._hosts.add(host)
            _NEXT_START[host] = start + interval
        if start > now:
            time.sleep(start - now)
        late = time.monotonic() - start
        if late > SLACK * interval:
            with _NEXT_START_LOCK:
                _NEXT_START[host] = max(_NEXT_START[host], start + late - SLACK * interval + interval)
                self.behind_schedule += late - SLACK * interval

    def get(self, url: str, method: str = "GET", in_scope=None, body: str | None = None) -> Fetched:
        """Fetch ``url``; redirects are followed by hand so each hop is evidence and
        a redirect off the portal's scope (``in_scope(url) -> bool``) is recorded, not followed.

        ``body`` is a form sent with a POST; a redirect after a POST is followed with a GET, as browsers do."""
        cfg = self.config
        hops: list[Fetched] = []
        seen = {url}
        current = url
        while True:
            f, resp = self._one(current, method, body)
            if resp is None or not resp.is_redirect:
                f.url = url
                f.hops = hops
                return f
            if method == "POST" and resp.status_code in (301, 302, 303):
                method, body = "GET", None
            location = urljoin(current, resp.headers.get("Location", ""))
            hop = Fetched(current, location, resp.status_code, list(resp.headers.items()), b"", f.fetched_at, method=method)
            hops.append(hop)
            stop = None
            if location in seen:
                stop = f"redirect loop: {location} was already visited"
            elif len(hops) > cfg.max_redirects:
                stop = f"more than {cfg.max_redirects} redirects"
            elif in_scope is not None and not in_scope(location):
                stop = f"redirect to another site, not followed: {location}"
            if stop:
                last = hops.pop()
                return Fetched(url, location, last.status, last.headers, b"", last.fetched_at, stop, False, hops, method)
            seen.add(location)
            current = location

    def prepare(self, method: str, url: str, form: str | None = None) -> requests.PreparedRequest:
        """The request ``Session.request`` would send: the session's headers, cookies and ~/.netrc credentials.

        ``Session.prepare_request`` copies the cookie jar and merges the session's headers, parameters and hooks
        through generic dictionary merging, and looks for a ~/.netrc file, on every call: a quarter of the
        fetcher's CPU (issue 19). Here the headers are merged directly, the jar is read where it is, and ~/.netrc
        is read once per host; a crawl never sets parameters, hooks or authentication of its own.
        """
        headers = dict(self.session.headers)
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        netloc = urlsplit(url).netloc
        if netloc not in self._netrc:
            self._netrc[netloc] = get_netrc_auth(url) if self.session.trust_env else None
        prep = requests.PreparedRequest()
        prep.prepare(method=method, url=url, headers=headers, data=None if form is None else form.encode("utf-8"),
                     cookies=self.session.cookies, auth=self._netrc[netloc])
        return prep

    def _send(self, method: str, url: str, form: str | None, verify) -> requests.Response:
        """``Session.request`` for a prepared request (:meth:`prepare`): streamed, no redirect followed."""
        cfg = self.config
        prep = self.prepare(method, url, form)
        settings = self.session.merge_environment_settings(prep.url, {}, True, verify, None)
        return self.session.send(prep, timeout=(cfg.connect_timeout, cfg.read_timeout), allow_redirects=False,
                                 **settings)

    def _one(self, url: str, method: str, form: str | None = None) -> tuple[Fetched, requests.Response | None]:
        """One request, no redirects followed; the response object is returned for redirect handling."""
        self._wait_turn(url)
        started = _now()
        cfg = self.config
        tls_note = None
        try:
            try:
                resp = self._send(method, url, form, cfg.verify_tls)
            except requests.exceptions.SSLError as exc:
                if not cfg.insecure_fallback:
                    raise
                tls_note = f"TLS error: {exc} (content read without certificate verification)"
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                    resp = self._send(method, url, form, False)
        except requests.exceptions.SSLError as exc:
            return Fetched(url, url, None, fetched_at=started, error=f"TLS error: {exc}", method=method, request_body=form), None
        except requests.exceptions.ConnectTimeout:
            return Fetched(url, url, None, fetched_at=started, error="connect timeout", method=method, request_body=form), None
        except requests.exceptions.ReadTimeout:
            return Fetched(url, url, None, fetched_at=started, error="read timeout", method=method, request_body=form), None
        except requests.exceptions.ConnectionError as exc:
            text = str(exc)
            dns = any(k in text for k in ("Name or service not known", "getaddrinfo", "NameResolution", "nodename nor servname"))
            reason = "DNS failure" if dns else "connection failed"
            return Fetched(url, url, None, fetched_at=started, error=f"{reason}: {exc}", method=method, request_body=form), None
        except (requests.exceptions.RequestException, ValueError, UnicodeError) as exc:
            return Fetched(url, url, None, fetched_at=started, error=f"request failed: {exc}", method=method, request_body=form), None
        if resp.is_redirect:
            resp.close()
            return Fetched(url, url, resp.status_code, list(resp.headers.items()), b"", started, method=method, request_body=form), resp
        body = bytearray()
        truncated = False
        error = tls_note
        deadline = time.monotonic() + cfg.total_timeout
        try:
            if method != "HEAD":
                # read1 returns whatever one socket read brings, so a 1 byte/s drip meets the deadline check
                while chunk := resp.raw.read1(64 * 1024, decode_content=True):
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
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            truncated = True
            error = f"body read failed (timeout or connection lost): {exc}"
        finally:
            resp.close()
        headers = [(k, v) for k, v in resp.headers.items()
                   if k.lower() not in {"content-encoding", "transfer-encoding", "content-length"}]
        return Fetched(url, resp.url, resp.status_code, headers, bytes(body), started, error, truncated, [], method, form), resp

    def close(self) -> None:
        self.session.close()
