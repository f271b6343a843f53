"""Service settings, read from the environment once, in the app factory."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]

_LOG_LEVELS = frozenset({"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"})


class Settings(BaseSettings):
    """Environment variables of the guide's appendix, plus the knobs the harness needs.

    No ``REDIS_URL`` means no response caching; no replica URL means every read
    goes to the primary. Both are the guide's rollback switches.
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", case_sensitive=False, populate_by_name=True
    )

    database_url: str = Field(validation_alias="DATABASE_URL")
    read_replica_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("READ_REPLICA_URL", "SUPABASE_READ_REPLICA_URL"),
    )
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    catalog_cache_ttl: int = Field(default=300, ge=1, validation_alias="CATALOG_CACHE_TTL")
    # The in-process layer in front of Redis: its entries live at most this long, and
    # never longer than they have left in Redis.
    catalog_local_cache_ttl: int = Field(
        default=30, ge=1, validation_alias="CATALOG_LOCAL_CACHE_TTL"
    )
    # Bytes of response bodies the in-process layer holds (0: no in-process layer).
    catalog_local_cache_max_bytes: int = Field(
        default=16 * 1024 * 1024, ge=0, le=1 << 34, validation_alias="CATALOG_LOCAL_CACHE_MAX_BYTES"
    )
    # Pages past this offset are served but never cached (deep-offset scans bust caches).
    catalog_cache_max_offset: int = Field(
        default=1_000_000, ge=0, validation_alias="CATALOG_CACHE_MAX_OFFSET"
    )
    db_pool_size_primary: int = Field(
        default=5, ge=1, le=100, validation_alias="DB_POOL_SIZE_PRIMARY"
    )
    db_pool_size_replica: int = Field(
        default=10, ge=1, le=100, validation_alias="DB_POOL_SIZE_REPLICA"
    )
    request_deadline_seconds: float = Field(
        default=5.0, gt=0, le=300, validation_alias="REQUEST_DEADLINE_SECONDS"
    )
    redis_timeout_seconds: float = Field(
        default=0.25, gt=0, le=30, validation_alias="REDIS_TIMEOUT_SECONDS"
    )
    # Catalog reads leave a replica whose replay lags more than this (0: never for lag).
    replica_max_lag_seconds: float = Field(
        default=30.0, ge=0, le=86400, validation_alias="REPLICA_MAX_LAG_SECONDS"
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @field_validator("read_replica_url", "redis_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `REDIS_URL=` in a shell or compose file means "switched off", not "invalid".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_log_level(cls, value: object) -> object:
        if isinstance(value, str):
            upper = value.strip().upper()
            if upper not in _LOG_LEVELS:
                raise ValueError(f"expected one of {', '.join(sorted(_LOG_LEVELS))}, got {value!r}")
            return upper
        return value

    @property
    def local_cache_ttl(self) -> int:
        """The in-process layer's TTL: never longer than Redis's."""
        return min(self.catalog_local_cache_ttl, self.catalog_cache_ttl)

    @property
    def caching_enabled(self) -> bool:
        return self.redis_url is not None

    @property
    def replica_enabled(self) -> bool:
        return self.read_replica_url is not None
