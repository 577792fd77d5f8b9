from django.urls import path

from sakme.casework import assignments, programmes, shortlists, transfers, views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("register/<int:person_id>/", views.register, name="register"),
    path("group-sessions/new/", views.group_session_new, name="group_session_new"),
    path("programmes/", programmes.programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", programmes.programme_detail, name="programme"),
    path("<int:case_id>/", views.case_detail, name="case"),
    path("<int:case_id>/forms/<slug:name>/", views.case_form, name="case_form"),
    path("<int:case_id>/do/<slug:action>/", views.transition, name="transition"),
    path("<int:case_id>/transfer/", transfers.case_transfer, name="transfer"),
    path("<int:case_id>/assign/", assignments.case_assign, name="assign"),
    path("<int:case_id>/sessions/", views.session_add, name="session_add"),
    path("<int:case_id>/plans/", views.plan_add, name="plan_add"),
    path("<int:case_id>/referrals/", views.referral_add, name="referral_add"),
    path("<int:case_id>/referrals/<int:referral_id>/decision/", views.referral_decide, name="referral_decide"),
    path("<int:case_id>/placements/", views.placement_add, name="placement_add"),
    path("<int:case_id>/follow-ups/<int:follow_up_id>/", views.follow_up_done, name="follow_up_done"),
    path("vacancies/<int:vacancy_id>/", shortlists.vacancy_detail, name="vacancy"),
    path("vacancies/<int:vacancy_id>/shortlist/", shortlists.shortlist_add, name="shortlist_add"),
    path("vacancies/<int:vacancy_id>/shortlist/send/", shortlists.shortlist_send, name="shortlist_send"),
    path("vacancies/<int:vacancy_id>/shortlist/<int:referral_id>/decision/", shortlists.candidate_decide,
         name="candidate_decide"),
    path("vacancies/<int:vacancy_id>/shortlist/<int:referral_id>/placement/", shortlists.candidate_place,
         name="candidate_place"),
]
