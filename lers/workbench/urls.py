from django.urls import path

from lers.workbench import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<str:reference>/", views.case_detail, name="workbench-case"),
    path(
        "cases/<str:reference>/steps/<str:name>/",
        views.case_transition,
        name="workbench-transition",
    ),
]
