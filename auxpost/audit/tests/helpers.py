"""Raw-SQL tampering for the audit tests: what someone with rights to the database could do.

The append-only trigger is lifted first (as such a person could); the tests run inside a
transaction, so the trigger is back after each test.
"""

from django.db import connection

TRIGGER = "audit_auditentry_append_only"


def lift_guard() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        else:
            cur.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


def raw(sql: str, params=None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])


def trigger_exists() -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s AND tgenabled <> 'D'", [TRIGGER])
        else:
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER])
        return cur.fetchone()[0] == 1
