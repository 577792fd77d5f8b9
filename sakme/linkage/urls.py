from django.urls import path

from sakme.linkage import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/next/", views.pair_next, name="pair_next"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("pairs/<int:pair_id>/decide/", views.pair_decide, name="pair_decide"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
]
