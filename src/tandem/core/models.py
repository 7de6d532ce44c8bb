from __future__ import annotations

from django.db import models


class PeriodicJobState(models.Model):
    """When each registered periodic job last ran, so ``tandem runperiodic`` knows what is due.

    While a run is under way ``claimed_by`` names its runner and ``heartbeat_at`` is refreshed;
    a run whose heartbeat stopped (its process was killed) is taken over for the same due time.
    """

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)  # the due time being run
    claimed_by = models.CharField(max_length=100, blank=True)  # "" when no run is under way
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    takeovers = models.PositiveIntegerField(default=0)  # runs resumed after their runner died
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(default=True)
    last_error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
