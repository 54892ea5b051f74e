from django.urls import path

from lers.portal import access_views, agency_views, preview_views, request_views, views

urlpatterns = [
    path("access/", access_views.access_start, name="portal-access"),
    path("access/confirm/", access_views.access_confirm, name="portal-access-confirm"),
    path("access/confirm/resend/", access_views.access_resend, name="portal-access-resend"),
    path("access/status/", access_views.access_status, name="portal-access-status"),
    path("access/proofs/", access_views.access_proof, name="portal-access-proof"),
    path("", views.cases, name="portal-cases"),
    path("agency/key/", agency_views.agency_key, name="portal-agency-key"),
    # Writing a request: a draft, filled in step by step.
    path("requests/new/", request_views.request_new, name="portal-request-new"),
    path(
        "cases/<str:reference>/edit/targets/find/",
        request_views.targets_find,
        name="portal-targets-find",
    ),
    path(
        "cases/<str:reference>/edit/targets/confirm/",
        request_views.targets_confirm_view,
        name="portal-targets-confirm",
    ),
    path(
        "cases/<str:reference>/edit/targets/<int:pk>/remove/",
        request_views.target_remove_view,
        name="portal-target-remove",
    ),
    path(
        "cases/<str:reference>/edit/documents/<int:pk>/remove/",
        request_views.document_remove_view,
        name="portal-document-remove",
    ),
    path(
        "cases/<str:reference>/edit/<str:page>/checklist/",
        request_views.request_checklist,
        name="portal-checklist",
    ),
    path(
        "cases/<str:reference>/edit/<str:page>/",
        request_views.request_step,
        name="portal-request-step",
    ),
    # Following a request.
    path("cases/<str:reference>/", views.case_detail, name="portal-case"),
    path(
        "cases/<str:reference>/documents/<int:pk>/",
        views.document_download,
        name="portal-document",
    ),
    path(
        "cases/<str:reference>/documents/<int:pk>/preview/",
        preview_views.document_preview,
        name="portal-document-preview",
    ),
    path(
        "cases/<str:reference>/documents/<int:pk>/preview/image/",
        preview_views.document_preview_image,
        name="portal-document-preview-image",
    ),
    path("cases/<str:reference>/messages/", views.message_send, name="portal-message"),
    path("cases/<str:reference>/answer/", views.answer, name="portal-answer"),
    path("cases/<str:reference>/withdraw/", views.withdraw, name="portal-withdraw"),
    path("cases/<str:reference>/colleagues/", views.colleague_add, name="portal-colleague-add"),
    path("cases/<str:reference>/extension/", views.extension, name="portal-extension"),
    path("cases/<str:reference>/consent/", views.consent, name="portal-consent"),
    path("cases/<str:reference>/fees/<int:pk>/", views.fee_answer, name="portal-fee"),
    path(
        "cases/<str:reference>/productions/<int:pk>/",
        views.production_download,
        name="portal-production",
    ),
]
