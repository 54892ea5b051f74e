"""Cross-border is derived (JU-12): the officer's own checkbox goes; where an officer had ticked
it, the case keeps it as a correction, with that reason, so no case loses the rule."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def keep_declared(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(cross_border=True).update(
        cross_border_corrected=True,
        cross_border_reason="declared cross-border by the officer before lers derived it",
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_review_documents_complex")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="cross_border_corrected",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="cross_border_reason",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(keep_declared, migrations.RunPython.noop),
        migrations.RemoveField(model_name="case", name="cross_border"),
    ]
