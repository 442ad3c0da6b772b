import os

from django.http import HttpResponse


class HealthCheckMiddleware:
    """Answers /health/ before anything reads the Host, so probes with any Host pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ("/health", "/health/"):
            response = HttpResponse("ok " + os.environ.get("RELEASE", "dev"), content_type="text/plain")
            response["X-Release"] = os.environ.get("RELEASE", "dev")
            return response
        return self.get_response(request)
