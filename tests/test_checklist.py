from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zwgk_audit.checklist import ChecklistError, load_checklist, parse_checklist

ROOT = Path(__file__).resolve().parent.parent

VALID = """\
id: t
title: 测试清单
appraisal_share: 4
categories:
  - {id: c, title: 分类, weight: 1}
items:
  - id: I-1
    title: 政策文件栏目
    check: column_present
    params: {column: 政策文件}
    category: c
    basis: {clause: 条例第二十条}
  - id: I-2
    title: 时限
    check: publication_timeliness
    params: {max_working_days: 3}
    weight: 2
    category: c
    basis: {clause: 方案第9项, text: 成文3个工作日内}
    responsible_unit: 办公室
"""


def test_shipped_checklists_load_and_merge():
    base = load_checklist(ROOT / "checklists" / "baseline.yaml")
    plan = load_checklist(ROOT / "checklists" / "panjin-sfj-2019.yaml")
    merged = base.merge(plan)
    # the plan's 解读互为链接 asks what the baseline's B-INTP-01 asks: one item, both bases, mutual links required
    twins = [i for i in plan.items if i.check == "interpretation_linked"]
    assert len(merged.items) == len(base.items) + len(plan.items) - len(twins)
    intp = next(i for i in merged.items if i.id == "B-INTP-01")
    assert intp.params["mutual"] is True and all(t.basis.clause in intp.basis.clause for t in twins)
    assert merged.appraisal_share == 4  # the plan's "分值权重不低于4%"
    assert all(it.basis.clause for it in merged.items)
    assert {"column_present", "publication_timeliness", "interpretation_linked"} <= {i.check for i in base.items}


def test_valid_text_parses():
    cl = parse_checklist(VALID, "t.yaml")
    assert cl.item("I-2").params == {"max_working_days": 3}
    assert cl.item("I-2").responsible_unit == "办公室"


@pytest.mark.parametrize(
    "old,new,line,field",
    [
        ("    weight: 2\n", "    weight: -1\n", 17, "items[1](I-2).weight"),
        ("    check: publication_timeliness\n", "    check: no_such_check\n", 15, "items[1](I-2).check"),
        ("    category: c\n    basis: {clause: 方案", "    category: zz\n    basis: {clause: 方案", 18, "items[1](I-2).category"),
        ("{max_working_days: 3}", "{max_working_days: 3, speed: 1}", 16, "items[1](I-2).params.speed"),
        ("{max_working_days: 3}", "{max_working_days: three}", 16, "items[1](I-2).params.max_working_days"),
        ("    params: {column: 政策文件}\n", "    params: {}\n", 10, "items[0](I-1).params.column"),
        ("appraisal_share: 4", "appraisal_share: 400", 3, "appraisal_share"),
        ("  - id: I-2", "  - id: I-1", 13, "items[1](I-1).id"),
    ],
)
def test_malformed_checklist_names_file_line_field(old, new, line, field):
    text = VALID.replace(old, new, 1)
    assert text != VALID
    with pytest.raises(ChecklistError) as err:
        parse_checklist(text, "plans/x.yaml")
    e = err.value
    assert e.path == "plans/x.yaml"
    assert (e.line, e.field) == (line, field), str(e)
    assert f"plans/x.yaml:{line}: {field}" in str(e)


def test_missing_field_and_yaml_syntax_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("    basis: {clause: 条例第二十条}\n", ""), encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklist(bad)
    assert err.value.field == "items[0](I-1).basis" and err.value.line == 7
    bad.write_text(VALID.replace("title: 时限", "title: [时限"), encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklist(bad)
    assert err.value.line is not None and "YAML" in err.value.message
    bad.write_bytes("id: t\ntitle: 清单\n".encode("gbk"))
    with pytest.raises(ChecklistError, match="UTF-8"):
        load_checklist(bad)
    with pytest.raises(ChecklistError, match="file not found"):
        load_checklist(tmp_path / "nope.yaml")


def test_merge_keeps_a_repeated_item_once_and_rejects_an_id_with_other_content():
    a = parse_checklist(VALID, "a.yaml")
    assert [i.id for i in a.merge(a).items] == [i.id for i in a.items]
    other = a.model_copy(update={"items": [a.items[0].model_copy(update={"title": "另一项"})]})
    with pytest.raises(ChecklistError, match="I-1"):
        a.merge(other)


_values = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from([("id",), ("title",), ("categories", 0, "weight"), ("items", 0, "weight"),
                             ("items", 1, "params"), ("items", 0, "basis"), ("items", 1, "veto"),
                             ("items", 0, "check"), ("items",), ("categories",), ("items", 1, "deadline")]),
       value=_values)
def test_any_corruption_gives_one_checklist_error(path, value):
    data = yaml.safe_load(VALID)
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        parse_checklist(text, "h.yaml")
    except ChecklistError as e:
        assert e.path == "h.yaml" and e.problems
        assert e.line is None or e.line >= 1


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path, capsys):
    from zwgk_audit.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text('id: x\ntitle: "未闭合\ncategories: [{id: a, title: a, weight: 1}]\nitems:\n'
                   '  - {id: A, title: t, check: manual, category: a, basis: {clause: c}}\n', encoding="utf-8")
    assert main(["audit", "http://127.0.0.1:9/", "-c", str(bad), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "引号未闭合" in err and "第6行发现问题" in err


def test_every_problem_is_listed_at_once_in_chinese(tmp_path):
    text = ("id: x\ntitle: t\ncategories: [{id: a, title: a, weight: -1}]\nitems:\n"
            "  - {id: A, title: t, check: nosuch, category: b, basis: {clause: c}}\n"
            "  - {id: B, title: t, check: manual, category: a, weight: x, basis: {clause: c}}\n")
    with pytest.raises(ChecklistError) as info:
        parse_checklist(text, "p.yaml")
    want = [(3, "categories[0](a).weight", "必须大于0"), (5, "items[0](A).check", "未知的检查类型 'nosuch'"),
            (5, "items[0](A).category", "未声明的分类 'b'"), (6, "items[1](B).weight", "应为数字")]
    got = info.value.problems
    assert [(line, field) for line, field, _ in got] == [(line, field) for line, field, _ in want]
    assert all(msg.startswith(prefix) for (_, _, msg), (_, _, prefix) in zip(got, want)), got
    assert "4处问题" in str(info.value)
