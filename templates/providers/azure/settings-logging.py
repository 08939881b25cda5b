
    # The Azure SDK logs every HTTP request and response at INFO.
    "loggers": {"azure": {"level": "WARNING"}},