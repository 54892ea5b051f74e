from django.urls import path

from lers.portal import views

urlpatterns = [
    path("", views.cases, name="portal-cases"),
    path("cases/<str:reference>/", views.case_detail, name="portal-case"),
    path(
        "cases/<str:reference>/steps/<str:name>/",
        views.case_transition,
        name="portal-transition",
    ),
]
