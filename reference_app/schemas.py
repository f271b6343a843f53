"""The public response bodies; nothing internal (ranks, counts, cache state) leaks into them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["GatewayList", "GatewayOut", "ModelDetail", "ModelList", "ModelOut", "Offer", "Pricing"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pricing(_Frozen):
    prompt: str
    completion: str


class ModelOut(_Frozen):
    id: str
    name: str
    provider_slug: str
    source_gateway: str
    context_length: int
    pricing: Pricing
    capabilities: list[str]
    gateway_count: int


class ModelList(_Frozen):
    object: str = "list"
    data: list[ModelOut]
    total: int
    returned: int
    offset: int
    limit: int
    has_more: bool
    next_offset: int | None
    gateway: str


class Offer(_Frozen):
    gateway: str
    pricing: Pricing


class ModelDetail(ModelOut):
    object: str = "model"
    offers: list[Offer]


class GatewayOut(_Frozen):
    slug: str
    name: str
    models: int
    cheapest_prompt: str | None


class GatewayList(_Frozen):
    object: str = "list"
    data: list[GatewayOut]
    total: int
