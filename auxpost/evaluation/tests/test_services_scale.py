"""§11 scale: the round moves and bulk steps run a fixed number of queries whatever the number of
members (set-based inserts and updates, one audit batch), so a province round does not query per member."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auxpost.evaluation import rules
from auxpost.evaluation.models import Candidate
from auxpost.evaluation.services import candidates_act
from auxpost.testing import make_member

from .flow import Cast, promotable

pytestmark = pytest.mark.django_db


def _queries_per_move(cast) -> dict[str, int]:
    """Drive a round to archive, counting the queries of each round move and each bulk step."""
    from auxpost.accounts.models import User

    d = cast.d
    for name in ("bureau_user", "squadron1", "squadron2", "hrco", "bianban"):  # role caches start empty
        setattr(d, name, User.objects.get(pk=getattr(d, name).pk))
    counts = {}

    def count(key, fn, **kw):
        from auxpost.workcal.selectors import clear_cache

        clear_cache()  # the calendar re-reads its schedule on a timer: start from an empty cache each time
        with CaptureQueriesContext(connection) as ctx:
            out = fn(**kw)
        counts[key] = len(ctx.captured_queries)
        return out

    rnd = cast.open()
    rnd = count("compute", cast.move, rnd=rnd, action="compute")
    promoted = list(Candidate.objects.filter(round=rnd, outcome=rules.PROMOTE).values_list("pk", flat=True))
    count("apply", candidates_act, actor=d.bureau_user, round=rnd, candidate_ids=promoted, action="apply")
    rnd = count("close_applications", cast.move, rnd=rnd, action="close_applications")
    sq1 = list(Candidate.objects.filter(round=rnd, unit__path__startswith=d.sq1.path, status=rules.APPLIED)
               .values_list("pk", flat=True))
    count("recommend", candidates_act, actor=d.squadron1, round=rnd, candidate_ids=sq1, action="not_recommend",
          reason="名额有限")
    sq2 = list(Candidate.objects.filter(round=rnd, status=rules.APPLIED).values_list("pk", flat=True))
    candidates_act(actor=d.squadron2, round=rnd, candidate_ids=sq2, action="recommend")
    rnd = count("close_recommendation", cast.move, rnd=rnd, action="close_recommendation")
    count("qualify", candidates_act, actor=d.bureau_user, round=rnd, candidate_ids=sq2, action="qualify")
    rnd = count("close_review", cast.move, rnd=rnd, action="close_review")
    ids = list(Candidate.objects.filter(round=rnd).values_list("pk", flat=True))
    count("approve_bureau", candidates_act, actor=d.bureau_user, round=rnd, candidate_ids=ids, action="approve")
    count("approve_hr", candidates_act, actor=d.hrco, round=rnd, candidate_ids=ids, action="approve")
    count("approve_staffing", candidates_act, actor=d.bianban, round=rnd, candidate_ids=ids, action="approve")
    assert not Candidate.objects.filter(round=rnd, status=rules.PENDING_APPROVAL).exists()
    from .flow import EFFECTIVE, PUBLICITY_START

    rnd = count("start_publicity", cast.move, rnd=rnd, action="start_publicity", start=PUBLICITY_START)
    import datetime as dt

    rnd = count("decide", cast.move, rnd=rnd, action="decide", decision_number="文号", decided_on=dt.date(2026, 3, 16),
                today=dt.date(2026, 3, 16))
    from auxpost.people.models import Member

    before = list(Member.objects.values_list("pk", "grade", "grade_effective_date"))
    rnd = count("make_effective", cast.move, rnd=rnd, action="make_effective", today=EFFECTIVE)
    assert rnd.status == rules.EFFECTIVE
    assert Member.objects.filter(grade_effective_date=EFFECTIVE).exists()
    for pk, grade, since in before:  # back to the grades before, for the next round to compute alike
        Member.objects.filter(pk=pk).update(grade=grade, grade_effective_date=since)
    rnd.status = rules.ARCHIVED
    rnd.save()
    return counts


def _grow(cast, n):
    d = cast.d
    for i in range(n):
        promotable(d.sq2_t1 if i % 2 else d.sq1_t1, name=f"晋级{i}")
        make_member(d.sq1_t2, name=f"维持{i}")


def test_queries_do_not_grow_with_members(district):
    small = Cast(district)
    _grow(small, 2)
    _queries_per_move(small)  # warm the process caches (policy, calendar)
    few = _queries_per_move(small)
    _grow(small, 12)
    many = _queries_per_move(small)
    assert many == few, {k: (few[k], many[k]) for k in few if few[k] != many[k]}
