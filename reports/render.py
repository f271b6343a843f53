"""Every report format from one ``Report``: one renderer per format, picked from a table.

Each renderer is ``render(report, *, secrets=()) -> str``; each redacts credentials itself
(see :mod:`reports.redact`), so no format can leak one whichever way it is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final, Protocol

from reports.files import write_atomic
from reports.html import render_html
from reports.json_report import render_json
from reports.junit import render_junit
from reports.markdown import render_markdown
from reports.model import Report
from reports.redact import redact_model


class Renderer(Protocol):
    def __call__(self, report: Report, *, secrets: tuple[str, ...] = ()) -> str: ...


def _json(report: Report, *, secrets: tuple[str, ...] = ()) -> str:
    return render_json(redact_model(report, secrets))


# format -> (file name, renderer)
RENDERERS: Final[dict[str, tuple[str, Renderer]]] = {
    "json": ("report.json", _json),
    "md": ("report.md", render_markdown),
    "html": ("report.html", render_html),
    "junit": ("junit.xml", render_junit),
}
FORMATS: Final = tuple(RENDERERS)


def render(report: Report, fmt: str, *, secrets: Iterable[str] = ()) -> str:
    """The report in one format (``json``, ``md``, ``html``, ``junit``)."""
    try:
        _, renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown report format {fmt!r}: expected one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report, secrets=tuple(secrets))


def write_all(
    report: Report,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    *,
    secrets: Iterable[str] = (),
) -> dict[str, Path]:
    """Write each format into ``out_dir`` (created if needed); returns format -> path.

    Every format is rendered before any file is written, so a renderer error leaves no
    half-written report directory behind; each file is written atomically and never
    through a symlink planted at its name (:func:`reports.files.write_atomic`).
    """
    chosen = list(dict.fromkeys(formats))
    known = tuple(secrets)
    texts = {fmt: render(report, fmt, secrets=known) for fmt in chosen}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for fmt, text in texts.items():
        written[fmt] = write_atomic(out_dir / RENDERERS[fmt][0], text)
    return written
