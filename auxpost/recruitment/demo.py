"""§5.2.1 demo data for recruitment: one approved, posted hiring plan for a team of the demo's 第一中队 with
eight applications (some rejected at screening, with their reasons; scores entered for the others), and the
dispatch contract recorded by the HR company for every demo member on probation, so their probation review
is reachable (those hired over a month ago are due for the two signatures).

Everything goes through the services as the demo logins (``bureau``, ``bianban``, ``hrco``). Idempotent: the
plan is made once (found by its title) and a member with a contract gets no second one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from auxpost.accounts.models import User
from auxpost.org.models import Unit
from auxpost.people.models import Member, MemberStatus
from auxpost.people.rules import id_check_digit
from auxpost.recruitment import rules, services
from auxpost.recruitment.models import Contract, HiringPlan

PLAN_TITLE = "{year}年第一中队辅岗人员招聘"
#: (name, birth, male, education, crime declared, never dismissed, scores or None)
APPLICANTS = [
    ("周子涵", dt.date(1998, 4, 12), True, "大专", "是", "是", ("86", "82", "78")),
    ("吴俊杰", dt.date(1995, 9, 3), True, "本科", "是", "是", ("78", "80", "85")),
    ("郑雨欣", dt.date(2000, 1, 20), False, "高中", "是", "是", ("72", "68", "90")),
    ("冯浩然", dt.date(1993, 11, 8), True, "中专", "是", "是", ("58", "75", "80")),
    ("陈建国", dt.date(1975, 6, 1), True, "高中", "是", "是", None),  # over 45
    ("褚立伟", dt.date(1999, 2, 14), True, "初中", "是", "是", None),  # education
    ("卫小龙", dt.date(1997, 7, 7), True, "高中", "否", "是", None),  # no declaration
    ("蒋思远", dt.date(1996, 3, 30), True, "高中", "是", "是", None),  # applies twice → the second is rejected
]


def _id(birth: dt.date, male: bool, n: int) -> str:
    first17 = f"510115{birth:%Y%m%d}{(n * 2 + (1 if male else 0)) % 1000:03d}"
    return first17 + id_check_digit(first17)


def _plan(today: dt.date, counts: Counter) -> None:
    bureau, bianban = User.objects.filter(username="bureau").first(), User.objects.filter(username="bianban").first()
    team = Unit.objects.filter(name="第一小队", parent__name="第一中队").first()
    if bureau is None or bianban is None or team is None:
        return
    title = PLAN_TITLE.format(year=today.year)
    if HiringPlan.objects.filter(title=title).exists():
        return
    publish, deadline = today - dt.timedelta(days=40), today - dt.timedelta(days=20)
    probe = HiringPlan(unit=team, positions=1)
    free = min((q.quota - q.on_roster - q.reserved for q in services.quota_lines(probe)), default=2)
    plan = services.plan_create(actor=bureau, today=today, data={
        "unit": team.pk, "year": today.year, "title": title, "positions": max(1, min(2, free)),
        "publish_date": publish.isoformat(), "deadline": deadline.isoformat(),
        "posting_text": "因工作需要，面向社会公开招聘城管执法辅助岗位人员。报名条件：年满18周岁、45周岁以下，高中（中专）及以上学历，"
                        "无犯罪记录，未曾被开除公职。考试分笔试、面试和体能测试。"})
    counts["recruitment plans"] += 1
    services.plan_move(actor=bureau, plan=plan, action="submit", today=today)
    try:
        services.plan_move(actor=bianban, plan=plan, action="approve", today=today)
    except rules.MoveRefused:
        return  # the demo squadron is full: the plan waits for the staffing office
    plan = services.plan_move(actor=bureau, plan=plan, action="post", today=today)
    for n, (name, birth, male, edu, crime, dismissed, scores) in enumerate(APPLICANTS):
        data = {"name": name, "id_number": _id(birth, male, 400 + n), "phone": f"1390000{n:04d}",
                "education": edu, "applied_on": (publish + dt.timedelta(days=2 + n)).isoformat(),
                "no_criminal_record": crime, "not_dismissed": dismissed}
        app = services.application_create(actor=bureau, plan=plan, data=data, today=deadline)
        counts["recruitment applications"] += 1
        if n == len(APPLICANTS) - 1:
            data["applied_on"] = (publish + dt.timedelta(days=12)).isoformat()
            services.application_create(actor=bureau, plan=plan, data=data, today=deadline)
            counts["recruitment applications"] += 1
        if scores and app.status == rules.QUALIFIED:
            services.scores_set(actor=bureau, application=app, exam=scores[0], interview=scores[1],
                                fitness=scores[2], today=today)


def _contracts(today: dt.date, counts: Counter) -> None:
    hrco = User.objects.filter(username="hrco").select_related("organisation").first()
    if hrco is None or hrco.organisation is None:
        return
    members = Member.objects.filter(status=MemberStatus.PROBATION).exclude(
        pk__in=Contract.objects.values("member_id")).order_by("pk")
    for m in members:
        start = m.hire_date
        end = rules.add_months(start, 36) - dt.timedelta(days=1)
        # One month's probation (shorter than Art. 19 allows for three years: the HR company's choice).
        probation_end = rules.add_months(start, 1) - dt.timedelta(days=1)
        services.contract_record(actor=hrco, member=m, today=today, data={
            "number": f"HX-{start:%Y}-{m.pk:05d}", "start_date": start.isoformat(), "end_date": end.isoformat(),
            "probation_end": probation_end.isoformat()})
        counts["dispatch contracts"] += 1


def load(*, today: dt.date) -> Counter:
    """Load the recruitment demo (see the module docstring); returns what was created."""
    counts: Counter = Counter()
    _plan(today, counts)
    _contracts(today, counts)
    return counts
