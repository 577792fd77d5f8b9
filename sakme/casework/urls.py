from django.urls import path

from sakme.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("register/<int:person_id>/", views.register, name="register"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/do/<slug:action>/", views.transition, name="transition"),
    path("<int:case_id>/sessions/", views.session_add, name="session_add"),
    path("<int:case_id>/plans/", views.plan_add, name="plan_add"),
    path("<int:case_id>/referrals/", views.referral_add, name="referral_add"),
    path("<int:case_id>/referrals/<int:referral_id>/decision/", views.referral_decide, name="referral_decide"),
    path("<int:case_id>/placements/", views.placement_add, name="placement_add"),
    path("<int:case_id>/follow-ups/<int:follow_up_id>/", views.follow_up_done, name="follow_up_done"),
]
