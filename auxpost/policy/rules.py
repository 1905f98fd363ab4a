"""§6, §7, §10 Policy as data — pure codec between the rule dataclasses and plain JSON.

Every (cfg) value of the standard lives in one policy version: a grade policy (§6), an
assessment policy (§7) and a points policy (§10). A version is stored as three JSON documents;
these functions turn the frozen dataclasses of the rule modules into JSON-able dicts and back.
Decimals travel as strings so nothing is lost to binary floating point. No Django import.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from auxpost.assessment.rules import WENJIANG_DEFAULT as ASSESSMENT_DEFAULT
from auxpost.assessment.rules import AssessmentPolicy, Band, Indicator, SkillsComponent
from auxpost.grading.rules import (
    BAND_RANK,
    COMMENDATION_RANK,
    EDUCATION_RANK,
    GRADE_LABEL,
    GradePolicy,
    GradeRequirement,
)
from auxpost.grading.rules import WENJIANG_DEFAULT as GRADE_DEFAULT
from auxpost.incentives.rules import DEFAULT as INCENTIVES_DEFAULT
from auxpost.incentives.rules import IncentivesPolicy, incentives_from_dict
from auxpost.points.rules import WENJIANG_DEFAULT as POINTS_DEFAULT
from auxpost.points.rules import PointsPolicy, PointsRule
from auxpost.policy.daily import DEFAULT as DAILY_DEFAULT
from auxpost.policy.daily import DailyPolicy, daily_from_dict
from auxpost.policy.workforce import DEFAULT as WORKFORCE_DEFAULT
from auxpost.policy.workforce import WorkforcePolicy, workforce_from_dict


class PolicyFormatError(ValueError):
    """A stored or submitted policy document cannot be read; ``field`` names the part."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def _dec(value: Any, where: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise PolicyFormatError(f"{where}：“{value}”不是有效的数字", where) from exc
    if not d.is_finite():
        raise PolicyFormatError(f"{where}：“{value}”不是有效的数字", where)
    return d


def _build(cls, data: dict, where: str, decimals: tuple[str, ...] = (), nested: dict | None = None):
    if not isinstance(data, dict):
        raise PolicyFormatError(f"{where}：格式错误，应为对象", where)
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise PolicyFormatError(f"{where}：未知的字段 {', '.join(sorted(unknown))}", where)
    kwargs = dict(data)
    for name in decimals:
        if name in kwargs:
            kwargs[name] = _dec(kwargs[name], f"{where}.{name}")
    for name, (child, child_decimals) in (nested or {}).items():
        if name in kwargs:
            items = kwargs[name]
            if not isinstance(items, list):
                raise PolicyFormatError(f"{where}.{name}：格式错误，应为列表", f"{where}.{name}")
            kwargs[name] = tuple(
                _build(child, item, f"{where}.{name}[{i}]", child_decimals) for i, item in enumerate(items)
            )
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise PolicyFormatError(f"{where}：缺少必填字段（{exc}）", where) from exc


def grade_to_dict(policy: GradePolicy) -> dict:
    """§6 a grade policy as a JSON-able dict (the ``version`` and ``name`` are kept by the caller)."""
    d = _plain(policy)
    d.pop("version")
    d.pop("name")
    return d


def grade_from_dict(data: dict, *, version: str, name: str = "") -> GradePolicy:
    """§6 the grade policy stored in ``data``; errors name the part that is wrong."""
    d = dict(data)
    d["version"], d["name"] = version, name
    policy = _build(GradePolicy, d, "grade", nested={"requirements": (GradeRequirement, ())})
    check_grade(policy)
    return policy


#: §7.3 unit levels the 优秀 cap may apply to (the kinds of ``org.Unit``).
UNIT_LEVELS = ("bureau", "brigade", "squadron", "team")
UNIT_LEVEL_LABEL = {"bureau": "局", "brigade": "大队", "squadron": "中队", "team": "小队"}
#: §6.2 the grades one is promoted into (五级 is the entry grade, from hire).
PROMOTION_GRADES = (4, 3, 2, 1)

_REQ_LABELS = {
    "years_in_grade": "现等级任职年限", "min_education": "学历", "points_average": "年度积分平均分",
    "points_floor": "年度积分最低分", "results_min_band": "年度考核结果", "excellent_needed": "优秀次数",
    "skills_min": "技能成绩", "decided_by": "审批单位", "shortcut_education": "缩短年限的学历",
    "shortcut_years": "缩短后的任职年限",
}
_GRADE_LABELS = {
    "entry_min_education": "五级入职学历", "entry_decided_by": "五级评定单位",
    "promotion_age_margin_months": "距法定退休的最短月数", "sanction_lookback_months": "处分追溯月数",
    "quota_grades_2_and_1_percent": "二级+一级名额比例", "quota_grade_1_percent": "一级名额比例",
    "demote_on_fail": "不合格即降级", "demote_consecutive_basic": "连续基本合格降级年数",
    "demote_points_below": "降级积分线", "separation_consecutive_fail": "连续不合格退回年数",
    "early_promotion_allowed": "允许表彰提前晋级", "early_promotion_min_level": "提前晋级的最低表彰级别",
    "early_promotion_years_waived": "表彰可减免的年限", "publicity_working_days": "公示工作日数",
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and float(v) == float(v) and abs(float(v)) != float("inf")


def check_grade(policy: GradePolicy) -> None:
    """§6.2 the grade policy must be usable: four promotion rows 四级…一级, each one grade up, numbers in
    range. Raises :class:`PolicyFormatError` in Chinese; ``field`` is ``requirements.<grade>.<name>`` or the
    setting's name."""

    def fail(msg: str, field: str):
        raise PolicyFormatError(msg, field)

    grades = [r.grade for r in policy.requirements]
    if sorted(grades, reverse=True) != list(PROMOTION_GRADES) or len(grades) != len(set(grades)):
        fail("晋级条件须恰好包含四级、三级、二级、一级各一行", "requirements")
    for r in policy.requirements:
        where = f"requirements.{r.grade}"
        label = GRADE_LABEL[r.grade]

        def bad(name: str, why: str, where=where, label=label):
            fail(f"{label}：{_REQ_LABELS.get(name, name)}{why}", f"{where}.{name}")

        if r.from_grade != r.grade + 1:
            fail(f"{label}：只能从{GRADE_LABEL.get(r.grade + 1, '')}晋级（每次一级）", f"{where}.from_grade")
        if not _is_int(r.years_in_grade) or r.years_in_grade < 1:
            bad("years_in_grade", "必须为至少1的整数")
        if r.min_education not in EDUCATION_RANK:
            bad("min_education", f"“{r.min_education}”无效")
        for name in ("points_average", "points_floor"):
            value = getattr(r, name)
            if not _is_num(value) or not 0 <= value <= 1000:
                bad(name, "必须为0到1000之间的数字")
        if r.points_floor > r.points_average:
            bad("points_floor", "不能高于平均分要求")
        if r.results_min_band not in BAND_RANK:
            bad("results_min_band", f"“{r.results_min_band}”无效")
        if not _is_int(r.excellent_needed) or not 0 <= r.excellent_needed <= r.years_in_grade:
            bad("excellent_needed", "必须为0到任职年限之间的整数")
        if not _is_num(r.skills_min) or not 0 <= r.skills_min <= 100:
            bad("skills_min", "必须为0到100之间的数字")
        if not isinstance(r.decided_by, str) or not r.decided_by.strip():
            bad("decided_by", "不能为空")
        if (r.shortcut_education is None) != (r.shortcut_years is None):
            bad("shortcut_years", "须与缩短年限的学历同时填写或同时留空")
        if r.shortcut_education is not None and r.shortcut_education not in EDUCATION_RANK:
            bad("shortcut_education", f"“{r.shortcut_education}”无效")
        if r.shortcut_years is not None and (not _is_int(r.shortcut_years)
                                             or not 1 <= r.shortcut_years < r.years_in_grade):
            bad("shortcut_years", "必须为至少1且小于任职年限的整数")

    def bad_setting(name: str, why: str):
        fail(f"{_GRADE_LABELS[name]}{why}", name)

    if policy.entry_min_education not in EDUCATION_RANK:
        bad_setting("entry_min_education", f"“{policy.entry_min_education}”无效")
    if not isinstance(policy.entry_decided_by, str) or not policy.entry_decided_by.strip():
        bad_setting("entry_decided_by", "不能为空")
    for name, low, high in (("promotion_age_margin_months", 0, 240), ("sanction_lookback_months", 0, 240),
                            ("quota_grades_2_and_1_percent", 0, 100), ("quota_grade_1_percent", 0, 100),
                            ("demote_consecutive_basic", 0, 10), ("separation_consecutive_fail", 0, 10),
                            ("early_promotion_years_waived", 0, 10), ("publicity_working_days", 5, 30)):
        value = getattr(policy, name)
        if not _is_int(value) or not low <= value <= high:
            bad_setting(name, f"必须为{low}到{high}之间的整数")
    if policy.quota_grade_1_percent > policy.quota_grades_2_and_1_percent:
        bad_setting("quota_grade_1_percent", "不能高于二级+一级名额比例")
    if not _is_num(policy.demote_points_below) or not 0 <= policy.demote_points_below <= 1000:
        bad_setting("demote_points_below", "必须为0到1000之间的数字")
    for name in ("demote_on_fail", "early_promotion_allowed"):
        if not isinstance(getattr(policy, name), bool):
            bad_setting(name, "必须为是或否")
    if policy.early_promotion_min_level not in COMMENDATION_RANK:
        bad_setting("early_promotion_min_level", f"“{policy.early_promotion_min_level}”无效")


def check_assessment(policy: AssessmentPolicy) -> None:
    """§7.3 what ``AssessmentPolicy`` itself does not check: the unit level the 优秀 cap applies to."""
    if policy.cap_unit_level not in UNIT_LEVELS:
        raise PolicyFormatError(f"优秀比例适用的单位层级“{policy.cap_unit_level}”无效", "cap_unit_level")


def assessment_to_dict(policy: AssessmentPolicy) -> dict:
    """§7 an assessment policy as a JSON-able dict (decimals as strings)."""
    d = _plain(policy)
    d.pop("version")
    return d


def assessment_from_dict(data: dict, *, version: str) -> AssessmentPolicy:
    """§7 the assessment policy stored in ``data``; validated by the policy itself."""
    d = dict(data)
    d["version"] = version
    for name in ("skills_rounds_per_year", "veto_absence_days", "veto_lates"):
        if name in d and not _is_int(d[name]):
            raise PolicyFormatError(f"assessment.{name}：“{d[name]}”不是整数", name)
    policy = _build(
        AssessmentPolicy, d, "assessment",
        decimals=("weight_monthly", "weight_skills", "weight_points", "points_ceiling", "excellent_cap"),
        nested={
            "monthly_indicators": (Indicator, ("max_points",)),
            "skills_components": (SkillsComponent, ("weight",)),
            "bands": (Band, ("min_score",)),
        },
    )
    check_assessment(policy)
    return policy


def points_to_dict(policy: PointsPolicy) -> dict:
    """§10 a points policy as a JSON-able dict."""
    d = _plain(policy)
    d.pop("version")
    return d


def points_from_dict(data: dict, *, version: str) -> PointsPolicy:
    """§10 the points policy stored in ``data``; validated by the policy itself."""
    d = dict(data)
    d["version"] = version
    for name in ("annual_base", "floor", "ceiling"):
        if name in d and not _is_int(d[name]):
            raise PolicyFormatError(f"points.{name}：“{d[name]}”不是整数", name)
    for i, rule in enumerate(d.get("rules") or []):
        if isinstance(rule, dict) and "per_quantity" in rule and not _is_int(rule["per_quantity"]):
            raise PolicyFormatError(f"points.rules[{i}].per_quantity：“{rule['per_quantity']}”不是整数", "rules")
    policy = _build(PointsPolicy, d, "points", nested={"rules": (PointsRule, ())})
    if policy.floor > policy.ceiling:
        raise PolicyFormatError("积分下限不能高于上限", "floor")
    return policy


@dataclass(frozen=True)
class PolicyBundle:
    """One policy version: the rule policies that are in force together (§6, §7, §10 and §9)."""

    version: str
    name: str
    grade: GradePolicy
    assessment: AssessmentPolicy
    points: PointsPolicy
    #: §9 incentives; the SPEC defaults unless the version's document says otherwise.
    incentives: IncentivesPolicy = INCENTIVES_DEFAULT
    #: §5.2.1–§5.2.4 recruitment, training, certificates, separation; the SPEC defaults unless stored.
    workforce: WorkforcePolicy = WORKFORCE_DEFAULT
    #: §5.3 the daily links; the SPEC defaults unless stored.
    daily: DailyPolicy = DAILY_DEFAULT


def bundle_from_documents(*, version: str, name: str, grade: dict, assessment: dict, points: dict,
                          incentives: dict | None = None, workforce: dict | None = None,
                          daily: dict | None = None) -> PolicyBundle:
    """The decoded bundle; an empty or missing incentives or workforce document reads as the defaults."""
    return PolicyBundle(
        version=version,
        name=name,
        grade=grade_from_dict(grade, version=version, name=name),
        assessment=assessment_from_dict(assessment, version=version),
        points=points_from_dict(points, version=version),
        incentives=incentives_from_dict(incentives, version=version),
        workforce=workforce_from_dict(workforce),
        daily=daily_from_dict(daily),
    )


#: Version 1: the Wenjiang defaults of the SPEC tables.
DEFAULT_BUNDLE = PolicyBundle(
    version="1", name=GRADE_DEFAULT.name, grade=GRADE_DEFAULT, assessment=ASSESSMENT_DEFAULT, points=POINTS_DEFAULT
)


def default_documents() -> dict:
    """The three JSON documents of version 1 (used by the data migration that ships it). Version 1's
    §9 incentives document is stored empty, which reads as the defaults (``incentives_from_dict``)."""
    return {
        "grade": grade_to_dict(GRADE_DEFAULT),
        "assessment": assessment_to_dict(ASSESSMENT_DEFAULT),
        "points": points_to_dict(POINTS_DEFAULT),
    }
