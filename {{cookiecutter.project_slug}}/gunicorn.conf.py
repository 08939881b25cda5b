"""gunicorn settings, read from this file by default
{%- if cookiecutter.use_heroku and cookiecutter.use_docker %} (Procfile, Dockerfile)
{%- elif cookiecutter.use_heroku %} (Procfile)
{%- elif cookiecutter.use_docker %} (Dockerfile)
{%- endif %}.

gunicorn itself binds to $PORT and sizes its worker pool from $WEB_CONCURRENCY.
"""

wsgi_app = "config.wsgi"
# Logs go to stdout/stderr, where the platform collects them.
accesslog = "-"
errorlog = "-"
# A worker gets this long for one request, long enough for a large upload.
timeout = 120
# The platform restarts and scales processes; the runtime control socket is not needed.
control_socket_disable = True
