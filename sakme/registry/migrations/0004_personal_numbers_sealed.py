"""Personal numbers leave the database as text: a keyed hash, a seal and the last three digits take their place
(existing numbers are converted in place; the keyring must be there first, see personal_numbers.py)."""

from django.db import migrations, models

CHUNK = 2000


def seal_existing(apps, schema_editor):
    from sakme.registry import personal_numbers

    for name in ("Person", "SourceRecord"):
        model = apps.get_model("registry", name)
        rows = model.objects.exclude(personal_number__isnull=True).exclude(personal_number="").order_by("pk")
        last = 0
        while True:
            chunk = list(rows.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                break
            for row in chunk:
                stored = personal_numbers.protect(row.personal_number)
                row.personal_number_digest, row.personal_number_sealed = stored.digest, stored.sealed
                row.personal_number_tail = stored.tail
                if name == "SourceRecord" and row.key == row.personal_number:
                    row.key = f"#{stored.digest}"  # as the importer now keys rows keyed by the number
            fields = ["personal_number_digest", "personal_number_sealed", "personal_number_tail"]
            model.objects.bulk_update(chunk, [*fields, "key"] if name == "SourceRecord" else fields)
            last = chunk[-1].pk


def keys_of(name):
    return [
        migrations.AddField(model_name=name, name="personal_number_digest",
                            field=models.CharField(blank=True, max_length=32, null=True, editable=False)),
        migrations.AddField(model_name=name, name="personal_number_sealed",
                            field=models.CharField(blank=True, max_length=80, null=True, editable=False)),
        migrations.AddField(model_name=name, name="personal_number_tail",
                            field=models.CharField(blank=True, max_length=3, null=True, editable=False)),
    ]


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_name_keys_and_leaner_indexes")]

    operations = [
        *keys_of("person"),
        *keys_of("sourcerecord"),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="person", name="person_unique_personal_number"),
        migrations.RemoveField(model_name="person", name="personal_number"),
        migrations.RemoveField(model_name="sourcerecord", name="personal_number"),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(condition=models.Q(personal_number_digest__isnull=False),
                                               fields=("personal_number_digest",),
                                               name="person_unique_personal_number"),
        ),
    ]
