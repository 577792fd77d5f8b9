from django.urls import path

from sakme.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
]
