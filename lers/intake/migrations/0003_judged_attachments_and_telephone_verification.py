from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_mailbox_cursor"),
    ]

    operations = [
        migrations.AddField(
            model_name="intakemessage",
            name="identifiers",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="intakemessage",
            name="waits_for",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Nothing"),
                    ("telephone_verification", "Telephone verification needed"),
                ],
                default="",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="intakemessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("accepted", "Accepted"),
                    ("queued", "Waiting for a person"),
                    ("done", "Case created or handled"),
                ],
                max_length=10,
            ),
        ),
    ]
