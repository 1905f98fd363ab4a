"""Navigation per role. Each entry names the roles that see it; views still check access themselves."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auxpost.accounts.models import Role
from auxpost.accounts.scope import roles

EVERYONE = tuple(Role.values)
MANAGERS = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple


NAV = [
    NavItem(_("Home"), "core:home", EVERYONE),
    NavItem(_("To do"), "core:inbox", EVERYONE),
    NavItem(_("Roster"), "people:list", MANAGERS + (Role.ASSESSOR,)),
    NavItem(_("My record"), "people:me", (Role.MEMBER,)),
    NavItem(_("Units and quotas"), "org:units", MANAGERS),
    NavItem(_("My points"), "points:mine", (Role.MEMBER,)),
    NavItem(_("My assessments"), "assessment:mine", (Role.MEMBER,)),
    NavItem(_("My path to the next grade"), "grading:path", (Role.MEMBER,)),
    NavItem(_("My grade evaluation"), "evaluation:mine", (Role.MEMBER,)),
    NavItem(_("My allowance and bonus"), "incentives:me", (Role.MEMBER,)),
    NavItem(_("My training and certificate"), "training:me", (Role.MEMBER,)),
    NavItem(_("My resignation"), "separation:mine", (Role.MEMBER,)),
    # §5.3 the daily links on the phone
    NavItem(_("Check in"), "duty:checkin", (Role.MEMBER,)),
    NavItem(_("My roll-call marks"), "duty:me", (Role.MEMBER,)),
    NavItem(_("My leave"), "leave:mine", (Role.MEMBER,)),
    NavItem(_("My meetings"), "meetings:me", (Role.MEMBER,)),
    NavItem(_("My uniform inspections"), "uniform:me", (Role.MEMBER,)),
    NavItem(_("Points ledger"), "points:ledger", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Points approvals"), "points:approvals", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Points appeals"), "points:appeals", (Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Year-end points settlement"), "points:settle", (Role.ADMIN, Role.BUREAU)),
    NavItem(_("Monthly assessment"), "assessment:monthly", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Centralised assessment"), "assessment:rounds", (Role.ADMIN, Role.BUREAU, Role.ASSESSOR)),
    NavItem(_("Annual results"), "assessment:annual_index", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Grade outcomes"), "grading:outcomes", MANAGERS),
    NavItem(_("Grade evaluation rounds"), "evaluation:rounds", MANAGERS),
    NavItem(_("Separation proposals"), "evaluation:separations", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)),
    NavItem(_("Pay sheet"), "incentives:paysheet", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)),
    NavItem(_("Recruitment"), "recruitment:plans", MANAGERS),
    NavItem(_("Probation reviews"), "recruitment:reviews", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)),
    NavItem(_("Training courses"), "training:courses", MANAGERS),
    NavItem(_("Training hours short"), "training:shortfall", MANAGERS),
    NavItem(_("Duty certificates"), "training:certificates",
            (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)),
    NavItem(_("Separations"), "separation:cases", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)),
    NavItem(_("Upcoming retirements"), "separation:retirements", (Role.BUREAU, Role.HR_COMPANY)),
    NavItem(_("Proposals to take up"), "separation:pickup", (Role.BUREAU,)),
    # §4.2, §5.3 the daily links at the desk
    NavItem(_("Post-analysis ledger"), "duties:catalogue", MANAGERS + (Role.MEMBER,)),
    NavItem(_("Morning roll call"), "duty:rollcall", (Role.LINE_MANAGER,)),
    NavItem(_("Duty rosters"), "duty:rosters", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Roll-call marks"), "duty:marks", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Duty areas"), "duty:areas", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Proxy check-ins"), "duty:proxies", (Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Team's day"), "patrol:team_today", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Patrol logs"), "patrol:logs", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.MEMBER)),
    NavItem(_("Handovers"), "patrol:handovers", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.MEMBER)),
    NavItem(_("Leave to approve"), "leave:queue", (Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Who is on leave"), "leave:unit", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Leave not reported back"), "leave:overdue", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Leave copied to the HR company"), "leave:hr", (Role.HR_COMPANY,)),
    NavItem(_("Meetings"), "meetings:list", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Meeting follow-ups"), "meetings:follow_ups", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.MEMBER)),
    NavItem(_("Uniform inspections"), "uniform:list", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)),
    NavItem(_("Policy versions"), "policy:list", MANAGERS),
    NavItem(_("Working-day calendar"), "workcal:years", (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU)),
    NavItem(_("Import"), "imports:upload", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY)),
    NavItem(_("Audit log"), "audit:list", (Role.ADMIN,)),
    NavItem(_("Users"), "accounts:users", (Role.ADMIN,)),
    NavItem(_("Login log"), "accounts:login_log", (Role.ADMIN,)),
]


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    mine = roles(user)
    out = []
    for item in NAV:
        if mine & set(item.roles):
            out.append({"label": item.label, "url": reverse(item.url_name), "name": item.url_name})
    return out
