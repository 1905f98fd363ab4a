"""The menu per role, grouped: top-level entries, groups in NAV order, a group of one shown as its entry."""

from auxpost.core.navigation import links_of, navigation_for


def labels(entries):
    return [(str(e["label"]), [str(i["label"]) for i in e["links"]]) if "links" in e else str(e["label"])
            for e in entries]


def test_bureau_gets_groups_and_every_link_once(district):
    entries = navigation_for(district.bureau_user)
    top = labels(entries)
    assert top[:2] == ["首页", "待办"]
    groups = [t[0] for t in top if isinstance(t, tuple)]
    assert groups == ["人员管理", "日常管理", "积分考核", "职级待遇", "系统设置"]
    urls = [link["url"] for link in links_of(entries)]
    assert len(urls) == len(set(urls)) and "/leave/queue/" in urls and "/duty/rosters/" in urls


def test_member_checks_in_from_the_top_and_finds_the_rest_under_mine(district):
    entries = navigation_for(district.member1)
    top = labels(entries)
    assert top[:3] == ["首页", "待办", "签到"]
    mine = dict(t for t in top if isinstance(t, tuple))["我的"]
    assert "我的请假" in mine and "我的积分" in mine
    assert "/duty/rosters/" not in [link["url"] for link in links_of(entries)]


def test_a_group_of_one_is_shown_as_its_entry(district):
    # The assessor sees the roster (人员管理) and the centralised assessment (积分考核): one each.
    top = labels(navigation_for(district.assessor))
    assert all(isinstance(t, str) for t in top)
    assert "花名册" in top


def test_anonymous_gets_no_menu(district):
    from django.contrib.auth.models import AnonymousUser

    assert navigation_for(AnonymousUser()) == []


def test_pages_render_the_groups(district, client_for):
    body = client_for(district.bureau_user).get("/").content.decode()
    assert '<details class="navgroup" data-navgroup><summary>日常管理' in body
    assert 'href="/leave/queue/" data-nav-path="/leave/queue/"' in body
