from django.db import migrations


class Migration(migrations.Migration):
    """Thumbnails are named from their image (mediafiles/images.py): no row keeps them."""

    dependencies = [
        ("uploads", "0002_upload_thumbnails"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="upload",
            name="thumbnails",
        ),
    ]
