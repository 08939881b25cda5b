

# Private media (mediafiles/access.py): pages link each file through the site,
# which sends a visitor who has not logged in to LOGIN_URL, answers 404 to a user
# the model's rule refuses, and gives the others the file:
{%- include "providers/" ~ cookiecutter.__family ~ "/settings-media-private.py" %}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
# Files on local disk are sent by the site, or by the web server in front when
# this names its header: "X-Accel-Redirect" (nginx, with an `internal` location
# at MEDIA_SENDFILE_URL aliased to the media folder) or "X-Sendfile".
MEDIA_SENDFILE = env_str("MEDIA_SENDFILE", default="")
MEDIA_SENDFILE_URL = env_str("MEDIA_SENDFILE_URL", default="/protected-media/")