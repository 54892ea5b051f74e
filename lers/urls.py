from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("account/", include("lers.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The address people and older links know.
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("lers.workbench.urls")),
    path("portal/", include("lers.portal.urls")),
    path("api/v1/", include("lers.api.urls")),
]
