from django.urls import path

from lers.workbench import (
    access_views,
    action_views,
    intake_views,
    production_views,
    report_views,
    review_views,
    views,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("access/", access_views.access_queue, name="workbench-access"),
    path("reports/transparency/", report_views.transparency, name="workbench-transparency"),
    path("intake/", intake_views.queue, name="workbench-intake"),
    path("intake/<int:pk>/raw/", intake_views.raw, name="workbench-intake-raw"),
    path("intake/<int:pk>/handled/", intake_views.handle, name="workbench-intake-handle"),
    path("access/<int:pk>/", access_views.access_detail, name="workbench-access-detail"),
    path("access/<int:pk>/decide/", access_views.access_decide, name="workbench-access-decide"),
    path(
        "access/<int:pk>/proofs/<int:proof_pk>/",
        access_views.access_proof_download,
        name="workbench-access-proof",
    ),
    path("cases/<str:reference>/", views.case_detail, name="workbench-case"),
    path("cases/<str:reference>/take/", review_views.take, name="workbench-take"),
    path("cases/<str:reference>/route/", review_views.route, name="workbench-route"),
    path("cases/<str:reference>/staff/", review_views.assign, name="workbench-assign"),
    path("cases/<str:reference>/approve/", review_views.approve, name="workbench-approve"),
    path("cases/<str:reference>/fees/", review_views.fee_new, name="workbench-fee"),
    path("cases/<str:reference>/callbacks/", review_views.callback_new, name="workbench-callback"),
    path("cases/<str:reference>/flags/", review_views.flag, name="workbench-flag"),
    path(
        "cases/<str:reference>/fees/<int:pk>/withdraw/",
        review_views.fee_withdraw,
        name="workbench-fee-withdraw",
    ),
    path("cases/<str:reference>/messages/", views.message_send, name="workbench-message"),
    path("cases/<str:reference>/resolve/", views.resolve_targets, name="workbench-resolve"),
    path(
        "cases/<str:reference>/subjects/<int:pk>/",
        views.subject_decision,
        name="workbench-subject",
    ),
    path(
        "cases/<str:reference>/documents/<int:pk>/",
        views.document_download,
        name="workbench-document",
    ),
    path(
        "cases/<str:reference>/steps/<str:name>/",
        views.case_transition,
        name="workbench-transition",
    ),
    path("cases/<str:reference>/freezes/", action_views.freeze_new, name="workbench-freeze"),
    path(
        "cases/<str:reference>/freezes/<int:pk>/decision/",
        action_views.freeze_decide,
        name="workbench-freeze-decide",
    ),
    path(
        "cases/<str:reference>/freezes/<int:pk>/release/",
        action_views.freeze_lift,
        name="workbench-freeze-release",
    ),
    path("cases/<str:reference>/preserve/", action_views.preserve, name="workbench-preserve"),
    path("cases/<str:reference>/holds/<int:pk>/", action_views.hold_change, name="workbench-hold"),
    path(
        "cases/<str:reference>/extend-hold/",
        action_views.hold_extend_request,
        name="workbench-hold-extend-request",
    ),
    path("cases/<str:reference>/notices/", action_views.notices_new, name="workbench-notices"),
    path(
        "cases/<str:reference>/notices/<int:pk>/send/",
        action_views.notice_deliver,
        name="workbench-notice-send",
    ),
    path(
        "cases/<str:reference>/notices/<int:pk>/allow/",
        action_views.notice_let_go,
        name="workbench-notice-allow",
    ),
    path(
        "cases/<str:reference>/notices/<int:pk>/withhold/",
        action_views.notice_hold_back,
        name="workbench-notice-withhold",
    ),
    path("cases/<str:reference>/watchlist/", action_views.tag_new, name="workbench-tag"),
    path(
        "cases/<str:reference>/productions/",
        production_views.production_new,
        name="workbench-production-new",
    ),
    path(
        "cases/<str:reference>/productions/<int:pk>/",
        production_views.production_detail,
        name="workbench-production",
    ),
    path(
        "cases/<str:reference>/productions/<int:pk>/release/",
        production_views.production_send,
        name="workbench-production-release",
    ),
    path(
        "cases/<str:reference>/productions/<int:pk>/withdraw/",
        production_views.production_cancel,
        name="workbench-production-withdraw",
    ),
]
