"""IPv6 support, judged the way national programmes do, one sub-test at a time.

1. DNS — the portal host has AAAA records, and at least two of its name servers
   have AAAA records (internet.nl's rule).
2. Reachability — a TCP connection and an HTTP GET over IPv6 to every AAAA
   address succeed.
3. Parity — the page over IPv6 is the page over IPv4: volatile markup (counters,
   timestamps, CSRF tokens, __VIEWSTATE, nonces) stripped, similarity ≥ 90%
   (internet.nl's threshold).
4. Depth — the share of second- and third-level link hosts that pass 1–3; the
   pass ratio is a parameter (default 90%: the national monitoring method's ratio
   is not confirmed in shared/reference/indicators.md, so the number is ours and
   the measured ratio is always reported).

When the auditing machine has no route to an address over IPv6, sub-tests 2 and 3
are ``unverified`` ("auditor has no IPv6"), never ``fail``. The resolver is
injectable so tests run against a DNS stub on loopback.
"""
from __future__ import annotations

import difflib
import ipaddress
import re
import socket
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import dns.exception
import dns.name
import dns.resolver
import requests

SIMILARITY = 0.90
VOLATILE = [
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<input[^>]+(__VIEWSTATE|__EVENTVALIDATION|csrf|_token|nonce)[^>]*>", re.I),
    re.compile(r"\b(nonce|csrf[-_]?token|_token)=\"[^\"]*\"", re.I),
    re.compile(r"(访问量|浏览次数|访问次数|点击数|阅读)[:：]?\s*\d+"),
    re.compile(r"\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?\s*\d{1,2}:\d{2}(:\d{2})?"),
    re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"),
    re.compile(r"\s+"),
]
EXPLAIN = {
    "dns": ("域名解析（AAAA）", "为门户网站域名添加AAAA记录，并为至少两台权威域名服务器配置IPv6地址（AAAA记录）。"),
    "reachability": ("IPv6可访问", "确保每个AAAA地址上的Web服务在80/443端口通过IPv6可以建立连接并正常返回页面。"),
    "parity": ("IPv4/IPv6内容一致", "使IPv6与IPv4返回相同的网站内容，避免IPv6地址返回错误页或默认页。"),
    "depth": ("二、三级页面IPv6支持", "使网站二级、三级链接所在的主机同样支持IPv6（AAAA、可访问、内容一致）。"),
}


@dataclass
class SubTest:
    name: str
    status: str  # pass | fail | unverified | not_applicable
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return EXPLAIN[self.name][0]

    @property
    def remediation(self) -> str:
        return EXPLAIN[self.name][1]


@dataclass
class IPv6Result:
    url: str
    host: str
    auditor_has_ipv6: bool
    tests: list[SubTest]

    def test(self, name: str) -> SubTest:
        return next(t for t in self.tests if t.name == name)

    @property
    def status(self) -> str:
        states = [t.status for t in self.tests if t.status != "not_applicable"]
        if "fail" in states:
            return "fail"
        return "unverified" if "unverified" in states else "pass"

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "host": self.host, "auditor_has_ipv6": self.auditor_has_ipv6, "status": self.status,
                "tests": [{**asdict(t), "title": t.title, "remediation": t.remediation} for t in self.tests]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "IPv6Result":
        return cls(data["url"], data["host"], data["auditor_has_ipv6"],
                   [SubTest(t["name"], t["status"], t["detail"], t.get("data", {})) for t in data["tests"]])


def make_resolver(nameservers: list[str] | None = None, port: int = 53, timeout: float = 3.0) -> dns.resolver.Resolver:
    """A dnspython resolver; ``nameservers`` and ``port`` point it at a stub in tests."""
    r = dns.resolver.Resolver(configure=nameservers is None)
    if nameservers is not None:
        r.nameservers = nameservers
        r.port = port
    r.timeout = r.lifetime = timeout
    return r


def _addresses(resolver, name: str, rdtype: str) -> list[str]:
    try:
        return sorted(r.address for r in resolver.resolve(name, rdtype))
    except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN, dns.resolver.NoNameservers):
        return []


def _nameservers(resolver, host: str) -> list[str]:
    name = dns.name.from_text(host)
    while len(name.labels) > 1:
        try:
            return sorted(str(r.target).rstrip(".") for r in resolver.resolve(name, "NS"))
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
            name = name.parent()
    return []


def has_route(address: str) -> bool:
    """Can this machine send to ``address`` over IPv6? (UDP connect: a route lookup, no packet sent.)"""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.connect((address, 9))
        return True
    except OSError:
        return False


def _fetch(address: str, family: int, port: int, scheme: str, host: str, path: str, timeout: float) -> tuple[int | None, str, str | None]:
    """TCP connect, then HTTP GET to an address literal with the portal's Host header."""
    try:
        with socket.create_connection((address, port), timeout=timeout):
            pass
    except OSError as exc:
        return None, "", f"TCP {address}:{port}: {exc}"
    literal = f"[{address}]" if family == socket.AF_INET6 else address
    try:
        r = requests.get(f"{scheme}://{literal}:{port}{path}", headers={"Host": host if port in (80, 443) else f"{host}:{port}"},
                         timeout=timeout, verify=False, allow_redirects=False)
        return r.status_code, r.text[:2_000_000], None
    except requests.RequestException as exc:
        return None, "", f"HTTP {address}: {exc}"


def normalise(html: str) -> str:
    for pattern in VOLATILE:
        html = pattern.sub(" ", html)
    return html.strip()


def similarity(a: str, b: str) -> float:
    a, b = normalise(a), normalise(b)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def probe_host(url: str, resolver=None, timeout: float = 5.0, check_ns: bool = True) -> IPv6Result:
    """Sub-tests 1–3 for the host of ``url``."""
    resolver = resolver or make_resolver()
    parts = urlsplit(url)
    host, scheme = parts.hostname or "", parts.scheme or "http"
    port = parts.port or (443 if scheme == "https" else 80)
    path = parts.path or "/"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:  # an address, not a name: nothing to resolve, no name servers to ask
        aaaa = [host] if literal.version == 6 else []
        a = [host] if literal.version == 4 else []
        check_ns = False
    else:
        aaaa = _addresses(resolver, host, "AAAA")
        a = _addresses(resolver, host, "A")
    tests: list[SubTest] = []
    ns_v6: dict[str, list[str]] = {}
    if check_ns:
        for ns in _nameservers(resolver, host):
            ns_v6[ns] = _addresses(resolver, ns, "AAAA")
    ns_ok = sum(bool(v) for v in ns_v6.values())
    data = {"aaaa": aaaa, "a": a, "nameservers": ns_v6}
    if not aaaa:
        tests.append(SubTest("dns", "fail", f"{host} 没有AAAA记录", data))
    elif check_ns and ns_ok < 2:
        tests.append(SubTest("dns", "fail", f"{host} 有AAAA记录 {', '.join(aaaa)}，但只有{ns_ok}台域名服务器有IPv6地址（要求至少2台）", data))
    else:
        tests.append(SubTest("dns", "pass", f"AAAA: {', '.join(aaaa)}" + (f"；IPv6域名服务器 {ns_ok} 台" if check_ns else ""), data))
    route = all(has_route(addr) for addr in aaaa) if aaaa else has_route("2001:db8::1")
    if not aaaa:
        tests.append(SubTest("reachability", "not_applicable", "无AAAA记录，无法经IPv6访问"))
        tests.append(SubTest("parity", "not_applicable", "无AAAA记录，无从比较"))
        return IPv6Result(url, host, route, tests)
    if not route:
        tests.append(SubTest("reachability", "unverified", "评估机器没有IPv6路由（auditor has no IPv6），无法测试"))
        tests.append(SubTest("parity", "unverified", "评估机器没有IPv6路由（auditor has no IPv6），无法测试"))
        return IPv6Result(url, host, False, tests)
    pages6, failures = {}, []
    for addr in aaaa:
        status, body, err = _fetch(addr, socket.AF_INET6, port, scheme, host, path, timeout)
        if err or status is None or status >= 400:
            failures.append(err or f"[{addr}] 返回HTTP {status}")
        else:
            pages6[addr] = body
    if failures:
        tests.append(SubTest("reachability", "fail", "；".join(failures), {"ok": sorted(pages6)}))
    else:
        tests.append(SubTest("reachability", "pass", f"{len(pages6)}个IPv6地址均可访问", {"ok": sorted(pages6)}))
    if not pages6:
        tests.append(SubTest("parity", "not_applicable", "IPv6页面无法获取，无从比较"))
        return IPv6Result(url, host, True, tests)
    if not a:
        tests.append(SubTest("parity", "not_applicable", "没有A记录（仅IPv6），无需比较"))
        return IPv6Result(url, host, True, tests)
    status4, body4, err4 = _fetch(a[0], socket.AF_INET, port, scheme, host, path, timeout)
    if err4 or status4 is None:
        tests.append(SubTest("parity", "unverified", f"IPv4页面无法获取，无法比较：{err4}"))
        return IPv6Result(url, host, True, tests)
    ratios = {addr: round(similarity(body4, body), 4) for addr, body in pages6.items()}
    worst = min(ratios.values())
    detail = f"IPv6与IPv4页面相似度 {worst:.0%}（要求≥{SIMILARITY:.0%}）"
    tests.append(SubTest("parity", "pass" if worst >= SIMILARITY else "fail", detail, {"similarity": ratios}))
    return IPv6Result(url, host, True, tests)


def probe(url: str, depth_urls: list[str] = (), resolver=None, timeout: float = 5.0, depth_ratio: float = 0.9,
          check_ns: bool = True) -> IPv6Result:
    """All four sub-tests: the portal host, then the hosts of its second/third-level links."""
    result = probe_host(url, resolver, timeout, check_ns)
    main_host = result.host
    hosts: dict[str, str] = {}
    for u in depth_urls:
        h = urlsplit(u).hostname
        if h and h not in hosts:
            hosts[h] = u
    per_host: dict[str, str] = {main_host: result.status}
    for h, u in hosts.items():
        if h not in per_host:
            per_host[h] = probe_host(u, resolver, timeout, check_ns=False).status
    counted = [u for u in depth_urls if urlsplit(u).hostname]
    if not counted:
        result.tests.append(SubTest("depth", "not_applicable", "未提供二、三级链接"))
        return result
    passed = sum(per_host.get(urlsplit(u).hostname) == "pass" for u in counted)
    unknown = sum(per_host.get(urlsplit(u).hostname) == "unverified" for u in counted)
    share = passed / len(counted)
    data = {"links": len(counted), "passed": passed, "ratio": round(share, 4), "required": depth_ratio, "hosts": per_host}
    detail = f"二、三级链接 {passed}/{len(counted)}（{share:.0%}）所在主机支持IPv6，要求≥{depth_ratio:.0%}"
    if share >= depth_ratio:
        status = "pass"
    elif (passed + unknown) / len(counted) >= depth_ratio:
        status = "unverified"
    else:
        status = "fail"
    result.tests.append(SubTest("depth", status, detail, data))
    return result
