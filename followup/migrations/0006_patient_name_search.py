"""Searching patients by part of a name (``icontains``, which PostgreSQL runs as
``UPPER(col::text) LIKE UPPER('%…%')``) uses a trigram index instead of reading every patient
of every clinic. PostgreSQL only: ``pg_trgm`` ships with it and is a trusted extension; SQLite
(``make run``) has no such index and needs none at its size."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "patient_name_trgm"


def create_index(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON followup_patient USING gin "
            "(UPPER(last_name::text) gin_trgm_ops, UPPER(first_name::text) gin_trgm_ops)"
        )


def drop_index(apps: object, schema_editor: object) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("followup", "0005_flag_event_rota_gap_index")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
