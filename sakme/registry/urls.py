from django.urls import path

from sakme.registry import views

app_name = "registry"
urlpatterns = [
    path("persons/", views.search, name="search"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/merges/<int:merge_id>/unmerge/", views.person_unmerge, name="person_unmerge"),
    path("persons/<int:person_id>/number/", views.person_number_reveal, name="person_number_reveal"),
    path("persons/elsewhere/", views.emergency_access, name="emergency_access"),
    path("emergency-accesses/", views.emergency_accesses, name="emergency_accesses"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/errors.csv", views.import_errors, name="import_errors"),
]
