"""Home dashboard data per role (filled by the dashboard work)."""


def dashboard_context(user) -> dict:
    return {}
