from django.urls import path

from sakme.registry import views

app_name = "registry"
urlpatterns = [
    path("persons/", views.search, name="search"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/errors.csv", views.import_errors, name="import_errors"),
]
