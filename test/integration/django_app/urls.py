import time

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
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


def product(request, pk):
    # One product page is broken (a template error in production): discovery must find it to fail it.
    if pk == int(settings.BROKEN_PRODUCT):
        raise RuntimeError("product template failed")
    return HttpResponse('<!doctype html><title>Product %d</title><h1>Product %d</h1>' % (pk, pk))


class ProductSitemap(Sitemap):
    def items(self):
        return list(range(1, 121))

    def location(self, item):
        return "/products/%d/" % item


class PageSitemap(Sitemap):
    def items(self):
        return ["/", "/products/"]

    def location(self, item):
        return item


SITEMAPS = {"products": ProductSitemap, "pages": PageSitemap}


def slow(request):
    # Longer than gunicorn's --timeout in the tests: the worker is killed mid-request.
    time.sleep(float(request.GET.get("s", "30")))
    return HttpResponse("finally")


def boom(request):
    raise RuntimeError("Missing staticfiles manifest entry for 'app.css'")


def search(request):
    # A view's own 400: Django answers SuspiciousOperation with the very page a Host rejection gets.
    raise SuspiciousOperation("malformed search query")


urlpatterns = [
    path("", home),
    path("products/", products),
    path("products/<int:pk>/", product),
    # django.contrib.sitemaps as its docs set it up: an index at /sitemap.xml naming one file per section.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("slow/", slow),
    path("boom/", boom),
    path("search/", search),
    # The app serves its collected files itself, the role WhiteNoise plays in production.
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": settings.STATIC_ROOT}),
]
