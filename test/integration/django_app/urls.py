import time

from django.http import HttpResponse
from django.urls import path


def home(request):
    return HttpResponse("<!doctype html><title>Shop</title><h1>Welcome to the shop</h1>")


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
]
