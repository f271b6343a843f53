"""Read spec and mapping files; turn YAML and pydantic errors into located ``SpecError``s."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from slo.errors import SpecError, quoted
from slo.metrics import CONTRACT
from slo.spec.models import SPEC_VERSION, MappingFile, Selector, Spec
from slo.timeutil import DURATION_EXAMPLES, DURATION_PATTERN

M = TypeVar("M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading ``1e-3`` and ``1e400`` as the numbers they are (YAML
    1.2) instead of strings (YAML 1.1); the models then refuse what is not finite."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,60}")


def default_spec_path() -> Path:
    """The shipped criteria: the guide's success criteria as data."""
    return Path(str(resources.files("slo.criteria").joinpath("phase1.yaml")))


def load_spec(path: str | Path) -> Spec:
    """Load and validate a criteria file; every problem is a ``SpecError`` naming where."""
    spec = _load(Path(path), Spec)
    _check_selectors(str(path), spec)
    return spec


def load_mapping(path: str | Path) -> MappingFile:
    """Load and validate a standalone metric mapping file."""
    return _load(Path(path), MappingFile)


def read_file(path: str | Path) -> str:
    """The text of a spec, mapping or attestations file; a ``SpecError`` if it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(str(path), "", f"cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            str(path),
            "",
            f"expected UTF-8 text, got byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
        ) from None


def parse_yaml(text: str, *, name: str) -> Any:
    """The YAML document in ``text`` (the contents of the file ``name``); a syntax error is a
    ``SpecError`` at its line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(
            name, where, f"expected valid YAML, got a syntax error: {problem}"
        ) from None


def _load(path: Path, model: type[M]) -> M:
    name = str(path)
    document = parse_yaml(read_file(path), name=name)
    if not isinstance(document, dict):
        got = type(document).__name__
        raise SpecError(name, "", f"expected a mapping with a 'version' key, got {got}")
    version = document.get("version")
    if version != SPEC_VERSION:
        got = "nothing" if version is None else quoted(version)
        raise SpecError(name, "version", f"expected {SPEC_VERSION!r}, got {got}")
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise SpecError(name, _path(first["loc"], document), _problem(first)) from None


def _path(loc: Sequence[int | str], document: Any) -> str:
    """``profiles.staging.objectives[2].threshold``, without pydantic's union tags."""
    parts: list[str] = []
    node: Any = document
    tagged: set[int] = set()
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
            node = node[item] if isinstance(node, list) and item < len(node) else None
            continue
        if isinstance(node, dict) and node.get("kind") == item and id(node) not in tagged:
            tagged.add(id(node))  # a discriminated union's tag, not a key of the document
            continue
        parts.append(_key(item, first=not parts))
        node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def _key(item: str, *, first: bool) -> str:
    """``.name``, or ``['odd name']`` for a key a dotted path cannot show on one line."""
    if _PLAIN_KEY.fullmatch(item):
        return item if first else f".{item}"
    return f"[{quoted(item)}]"


def _problem(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "expected a value (required key), got nothing"
    if kind == "extra_forbidden":
        return f"expected no such key (unknown key), got {quoted(error['input'])}"
    if kind == "union_tag_invalid":
        tags = error.get("ctx", {}).get("expected_tags", "")
        return f"expected kind to be one of {tags}, got {error.get('ctx', {}).get('tag')!r}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        wanted = (
            f"a duration such as {DURATION_EXAMPLES}"
            if pattern == DURATION_PATTERN
            else (f"a string matching {pattern}")
        )
        return f"expected {wanted}, got {quoted(error['input'])}"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        return message if message.startswith("expected") else f"expected {message}"
    expected = message[0].lower() + message[1:]
    expected = expected.removeprefix("input should be ")
    return f"expected {expected}, got {quoted(error['input'])}"


def iter_selectors(spec: Spec) -> Iterator[tuple[str, Selector]]:
    """Every selector of the spec with its document path."""
    for pname, profile in spec.profiles.items():
        for index, objective in enumerate(profile.objectives):
            base = f"profiles{_key(pname, first=False)}.objectives[{index}].sli"
            for field, value in objective.sli:
                if isinstance(value, Selector):
                    yield f"{base}.{field}", value
                elif isinstance(value, list):
                    for i, sel in enumerate(value):
                        if isinstance(sel, Selector):
                            yield f"{base}.{field}[{i}]", sel


def _check_selectors(file: str, spec: Spec) -> None:
    known = set(CONTRACT) | set(spec.metrics)
    for where, selector in iter_selectors(spec):
        if selector.metric not in known:
            choices = ", ".join(sorted(known))
            raise SpecError(
                file,
                f"{where}.metric",
                f"expected a logical metric ({choices}), got {quoted(selector.metric)}",
            )
        for label, pattern in selector.match_re.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SpecError(
                    file,
                    f"{where}.match_re{_key(label, first=False)}",
                    f"expected a regular expression, got {quoted(pattern)} ({exc})",
                ) from None
        info = CONTRACT.get(selector.metric)
        if info is None:
            continue
        for label in [*selector.match, *selector.match_re]:
            if label not in info.labels:
                raise SpecError(
                    file,
                    f"{where}.match",
                    f"expected a label of {selector.metric} ({', '.join(info.labels) or 'none'}),"
                    f" got {quoted(label)}",
                )
