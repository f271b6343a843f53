"""The jinja2 environments of the renderers: autoescaped, strict, templates from the package.

HTML and XML use jinja2's HTML escaping. Markdown uses the same autoescape machinery with
Markdown escaping: every ``{{ value }}`` is backslash-escaped so that no label can open an
HTML tag, a link, emphasis or a table cell (``<script>`` prints as ``\\<script\\>``, which
GitHub shows as the text ``<script>``); filters that build markup return ``Markup``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Final

import jinja2
from markupsafe import Markup, escape

_MARKDOWN_SPECIAL: Final = frozenset("\\`*_[]<>|#&~!")


def escape_markdown(value: Any) -> Markup:
    """``value`` as literal Markdown text on one line (already-safe ``Markup`` untouched)."""
    if isinstance(value, Markup):
        return value
    text = " ".join(str(value).split())
    escaped = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    return Markup(escaped)  # noqa: S704 - every character that could start markup is escaped


def code_span(value: Any) -> Markup:
    """``value`` as an inline code span (longer backtick fences when it contains some)."""
    text = " ".join(str(value).split())
    fence = "`" * (max(_backtick_runs(text), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    # Nothing inside a code span is markup (GitHub shows HTML there as text).
    return Markup(f"{fence}{pad}{text}{pad}{fence}")  # noqa: S704


def markdown_code_spans(value: Any) -> Markup:
    """``value`` escaped for Markdown, its `backticked` commands kept as code spans."""

    def text(part: str) -> str:  # escaped, keeping the spaces around a code span
        lead = " " if part[:1].isspace() else ""
        trail = " " if part[-1:].isspace() and part.strip() else ""
        return lead + escape_markdown(part) + trail

    parts = re.split(r"(`[^`]+`)", str(value))
    return Markup(  # noqa: S704 - each part escaped or code-spanned above
        "".join(code_span(p[1:-1]) if i % 2 else text(p) for i, p in enumerate(parts))
    )


def _backtick_runs(text: str) -> list[int]:
    runs: list[int] = []
    current = 0
    for ch in text:
        if ch == "`":
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


def _loader() -> jinja2.BaseLoader:
    return jinja2.PackageLoader("reports", "templates")


_BACKTICKED: Final = re.compile(r"`([^`]+)`")


def html_code_spans(value: Any) -> Markup:
    """``value`` escaped for HTML, its `backticked` commands as ``<code>`` elements."""
    escaped = str(escape(value))
    return Markup(_BACKTICKED.sub(r"<code>\1</code>", escaped))  # noqa: S704 - escaped first


@cache
def html_environment() -> jinja2.Environment:
    """Autoescaped HTML/XML templates; a missing name is an error."""
    env = jinja2.Environment(
        loader=_loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["code_spans"] = html_code_spans
    return env


@cache
def markdown_environment() -> jinja2.Environment:
    """Markdown templates: every expression escaped for Markdown; a missing name is an error."""
    env = jinja2.Environment(
        loader=_loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=escape_markdown,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code"] = code_span
    env.filters["code_spans"] = markdown_code_spans
    return env
