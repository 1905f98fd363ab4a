from collections import Counter

import pytest

from auxpost.org.services import QuotaExceeded, quota_check, unit_set_quota
from auxpost.testing import make_member


def test_quota_refuses_hire_beyond_squadron_quota(district):
    unit_set_quota(actor=district.bianban, unit=district.sq1, quota=2)
    quota_check(additions=Counter({district.sq1_t2.pk: 1}))  # 1 on roster + 1 = 2: allowed
    make_member(district.sq1_t2, name="赵三")
    with pytest.raises(QuotaExceeded) as exc:
        quota_check(additions=Counter({district.sq1_t1.pk: 1}))
    assert "第一中队" in exc.value.messages[0]
    assert "2" in exc.value.messages[0]


def test_quota_of_ancestor_counts_whole_subtree(district):
    unit_set_quota(actor=district.bianban, unit=district.brigade, quota=3)
    quota_check(additions=Counter({district.sq2_t1.pk: 1}))
    with pytest.raises(QuotaExceeded):
        quota_check(additions=Counter({district.sq1_t1.pk: 1, district.sq2_t1.pk: 1}))


def test_quota_cannot_go_below_headcount(district):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        unit_set_quota(actor=district.bianban, unit=district.sq1, quota=0)
    assert "quota" in exc.value.message_dict
