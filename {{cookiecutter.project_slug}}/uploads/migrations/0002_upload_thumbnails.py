from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("uploads", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="thumbnails",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
