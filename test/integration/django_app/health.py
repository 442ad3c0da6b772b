import os
import time

from django.http import HttpResponse

STARTED = time.monotonic()


class HealthCheckMiddleware:
    """Answers /health/ before anything reads the Host, so probes with any Host pass.

    WARMUP (seconds): the whole app answers 503 until then, as apps do while they load.
    VERSION_IN_BODY=0: the release is named only in the X-Release header.
    ROUTE_WARMUP (seconds): health is fine at once, pages answer 503 until then (caches warming).
    BROKEN=1: a bad release: every page raises (Django's own 500 page), health is fine.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if time.monotonic() - STARTED < float(os.environ.get("WARMUP", "0")):
            return HttpResponse("warming up", status=503, content_type="text/plain")
        if request.path in ("/health", "/health/"):
            release = os.environ.get("RELEASE", "dev")
            body = "ok" if os.environ.get("VERSION_IN_BODY") == "0" else "ok " + release
            response = HttpResponse(body, content_type="text/plain")
            response["X-Release"] = release
            return response
        if time.monotonic() - STARTED < float(os.environ.get("ROUTE_WARMUP", "0")):
            return HttpResponse("warming caches", status=503, content_type="text/plain")
        if os.environ.get("BROKEN") == "1":
            raise RuntimeError("this release is broken")
        return self.get_response(request)
