"""Audit and access events can be written, never changed or deleted (by the model, and by PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from sakme.audit.models import AuditEvent
from sakme.audit.services import record


def test_model_refuses_update_and_delete(staff):
    event = record(actor=staff["data_steward"], action="x.change", entity_type="x", entity_id=1)
    event.action = "forged"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_database_refuses_bulk_changes_on_postgresql(staff):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    record(actor=staff["data_steward"], action="x.change", entity_type="x", entity_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
