"""One router per resource: health, models, gateways, monitoring."""

from __future__ import annotations

from reference_app.routers import gateways, health, models, monitor

__all__ = ["gateways", "health", "models", "monitor"]
