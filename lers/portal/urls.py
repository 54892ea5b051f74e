from django.urls import path

from lers.portal import access_views, views

urlpatterns = [
    path("access/", access_views.access_start, name="portal-access"),
    path("access/confirm/", access_views.access_confirm, name="portal-access-confirm"),
    path("access/confirm/resend/", access_views.access_resend, name="portal-access-resend"),
    path("access/status/", access_views.access_status, name="portal-access-status"),
    path("access/proofs/", access_views.access_proof, name="portal-access-proof"),
    path("", views.cases, name="portal-cases"),
    path("cases/<str:reference>/", views.case_detail, name="portal-case"),
    path(
        "cases/<str:reference>/steps/<str:name>/",
        views.case_transition,
        name="portal-transition",
    ),
]
