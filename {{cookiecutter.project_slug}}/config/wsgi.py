"""WSGI entry point, used by gunicorn
{%- if cookiecutter.use_heroku and cookiecutter.use_docker %} (see the Procfile and Dockerfile)
{%- elif cookiecutter.use_heroku %} (see the Procfile)
{%- elif cookiecutter.use_docker %} (see the Dockerfile)
{%- endif %}."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
