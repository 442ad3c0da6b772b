# A minimal production-style Django app for the gate's integration tests: DEBUG off, a host allowlist,
# and a health check answered in a middleware before anything reads the Host (the pattern PaaS docs
# recommend for probes, and the reason health can pass while public Hosts are rejected).
import os

SECRET_KEY = "integration-test-only"
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",") if h]
ROOT_URLCONF = "urls"
MIDDLEWARE = [
    "health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
INSTALLED_APPS = ["django.contrib.staticfiles", "django.contrib.sitemaps"]
# The sitemaps app renders its XML with templates; no database (RequestSite stands in for the sites app).
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
# Static files as most deploys have them: collected at build time (collectstatic) into STATIC_ROOT and
# served at STATIC_URL. A deploy that skipped collectstatic has an empty STATIC_ROOT.
STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", "/nonexistent/static-root")
STATICFILES_DIRS = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")]
DATABASES = {}
USE_TZ = True
LOGGING = {"version": 1, "disable_existing_loggers": True}
# The product page that fails (the discovery tests); 0: none.
BROKEN_PRODUCT = os.environ.get("BROKEN_PRODUCT", "0")
