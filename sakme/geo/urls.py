from django.urls import path

from sakme.geo import views

app_name = "geo"
urlpatterns = [path("units/", views.units, name="units")]
