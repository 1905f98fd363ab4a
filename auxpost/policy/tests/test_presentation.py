"""§6.2/§7/§10 the default policy, as the detail page prints it, is the SPEC's tables."""

from auxpost.policy.presentation import (
    assessment_tables,
    grade_rows,
    grade_settings,
    num,
    percent,
    points_tables,
)
from auxpost.policy.rules import DEFAULT_BUNDLE


def test_numbers_print_plainly():
    from decimal import Decimal

    assert (num(85.0), num(92.5), num(Decimal("0.40")), num(Decimal("100")), num(7)) == ("85", "92.5", "0.4", "100", "7")
    assert percent(Decimal("0.15")) == "15%"


def test_grade_table_is_the_spec_table():
    rows = [(r.grade, r.from_grade, r.years, r.education, r.points, r.results, r.skills, r.decided_by)
            for r in grade_rows(DEFAULT_BUNDLE)]
    assert rows == [
        ("五级", "入职", "试用期满", "高中/中专及以上", "—", "试用期考核合格", "—", "区综合行政执法局与人力资源公司共同评定"),
        ("四级", "五级", "≥2（本科及以上：≥1）", "高中/中专及以上", "平均 ≥85，每年不低于70", "均为合格及以上", "≥70", "区委编办"),
        ("三级", "四级", "≥3", "高中/中专及以上", "平均 ≥88，每年不低于70", "均为合格及以上，优秀 ≥1次", "≥75", "区委编办"),
        ("二级", "三级", "≥3", "大专及以上", "平均 ≥90，每年不低于75", "均为合格及以上，优秀 ≥1次", "≥80", "区委编办"),
        ("一级", "二级", "≥4", "大专及以上", "平均 ≥92，每年不低于80", "均为合格及以上，优秀 ≥2次", "≥85", "区委编办"),
    ]


def test_grade_settings():
    items = {i.label: i.value for i in grade_settings(DEFAULT_BUNDLE)}
    assert items["名额"] == "二级+一级 ≤30%；一级 ≤10%"
    assert "12个月" in items["年龄"] and "12个月" in items["处分"]
    assert items["降级"] == ("一次不合格 → 降一级（五级：待岗培训）；连续2年基本合格 → 降一级；年度积分 <60 → 降一级；"
                           "连续2年不合格 → 提出退回建议")
    assert items["提前晋级"] == "获市级及以上表彰可减免1年任职年限"


def test_assessment_tables():
    a = assessment_tables(DEFAULT_BUNDLE)
    assert [(i.label, i.value) for i in a["indicators"]] == [
        ("出勤", "20"), ("纪律", "20"), ("着装仪容", "10"), ("履职情况", "40"), ("群众评价", "10")]
    assert a["indicator_total"] == "100" and a["rounds"] == 2
    assert [(c.label, c.value) for c in a["components"]] == [
        ("法律法规", "0.3"), ("实操技能", "0.3"), ("体能", "0.2"), ("民主测评", "0.2")]
    assert [w.value for w in a["weights"]] == ["0.4", "0.4", "0.2"]
    assert [(b.label, b.value) for b in a["bands"]] == [
        ("优秀", "≥90"), ("合格", "≥70，<90"), ("基本合格", "≥60，<70"), ("不合格", "<60")]
    assert a["cap"] == "优秀 ≤15%，按中队计算（向下取整）"
    assert a["vetoes"] == ["全年旷工 ≥5天 → 不合格", "受处分 → 不得评为优秀", "全年迟到 ≥15次 → 不得评为优秀"]


def test_points_catalogue():
    p = points_tables(DEFAULT_BUNDLE)
    assert (p["base"], p["floor"], p["ceiling"]) == (100, 0, 120)
    rows = {r["code"]: (r["name"], r["points"], r["per"]) for r in p["rules"]}
    assert rows["commendation_district"] == ("区级表彰", "+5", "每次")
    assert rows["commendation_city"][1] == "+10" and rows["commendation_province"][1] == "+20"
    assert rows["training_extra"] == ("超出要求完成培训", "+1", "每8学时")
    assert rows["no_complaint_year"][1:] == ("+3", "每年")
    assert rows["absence"] == ("旷工", "-10", "每天")
    assert [rows[c][1] for c in ("late", "leave_post", "uniform_fail", "meeting_absence", "valid_complaint",
                                  "discipline_breach")] == ["-1", "-5", "-2", "-2", "-5", "-20"]
