"""§5.2.1–§5.2.4 The workforce policy (cfg): recruitment, training, certificates and separation.

Pure module, no Django import. A policy version stores it as its ``workforce`` JSON document; an empty
document means the SPEC defaults below (the versions published before the document existed read so).
Errors are Chinese and name the field (``recruitment.max_age`` …), like the other policy codecs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

#: 学历 codes, low → high (the values of ``people.models.Education``), with their Chinese labels.
EDUCATION_ORDER = ("junior_high", "high_school", "vocational", "junior_college", "bachelor", "master", "doctor")
EDUCATION_LEVEL = {"junior_high": 1, "high_school": 2, "vocational": 2, "junior_college": 3, "bachelor": 4,
                   "master": 5, "doctor": 6}
EDUCATION_LABEL = {"junior_high": "初中", "high_school": "高中", "vocational": "中专", "junior_college": "大专",
                   "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}

#: Training course categories (§5.2.2): code → Chinese label.
COURSE_CATEGORIES = {"induction": "岗前培训", "annual": "年度培训", "promotion": "晋级培训", "topical": "专题培训"}


class WorkforceFormatError(ValueError):
    """A stored or submitted workforce document cannot be used; ``field`` is ``section.name``."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class RecruitmentPolicy:
    """§5.2.1 招聘 (cfg)."""

    #: Age at the application date, inclusive bounds.
    min_age: int = 18
    max_age: int = 45
    #: Lowest education accepted (an ``EDUCATION_ORDER`` code): 高中/中专 or above.
    min_education: str = "high_school"
    #: Weights of the written exam, interview and fitness scores in the total (sum to 1).
    weight_exam: Decimal = Decimal("0.5")
    weight_interview: Decimal = Decimal("0.3")
    weight_fitness: Decimal = Decimal("0.2")
    #: Each score and the weighted total must reach this to be ranked (0–100 scale).
    pass_score: Decimal = Decimal("60")
    #: 公示 before hire, in working days (§11 calendar).
    publicity_working_days: int = 5
    #: Dispatch contract at least this many years (劳动合同法 Art. 58).
    min_contract_years: int = 2


@dataclass(frozen=True)
class TrainingPolicy:
    """§5.2.2 培训: required 学时 per course category, and the exam pass mark (0–100)."""

    induction_hours: Decimal = Decimal("40")
    annual_hours: Decimal = Decimal("40")
    promotion_hours: Decimal = Decimal("24")
    pass_score: Decimal = Decimal("60")


@dataclass(frozen=True)
class CertificatePolicy:
    """§5.2.3 持证上岗: validity of a 上岗证 and the reminder window before expiry."""

    validity_years: int = 3
    reminder_days: int = 30


@dataclass(frozen=True)
class SeparationPolicy:
    """§5.2.4 解聘: how far ahead statutory retirement is proposed."""

    retirement_notice_days: int = 60


@dataclass(frozen=True)
class WorkforcePolicy:
    recruitment: RecruitmentPolicy = RecruitmentPolicy()
    training: TrainingPolicy = TrainingPolicy()
    certificates: CertificatePolicy = CertificatePolicy()
    separation: SeparationPolicy = SeparationPolicy()

    def required_hours(self, category: str) -> Decimal:
        """The 学时 a category requires (专题 has no requirement: 0)."""
        return {"induction": self.training.induction_hours, "annual": self.training.annual_hours,
                "promotion": self.training.promotion_hours}.get(category, Decimal(0))


DEFAULT = WorkforcePolicy()

_SECTIONS = {"recruitment": (RecruitmentPolicy, "招聘"), "training": (TrainingPolicy, "培训"),
             "certificates": (CertificatePolicy, "上岗证"), "separation": (SeparationPolicy, "解聘")}

#: (Chinese label, low, high) of every value; integers where the default is an int.
_BOUNDS: dict[str, tuple[str, Any, Any]] = {
    "recruitment.min_age": ("最低年龄", 16, 70),
    "recruitment.max_age": ("最高年龄", 16, 70),
    "recruitment.weight_exam": ("笔试权重", Decimal(0), Decimal(1)),
    "recruitment.weight_interview": ("面试权重", Decimal(0), Decimal(1)),
    "recruitment.weight_fitness": ("体能测试权重", Decimal(0), Decimal(1)),
    "recruitment.pass_score": ("招聘合格分", Decimal(0), Decimal(100)),
    "recruitment.publicity_working_days": ("招聘公示工作日数", 5, 30),
    "recruitment.min_contract_years": ("劳动合同最短年限", 2, 10),
    "training.induction_hours": ("岗前培训学时", Decimal(0), Decimal(1000)),
    "training.annual_hours": ("年度培训学时", Decimal(0), Decimal(1000)),
    "training.promotion_hours": ("晋级培训学时", Decimal(0), Decimal(1000)),
    "training.pass_score": ("培训考试合格分", Decimal(0), Decimal(100)),
    "certificates.validity_years": ("上岗证有效期（年）", 1, 10),
    "certificates.reminder_days": ("上岗证到期提醒天数", 1, 365),
    "separation.retirement_notice_days": ("退休提前提出天数", 1, 365),
}
LABELS = {k: v[0] for k, v in _BOUNDS.items()} | {"recruitment.min_education": "最低学历"}


def workforce_to_dict(policy: WorkforcePolicy) -> dict:
    """The policy as a JSON-able dict (decimals as strings)."""
    out = {}
    for section in _SECTIONS:
        values = asdict(getattr(policy, section))
        out[section] = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
    return out


def _value(raw: Any, key: str, default: Any) -> Any:
    label, low, high = _BOUNDS[key]
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise WorkforceFormatError(f"{label}：不能为空", key)
    if isinstance(default, int):
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise WorkforceFormatError(f"{label}：“{raw}”不是整数", key) from None
    else:
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise WorkforceFormatError(f"{label}：“{raw}”不是有效的数字", key) from None
        if not value.is_finite():
            raise WorkforceFormatError(f"{label}：“{raw}”不是有效的数字", key)
        if value != value.quantize(Decimal("0.01")):
            raise WorkforceFormatError(f"{label}：最多2位小数", key)
    if value < low or value > high:
        raise WorkforceFormatError(f"{label}：必须在{low}到{high}之间", key)
    return value


def workforce_from_dict(data: dict | None) -> WorkforcePolicy:
    """The policy stored in ``data``; ``None`` or ``{}`` means the defaults. A section or value left out
    keeps its default, so a document written before a value existed still reads."""
    if data is None or data == {}:
        return DEFAULT
    if not isinstance(data, dict):
        raise WorkforceFormatError("人员管理政策：格式错误，应为对象", "")
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise WorkforceFormatError(f"人员管理政策：未知的部分 {', '.join(sorted(unknown))}", "")
    sections = {}
    for section, (cls, what) in _SECTIONS.items():
        given = data.get(section) or {}
        if not isinstance(given, dict):
            raise WorkforceFormatError(f"{what}政策：格式错误，应为对象", section)
        names = {f.name for f in fields(cls)}
        extra = set(given) - names
        if extra:
            raise WorkforceFormatError(f"{what}政策：未知的字段 {', '.join(sorted(extra))}", section)
        defaults = cls()
        values = {}
        for name in names:
            key = f"{section}.{name}"
            default = getattr(defaults, name)
            if name not in given:
                values[name] = default
            elif key == "recruitment.min_education":
                if given[name] not in EDUCATION_LEVEL:
                    raise WorkforceFormatError(f"最低学历：“{given[name]}”不是有效的学历", key)
                values[name] = given[name]
            else:
                values[name] = _value(given[name], key, default)
        sections[section] = cls(**values)
    rec = sections["recruitment"]
    if rec.min_age > rec.max_age:
        raise WorkforceFormatError("最低年龄不能高于最高年龄", "recruitment.min_age")
    if rec.weight_exam + rec.weight_interview + rec.weight_fitness != 1:
        raise WorkforceFormatError("笔试、面试、体能测试权重之和必须为1", "recruitment.weight_exam")
    return WorkforcePolicy(**sections)
