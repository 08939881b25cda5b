"""gunicorn settings, which gunicorn reads from this file wherever it is started.

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
