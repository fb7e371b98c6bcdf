"""The REST JSON adapter (Falcon): /api/v1/..., /health."""

from adapters.rest.app import create_rest_app

__all__ = ["create_rest_app"]
