"""The whole schema: every model module registered on one metadata (for Alembic and tests)."""

from __future__ import annotations

import store.models_signalen  # noqa: F401 - registers the signalen tables on Base.metadata
from store.models import Base

metadata = Base.metadata
