from django.urls import path

from sakme.geo import activity_views, views

app_name = "geo"
urlpatterns = [path("units/", views.units, name="units")]

# The programme's activities of a year, and recording them (`geo.activities`).
urlpatterns += [
    path("activities/", activity_views.activities_page, name="activities"),
    path("activities/allocations/new/", activity_views.staff_allocation_edit, name="staff_allocation_add"),
    path("activities/allocations/<int:allocation_id>/", activity_views.staff_allocation_edit,
         name="staff_allocation_edit"),
    path("activities/trainings/new/", activity_views.training_edit, name="training_add"),
    path("activities/trainings/<int:training_id>/", activity_views.training_edit, name="training_edit"),
    path("activities/orders/new/", activity_views.order_add, name="order_add"),
    path("activities/orders/<int:order_id>/", activity_views.order_edit, name="order_edit"),
    path("activities/orders/<int:order_id>/manuals/new/", activity_views.manual_edit, name="manual_add"),
    path("activities/manuals/<int:manual_id>/", activity_views.manual_edit, name="manual_edit"),
]
