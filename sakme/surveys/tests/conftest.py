"""The questionnaires shipped with sakme, loaded as the reference-data loader does."""

from __future__ import annotations

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.surveys.services import surveys_load


@pytest.fixture
def surveys(territory) -> int:
    return surveys_load(actor=SYSTEM)
