"""The whole schema: every model module registered on one metadata (for Alembic and tests)."""

from __future__ import annotations

# Imported for their side effect: each registers its tables on Base.metadata.
import store.models_portaal
import store.models_signalen
import store.models_zorg  # noqa: F401
from store.models import Base

metadata = Base.metadata
