"""Database triggers that refuse to rewrite the audit chain (§11 留痕).

The application never updates or deletes an audit entry; these triggers make the database refuse
it too, so a bug or a stray ORM call cannot rewrite history. They do not stop someone with DDL
rights (who can drop a trigger): `auxpost audit verify` is the check for that.

- PostgreSQL: a row trigger refuses UPDATE and DELETE. TRUNCATE fires no row trigger, so the test
  runner's flush (TRUNCATE) still works.
- SQLite: only UPDATE is refused. SQLite has no TRUNCATE; the test runner's flush empties tables
  with DELETE, which a DELETE trigger would break.
"""

from django.db import migrations

TRIGGER = "audit_auditentry_append_only"

PG_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = 'audit_auditentry is append-only: ' || TG_OP || ' refused';
END
$$""",
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {{table}}",
    f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {{table}} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
]
PG_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON {{table}}",
    f"DROP FUNCTION IF EXISTS {TRIGGER}()",
]
SQLITE_FORWARD = [
    f"""CREATE TRIGGER IF NOT EXISTS {TRIGGER} BEFORE UPDATE ON {{table}}
BEGIN SELECT RAISE(ABORT, 'audit_auditentry is append-only: UPDATE refused'); END""",
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {TRIGGER}"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        table = schema_editor.quote_name(apps.get_model("audit", "AuditEntry")._meta.db_table)
        for sql in statements:
            schema_editor.execute(sql.format(table=table), params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_actor_kept_when_user_deleted"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
