
# the site sends it, or has the web server in front send it (MEDIA_SENDFILE).