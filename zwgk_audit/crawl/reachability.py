"""Can the auditing machine reach the internet? Asked once per crawl, before the external link checks.

Without a route out, every working link to another site would look dead and land in the 整改清单 as a
DNS error: a fault of the auditor's network, not of the portal. The probe (resolve a well-known host, open
a TCP connection) is written to the WARC as an ``internet_probe`` event, so a re-score from the WARC
knows what the crawl knew; when it says offline, external links are not requested and stay ``unverified``.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from typing import Any

__all__ = ["DEFAULT_PROBE", "default_probe", "parse_target", "probe_internet", "probe_and_record",
           "is_offline", "offline_reason", "target_text"]

DEFAULT_PROBE = "www.gov.cn:443"
ENV = "ZWGK_AUDIT_INTERNET_PROBE"  # overrides the default (tests point it at a loopback listener)
MAX_ADDRESSES = 3  # addresses tried before the probe gives up on connecting


def default_probe() -> str | None:
    """The probe target when none is given: ``$ZWGK_AUDIT_INTERNET_PROBE`` ("none" = no probe), else www.gov.cn:443."""
    value = os.environ.get(ENV)
    if value is None:
        return DEFAULT_PROBE
    return None if value.strip().lower() in ("", "none", "off") else value.strip()


def parse_target(value: str | None) -> tuple[str, int] | None:
    """``host:port`` (``[v6]:port``; the port defaults to 443) as a pair; None for ``None``/""/"none".

    Raises ValueError on a malformed value, so a command line can refuse it before crawling.
    """
    if value is None or value.strip().lower() in ("", "none", "off"):
        return None
    text = value.strip()
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"internet probe {value!r}: expected HOST:PORT or [IPv6]:PORT")
        port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    elif ":" in text:  # a bare IPv6 literal
        host, port = text, ""
    else:
        host, port = text, ""
    if not host or any(c.isspace() or c in "/?#@" for c in host):
        raise ValueError(f"internet probe {value!r}: expected HOST:PORT")
    try:
        number = int(port) if port else 443
    except ValueError:
        raise ValueError(f"internet probe {value!r}: port must be a number") from None
    if not 0 < number < 65536:
        raise ValueError(f"internet probe {value!r}: port out of range")
    return host, number


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _resolve(host: str, port: int, timeout: float) -> list[tuple]:
    """getaddrinfo with a deadline: with no network the system resolver can hang far longer than we wait.

    Names under the reserved ``.invalid`` TLD never resolve (RFC 6761 §6.4: libraries should answer them at once,
    negatively): they are refused here without a query leaving the machine, so tests can name an unresolvable
    host offline."""
    if host.rstrip(".").lower().split(".")[-1] == "invalid":
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: reserved .invalid name (RFC 6761), never resolves")
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"probe-dns-{host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"DNS resolution timed out after {timeout:g}s")
    if "error" in box:
        raise box["error"]
    return box["infos"]


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if type(exc).__name__ in text else f"{type(exc).__name__}: {text}"


def probe_internet(host: str, port: int, timeout: float = 5.0) -> dict[str, Any]:
    """Resolve ``host`` and open a TCP connection to ``port``; a JSON-able result, never an exception.

    ``online`` is true only when both worked. ``timeout`` bounds the lookup and each connection attempt.
    """
    result: dict[str, Any] = {"host": host, "port": port, "resolved": False, "connected": False, "online": False,
                              "addresses": [], "error": None, "checked_at": _now()}
    started = time.monotonic()
    try:
        try:
            infos = _resolve(host, port, timeout)
        except (OSError, UnicodeError, ValueError) as exc:  # gaierror and TimeoutError are OSErrors
            result["error"] = _describe(exc)
            return result
        result["resolved"] = bool(infos)
        # IPv4 first: a machine without IPv6 routing should not spend its budget on AAAA answers
        infos = sorted(infos, key=lambda i: i[0] != socket.AF_INET)
        seen: dict[str, tuple] = {}
        for family, type_, proto, _name, sockaddr in infos:
            seen.setdefault(sockaddr[0], (family, type_, proto, sockaddr))
        result["addresses"] = list(seen)
        errors = []
        for family, type_, proto, sockaddr in list(seen.values())[:MAX_ADDRESSES]:
            try:
                with socket.socket(family, type_, proto) as sock:
                    sock.settimeout(timeout)
                    sock.connect(sockaddr)
                result["connected"] = result["online"] = True
                result["error"] = None
                break
            except OSError as exc:
                errors.append(f"{sockaddr[0]}: {_describe(exc)}")
        if not result["connected"]:
            result["error"] = "; ".join(errors) or "no address to connect to"
    except Exception as exc:  # noqa: BLE001 - a probe must never cost the crawl
        result["error"] = _describe(exc)
    finally:
        result["seconds"] = round(time.monotonic() - started, 3)
    return result


def probe_and_record(cfg, builder, recorder) -> dict[str, Any] | None:
    """Run the crawl's probe (``cfg.internet_probe``) and keep it as WARC evidence; None when switched off.

    A malformed target is recorded as a failed probe (the audit then says why) rather than losing the crawl.
    """
    value = cfg.internet_probe
    try:
        target = parse_target(value)
    except ValueError as exc:
        result = {"host": str(value), "port": None, "resolved": False, "connected": False, "online": False,
                  "addresses": [], "error": str(exc), "checked_at": _now()}
    else:
        if target is None:
            return None
        result = probe_internet(*target, timeout=cfg.connect_timeout)
    url = "urn:zwgk:internet-probe"
    rid = recorder.event(url, "internet_probe", {"url": url, "result": result, "fetched_at": result["checked_at"]})
    builder.event({"kind": "internet_probe", "url": url, "result": result, "record_id": rid})
    return result


def is_offline(internet: Any) -> bool:
    """True when a recorded probe said the internet was out of reach (no probe recorded: False)."""
    return isinstance(internet, dict) and not internet.get("online", True)


def target_text(internet: dict) -> str:
    """``host:port`` of a recorded probe, as it was asked for."""
    host, port = str(internet.get("host") or "?"), internet.get("port")
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def offline_reason(internet: Any) -> str | None:
    """Which probe failed and why, in Chinese (None when online or not probed)."""
    if not is_offline(internet):
        return None
    if internet.get("port") is None:
        what = "探测目标无效"
    elif not internet.get("resolved"):
        what = "域名无法解析"
    else:
        what = "无法建立TCP连接"
    error = internet.get("error")
    if error and "timed out" in str(error).lower():
        what += "（超时）"
    return f"探测 {target_text(internet)} 失败：{what}" + (f"，{error}" if error else "")
