"""Who is served (JU-02, HX-01, HX-03, BN-01): the matter type and the holds of a request;
the terms acknowledged at submission (HX-15)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_callback"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="matter_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("criminal", "A criminal investigation"),
                    ("civil", "A civil matter (litigation, a dispute)"),
                    ("administrative", "An administrative or regulatory matter"),
                    ("other", "Something else"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="served_holds",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="case",
            name="served_hold_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="case",
            name="served_hold_cleared_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="served_hold_cleared_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="terms_version",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="case",
            name="terms_acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
