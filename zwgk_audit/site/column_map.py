"""An evaluator's column map: a real column name or URL → the class it stands for, overriding the vocabulary.

    # my-portal-columns.yaml
    公文通知: policy_documents                      # a name the vocabulary does not know
    https://www.example.gov.cn/zwgk/xxgk/: guide   # one column by its list page URL
    工作信息: null                                  # not any class (never counted as one)

The map is recorded in the outputs (score.json, report) so a reader sees what the evaluator decided.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .vocabulary import vocabulary


class ColumnMapError(ValueError):
    """A column map that cannot be used, naming the file, the line and the entry."""


def load_column_map(path: str | Path) -> dict[str, str]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ColumnMapError(f"{p}: cannot read column map: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ColumnMapError(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}" if mark else "?"
        raise ColumnMapError(f"{p}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ColumnMapError(f"{p}:1: a column map is a mapping of column name or URL to class id")
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value} if node is not None else {}
    classes = vocabulary().classes
    out: dict[str, str] = {}
    for key, value in data.items():
        where = f"{p}:{lines.get(str(key), '?')}"
        if value is None:
            out[str(key)] = ""  # explicitly no class
            continue
        if not isinstance(value, str) or value not in classes:
            known = ", ".join(classes)
            raise ColumnMapError(f"{where}: {key!r}: unknown column class {value!r}; known classes: {known}")
        out[str(key)] = value
    return out
