"""A hiring campaign walked with the services, for the tests: plan 2026 for squadron 1, team 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from auxpost.people.rules import id_check_digit
from auxpost.recruitment import services
from auxpost.testing import make_id_number

PUBLISH = dt.date(2026, 3, 2)
DEADLINE = dt.date(2026, 3, 20)
APPLIED = dt.date(2026, 3, 5)
SCORED = dt.date(2026, 4, 1)
PUBLICITY_START = dt.date(2026, 4, 13)  # Monday; 5 working days → Friday 17 April
PUBLICITY_END = dt.date(2026, 4, 17)
HIRE_DAY = dt.date(2026, 4, 20)
CONTRACT = {"number": "HX-2026-001", "start_date": "2026-04-20", "end_date": "2028-04-19",
            "probation_end": "2026-06-19"}


def applicant(name="赵新", birth=dt.date(1998, 6, 1), *, male=True, education="高中", applied=APPLIED,
              crime="是", dismissed="是", phone="13712345678", id_number=None) -> dict:
    return {"name": name, "id_number": id_number or make_id_number(birth, male=male), "phone": phone,
            "education": education, "applied_on": applied.isoformat(), "no_criminal_record": crime,
            "not_dismissed": dismissed}


def posted_plan(d, *, positions=1, unit=None):
    plan = services.plan_create(actor=d.bureau_user, today=PUBLISH, data={
        "unit": (unit or d.sq1_t1).pk, "year": 2026, "title": "2026年第一中队辅岗招聘", "positions": positions,
        "publish_date": PUBLISH.isoformat(), "deadline": DEADLINE.isoformat(), "posting_text": "招聘公告正文"})
    services.plan_move(actor=d.bureau_user, plan=plan, action="submit", today=PUBLISH)
    services.plan_move(actor=d.bianban, plan=plan, action="approve", today=PUBLISH)
    return services.plan_move(actor=d.bureau_user, plan=plan, action="post", today=PUBLISH)


def add(d, plan, **kw):
    data = applicant(**kw)
    return services.application_create(actor=d.bureau_user, plan=plan, data=data,
                                       today=max(APPLIED, kw.get("applied", APPLIED)))


def score(d, app, exam="80", interview="75", fitness="70"):
    return services.scores_set(actor=d.bureau_user, application=app, exam=exam, interview=interview,
                               fitness=fitness, today=SCORED)


def to_publicity(d, plan, app):
    """Scores, proposal, both checks passed, the 公示 from PUBLICITY_START."""
    score(d, app)
    services.plan_propose(actor=d.bureau_user, plan=plan, today=SCORED)
    services.checks_record(actor=d.bureau_user, application=app, health="pass", background="pass", today=SCORED)
    services.publicity_start(actor=d.bureau_user, plan=plan, start=PUBLICITY_START, today=PUBLICITY_START)
    app.refresh_from_db()
    return app


def hired(d, plan=None, **kw):
    plan = plan or posted_plan(d)
    app = to_publicity(d, plan, add(d, plan, **kw))
    contract = services.hire(actor=d.hrco, application=app, data=CONTRACT, today=HIRE_DAY)
    app.refresh_from_db()
    return plan, app, contract


TOTAL_80_75_70 = Decimal("76.50")
FIXED_ID = "51011519980601001" + id_check_digit("51011519980601001")
