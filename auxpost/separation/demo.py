"""§5.2.4 demo data for separation, through the services as the demo logins ``bureau``, ``hrco`` and
``squadron1``:

- a resignation (Art. 37) of a member of 第一中队: proposed 45 days ago, approved, the contract ended by the
  HR company with the last day 5 days ago (in effect: status separated, grade cancelled, login closed),
  uniform, badge and certificate returned, archived;
- retirement proposals: the daily ``separation-propose`` run for today (members whose statutory date is
  within the notice period); when none is due, the oldest member's retirement is proposed ahead;
- an Art. 40(2) proposal for a woman who then went on maternity leave: the bureau's approval is refused
  under Art. 42, and the bureau refuses the case with that reason (her protection record stays on file).

Idempotent: does nothing once any separation case exists. The member ``member1`` is never used.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from auxpost.accounts.models import Role, RoleAssignment, User
from auxpost.org.models import Unit
from auxpost.people.models import ON_ROSTER, Member
from auxpost.separation import rules, services
from auxpost.separation.models import SeparationCase


def _candidates(today: dt.date, unit: Unit | None):
    qs = (Member.objects.filter(status__in=ON_ROSTER, user__isnull=True, hire_date__lte=today - dt.timedelta(days=400))
          .exclude(separation_cases__status__in=rules.OPEN_STATES).select_related("unit"))
    if unit is not None:
        qs = qs.filter(unit__in=Unit.objects.filter(path__startswith=unit.path).values("pk"))
    return qs.order_by("pk")


@transaction.atomic
def load(*, today: dt.date) -> Counter:
    """Load the separation demo (see the module docstring); returns what was created."""
    counts: Counter = Counter()
    if SeparationCase.objects.exists():
        return counts
    bureau = User.objects.filter(username="bureau").first()
    hrco = User.objects.filter(username="hrco").first()
    if bureau is None or hrco is None:
        return counts
    squadron1 = User.objects.filter(username="squadron1").first()
    ra = (RoleAssignment.objects.filter(user=squadron1, role=Role.LINE_MANAGER).select_related("unit").first()
          if squadron1 else None)
    unit = ra.unit if ra else None

    # 1. A resignation, from proposal to archive.
    member = _candidates(today, unit).filter(sex="M").first() or _candidates(today, None).first()
    if member is not None:
        proposed = today - dt.timedelta(days=45)
        case = services.proposal_create(actor=bureau, member=member, ground=rules.RESIGNATION,
                                        reason="本人提交书面辞职信，因家庭原因申请解除劳动合同。",
                                        source=rules.SRC_RESIGNATION, today=proposed)
        case = services.case_approve(actor=bureau, case=case, note="同意，请人力资源公司办理。",
                                     today=proposed + dt.timedelta(days=3))
        case = services.case_execute(actor=hrco, case=case, last_day=today - dt.timedelta(days=5),
                                     note="已出具解除劳动合同证明。", today=proposed + dt.timedelta(days=10))
        services.separations_make_due_effective(today)
        in_scope = squadron1 is not None and unit is not None and member.unit.path.startswith(unit.path)
        for item in rules.ITEMS:
            who = squadron1 if item == rules.BADGE and in_scope else hrco
            services.item_return(actor=who, case=case, item=item, returned_on=today - dt.timedelta(days=4),
                                 today=today)
        services.case_archive(actor=bureau, case=case, note="材料齐全，归档。", today=today)
        counts["separation cases"] += 1
        counts["separations in effect"] += 1

    # 2. Retirement proposals (the daily command), or the oldest member's ahead of time.
    n = services.retirement_proposals_create(today)
    if n == 0:
        oldest = (Member.objects.filter(status__in=ON_ROSTER, user__isnull=True)
                  .exclude(separation_cases__status__in=rules.OPEN_STATES).order_by("birth_date", "pk").first())
        if oldest is not None:
            due = services.member_retirement(oldest, today)
            services.proposal_create(actor=None, member=oldest, ground=rules.RETIREMENT,
                                     reason=f"{oldest.birth_date.isoformat()}出生，法定退休年龄{due.label}，"
                                            f"{due.date.isoformat()}达到法定退休年龄（提前提出）。",
                                     source=rules.SRC_RETIREMENT, source_ref=due.date.isoformat(), today=today)
            n = 1
    counts["separation cases"] += n
    counts["retirement proposals"] += n

    # 3. Art. 40(2) for a woman now on maternity leave: refused under Art. 42.
    for woman in _candidates(today, None).filter(sex="F")[:50]:
        if services.member_protections(woman, today - dt.timedelta(days=20)):
            continue
        case = services.proposal_create(actor=bureau, member=woman, ground=rules.ART40_UNFIT,
                                        reason="年度考核连续两年不合格，经培训后仍不能胜任工作。",
                                        today=today - dt.timedelta(days=20))
        services.protection_record(actor=hrco, member=woman, kind=rules.MATERNITY,
                                   start=today - dt.timedelta(days=10), end=today + dt.timedelta(days=88),
                                   note="产假（98天）")
        counts["protection records"] += 1
        try:
            services.case_approve(actor=bureau, case=case, today=today)
        except rules.MoveRefused as exc:
            services.case_refuse(actor=bureau, case=case, reason=exc.message, today=today)
        counts["separation cases"] += 1
        counts["refused under Art. 42"] += 1
        break
    return counts
