from django.urls import path

from lers.accounts import views

urlpatterns = [
    path("tokens/", views.tokens, name="account-tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="account-token-revoke"),
]
