"""Navigation per role. Each entry names the roles that see it; views still check access themselves.

Entries sit in groups (我的, 人员管理, 日常管理, 积分考核, 职级待遇, 系统设置) so a desk user holding many
roles still gets one line of menu on a desktop and a short list on a phone. A group that holds a single
entry for the user is shown as that entry."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from auxpost.accounts.models import Role
from auxpost.accounts.scope import roles

EVERYONE = tuple(Role.values)
MANAGERS = (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY)
LEADERS = (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER)

MINE, PEOPLE, DAILY, POINTS, GRADES, SYSTEM = "mine", "people", "daily", "points", "grades", "system"
GROUPS = {MINE: _("Mine"), PEOPLE: _("People"), DAILY: _("Daily work"), POINTS: _("Points and assessment"),
          GRADES: _("Grades and pay"), SYSTEM: _("System")}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple
    group: str | None = None  # None: a top-level entry


NAV = [
    NavItem(_("Home"), "core:home", EVERYONE),
    NavItem(_("To do"), "core:inbox", EVERYONE),
    # §5.3.1 the member's most used page on the phone stays one tap away
    NavItem(_("Check in"), "duty:checkin", (Role.MEMBER,)),
    NavItem(_("My record"), "people:me", (Role.MEMBER,), MINE),
    NavItem(_("My roll-call marks"), "duty:me", (Role.MEMBER,), MINE),
    NavItem(_("My leave"), "leave:mine", (Role.MEMBER,), MINE),
    NavItem(_("My meetings"), "meetings:me", (Role.MEMBER,), MINE),
    NavItem(_("My uniform inspections"), "uniform:me", (Role.MEMBER,), MINE),
    NavItem(_("My points"), "points:mine", (Role.MEMBER,), MINE),
    NavItem(_("My assessments"), "assessment:mine", (Role.MEMBER,), MINE),
    NavItem(_("My path to the next grade"), "grading:path", (Role.MEMBER,), MINE),
    NavItem(_("My grade evaluation"), "evaluation:mine", (Role.MEMBER,), MINE),
    NavItem(_("My allowance and bonus"), "incentives:me", (Role.MEMBER,), MINE),
    NavItem(_("My training and certificate"), "training:me", (Role.MEMBER,), MINE),
    NavItem(_("My resignation"), "separation:mine", (Role.MEMBER,), MINE),
    # §4.1, §5.1, §5.2 the roster and the working life
    NavItem(_("Roster"), "people:list", MANAGERS + (Role.ASSESSOR,), PEOPLE),
    NavItem(_("Units and quotas"), "org:units", MANAGERS, PEOPLE),
    NavItem(_("Recruitment"), "recruitment:plans", MANAGERS, PEOPLE),
    NavItem(_("Probation reviews"), "recruitment:reviews", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY), PEOPLE),
    NavItem(_("Training courses"), "training:courses", MANAGERS, PEOPLE),
    NavItem(_("Training hours short"), "training:shortfall", MANAGERS, PEOPLE),
    NavItem(_("Duty certificates"), "training:certificates",
            (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY), PEOPLE),
    NavItem(_("Separations"), "separation:cases", (Role.ADMIN, Role.BUREAU, Role.LINE_MANAGER, Role.HR_COMPANY),
            PEOPLE),
    NavItem(_("Upcoming retirements"), "separation:retirements", (Role.BUREAU, Role.HR_COMPANY), PEOPLE),
    NavItem(_("Proposals to take up"), "separation:pickup", (Role.BUREAU,), PEOPLE),
    # §4.2, §5.3 the daily links at the desk
    NavItem(_("Morning roll call"), "duty:rollcall", (Role.LINE_MANAGER,), DAILY),
    NavItem(_("Team's day"), "patrol:team_today", LEADERS, DAILY),
    NavItem(_("Duty rosters"), "duty:rosters", LEADERS, DAILY),
    NavItem(_("Roll-call marks"), "duty:marks", LEADERS, DAILY),
    NavItem(_("Proxy check-ins"), "duty:proxies", (Role.BUREAU, Role.LINE_MANAGER), DAILY),
    NavItem(_("Duty areas"), "duty:areas", LEADERS, DAILY),
    NavItem(_("Patrol logs"), "patrol:logs", LEADERS + (Role.MEMBER,), DAILY),
    NavItem(_("Handovers"), "patrol:handovers", LEADERS + (Role.MEMBER,), DAILY),
    NavItem(_("Leave to approve"), "leave:queue", (Role.BUREAU, Role.LINE_MANAGER), DAILY),
    NavItem(_("Who is on leave"), "leave:unit", LEADERS, DAILY),
    NavItem(_("Leave not reported back"), "leave:overdue", LEADERS, DAILY),
    NavItem(_("Leave copied to the HR company"), "leave:hr", (Role.HR_COMPANY,), DAILY),
    NavItem(_("Meetings"), "meetings:list", LEADERS, DAILY),
    NavItem(_("Meeting follow-ups"), "meetings:follow_ups", LEADERS + (Role.MEMBER,), DAILY),
    NavItem(_("Uniform inspections"), "uniform:list", LEADERS, DAILY),
    NavItem(_("Post-analysis ledger"), "duties:catalogue", MANAGERS + (Role.MEMBER,), DAILY),
    # §7, §10
    NavItem(_("Points ledger"), "points:ledger", LEADERS, POINTS),
    NavItem(_("Points approvals"), "points:approvals", LEADERS, POINTS),
    NavItem(_("Points appeals"), "points:appeals", (Role.BUREAU, Role.LINE_MANAGER), POINTS),
    NavItem(_("Year-end points settlement"), "points:settle", (Role.ADMIN, Role.BUREAU), POINTS),
    NavItem(_("Monthly assessment"), "assessment:monthly", LEADERS, POINTS),
    NavItem(_("Centralised assessment"), "assessment:rounds", (Role.ADMIN, Role.BUREAU, Role.ASSESSOR), POINTS),
    NavItem(_("Annual results"), "assessment:annual_index", LEADERS, POINTS),
    # §6, §8, §9
    NavItem(_("Grade outcomes"), "grading:outcomes", MANAGERS, GRADES),
    NavItem(_("Grade evaluation rounds"), "evaluation:rounds", MANAGERS, GRADES),
    NavItem(_("Separation proposals"), "evaluation:separations", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY), GRADES),
    NavItem(_("Pay sheet"), "incentives:paysheet", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY), GRADES),
    # settings and administration
    NavItem(_("Policy versions"), "policy:list", MANAGERS, SYSTEM),
    NavItem(_("Working-day calendar"), "workcal:years", (Role.ADMIN, Role.STAFFING_OFFICE, Role.BUREAU), SYSTEM),
    NavItem(_("Import"), "imports:upload", (Role.ADMIN, Role.BUREAU, Role.HR_COMPANY), SYSTEM),
    NavItem(_("Audit log"), "audit:list", (Role.ADMIN,), SYSTEM),
    NavItem(_("Users"), "accounts:users", (Role.ADMIN,), SYSTEM),
    NavItem(_("Login log"), "accounts:login_log", (Role.ADMIN,), SYSTEM),
]


def navigation_for(user) -> list[dict]:
    """The user's entries, in NAV order: each a link ``{"label", "url", "name"}``, or a group
    ``{"group", "label", "links": [links]}`` placed where its first entry is (a group of one is that link)."""
    if not user.is_authenticated:
        return []
    mine = roles(user)
    out: list[dict] = []
    groups: dict[str, dict] = {}
    for item in NAV:
        if not mine & set(item.roles):
            continue
        link = {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        if item.group is None:
            out.append(link)
        elif item.group in groups:
            groups[item.group]["links"].append(link)
        else:
            groups[item.group] = {"group": item.group, "label": GROUPS[item.group], "links": [link]}
            out.append(groups[item.group])
    return [entry["links"][0] if "links" in entry and len(entry["links"]) == 1 else entry for entry in out]


def links_of(entries: list[dict]) -> list[dict]:
    """Every link of ``navigation_for``'s entries, groups opened."""
    return [link for entry in entries for link in entry.get("links", [entry])]
