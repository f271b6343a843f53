"""Settings from the environment: the guide's names, aliases and rollback switches."""

from __future__ import annotations

import pytest
from pydantic import AliasChoices

from reference_app import Settings
from reference_app.errors import SettingsError
from reference_app.main import load_settings
from reference_app.stack.servers import SERVICE_VARIABLES

PRIMARY = "postgresql://catalog:pw@127.0.0.1:5432/catalog"
REPLICA = "postgresql://catalog:pw@127.0.0.1:5433/catalog"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SERVICE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", PRIMARY)


def test_the_launcher_knows_every_variable_the_service_reads() -> None:
    # The launcher clears these from the environment it passes on; one it does
    # not know would leak from the caller's shell into every stack.
    read: set[object] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        read.update(alias.choices if isinstance(alias, AliasChoices) else [alias])
    assert read == set(SERVICE_VARIABLES)


def test_defaults_match_the_contract() -> None:
    settings = load_settings()
    assert settings.database_url == PRIMARY
    assert settings.read_replica_url is None
    assert settings.redis_url is None
    assert not settings.caching_enabled
    assert not settings.replica_enabled
    assert settings.catalog_cache_ttl == 300
    assert settings.db_pool_size_primary == 5
    assert settings.db_pool_size_replica == 10
    assert settings.request_deadline_seconds == 5.0
    assert settings.redis_timeout_seconds == 0.25
    assert settings.replica_max_lag_seconds == 30.0
    assert settings.log_level == "INFO"


def test_the_guides_supabase_replica_variable_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_READ_REPLICA_URL", REPLICA)
    assert load_settings().read_replica_url == REPLICA


def test_read_replica_url_is_the_primary_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READ_REPLICA_URL", REPLICA)
    assert load_settings().replica_enabled


def test_an_empty_redis_url_switches_caching_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "")
    assert not load_settings().caching_enabled


def test_a_missing_database_url_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CATALOG_CACHE_TTL", "soon"),
        ("CATALOG_CACHE_TTL", "0"),
        ("DB_POOL_SIZE_PRIMARY", "0"),
        ("REQUEST_DEADLINE_SECONDS", "-1"),
        ("LOG_LEVEL", "LOUD"),
        ("REPLICA_MAX_LAG_SECONDS", "-1"),
        ("REPLICA_MAX_LAG_SECONDS", "soon"),
    ],
)
def test_bad_values_are_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_the_cache_layers_defaults_and_the_local_ttl_never_above_redis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings()
    assert settings.catalog_local_cache_ttl == 30
    assert settings.catalog_local_cache_max_bytes == 16 * 1024 * 1024
    assert settings.catalog_cache_max_offset == 1_000_000
    assert settings.local_cache_ttl == 30
    monkeypatch.setenv("CATALOG_CACHE_TTL", "10")
    assert load_settings().local_cache_ttl == 10
