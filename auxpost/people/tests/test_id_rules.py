"""GB 11643 ID numbers and masking (pure rules, no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxpost.people.rules import InvalidIdNumber, id_check_digit, mask_id_number, mask_phone, parse_id_number

# The GB 11643 worked example, and a Chengdu (Wenjiang 510115) number with its computed check digit.
VALID = ["11010519491231002X", "510115199005170035"]


@pytest.mark.parametrize("number", VALID)
def test_published_examples_are_valid(number):
    info = parse_id_number(number)
    assert info.id_number == number


def test_derives_birth_date_and_sex():
    info = parse_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.sex == "F"  # 17th digit 2 is even
    assert parse_id_number("510115199005170035").sex == "M"


def test_lower_case_x_is_normalised():
    assert parse_id_number("11010519491231002x").id_number == "11010519491231002X"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("1101051949123100", "18位"),
        ("11010519491231002Y", "数字或X"),
        ("110105194902300020", "不是真实日期"),  # 30 February
        ("110105194912310021", "校验位"),
    ],
)
def test_invalid_numbers_say_why(raw, reason):
    with pytest.raises(InvalidIdNumber) as exc:
        parse_id_number(raw)
    assert reason in str(exc.value)


def test_birth_date_in_future_refused():
    first17 = "51011520300101001"
    with pytest.raises(InvalidIdNumber):
        parse_id_number(first17 + id_check_digit(first17), today=dt.date(2026, 11, 27))


def test_leap_day_birth_date():
    first17 = "51011520000229001"
    assert parse_id_number(first17 + id_check_digit(first17)).birth_date == dt.date(2000, 2, 29)
    bad = "51011519990229001"
    with pytest.raises(InvalidIdNumber):
        parse_id_number(bad + id_check_digit(bad))


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(min_value=0, max_value=999),
    st.sampled_from(["510115", "510124", "110105"]),
)
def test_any_number_with_its_check_digit_parses_back(birth, order, region):
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    info = parse_id_number(first17 + id_check_digit(first17))
    assert info.birth_date == birth
    assert info.sex == ("M" if order % 2 else "F")


@given(st.integers(min_value=0, max_value=9))
def test_one_wrong_check_digit_is_always_caught(d):
    first17 = "51011519900517001"
    right = id_check_digit(first17)
    wrong = str(d)
    if wrong != right:
        with pytest.raises(InvalidIdNumber):
            parse_id_number(first17 + wrong)


def test_masking():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("") == "" and mask_phone("") == ""
