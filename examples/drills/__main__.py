"""`make drills`: run every fault drill, write reports-out/drills/summary.{json,md,html}.

    python -m examples.drills [--only NAME ...] [--out DIR] [--short] [--list]
    python -m examples.drills --experiment FILE ... --service-url URL --prometheus-url URL

The first form runs the shipped experiments, each against a fresh reference stack; the
second runs experiment files of yours against a deployment of yours (no stack started:
see docs/drills.md).

Exit 0 when every drill is OK, 1 when one is not, 130 on Ctrl-C (after stopping the
stack of the drill in progress).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .report import write_summary
from .runner import DrillOptions, Target, experiment_files, run_drill


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m examples.drills", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these drills")
    parser.add_argument(
        "--experiment", nargs="+", type=Path, metavar="FILE", help="run these experiment files"
    )
    parser.add_argument("--service-url", help="your deployment's catalog API (no stack started)")
    parser.add_argument("--prometheus-url", help="the Prometheus scraping it")
    parser.add_argument("--out", type=Path, default=Path("reports-out/drills"))
    parser.add_argument(
        "--short", action="store_true", help="the experiments' short timings (the test suite's)"
    )
    parser.add_argument("--list", action="store_true", help="list the drills and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="Chaos Toolkit's debug log")
    args = parser.parse_args(argv)
    if bool(args.service_url) != bool(args.prometheus_url):
        parser.error("--service-url and --prometheus-url go together")
    try:
        files = list(args.experiment) if args.experiment else experiment_files(args.only)
    except ValueError as exc:
        parser.error(str(exc))
    target = (
        Target(service_url=args.service_url, prometheus_url=args.prometheus_url)
        if args.service_url
        else None
    )
    if args.list:
        for path in files:
            print(f"{path.stem:18} {path}")
        return 0
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    began = time.time()
    drills: list[dict[str, Any]] = []
    options = DrillOptions(out_dir=args.out, short=args.short, target=target)
    try:
        for path in files:
            drills.append(run_drill(path, options))
            if drills[-1]["status"] == "interrupted":  # Chaos Toolkit caught the Ctrl-C
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        print("drills: interrupted", file=sys.stderr)
        if drills:
            write_summary(drills, args.out, began=began)
        return 130
    summary = write_summary(drills, args.out, began=began)
    print()
    for drill in drills:
        delay = drill.get("detection_delay_s")
        shown = "" if delay is None else f", detected after {delay:.1f} s"
        failing = [c["what"] for c in drill["checks"] if not c["ok"]]
        print(
            f"{'OK    ' if drill['ok'] else 'NOT OK'} {drill['name']:17} "
            f"{drill['duration_s']:5.0f} s{shown}"
            + (f"; failing: {'; '.join(failing)}" if failing else "")
        )
    ok = all(d["ok"] for d in drills)
    print(
        f"\ndrills: {sum(d['ok'] for d in drills)}/{len(drills)} OK in "
        f"{time.time() - began:.0f} s; {summary} (and summary.md, summary.html)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
