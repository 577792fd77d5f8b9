from django.urls import path

from sakme.employment.views import employers, job_seekers

app_name = "employment"
urlpatterns = [
    path("employers/", employers.employers, name="employers"),
    path("employers/<int:employer_id>/", employers.employer_detail, name="employer"),
    path("job-seekers/<int:job_seeker_id>/", job_seekers.profile, name="job_seeker"),
    path("job-seekers/<int:job_seeker_id>/edit/", job_seekers.profile_edit, name="job_seeker_edit"),
    path("job-seekers/<int:job_seeker_id>/work/", job_seekers.work_add, name="work_add"),
    path("job-seekers/<int:job_seeker_id>/work/<int:entry_id>/", job_seekers.work_edit, name="work_edit"),
    path("job-seekers/<int:job_seeker_id>/work/<int:entry_id>/remove/", job_seekers.work_remove,
         name="work_remove"),
    path("occupations/", job_seekers.occupations, name="occupations"),
]
