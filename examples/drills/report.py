"""The drills' reports: each drill's report.md, and summary.json, summary.md, summary.html.

summary.json follows DESIGN's contract ("The deployment guard"): a list ``drills`` of
objects with ``name``, ``ok``, ``fault_at``, ``detected_at``, ``detection_delay_s``,
``requests``, ``failed``, ``slowest_ms``, ``expected``, ``got`` and ``checks``
(``[{what, ok, got}]``), plus what helps a reader (title, timeline, journal path).
The HTML page is one self-contained file: no script, no network request.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA", "write_drill_report", "write_summary"]

SCHEMA = "slo-harness/drills/v1"


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _verdict(ok: bool) -> str:
    return "OK" if ok else "NOT OK"


def drill_markdown(drill: Mapping[str, Any], *, heading: str = "#") -> list[str]:
    lines = [
        f"{heading} {drill['name']}: {_verdict(drill['ok'])}",
        "",
        f"{drill.get('title') or ''}",
        "",
        f"- fault at {drill.get('fault_at') or '-'}, detected at {drill.get('detected_at') or '-'}"
        + (
            f" ({drill.get('detected_by')}), {drill['detection_delay_s']} s later"
            if drill.get("detection_delay_s") is not None
            else ""
        ),
        f"- load: {_num(drill.get('requests'))} requests, {_num(drill.get('failed'))} failed, "
        f"slowest {_num(drill.get('slowest_ms'), ' ms')}",
        f"- Chaos Toolkit: {drill.get('status')}, deviated: {drill.get('deviated')}; "
        f"journal `{drill.get('journal')}`; ran in {_num(drill.get('duration_s'), ' s')}"
        + (" (short form)" if drill.get("short") else ""),
        "",
        "| | expected | got |",
        "| --- | --- | --- |",
    ]
    for check in drill["checks"]:
        mark = "ok" if check["ok"] else "**NOT OK**"
        lines.append(f"| {mark} | {_md(check['what'])} | {_md(check.get('got', ''))} |")
    if drill.get("timeline"):
        lines += ["", "Timeline (seconds from the fault):", ""]
        for event in drill["timeline"]:
            offset = event.get("offset_s")
            shown = "" if offset is None else f"{offset:+.1f} s "
            lines.append(f"- {shown}{event['what']} ({event['at']})")
    return lines


def write_drill_report(drill: Mapping[str, Any], path: Path) -> None:
    path.write_text("\n".join(drill_markdown(drill)) + "\n", encoding="utf-8")


def write_summary(drills: Sequence[Mapping[str, Any]], out_dir: Path, *, began: float) -> Path:
    """summary.json, summary.md and summary.html in `out_dir`; the path of the JSON."""
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "schema": SCHEMA,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ok": bool(drills) and all(d["ok"] for d in drills),
        "duration_s": round(time.time() - began, 1),
        "drills": list(drills),
    }
    (out_dir / "summary.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    (out_dir / "summary.md").write_text(_summary_md(document), encoding="utf-8")
    (out_dir / "summary.html").write_text(_summary_html(document), encoding="utf-8")
    return out_dir / "summary.json"


def _summary_md(document: Mapping[str, Any]) -> str:
    drills = document["drills"]
    passed = sum(1 for d in drills if d["ok"])
    lines = [
        "# Fault drills",
        "",
        f"{passed} of {len(drills)} drills OK, in {document['duration_s']:.0f} s "
        f"(generated {document['generated_at']}).",
        "",
        "| drill | ok | fault at | detected after | requests | failed | slowest | checks |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for d in drills:
        delay = d.get("detection_delay_s")
        checks = d["checks"]
        lines.append(
            f"| {d['name']} | {_verdict(d['ok'])} | {d.get('fault_at') or '-'} | "
            f"{'-' if delay is None else f'{delay:.1f} s'} | {_num(d.get('requests'))} | "
            f"{_num(d.get('failed'))} | {_num(d.get('slowest_ms'), ' ms')} | "
            f"{sum(1 for c in checks if c['ok'])}/{len(checks)} |"
        )
    for d in drills:
        lines += ["", *drill_markdown(d, heading="##")]
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2733;max-width:72rem}
h1{font-size:1.5rem} h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0 1rem} td,th{border:1px solid #d5dbe1;
padding:.3rem .6rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f2f4f7} .ok{color:#1a7f37;font-weight:600} .bad{color:#c62828;font-weight:600}
.meta{color:#57606a;font-size:.9rem} code{font-size:.85rem}
svg text{font-size:11px;fill:#1d2733}
"""


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _badge(ok: bool) -> str:
    return f'<span class="{"ok" if ok else "bad"}">{_verdict(ok)}</span>'


def _timeline_svg(drill: Mapping[str, Any]) -> str:
    """The method's moments on one axis, seconds from the fault (no script, no fonts)."""
    events = [e for e in drill.get("timeline", []) if e.get("offset_s") is not None]
    if not events:
        return ""
    low = float(min(e["offset_s"] for e in events))
    high = float(max(e["offset_s"] for e in events))
    span = max(high - low, 1.0)
    width, left, right = 900, 20, 20
    row = 16
    height = 40 + row * len(events)

    def x(offset: float) -> float:
        return left + (offset - low) / span * (width - left - right)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="timeline of {_esc(drill["name"])}">',
        f'<line x1="{left}" y1="20" x2="{width - right}" y2="20" stroke="#8c959f"/>',
        f'<line x1="{x(0):.1f}" y1="8" x2="{x(0):.1f}" y2="{height - 4}" stroke="#c62828" '
        'stroke-dasharray="4 3"/>',
        f'<text x="{x(0) + 4:.1f}" y="14">fault</text>',
    ]
    for i, event in enumerate(events):
        px = x(event["offset_s"])
        y = 40 + row * i
        colour = "#c62828" if event["offset_s"] == 0 else "#0969da"
        if "trip" in event["what"] or "blind" in event["what"]:
            colour = "#bf8700"
        anchor = "end" if px > width * 0.6 else "start"
        dx = -6 if anchor == "end" else 6
        parts += [
            f'<circle cx="{px:.1f}" cy="20" r="3.5" fill="{colour}"/>',
            f'<line x1="{px:.1f}" y1="20" x2="{px:.1f}" y2="{y - 4}" stroke="{colour}" '
            'stroke-opacity=".35"/>',
            f'<text x="{px + dx:.1f}" y="{y}" text-anchor="{anchor}">'
            f"{event['offset_s']:+.1f} s {_esc(event['what'])}</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def _summary_html(document: Mapping[str, Any]) -> str:
    drills = document["drills"]
    passed = sum(1 for d in drills if d["ok"])
    rows = []
    for d in drills:
        delay = d.get("detection_delay_s")
        rows.append(
            "<tr>"
            f'<td><a href="#{_esc(d["name"])}">{_esc(d["name"])}</a></td>'
            f"<td>{_badge(d['ok'])}</td><td>{_esc(d.get('fault_at') or '-')}</td>"
            f"<td>{'-' if delay is None else f'{delay:.1f} s'}</td>"
            f"<td>{_num(d.get('requests'))}</td><td>{_num(d.get('failed'))}</td>"
            f"<td>{_num(d.get('slowest_ms'), ' ms')}</td>"
            f"<td>{sum(1 for c in d['checks'] if c['ok'])}/{len(d['checks'])}</td>"
            "</tr>"
        )
    sections = []
    for d in drills:
        checks = "".join(
            f"<tr><td>{_badge(c['ok'])}</td><td>{_esc(c['what'])}</td>"
            f"<td><code>{_esc(c.get('got'))}</code></td></tr>"
            for c in d["checks"]
        )
        delay = d.get("detection_delay_s")
        detected = (
            f"detected at {_esc(d.get('detected_at'))} by {_esc(d.get('detected_by'))}, "
            f"{delay} s after the fault"
            if delay is not None
            else "no detection time"
        )
        sections.append(
            f'<h2 id="{_esc(d["name"])}">{_esc(d["name"])}: {_badge(d["ok"])}</h2>'
            f"<p>{_esc(d.get('title'))}</p>"
            f'<p class="meta">fault at {_esc(d.get("fault_at") or "-")}; {detected}; '
            f"load {_num(d.get('requests'))} requests, {_num(d.get('failed'))} failed, "
            f"slowest {_num(d.get('slowest_ms'), ' ms')}; Chaos Toolkit status "
            f"{_esc(d.get('status'))}; journal <code>{_esc(d.get('journal'))}</code></p>"
            f"{_timeline_svg(d)}"
            "<table><tr><th></th><th>expected</th><th>got</th></tr>"
            f"{checks}</table>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Fault drills</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Fault drills: {passed} of {len(drills)} OK</h1>"
        f'<p class="meta">generated {_esc(document["generated_at"])}, '
        f"{document['duration_s']:.0f} s</p>"
        "<table><tr><th>drill</th><th>ok</th><th>fault at</th><th>detected after</th>"
        "<th>requests</th><th>failed</th><th>slowest</th><th>checks</th></tr>"
        f"{''.join(rows)}</table>{''.join(sections)}</body></html>\n"
    )
