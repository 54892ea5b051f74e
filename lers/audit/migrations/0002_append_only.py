"""Make the audit table append-only in the database itself (X-07).

PostgreSQL: triggers refuse UPDATE, DELETE and TRUNCATE (of a table holding events). SQLite: triggers refuse UPDATE and
DELETE (SQLite has no TRUNCATE; its DELETE without WHERE fires the row trigger). The head row
starts the chain at the genesis hash; it can only move forward and cannot be deleted.
"""

from django.db import migrations

GENESIS = "0" * 64

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION lers_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION lers_audit_append_only();
    """,
    # TRUNCATE of an empty table destroys nothing and is what a test database's flush does.
    """
    CREATE OR REPLACE FUNCTION lers_audit_no_truncate() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM audit_auditevent) THEN
            RAISE EXCEPTION 'audit events are append-only: TRUNCATE refused on %', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION lers_audit_no_truncate();
    """,
    # The head only moves forward and is never deleted: verify relies on it to see a cut tail.
    """
    CREATE OR REPLACE FUNCTION lers_audit_head_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'the audit head cannot be deleted'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.seq < OLD.seq THEN
            RAISE EXCEPTION 'the audit head only moves forward'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_audithead
        FOR EACH ROW EXECUTE FUNCTION lers_audit_head_guard();
    """,
    """
    CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_audithead
        FOR EACH STATEMENT EXECUTE FUNCTION lers_audit_no_truncate();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_audithead;",
    "DROP TRIGGER IF EXISTS audit_head_guard ON audit_audithead;",
    "DROP FUNCTION IF EXISTS lers_audit_head_guard();",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS lers_audit_no_truncate();",
    "DROP FUNCTION IF EXISTS lers_audit_append_only();",
]
SQLITE = [
    """
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;
    """,
    """
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;
    """,
    """
    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_audithead
    BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
    """,
    """
    CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_audithead WHEN NEW.seq < OLD.seq
    BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_forward;",
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement, params=None)
    apps.get_model("audit", "AuditHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
