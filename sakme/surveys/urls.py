from django.urls import path

from sakme.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.results, name="results"),
    path("pending/", views.pending, name="pending"),
    path("record/<slug:kind>/<int:event_id>/", views.record, name="record"),
]
