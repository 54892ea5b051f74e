"""What a freeze asks to hold: the assets and the amount (issue 16.6)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_cross_border_derived")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="freeze_assets",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="case",
            name="freeze_amount",
            field=models.TextField(blank=True),
        ),
    ]
