"""The spec's JSON Schema, generated from the models (``python -m slo.spec.schema`` rewrites it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from slo.spec.models import Spec

SCHEMA_PATH = Path(__file__).with_name("schema.json")


def spec_schema() -> dict[str, Any]:
    """JSON Schema of a criteria file."""
    schema = Spec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://slo-harness.invalid/schema/slo-harness-v1.json"
    return schema


def render_schema() -> str:
    return json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
