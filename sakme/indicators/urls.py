from django.urls import path

from sakme.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("i/<str:code>/", views.indicator, name="indicator"),
    path("i/<str:code>/<str:table>.<str:fmt>", views.download, name="download"),
    path("i/<str:code>/records/", views.figure_records, name="records"),
    path("runs/", views.runs, name="runs"),
    path("runs/compute/", views.compute, name="compute"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_request, name="report_request"),
    path("reports/<int:report_id>/file/", views.report_download, name="report_download"),
]
