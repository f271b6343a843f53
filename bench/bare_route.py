"""The benchmark's ceiling: a bare Starlette route serving fixed bytes, as the service is run.

uvicorn, one worker, uvloop and httptools, no access log: the same server settings as
``python -m reference_app``, with no framework work, no middleware and no I/O. Every path
answers ``BODY_FILE``'s bytes as ``application/json``.

    python bench/bare_route.py --port PORT --body-file BODY_FILE
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(body: bytes) -> Starlette:
    async def serve(_: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/models", serve), Route("/health", serve)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    args = parser.parse_args()
    uvicorn.run(
        build(args.body_file.read_bytes()),
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        workers=1,
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
