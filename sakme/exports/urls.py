from django.urls import path

from sakme.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.exports, name="list"),
    path("new/", views.export_create, name="create"),
    path("<int:export_id>/file/", views.export_download, name="download"),
]
