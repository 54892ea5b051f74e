"""Who is served (JU-02, HX-01, HX-03, BN-01) and the terms acknowledged (HX-15), on an
officer's access request."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_age_recipient")]

    operations = [
        migrations.AddField(
            model_name="accessrequest",
            name="requester_kind",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="accessrequest",
            name="served_holds",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="accessrequest",
            name="served_hold_note",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="accessrequest",
            name="terms_version",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="accessrequest",
            name="terms_acknowledged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
