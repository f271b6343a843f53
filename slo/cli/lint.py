"""``slo lint``: validate a criteria file (and optionally a mapping) without a server."""

from __future__ import annotations

import argparse

from slo.spec import load_mapping, load_spec


def run(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    if args.mapping:
        load_mapping(args.mapping)
    count = sum(len(p.objectives) + len(p.attestations) for p in spec.profiles.values())
    print(f"{args.spec}: ok ({spec.version}, {len(spec.profiles)} profiles, {count} objectives)")
    return 0
