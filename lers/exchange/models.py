"""lers's own index of the exchange's KYC names (``lers.exchange.name_index``).

The exchange's database stays read-only: its names are copied here, each under the keys that
find it (``lers.exchange.names.name_keys``), and refreshed from it by ``lers names index`` and
the worker. A search reads the index for candidates, then the exchange for the live names.
"""

from __future__ import annotations

from django.db import models


class IndexedName(models.Model):
    """One name as lers compares it: folded words in alphabetical order ("wang xiaoming").
    Thousands of accounts may share it; it is scored once per search."""

    key = models.CharField(max_length=400, unique=True)
    accounts = models.PositiveIntegerField(default=0)  # how many accounts hold it (at refresh)

    def __str__(self) -> str:
        return self.key


class NameHolder(models.Model):
    """An account of the exchange found under an indexed name (one row per key it has)."""

    uid = models.CharField(max_length=64, db_index=True)
    name = models.ForeignKey(IndexedName, on_delete=models.CASCADE, related_name="holders")
    full_name = models.CharField(max_length=400)
    full_name_local = models.CharField(max_length=400, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["uid", "name"], name="exchange_holder_once_per_name")
        ]
        indexes = [models.Index(fields=["name", "uid"], name="exchange_holder_by_name")]

    def __str__(self) -> str:
        return f"{self.uid}: {self.full_name}"


class NameIndexRun(models.Model):
    """One refresh of the index from the exchange: which source, when, how much."""

    source = models.CharField(max_length=64)  # a digest of the exchange's URL and mapping
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    accounts = models.PositiveIntegerField(default=0)
    names = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"name index run {self.started_at:%Y-%m-%d %H:%M}"
