"""The 花名册 (roster) template of SPEC §12: its Chinese headers and the value vocabularies.

Shared by the roster import and the roster export so both speak exactly the same columns.
Pure: no Django import.
"""

from __future__ import annotations

# (header, field) in template order. Required headers must be present in an import.
ROSTER_COLUMNS: list[tuple[str, str]] = [
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("手机号", "phone"),
    ("学历", "education"),
    ("政治面貌", "political_status"),
    ("参加工作日期", "work_start_date"),
    ("入职日期", "hire_date"),
    ("所属单位", "unit"),
    ("工作条线", "work_line"),
    ("当前等级", "grade"),
    ("等级生效日期", "grade_effective_date"),
    ("上岗证号", "cert_number"),
    ("上岗证有效期至", "cert_valid_until"),
]
OPTIONAL_COLUMNS: list[tuple[str, str]] = [("人员状态", "status")]
REQUIRED_HEADERS = ["姓名", "身份证号", "学历", "入职日期", "所属单位", "当前等级"]

# 学历 as written in the template → Education value (研究生 and 硕士 accepted for 硕士研究生).
EDUCATION_LABELS = {
    "初中": "junior_high",
    "高中": "high_school",
    "中专": "vocational",
    "大专": "junior_college",
    "本科": "bachelor",
    "硕士研究生": "master",
    "研究生": "master",
    "硕士": "master",
    "博士研究生": "doctor",
    "博士": "doctor",
}
EDUCATION_WRITTEN = {
    "junior_high": "初中", "high_school": "高中", "vocational": "中专", "junior_college": "大专",
    "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生",
}

GRADE_LABELS = {"五级": 5, "四级": 4, "三级": 3, "二级": 2, "一级": 1, "5": 5, "4": 4, "3": 3, "2": 2, "1": 1}
GRADE_WRITTEN = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}

STATUS_LABELS = {"在岗": "active", "试用": "probation", "停岗": "suspended"}
STATUS_WRITTEN = {"active": "在岗", "probation": "试用", "suspended": "停岗", "separated": "离职"}


def parse_education(text: str) -> str | None:
    return EDUCATION_LABELS.get((text or "").strip())


def parse_grade(text) -> int | None:
    if isinstance(text, (int, float)) and not isinstance(text, bool) and float(text).is_integer():
        text = str(int(text))
    return GRADE_LABELS.get(str(text or "").strip())


def parse_status(text: str) -> str | None:
    t = (text or "").strip()
    return "active" if t == "" else STATUS_LABELS.get(t)
