"""The catalog's SQL, written once; values are always bound parameters.

The list query is deliberately the real thing, not a lookup: it aggregates
every available offering across gateways (cheapest price, which gateway sells
it cheapest, how many gateways sell it), counts models per provider, filters,
orders and pages. That is what makes an uncached ``/models`` request cost tens
of milliseconds of database time, as the guide's backend did.
"""

from __future__ import annotations

__all__ = [
    "GATEWAYS_SQL",
    "HEALTH_SQL",
    "LIST_MODELS_ALL_SQL",
    "LIST_MODELS_BY_GATEWAY_SQL",
    "MODEL_DETAIL_SQL",
]

HEALTH_SQL = "SELECT 1"

# The end both list queries share. It starts after their first CTE, `offered`:
# one row per model on sale (model_id, gateway_slug, prompt_price,
# completion_price, gateway_count). From it: models per provider, the provider
# filter ($1), and one page in the catalog's order with the total row count
# ($2 limit, $3 offset).
_FILTERED_PAGE = """), provider_counts AS (
    SELECT m.provider_id, count(*) AS provider_models
    FROM offered c JOIN models m ON m.id = c.model_id
    GROUP BY m.provider_id
), filtered AS (
    SELECT m.slug, m.name, m.context_length, m.capabilities, m.popularity,
           p.slug AS provider_slug, c.gateway_slug, c.prompt_price, c.completion_price,
           c.gateway_count, pc.provider_models
    FROM offered c
    JOIN models m ON m.id = c.model_id
    JOIN providers p ON p.id = m.provider_id
    JOIN provider_counts pc ON pc.provider_id = m.provider_id
    WHERE $1::text IS NULL OR p.slug = $1::text
), page AS (
    SELECT * FROM filtered
    ORDER BY gateway_count DESC, popularity DESC, provider_models DESC, provider_slug, slug
    LIMIT $2 OFFSET $3
)
SELECT t.total, page.slug, page.name, page.context_length, page.capabilities,
       page.provider_slug, page.gateway_slug, page.gateway_count,
       trim_scale(page.prompt_price)::text AS prompt,
       trim_scale(page.completion_price)::text AS completion
FROM (SELECT count(*) AS total FROM filtered) t
LEFT JOIN page ON true
ORDER BY page.gateway_count DESC, page.popularity DESC, page.provider_models DESC,
         page.provider_slug, page.slug
"""

# $1 provider slug or NULL, $2 limit, $3 offset: each model at its cheapest gateway.
LIST_MODELS_ALL_SQL = (
    """
WITH ranked AS (
    SELECT o.model_id, g.slug AS gateway_slug,
           o.prompt_price, o.completion_price,
           count(*) OVER w_model AS gateway_count,
           row_number() OVER (w_model ORDER BY o.prompt_price + o.completion_price, g.slug) AS pos
    FROM offerings o
    JOIN gateways g ON g.id = o.gateway_id
    WHERE o.available
    WINDOW w_model AS (PARTITION BY o.model_id)
), offered AS (
    SELECT * FROM ranked WHERE pos = 1
"""
    + _FILTERED_PAGE
)

# $1 provider slug or NULL, $2 limit, $3 offset, $4 gateway slug: that gateway's price.
LIST_MODELS_BY_GATEWAY_SQL = (
    """
WITH counts AS (
    SELECT o.model_id, count(*) AS gateway_count
    FROM offerings o
    WHERE o.available
    GROUP BY o.model_id
), offered AS (
    SELECT o.model_id, g.slug AS gateway_slug,
           o.prompt_price, o.completion_price, c.gateway_count
    FROM offerings o
    JOIN gateways g ON g.id = o.gateway_id
    JOIN counts c ON c.model_id = o.model_id
    WHERE o.available AND g.slug = $4::text
"""
    + _FILTERED_PAGE
)

# $1 provider slug, $2 model slug: one row per available offering, cheapest first.
MODEL_DETAIL_SQL = """
SELECT m.slug, m.name, m.context_length, m.capabilities, p.slug AS provider_slug,
       g.slug AS gateway_slug,
       trim_scale(o.prompt_price)::text AS prompt,
       trim_scale(o.completion_price)::text AS completion,
       count(*) OVER () AS gateway_count
FROM models m
JOIN providers p ON p.id = m.provider_id
JOIN offerings o ON o.model_id = m.id AND o.available
JOIN gateways g ON g.id = o.gateway_id
WHERE p.slug = $1 AND m.slug = $2
ORDER BY o.prompt_price + o.completion_price, g.slug
"""

GATEWAYS_SQL = """
SELECT g.slug, g.name,
       count(o.model_id) FILTER (WHERE o.available) AS models,
       trim_scale(min(o.prompt_price) FILTER (WHERE o.available))::text AS cheapest_prompt
FROM gateways g
LEFT JOIN offerings o ON o.gateway_id = g.id
GROUP BY g.slug, g.name
ORDER BY g.slug
"""
