from django.contrib import admin
from django.urls import include, path

from sakme import home
from sakme.api.api import api

handler403 = "sakme.common.middleware.permission_denied"
handler404 = "sakme.common.middleware.page_not_found"

urlpatterns = [
    path("", home.home, name="home"),
    path("health", home.health, name="health"),
    path("accounts/", include("sakme.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("geo/", include("sakme.geo.urls")),
    path("registry/", include("sakme.registry.urls")),
    path("linkage/", include("sakme.linkage.urls")),
    path("cases/", include("sakme.casework.urls")),
    path("exports/", include("sakme.exports.urls")),
    path("matching/", include("sakme.matching.urls")),
    path("indicators/", include("sakme.indicators.urls")),
    path("assistance/", include("sakme.assistance.urls")),
    path("outreach/", include("sakme.outreach.urls")),
    path("surveys/", include("sakme.surveys.urls")),
    path("", include("sakme.employment.urls")),  # employers/, job-seekers/, occupations/
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
