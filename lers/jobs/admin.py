from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lers.jobs.models import Job, Schedule


class ReadOnlyAdmin(admin.ModelAdmin):
    """The queue is written by services and workers only; the admin is for looking."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "status", "attempts", "max_attempts", "run_after", "last_error")
    list_filter = ("status", "name")
    search_fields = ("name", "idempotency_key", "last_error")
    ordering = ("-id",)


@admin.register(Schedule)
class ScheduleAdmin(ReadOnlyAdmin):
    list_display = ("name", "interval_seconds", "next_run_at", "last_run_at")
