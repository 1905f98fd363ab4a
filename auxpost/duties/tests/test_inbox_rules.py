"""§4.2 the inbox items and the pure rules (codes, 是/否)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auxpost.duties import rules
from auxpost.duties.inbox import todo


@pytest.mark.django_db
def test_inbox_until_the_ledger_is_loaded(district, django_assert_max_num_queries):
    district.bureau_user.refresh_from_db()
    items = todo(district.bureau_user)
    assert [i.key for i in items] == ["duties.empty", "duties.indicators_empty"]
    assert "kind=duties" in items[0].url
    assert todo(district.squadron1) == [] and todo(district.member1) == [] and todo(district.nobody) == []
    from auxpost.duties.demo import load

    load(today=__import__("datetime").date(2026, 6, 1))
    with django_assert_max_num_queries(3):
        assert todo(district.admin) == []


@given(st.text(max_size=40))
def test_valid_code_is_short_ascii(code):
    if rules.valid_code(code):
        assert 1 <= len(code) <= 30 and code.isascii() and code[0].isalnum() and " " not in code


def test_codes():
    assert rules.valid_code("SR01-01") and rules.valid_code("a.b_c")
    assert not rules.valid_code("") and not rules.valid_code("-x") and not rules.valid_code("职责") \
        and not rules.valid_code("x" * 31)


@given(st.text(max_size=5))
def test_yes_no_total(text):
    assert rules.parse_yes_no(text) in (True, False, None)


def test_yes_no():
    assert rules.parse_yes_no("是") is True and rules.parse_yes_no(" y ") is True
    assert rules.parse_yes_no("") is False and rules.parse_yes_no("否") is False
    assert rules.parse_yes_no("也许") is None
    assert rules.yes_no(True) == "是" and rules.yes_no(False) == "否"
