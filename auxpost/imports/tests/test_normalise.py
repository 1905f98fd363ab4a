"""Normalisation helpers: no database, plain values in and out (hypothesis where a law holds)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from auxpost.imports import normalise as n
from auxpost.imports.normalise import NormaliseError


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


# ------------------------------------------------------------------------------------------ text

def test_fold_width_turns_full_width_ascii_into_ascii():
    assert n.fold_width("ＡＢＣ１２３－／．") == "ABC123-/."
    assert n.fold_width("张\u3000三") == "张 三"


def test_clean_text_trims_every_kind_of_space_and_collapses_inner_runs():
    assert n.clean_text("\u3000 第一中队\xa0\u200b ") == "第一中队"
    assert n.clean_text("Excel   培训\t班") == "Excel 培训 班"
    assert n.clean_text(None) == ""
    assert n.clean_text(13800001234.0) == "13800001234"


def test_clean_compact_removes_all_whitespace_and_applies_nfkc():
    assert n.clean_compact(" ５１０１ １５\u3000x ") == "510115x"
    assert n.clean_compact("138—0000—1234") == "138-0000-1234"


def test_clean_name_joins_chinese_names_but_keeps_latin_spaces():
    assert n.clean_name(" 张　三 ") == "张三"
    assert n.clean_name("买买提 • 艾力") == "买买提·艾力"
    assert n.clean_name("Mary  Ann") == "Mary Ann"


def test_is_blank():
    assert n.is_blank(None) and n.is_blank("") and n.is_blank(" \u3000\xa0")
    assert not n.is_blank(0) and not n.is_blank("0")


def test_text_of_number():
    assert n.text_of_number(13800001234.0) == "13800001234"
    assert n.text_of_number(85.5) == "85.5"
    assert n.text_of_number(7) == "7"


@given(st.text())
def test_clean_text_is_idempotent(text):
    once = n.clean_text(text)
    assert n.clean_text(once) == once
    assert once == once.strip()


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30))
def test_full_width_ascii_folds_back_to_itself(text):
    assert n.fold_width(full_width(text)) == text


# ----------------------------------------------------------------------------------------- dates

@pytest.mark.parametrize("value", [
    dt.date(2019, 7, 1), dt.datetime(2019, 7, 1, 9, 30), "2019.07.01", "2019-7-1", "2019/7/1", "2019年7月1日",
    "2019年07月01号", "20190701", 20190701, 43647, 43647.5, "２０１９．０７．０１", "  2019-07-01\u3000", "2019 - 7 - 1",
    "2019-07-01 00:00:00", "2019-07-01T08:00:00", "2019 年 7 月 1 日",
])
def test_parse_date_accepts_every_supported_form(value):
    assert n.parse_date(value) == dt.date(2019, 7, 1)


@pytest.mark.parametrize("value, reason", [
    ("2019-02-30", "日期不存在：2019年2月30日"),
    ("2019/13/01", "日期不存在"),
    ("昨天", "无法识别的日期“昨天”"),
    ("2019-07.01", "无法识别的日期"),
    ("", "日期为空"),
    (0, "超出范围"),
    (60, "1900年2月29日并不存在"),
    (True, "无法识别的日期"),
    (float("nan"), "无法识别的日期"),
])
def test_parse_date_gives_a_chinese_reason(value, reason):
    with pytest.raises(NormaliseError) as exc:
        n.parse_date(value)
    assert reason in str(exc.value)


def test_excel_serials_around_the_1900_leap_bug_and_1904_epoch():
    assert n.parse_date(1) == dt.date(1900, 1, 1)
    assert n.parse_date(59) == dt.date(1900, 2, 28)
    assert n.parse_date(61) == dt.date(1900, 3, 1)
    assert n.parse_date(0, epoch1904=True) == dt.date(1904, 1, 1)
    assert n.parse_date(42185, epoch1904=True) == dt.date(2019, 7, 1)


def _date_forms(day: dt.date) -> list:
    y, m, d = day.year, day.month, day.day
    texts = [f"{y:04d}.{m:02d}.{d:02d}", f"{y:04d}-{m}-{d}", f"{y:04d}/{m}/{d}", f"{y:04d}年{m}月{d}日",
             f"{y:04d}{m:02d}{d:02d}", f"{y:04d}-{m:02d}-{d:02d}"]
    forms = [day, dt.datetime(y, m, d, 13, 5), *texts, *(full_width(t) for t in texts)]
    if day >= dt.date(1900, 3, 1):
        forms.append(n.date_to_excel_serial(day))
    return forms


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
       st.sampled_from(["", " ", "\u3000", "\xa0", " \u3000 "]), st.sampled_from(["", " ", "\u3000", "\xa0\u200b"]))
def test_any_valid_date_in_any_supported_form_parses_back_to_itself(day, before, after):
    for form in _date_forms(day):
        value = f"{before}{form}{after}" if isinstance(form, str) else form
        assert n.parse_date(value) == day, value


@given(st.integers(min_value=1, max_value=2958465))
def test_every_excel_serial_but_the_phantom_leap_day_is_a_date(serial):
    assume(serial != 60)
    day = n.parse_date(serial)
    if serial > 60:
        assert n.date_to_excel_serial(day) == serial


@given(st.text(max_size=12))
def test_parse_date_never_fails_with_anything_but_a_reason(text):
    try:
        n.parse_date(text)
    except NormaliseError as exc:
        assert str(exc)


# ------------------------------------------------------------------------------------ year-month

@pytest.mark.parametrize("value", [
    "2026-03", "2026.3", "2026/3", "2026年3月", "2026年03月份", "202603", 202603, "２０２６－０３", " 2026-3 ",
    dt.date(2026, 3, 1), dt.datetime(2026, 3, 17), "2026-03-01", 2026.3,
])
def test_parse_year_month(value):
    assert n.parse_year_month(value) == (2026, 3)


def test_year_month_number_cells_that_cannot_be_told_apart_are_refused():
    with pytest.raises(NormaliseError, match="无法区分1月和10月"):
        n.parse_year_month(2026.1)
    assert n.parse_year_month(2026.12) == (2026, 12)
    assert n.parse_year_month("2026.1") == (2026, 1)  # typed as text: January
    assert n.parse_year_month("2026.10") == (2026, 10)


@pytest.mark.parametrize("value, reason", [
    ("2026-13", "月份应在1到12之间"), ("三月", "无法识别的年月"), ("", "年月为空"), ("1850-01", "不合理"),
])
def test_parse_year_month_reasons(value, reason):
    with pytest.raises(NormaliseError, match=reason):
        n.parse_year_month(value)


@given(st.integers(min_value=1900, max_value=9999), st.integers(min_value=1, max_value=12))
def test_any_year_month_in_any_form_parses_back(year, month):
    for form in (f"{year}-{month:02d}", f"{year}.{month}", f"{year}/{month}", f"{year}年{month}月",
                 f"{year}{month:02d}", full_width(f"{year}-{month}"), dt.date(year, month, 1)):
        assert n.parse_year_month(form) == (year, month)


# --------------------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("value, expected", [
    ("85.5", Decimal("85.5")), ("８５．５", Decimal("85.5")), (85.5, Decimal("85.5")), (90, Decimal(90)),
    (" 1,234.5 ", Decimal("1234.5")), ("-3", Decimal(-3)), ("+2.0", Decimal("2.0")), (".5", Decimal("0.5")),
])
def test_parse_decimal(value, expected):
    assert n.parse_decimal(value) == expected


def test_parse_decimal_bounds_places_and_suffixes():
    assert n.parse_decimal("85分", suffixes=("分",)) == Decimal(85)
    with pytest.raises(NormaliseError, match="最多保留1位小数"):
        n.parse_decimal("85.25", places=1)
    with pytest.raises(NormaliseError, match="不能大于100"):
        n.parse_decimal("100.5", maximum=100)
    with pytest.raises(NormaliseError, match="不能小于0"):
        n.parse_decimal(-1, minimum=0)
    with pytest.raises(NormaliseError, match="不是有效的数字"):
        n.parse_decimal("八十五")
    with pytest.raises(NormaliseError, match="应填写数字"):
        n.parse_decimal(None)
    with pytest.raises(NormaliseError, match="应填写数字"):
        n.parse_decimal(float("inf"))


def test_parse_int():
    assert n.parse_int("４０") == 40
    assert n.parse_int(40.0) == 40
    with pytest.raises(NormaliseError, match="应为整数"):
        n.parse_int("40.5")


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_decimal_written_any_way_parses_back(value):
    text = format(value, "f")
    assert n.parse_decimal(text) == value
    assert n.parse_decimal(full_width(text)) == value
    assert n.parse_decimal(f"\u3000{text} ") == value


# ---------------------------------------------------------------------------------------- phones

@pytest.mark.parametrize("value", ["13800001234", "138 0000 1234", "138-0000-1234", "+86 13800001234",
                                   "8613800001234", 13800001234, 13800001234.0, "１３８００００１２３４"])
def test_parse_mobile(value):
    assert n.parse_mobile(value) == "13800001234"


@pytest.mark.parametrize("value", ["1380000123", "23800001234", "028-12345678", "abc"])
def test_parse_mobile_refuses(value):
    with pytest.raises(NormaliseError, match="应为11位手机号码"):
        n.parse_mobile(value)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-", "\u3000"]))
def test_any_mobile_with_separators_parses_back(number, sep):
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    assert n.parse_mobile(written) == number
    assert n.parse_mobile(full_width(written)) == number


def test_module_imports_no_django():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(n.__file__).read_text(encoding="utf-8"))
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith("django") for name in names)
