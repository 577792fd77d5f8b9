from django.urls import path

from sakme.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.outreach_list, name="list"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/take/", views.campaign_take, name="campaign_take"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/contacts/", views.contact_add, name="contact_add"),
    path("campaigns/<int:campaign_id>/referrals/", views.referral_add, name="referral_add"),
    path("campaigns/<int:campaign_id>/export.csv", views.campaign_export, name="export"),
    path("referrals/", views.referral_list, name="referrals"),
]
