"""Issue 15, items 7, 8 and 12: the officer an ID names (JU-07), the analyst's check of a
document's seal or signature (JU-18, HX-05), and a case marked complex (HX-14). Every existing
document starts unchecked and unnamed; no case is complex."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_served_terms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="complex_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="complex_by",
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
            name="complex_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="document",
            name="officer_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="document",
            name="seal",
            field=models.CharField(
                choices=[
                    ("unchecked", "Not checked"),
                    ("present", "Seal or signature confirmed"),
                    ("missing", "No seal or signature"),
                ],
                default="unchecked",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="seal_checked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="seal_checked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="document",
            name="seal_note",
            field=models.TextField(blank=True),
        ),
    ]
