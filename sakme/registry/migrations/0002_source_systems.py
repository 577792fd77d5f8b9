from django.db import migrations

SOURCES = [
    ("ssa", 1, "სოციალური მომსახურების სააგენტოს რეესტრი", "Social Service Agency registry"),
    ("worknet", 2, "Worknet — სამუშაოს მაძიებელთა ბაზა", "Worknet job-seeker database"),
]


def add_sources(apps, schema_editor):
    SourceSystem = apps.get_model("registry", "SourceSystem")
    for code, rank, name_ka, name_en in SOURCES:
        SourceSystem.objects.update_or_create(code=code, defaults={"rank": rank, "name_ka": name_ka, "name_en": name_en})


def key_collation(apps, schema_editor):
    # Name keys are compared as bytes (prefix ranges in search), whatever the database's locale.
    if schema_editor.connection.vendor == "postgresql":
        for column in ("family_key", "given_key"):
            schema_editor.execute(f'ALTER TABLE registry_person ALTER COLUMN {column} TYPE varchar(100) COLLATE "C"')


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [
        migrations.RunPython(add_sources, migrations.RunPython.noop),
        migrations.RunPython(key_collation, migrations.RunPython.noop),
    ]
