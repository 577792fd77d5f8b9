from django.urls import path

from sakme.employment import views

app_name = "employment"
urlpatterns = [
    path("", views.employers, name="employers"),
    path("<int:employer_id>/", views.employer_detail, name="employer"),
]
