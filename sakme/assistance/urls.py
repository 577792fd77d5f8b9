from django.urls import path

from sakme.assistance.views import applications as views

app_name = "assistance"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("late/", views.late, name="late"),
    path("rules/", views.rules, name="rules"),
    path("apply/<int:person_id>/", views.declare, name="declare"),
    path("<int:application_id>/", views.application, name="application"),
    path("<int:application_id>/<str:action>/", views.act, name="act"),
]
