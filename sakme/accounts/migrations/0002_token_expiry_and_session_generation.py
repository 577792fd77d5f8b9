import datetime as dt

from django.db import migrations, models


def ninety_days_on() -> dt.datetime:
    """Tokens made before expiry existed run out 90 days after this migration."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=90)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_generation",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=ninety_days_on, verbose_name="expires"),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(fields=["user", "-created_at"], name="apitoken_user_created"),
        ),
    ]
