"""Pure rules for the roster (no Django import, no clock). §11: ID numbers per GB 11643."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    id_number: str
    birth_date: dt.date
    sex: str  # "M" / "F"


class InvalidIdNumber(ValueError):
    """Raised with a Chinese reason the user can act on."""


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-character resident ID number and derive birth date and sex.

    Checks length, digits, a real birth date (not in the future when ``today`` is given) and
    the check digit. Lower-case x is accepted and normalised to X.
    """
    s = (raw or "").strip().upper()
    if len(s) != 18:
        raise InvalidIdNumber(f"身份证号应为18位，实际为{len(s)}位")
    if not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        raise InvalidIdNumber("身份证号前17位应为数字，末位为数字或X")
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidIdNumber(f"身份证号中的出生日期{s[6:14]}不是真实日期") from None
    if birth.year < 1900 or (today is not None and birth > today):
        raise InvalidIdNumber(f"身份证号中的出生日期{s[6:14]}不合理")
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        raise InvalidIdNumber(f"身份证号校验位错误（应为{expected}）")
    sex = "M" if int(s[16]) % 2 == 1 else "F"
    return IdInfo(s, birth, sex)


def mask_id_number(s: str) -> str:
    """Show region and the last 4 characters only: 510115********1234."""
    if not s:
        return ""
    if len(s) <= 8:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(s: str) -> str:
    """138****5678."""
    if not s:
        return ""
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]
