"""The generated catalog: reproducible, realistic in shape."""

from __future__ import annotations

from collections import Counter

import pytest

from reference_app.catalog_data import GATEWAYS, PROVIDERS, generate_catalog


def test_the_same_arguments_give_the_same_catalog() -> None:
    assert generate_catalog(models=300, seed=7) == generate_catalog(models=300, seed=7)


def test_another_seed_gives_another_catalog() -> None:
    assert (
        generate_catalog(models=300, seed=7).models != generate_catalog(models=300, seed=8).models
    )


def test_the_default_catalog_has_the_promised_size_and_shape() -> None:
    catalog = generate_catalog()
    assert len(catalog.gateways) == len(GATEWAYS) == 30
    assert len(catalog.providers) == len(PROVIDERS) == 40
    assert len(catalog.models) == 3000
    per_model = Counter(o.model_id for o in catalog.offerings)
    assert set(per_model) == {m.id for m in catalog.models}
    assert min(per_model.values()) >= 2  # every model is sold by several gateways


def test_model_slugs_are_unique_per_provider() -> None:
    catalog = generate_catalog()
    keys = [(m.provider_id, m.slug) for m in catalog.models]
    assert len(keys) == len(set(keys))


def test_gateways_sell_one_model_at_different_prices() -> None:
    catalog = generate_catalog(models=200)
    prices: dict[int, set[object]] = {}
    for offering in catalog.offerings:
        prices.setdefault(offering.model_id, set()).add(offering.prompt_price)
    assert sum(len(p) > 1 for p in prices.values()) > 150


def test_a_non_positive_model_count_is_refused() -> None:
    with pytest.raises(ValueError, match="models"):
        generate_catalog(models=0)
