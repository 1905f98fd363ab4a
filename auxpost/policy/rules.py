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
from auxpost.grading.rules import WENJIANG_DEFAULT as GRADE_DEFAULT
from auxpost.grading.rules import GradePolicy, GradeRequirement
from auxpost.points.rules import WENJIANG_DEFAULT as POINTS_DEFAULT
from auxpost.points.rules import PointsPolicy, PointsRule


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
    return _build(GradePolicy, d, "grade", nested={"requirements": (GradeRequirement, ())})


def assessment_to_dict(policy: AssessmentPolicy) -> dict:
    """§7 an assessment policy as a JSON-able dict (decimals as strings)."""
    d = _plain(policy)
    d.pop("version")
    return d


def assessment_from_dict(data: dict, *, version: str) -> AssessmentPolicy:
    """§7 the assessment policy stored in ``data``; validated by the policy itself."""
    d = dict(data)
    d["version"] = version
    return _build(
        AssessmentPolicy, d, "assessment",
        decimals=("weight_monthly", "weight_skills", "weight_points", "points_ceiling", "excellent_cap"),
        nested={
            "monthly_indicators": (Indicator, ("max_points",)),
            "skills_components": (SkillsComponent, ("weight",)),
            "bands": (Band, ("min_score",)),
        },
    )


def points_to_dict(policy: PointsPolicy) -> dict:
    """§10 a points policy as a JSON-able dict."""
    d = _plain(policy)
    d.pop("version")
    return d


def points_from_dict(data: dict, *, version: str) -> PointsPolicy:
    """§10 the points policy stored in ``data``; validated by the policy itself."""
    d = dict(data)
    d["version"] = version
    return _build(PointsPolicy, d, "points", nested={"rules": (PointsRule, ())})


@dataclass(frozen=True)
class PolicyBundle:
    """One policy version: the three rule policies that are in force together."""

    version: str
    name: str
    grade: GradePolicy
    assessment: AssessmentPolicy
    points: PointsPolicy


def bundle_from_documents(*, version: str, name: str, grade: dict, assessment: dict, points: dict) -> PolicyBundle:
    return PolicyBundle(
        version=version,
        name=name,
        grade=grade_from_dict(grade, version=version, name=name),
        assessment=assessment_from_dict(assessment, version=version),
        points=points_from_dict(points, version=version),
    )


#: Version 1: the Wenjiang defaults of the SPEC tables.
DEFAULT_BUNDLE = PolicyBundle(
    version="1", name=GRADE_DEFAULT.name, grade=GRADE_DEFAULT, assessment=ASSESSMENT_DEFAULT, points=POINTS_DEFAULT
)


def default_documents() -> dict:
    """The three JSON documents of version 1 (used by the data migration that ships it)."""
    return {
        "grade": grade_to_dict(GRADE_DEFAULT),
        "assessment": assessment_to_dict(ASSESSMENT_DEFAULT),
        "points": points_to_dict(POINTS_DEFAULT),
    }
