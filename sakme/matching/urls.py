from django.urls import path

from sakme.matching import views

app_name = "matching"

urlpatterns = [
    path("cases/<int:case_id>/vacancies/", views.case_vacancies, name="case_vacancies"),
    path("vacancies/<int:vacancy_id>/candidates/", views.vacancy_candidates, name="vacancy_candidates"),
]
