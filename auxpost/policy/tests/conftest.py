"""Fixtures of the policy tests: a fresh decode cache, fixed clocks, and the edit page's POST data."""

import datetime as dt

import pytest

from auxpost.policy.models import PolicyVersion

#: Tests pass time in; "now" is a fixed afternoon in Chengdu.
NOW = dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC)  # 14:00 Asia/Shanghai
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    from auxpost.policy.selectors import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def v1(db):
    return PolicyVersion.objects.get(version="1")


@pytest.fixture
def draft(district, v1):
    from auxpost.policy.services import policy_version_create_draft

    return policy_version_create_draft(based_on=v1, version="2027.1", name="2027年政策", effective_from=dt.date(2027, 1, 1),
                                       by=district.bianban, at=NOW)


def edit_post_data(pv) -> dict:
    """Everything the edit page would submit unchanged for ``pv``."""
    from auxpost.policy.forms import PolicyForms

    f = PolicyForms(pv)
    data = {}
    forms = list(f.all_forms())
    for fs in (f.indicators, f.components):
        mf = fs.management_form
        for name in mf.fields:
            data[mf.add_prefix(name)] = mf[name].value()
        forms += [form for form in fs.forms if form.initial]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if field.widget.input_type == "checkbox" if hasattr(field.widget, "input_type") else False:
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            if value is None:
                value = ""
            if isinstance(value, dt.date):
                value = value.isoformat()
            data[form.add_prefix(name)] = value
    return data
