"""The manual attestations file the team edits (``--attestations FILE.yaml``).

One entry per attestation id of the spec; ``state`` and ``by`` are required::

    zero_emergency_rollbacks:
      state: pass            # pass | fail
      by: alice              # who attests it
      date: 2026-02-03       # optional: when (YYYY-MM-DD)
      note: "no rollback since the deploy"   # optional

An id that no profile of the spec declares is an error naming the file and the key (a
typo must not pass silently); ids of another profile are allowed (one file can serve the
weekly and the monthly review). An attestation of the reviewed profile that the file does
not mention stays ``unattested``, which the report shows as inconclusive.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from slo.errors import SpecError
from slo.spec import Spec
from slo.spec.loader import (
    _problem,  # the spec loader's wording of a pydantic error
    parse_yaml,
    read_file,
)

__all__ = ["AttestationRecord", "load_attestations", "parse_attestations"]


class AttestationRecord(BaseModel):
    """What the team recorded for one manual criterion."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: Literal["pass", "fail"]
    by: str = Field(min_length=1)
    date: dt.date | None = None
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.state == "pass"

    def describe(self) -> str:
        """``attested pass by alice on 2026-02-03: note``."""
        when = f" on {self.date.isoformat()}" if self.date else ""
        note = f": {self.note}" if self.note else ""
        return f"attested {self.state} by {self.by}{when}{note}"


def load_attestations(path: str | Path, spec: Spec) -> dict[str, AttestationRecord]:
    """Read and check an attestations file; every problem is a ``SpecError`` naming where."""
    return parse_attestations(read_file(path), spec, name=str(path))


def parse_attestations(text: str, spec: Spec, *, name: str) -> dict[str, AttestationRecord]:
    """The attestations in ``text`` (the contents of the file ``name``)."""
    document = parse_yaml(text, name=name)
    if document is None:
        return {}
    if not isinstance(document, dict):
        got = type(document).__name__
        raise SpecError(name, "", f"expected a mapping of attestation id to entry, got {got}")
    known = {a.id for profile in spec.profiles.values() for a in profile.attestations}
    found: dict[str, AttestationRecord] = {}
    for key, entry in document.items():
        if key not in known:
            choices = ", ".join(sorted(known)) or "none"
            raise SpecError(
                name, str(key), f"expected an attestation id of the spec ({choices}), got {key!r}"
            )
        if not isinstance(entry, dict):
            got = type(entry).__name__
            raise SpecError(
                name, key, f"expected a mapping with state, by, date and note, got {got}"
            )
        try:
            found[key] = AttestationRecord.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join([key, *(str(part) for part in first["loc"])])
            raise SpecError(name, where, _problem(first)) from None
    return found
