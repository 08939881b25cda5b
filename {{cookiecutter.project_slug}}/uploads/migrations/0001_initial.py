{% if cookiecutter.media_access == "private" -%}
import django.db.models.deletion
from django.conf import settings
{% endif -%}
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

{%- if cookiecutter.media_access == "private" %}

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
{%- else %}

    dependencies = []
{%- endif %}

    operations = [
        migrations.CreateModel(
            name="Upload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("file", models.FileField(max_length=255, upload_to="uploads/%Y/%m/")),
                ("image", models.ImageField(blank=True, max_length=255, upload_to="images/%Y/%m/")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
{%- if cookiecutter.media_access == "private" %}
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="uploads",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
{%- endif %}
            ],
            options={
                "ordering": ["-uploaded_at", "-pk"],
            },
        ),
    ]
