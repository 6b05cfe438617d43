"""Generate docs/checks.md from the checks' own metadata (the test suite fails when it is stale).

    python -m zwgk_audit.checks.docs > docs/checks.md
"""
from __future__ import annotations

import json

from . import registry


def render_markdown() -> str:
    lines = ["# Check types", "",
             "Generated from each check's metadata by `python -m zwgk_audit.checks.docs > docs/checks.md`;",
             "edit the check, not this file. Every finding is `pass`, `fail`, `not_applicable` or `unverified`",
             "(with the reason).", ""]
    for name in sorted(registry):
        spec = registry[name]
        lines += [f"## `{name}` — {spec.title}", ""]
        if spec.description:
            lines += [spec.description, ""]
        lines += [f"- **依据**: {spec.basis}", f"- **整改要求**: {spec.remediation}"]
        if spec.params:
            params = ", ".join(f"`{k}` = `{json.dumps(v, ensure_ascii=False)}`" for k, v in spec.params.items())
            lines.append(f"- **参数 (defaults)**: {params}")
        if spec.required:
            lines.append(f"- **required**: {', '.join(f'`{r}`' for r in spec.required)}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
