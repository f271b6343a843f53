"""Query parsing and cache keys: equivalent URLs share a key, different responses never do."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from reference_app.catalog_data import GATEWAYS, PROVIDERS
from reference_app.errors import InvalidParameter
from reference_app.params import ListQuery, check_path_slug, parse_list_query


def parse(*pairs: tuple[str, str]) -> ListQuery:
    return parse_list_query(pairs, gateways=GATEWAYS, providers=PROVIDERS)


def test_no_parameters_give_the_documented_defaults() -> None:
    assert parse() == ListQuery(limit=100, offset=0, gateway="all", provider=None)


def test_parameter_order_zero_padding_and_case_do_not_change_the_key() -> None:
    a = parse(("limit", "10"), ("offset", "20"), ("gateway", "groq"))
    b = parse(("gateway", "Groq"), ("offset", "20"), ("limit", "010"))
    assert a == b
    assert a.cache_key() == b.cache_key()


def test_explicit_defaults_share_the_key_of_no_parameters() -> None:
    assert parse(("limit", "100"), ("offset", "0"), ("gateway", "all")).cache_key() == (
        parse().cache_key()
    )


def test_the_key_has_the_guides_shape() -> None:
    key = parse(("gateway", "groq")).cache_key()
    prefix, version, gateway, digest = key.split(":")
    assert (prefix, version, gateway) == ("catalog", "v2", "groq")
    assert len(digest) == 64


def test_changing_any_one_field_changes_the_key() -> None:
    base = ListQuery(limit=10, offset=0, gateway="all", provider=None)
    variants = [
        replace(base, limit=11),
        replace(base, offset=10),
        replace(base, gateway="groq"),
        replace(base, provider="openai"),
        replace(base, provider="openai", gateway="groq"),
    ]
    keys = {q.cache_key() for q in [base, *variants]}
    assert len(keys) == len(variants) + 1


def test_a_grid_of_distinct_queries_gives_distinct_keys() -> None:
    grid = [
        ListQuery(limit=limit, offset=offset, gateway=gateway, provider=provider)
        for limit, offset, gateway, provider in itertools.product(
            (1, 10, 100), (0, 1, 10, 100), ("all", "groq", "openrouter"), (None, "openai", "qwen")
        )
    ]
    assert len({q.cache_key() for q in grid}) == len(grid)


@pytest.mark.parametrize(
    ("pairs", "parameter"),
    [
        ((("limit", "abc"),), "limit"),
        ((("limit", "-1"),), "limit"),
        ((("limit", "0"),), "limit"),
        ((("limit", "1001"),), "limit"),
        ((("limit", "1e3"),), "limit"),
        ((("limit", ""),), "limit"),
        ((("limit", "9" * 5000),), "limit"),
        ((("offset", "-5"),), "offset"),
        ((("offset", "1.5"),), "offset"),
        ((("offset", "99999999999999999999"),), "offset"),
        ((("gateway", "nope"),), "gateway"),
        ((("gateway", "x" * 10_000),), "gateway"),
        ((("gateway", "groq'; DROP TABLE models;--"),), "gateway"),
        ((("provider", "no-such-provider"),), "provider"),
        ((("provider", "<script>"),), "provider"),
        ((("colour", "red"),), "colour"),
        ((("limit", "1"), ("limit", "2")), "limit"),
    ],
)
def test_bad_input_is_rejected_naming_the_parameter(
    pairs: tuple[tuple[str, str], ...], parameter: str
) -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse(*pairs)
    assert caught.value.parameter == parameter
    assert caught.value.body()["error"]["parameter"] == parameter
    assert len(caught.value.message) < 700  # long input is cut short in the message


def test_unknown_gateway_message_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidParameter) as caught:
        parse(("gateway", "nope"))
    assert "openrouter" in caught.value.message
    assert "all" in caught.value.message


def test_path_slugs_accept_model_names_and_reject_odd_characters() -> None:
    assert check_path_slug("model", "llama-3.1-70b:free") == "llama-3.1-70b:free"
    with pytest.raises(InvalidParameter) as caught:
        check_path_slug("model", "a b")
    assert caught.value.parameter == "model"
    with pytest.raises(InvalidParameter):
        check_path_slug("provider", "p" * 500)
