# The demo "team's" Django settings: the public domain is missing below, as in the incident.
DEBUG = False
SECRET_KEY = "demo-only"

ALLOWED_HOSTS = ["app.internal", "127.0.0.1"]
CSRF_TRUSTED_ORIGINS = []
