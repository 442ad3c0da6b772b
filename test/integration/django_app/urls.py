import time

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import path, re_path
from django.views.static import serve


def home(request):
    return HttpResponse(
        '<!doctype html><title>Shop</title><link rel="stylesheet" href="%s"><h1>Welcome to the shop</h1>'
        % static("shop/site.css")
    )


def products(request):
    return HttpResponse('<!doctype html><title>Products</title><ul><li>items</li></ul>')


def slow(request):
    # Longer than gunicorn's --timeout in the tests: the worker is killed mid-request.
    time.sleep(float(request.GET.get("s", "30")))
    return HttpResponse("finally")


def boom(request):
    raise RuntimeError("Missing staticfiles manifest entry for 'app.css'")


urlpatterns = [
    path("", home),
    path("products/", products),
    path("slow/", slow),
    path("boom/", boom),
    # The app serves its collected files itself, the role WhiteNoise plays in production.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
]
