"""Recognise WAF block pages and JavaScript bot walls: blocked is not non-compliant.

A page a firewall refused says nothing about the portal's content, so it is
recorded as ``blocked`` and every finding that depends on it is
``unverified``, never ``fail``.
"""
from __future__ import annotations

import re

BLOCK_STATUS = {401, 403, 405, 412, 418, 429, 503, 521}
SIGNS = re.compile(
    r"访问被拒绝|拒绝访问|访问受限|禁止访问|访问被阻断|您的访问|安全狗|云盾|云锁|知道创宇|创宇盾|网站防火墙|防火墙|"
    r"请求被拦截|非法请求|安全验证|人机验证|滑动验证|验证码|请开启\s*JavaScript|请启用\s*JavaScript|"
    r"Access Denied|Forbidden|captcha|challenge|__jsl_clearance|_waf_|cdn-cgi|WZWS|yunsuo",
    re.I,
)
JS_CHALLENGE = re.compile(r"document\.cookie\s*=.{0,400}?(location\.(reload|href|replace)|window\.location)", re.S)


def block_reason(status: int | None, text: str) -> str | None:
    """Why this response is a block page rather than the portal's content (None when it is content)."""
    if status is None:
        return None
    head = text[:20000]
    if status in BLOCK_STATUS and (SIGNS.search(head) or len(text.strip()) < 2000):
        return f"被网站防护拦截（HTTP {status} 拦截页）"
    if status == 200 and len(text) < 8000 and JS_CHALLENGE.search(head):
        return "被网站防护拦截（JavaScript 验证页）"
    return None
