from django.urls import path

from sakme.accounts import token_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
]
