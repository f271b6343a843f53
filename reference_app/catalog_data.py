"""A deterministic, realistic model catalog: gateways, providers, models, offerings.

The same ``(models, seed)`` always yields the same catalog, byte for byte, so
cache keys, test expectations and benchmark figures are reproducible. Gateway
and provider slugs are fixed (they are what the service validates against);
only the models and their offerings depend on the seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "CAPABILITIES",
    "DEFAULT_MODELS",
    "DEFAULT_SEED",
    "GATEWAYS",
    "PROVIDERS",
    "Catalog",
    "Gateway",
    "Model",
    "Offering",
    "Provider",
    "generate_catalog",
]

DEFAULT_MODELS = 3000
DEFAULT_SEED = 1041

GATEWAYS: tuple[str, ...] = (
    "openrouter", "together", "fireworks", "groq", "deepinfra", "featherless",
    "chutes", "cerebras", "nebius", "novita", "hyperbolic", "lambda",
    "anyscale", "replicate", "huggingface", "cloudflare", "vercel", "azure",
    "bedrock", "vertex", "openai", "anthropic", "mistral", "cohere",
    "perplexity", "aimo", "near", "fal", "alibaba", "xai",
)  # fmt: skip

PROVIDERS: tuple[str, ...] = (
    "openai", "anthropic", "google", "meta-llama", "mistralai", "cohere",
    "deepseek", "qwen", "microsoft", "nvidia", "x-ai", "amazon",
    "01-ai", "ai21", "allenai", "baidu", "bytedance", "databricks",
    "eleutherai", "gryphe", "huggingfaceh4", "inflection", "liquid", "minimax",
    "moonshotai", "neversleep", "nousresearch", "openchat", "perplexity", "phind",
    "sao10k", "snowflake", "stabilityai", "teknium", "thudm", "tiiuae",
    "upstage", "writer", "zhipuai", "cognitivecomputations",
)  # fmt: skip

CAPABILITIES: tuple[str, ...] = (
    "chat", "completion", "tools", "vision", "json_mode", "streaming",
    "reasoning", "audio", "embeddings", "function_calling",
)  # fmt: skip

_FAMILIES = (
    "chat", "instruct", "coder", "vision", "mini", "large", "turbo", "reasoner",
    "base", "hermes", "nova", "lite", "pro", "ultra", "flash", "sonnet",
)  # fmt: skip
_SIZES = ("1b", "3b", "7b", "8b", "13b", "14b", "32b", "70b", "72b", "405b", "8x7b", "8x22b")
_CONTEXTS = (4096, 8192, 16384, 32768, 65536, 128000, 200000, 1000000)
_PRICE_QUANTUM = Decimal("0.0000000001")


@dataclass(frozen=True, kw_only=True, slots=True)
class Gateway:
    id: int
    slug: str
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Provider:
    id: int
    slug: str
    name: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Model:
    id: int
    provider_id: int
    slug: str
    name: str
    context_length: int
    capabilities: tuple[str, ...]
    popularity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Offering:
    model_id: int
    gateway_id: int
    prompt_price: Decimal
    completion_price: Decimal
    available: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Catalog:
    gateways: tuple[Gateway, ...]
    providers: tuple[Provider, ...]
    models: tuple[Model, ...]
    offerings: tuple[Offering, ...]


def _title(slug: str) -> str:
    return " ".join(part.capitalize() for part in slug.replace("_", "-").split("-"))


def _models(rng: random.Random, count: int, providers: int) -> Iterator[Model]:
    seen: set[tuple[int, str]] = set()
    model_id = 0
    while model_id < count:
        provider_id = rng.randrange(providers) + 1
        version = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}" if rng.random() < 0.6 else ""
        parts = [rng.choice(_FAMILIES), version, rng.choice(_SIZES)]
        if rng.random() < 0.3:
            parts.append(rng.choice(("preview", "latest", "free", "beta", "exp")))
        slug = "-".join(p for p in parts if p)
        if (provider_id, slug) in seen:
            slug = f"{slug}-{model_id}"
        seen.add((provider_id, slug))
        model_id += 1
        caps = ["chat", "streaming", *rng.sample(CAPABILITIES[2:], rng.randint(0, 4))]
        yield Model(
            id=model_id,
            provider_id=provider_id,
            slug=slug,
            name=f"{_title(PROVIDERS[provider_id - 1])}: {_title(slug)}",
            context_length=rng.choice(_CONTEXTS),
            capabilities=tuple(sorted(set(caps))),
            popularity=int(rng.paretovariate(1.2) * 100),
        )


def _offerings(rng: random.Random, model: Model, gateways: int) -> Iterator[Offering]:
    # Each model is sold by several gateways, at prices scattered around a list price.
    base_prompt = Decimal(str(round(rng.lognormvariate(-13.0, 1.2), 12)))
    ratio = Decimal(rng.choice(("1", "2", "3", "4", "5")))
    for gateway_id in sorted(rng.sample(range(1, gateways + 1), rng.randint(2, 9))):
        markup = Decimal(str(round(rng.uniform(0.7, 1.6), 3)))
        prompt = (base_prompt * markup).quantize(_PRICE_QUANTUM)
        yield Offering(
            model_id=model.id,
            gateway_id=gateway_id,
            prompt_price=prompt,
            completion_price=(prompt * ratio).quantize(_PRICE_QUANTUM),
            available=rng.random() < 0.97,
        )


def generate_catalog(*, models: int = DEFAULT_MODELS, seed: int = DEFAULT_SEED) -> Catalog:
    """Build the catalog for ``models`` models; identical for identical arguments."""
    if models < 1:
        raise ValueError(f"models: expected a positive count, got {models}")
    rng = random.Random(seed)
    gateways = tuple(
        Gateway(id=i, slug=slug, name=_title(slug)) for i, slug in enumerate(GATEWAYS, 1)
    )
    providers = tuple(
        Provider(id=i, slug=slug, name=_title(slug)) for i, slug in enumerate(PROVIDERS, 1)
    )
    model_rows = tuple(_models(rng, models, len(providers)))
    offerings = tuple(o for m in model_rows for o in _offerings(rng, m, len(gateways)))
    return Catalog(gateways=gateways, providers=providers, models=model_rows, offerings=offerings)
