"""The audit tables stay append-only, except for the retention's purge of what outlived its period: a DELETE passes
the trigger only inside a transaction that set `sakme.purging` (sakme.retention does, nothing else)."""

from django.db import migrations


def allow_purge(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF TG_OP = 'DELETE' AND current_setting('sakme.purging', true) = 'on' THEN RETURN OLD; END IF; "
        "RAISE EXCEPTION 'audit records are append-only'; END $$"
    )


def forbid_purge(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$"
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_access_kinds_reveal_emergency")]
    operations = [migrations.RunPython(allow_purge, forbid_purge)]
