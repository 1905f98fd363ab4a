"""§11 Normalising spreadsheet cells before validation. Pure: no Django import, no clock.

People type roster data by hand, paste it from WeChat and Word, and let Excel guess types. What
arrives is full-width digits (２０１９), ideographic and non-breaking spaces, zero-width characters,
dates as real dates, as text in half a dozen forms or as Excel serial numbers, and phone numbers
stored as floats. Every helper here either returns a clean value or raises ``NormaliseError`` with
a Chinese reason the user can act on (convention: pure rules may speak Chinese directly).

NFKC is applied only to values that must end up ASCII (numbers, dates, ID and phone numbers, codes):
on free text such as names it would also rewrite compatibility ideographs and symbols, so free
text only gets the full-width ASCII fold and whitespace clean-up.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = [
    "NormaliseError", "fold_width", "clean_text", "clean_compact", "clean_name", "is_blank", "text_of_number",
    "parse_date", "parse_year_month", "parse_decimal", "parse_int", "parse_mobile", "DATE_FORMS_HELP",
]

DATE_FORMS_HELP = "2019-07-01、2019.07.01、2019/7/1、2019年7月1日 或 20190701"
YEAR_MONTH_FORMS_HELP = "2026-03、2026.3、2026/3、2026年3月 或 202603"


class NormaliseError(ValueError):
    """A cell that cannot be read; ``str(err)`` is the Chinese reason."""


# Full-width ASCII block (！ … ～) → ASCII; the ideographic space → a space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
# Characters that look like nothing but break equality: zero-width space/joiners, BOM, soft hyphen.
_INVISIBLE = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None}
# Dash look-alikes people (and Word) put into dates and phone numbers.
_DASHES = {cp: ord("-") for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63)}
_FOLD = {**_WIDTH, **_INVISIBLE}
_COMPACT = {**_INVISIBLE, **_DASHES}
# Middle-dot variants inside minority names (买买提·艾力) → the standard U+00B7.
_DOTS = {cp: 0x00B7 for cp in (0x30FB, 0xFF65, 0x2022, 0x2027, 0x2219, 0x22C5)}
_WS = re.compile(r"\s+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u00b7"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def is_blank(value) -> bool:
    """True for an empty cell: None, or a string with nothing but (any kind of) whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return True
        if stripped.isprintable():  # fast path: a visible character, so not blank
            return False
        return clean_text(value) == ""  # only format characters such as zero-width spaces?
    return False


def text_of_number(value) -> str:
    """A number cell as the text the user typed: 13800001234.0 → "13800001234", 85.5 → "85.5"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return text_of_number(value)


def fold_width(text: str) -> str:
    """Full-width ASCII → half-width, ideographic space → space, invisible characters removed."""
    return text.translate(_FOLD)


# Anything clean_text would change inside a string: whitespace other than a lone space, full-width
# ASCII, the ideographic space, invisible characters. Most cells have none and skip the rewrite.
_NEEDS_CLEANING = re.compile(r"[^\S ]| {2}|[\uff01-\uff5e\u3000\u200b-\u200d\u2060\ufeff\u00ad]")


def clean_text(value) -> str:
    """Free text: width folded, every run of whitespace (incl. \\u3000 and \\xa0) one space, trimmed."""
    text = _as_text(value)
    if not _NEEDS_CLEANING.search(text):
        return text.strip(" ")
    return _WS.sub(" ", fold_width(text)).strip()


def clean_compact(value) -> str:
    """A value that must be ASCII (ID/phone numbers, codes, dates): NFKC, dashes unified, no whitespace."""
    text = unicodedata.normalize("NFKC", _as_text(value)).translate(_COMPACT)
    return _WS.sub("", text)


def clean_name(value) -> str:
    """A person's name: like ``clean_text``, and "张 三" → "张三" (spaces between Chinese characters are
    alignment, not part of the name), middle-dot variants → "·"; Latin names keep their spaces."""
    text = clean_text(value).translate(_DOTS)
    text = re.sub(r"\s*·\s*", "·", text)
    return _SPACE_NEAR_CJK.sub("", text)


# ---------------------------------------------------------------------------------------------- dates

_DATE_SEP = re.compile(
    r"^(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_CN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def _make_date(y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise NormaliseError(f"日期不存在：{y}年{m}月{d}日") from None


def excel_serial_to_date(serial: float, *, epoch1904: bool = False) -> dt.date:
    """An Excel date serial (days, with Excel's 1900 leap-year bug) → a date; the time part is dropped."""
    days = math.floor(serial)
    if epoch1904:
        if days < 0 or days > _EXCEL_MAX_SERIAL - 1462:
            raise NormaliseError(f"Excel日期序号{text_of_number(serial)}超出范围")
        return dt.date(1904, 1, 1) + dt.timedelta(days=days)
    if days < 1 or days > _EXCEL_MAX_SERIAL:
        raise NormaliseError(f"Excel日期序号{text_of_number(serial)}超出范围")
    if days == 60:
        raise NormaliseError("Excel日期序号60对应的1900年2月29日并不存在")
    base = dt.date(1899, 12, 31) if days < 60 else dt.date(1899, 12, 30)
    return base + dt.timedelta(days=days)


def date_to_excel_serial(day: dt.date) -> int:
    """The inverse of ``excel_serial_to_date`` for dates from 1900-03-01 on (used by tests and templates)."""
    return (day - dt.date(1899, 12, 30)).days


def _date_from_text(text: str) -> dt.date | None:
    s = _WS.sub(" ", unicodedata.normalize("NFKC", text).translate(_COMPACT)).strip()
    for pattern in (_DATE_SEP, _DATE_CN):
        m = pattern.match(s)
        if m:
            groups = [g for g in m.groups() if g not in ("-", ".", "/")]
            return _make_date(int(groups[0]), int(groups[1]), int(groups[2]))
    m = _DATE_COMPACT.match(s.replace(" ", ""))
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    return None


def parse_date(value, *, epoch1904: bool = False) -> dt.date:
    """A date from a real Excel date/datetime, an Excel serial number or text.

    Text forms: 2019-07-01, 2019-7-1, 2019.07.01, 2019/7/1, 2019年7月1日 (also 号), 20190701, each
    also in full-width digits and with stray spaces; a trailing time (2019-07-01 00:00:00) is dropped.
    An 8-digit number cell (20190701) is read as yyyymmdd, any other number as an Excel serial.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise NormaliseError(f"无法识别的日期，请写成 {DATE_FORMS_HELP}")
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        if not math.isfinite(number):
            raise NormaliseError(f"无法识别的日期，请写成 {DATE_FORMS_HELP}")
        if number.is_integer() and 10_000_000 <= number <= 99_991_231:
            found = _date_from_text(str(int(number)))
            if found is not None:
                return found
        return excel_serial_to_date(number, epoch1904=epoch1904)
    text = clean_text(value)
    if not text:
        raise NormaliseError(f"日期为空，请写成 {DATE_FORMS_HELP}")
    found = _date_from_text(text)
    if found is None:
        raise NormaliseError(f"无法识别的日期“{text}”，请写成 {DATE_FORMS_HELP}")
    return found


_YM_SEP = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})$")
_YM_CN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?(?:份)?$")
_YM_COMPACT = re.compile(r"^(\d{4})(\d{2})$")


def _year_month(y: int, m: int) -> tuple[int, int]:
    if not 1 <= m <= 12:
        raise NormaliseError(f"月份应在1到12之间，实际为{m}")
    if y < 1900:
        raise NormaliseError(f"年份{y}不合理")
    return y, m


def parse_year_month(value, *, epoch1904: bool = False) -> tuple[int, int]:
    """A (year, month) from 2026-03, 2026.3, 2026/3, 2026年3月, 202603, a full date, or a real date cell.

    Excel turns a typed 2026.10 into the number 2026.1, so a number cell of the form yyyy.1 is refused
    (January or October?); yyyy.3 or yyyy.12 are unambiguous and accepted.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month
    if isinstance(value, bool) or value is None:
        raise NormaliseError(f"无法识别的年月，请写成 {YEAR_MONTH_FORMS_HELP}")
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        if not math.isfinite(number):
            raise NormaliseError(f"无法识别的年月，请写成 {YEAR_MONTH_FORMS_HELP}")
        if number.is_integer() and 100_000 <= number <= 999_999:
            y, m = divmod(int(number), 100)
            return _year_month(y, m)
        if not number.is_integer() and 1900 <= number < 2200:
            year_text, month_text = text_of_number(value).split(".")
            if month_text == "1":
                raise NormaliseError(
                    f"年月{year_text}.1被Excel存成了数字，无法区分1月和10月，请写成{year_text}-01或{year_text}-10"
                )
            return _year_month(int(year_text), int(month_text))
        day = excel_serial_to_date(number, epoch1904=epoch1904)
        return day.year, day.month
    text = clean_text(value)
    if not text:
        raise NormaliseError(f"年月为空，请写成 {YEAR_MONTH_FORMS_HELP}")
    s = _WS.sub(" ", unicodedata.normalize("NFKC", text).translate(_COMPACT)).strip()
    for pattern in (_YM_SEP, _YM_CN, _YM_COMPACT):
        m = pattern.match(s)
        if m:
            return _year_month(int(m[1]), int(m[2]))
    day = _date_from_text(s)
    if day is not None:
        return day.year, day.month
    raise NormaliseError(f"无法识别的年月“{text}”，请写成 {YEAR_MONTH_FORMS_HELP}")


# -------------------------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_decimal(value, *, places: int | None = None, minimum=None, maximum=None,
                  suffixes: tuple[str, ...] = ()) -> Decimal:
    """A decimal from a number cell or text (full-width digits, 1,234.5 thousands separators).

    ``places`` caps the decimal places; ``minimum``/``maximum`` bound the value (inclusive);
    ``suffixes`` lists units a user may write after the number (e.g. "分", "学时").
    """
    if isinstance(value, bool) or value is None:
        raise NormaliseError("应填写数字")
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise NormaliseError("应填写数字")
        number = Decimal(repr(value))
    else:
        text = clean_text(value)
        if not text:
            raise NormaliseError("应填写数字")
        s = clean_compact(text)
        for suffix in suffixes:
            if s.endswith(suffix):
                s = s[: -len(suffix)]
                break
        if _THOUSANDS.match(s):
            s = s.replace(",", "")
        if not _NUMBER.match(s):
            raise NormaliseError(f"“{text}”不是有效的数字")
        try:
            number = Decimal(s)
        except InvalidOperation:
            raise NormaliseError(f"“{text}”不是有效的数字") from None
    if places is not None and number != number.quantize(Decimal(1).scaleb(-places), rounding="ROUND_DOWN"):
        raise NormaliseError(f"最多保留{places}位小数" if places else "应为整数")
    if minimum is not None and number < Decimal(str(minimum)):
        raise NormaliseError(f"不能小于{minimum}")
    if maximum is not None and number > Decimal(str(maximum)):
        raise NormaliseError(f"不能大于{maximum}")
    return number


def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number (85, "８５", 85.0); 85.5 is refused."""
    return int(parse_decimal(value, places=0, minimum=minimum, maximum=maximum))


# ------------------------------------------------------------------------------------ phone numbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def parse_mobile(value) -> str:
    """An 11-digit mainland mobile number; spaces, dashes, a +86/86 prefix and a number cell are fine."""
    s = clean_compact(value).replace("-", "").replace("(", "").replace(")", "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if not _MOBILE.match(s):
        raise NormaliseError(f"手机号“{clean_text(value)}”应为11位手机号码（1开头，如13800001234）")
    return s
