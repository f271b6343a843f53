"""docs/long-term-stores.md: every harness option it names exists, and what it says the
harness sends to a store is what a recording HTTP server on 127.0.0.1 receives."""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scenarios.gate_config import _prometheus as _gate_prometheus
from slo.cli import main
from slo.cli.parser import build_parser
from slo.errors import SourceError

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "long-term-stores.md"
# A harness option: two dashes, no dot (server flags such as Thanos' `--query.timeout` have
# one, VictoriaMetrics' and Mimir's `-search.maxQueryDuration` have a single dash).
OPTION = re.compile(r"(?<![\w.-])--[a-z][a-z0-9-]*(?![\w.-])")
FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.S)
CODE = re.compile(r"`([^`]+)`")
# The commands whose options the page's prose may name, and the Locust gate's.
PROSE_COMMANDS = ("check", "review")
GATE_OPTIONS = frozenset(
    re.findall(r'"(--[a-z][a-z-]*)"', (ROOT / "scenarios" / "options.py").read_text())
)


def _commands() -> dict[str, argparse.ArgumentParser]:
    subs = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(subs.choices)


def unknown_options(text: str) -> list[str]:
    """Options the page names that the command they go with does not have: in a code
    block, each ``slo CMD`` line (with its continuation lines); in prose, ``check``,
    ``review`` or the Locust gate."""
    commands = _commands()
    found: list[str] = []
    blocks = FENCE.findall(text)
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            words = line.split()
            if words[:1] == ["slo"] and len(words) > 1:
                known = commands[words[1]]._option_string_actions
                found += [o for o in OPTION.findall(line) if o not in known]
    prose = FENCE.sub("", text)
    allowed = {o for name in PROSE_COMMANDS for o in commands[name]._option_string_actions}
    allowed |= GATE_OPTIONS
    for span in CODE.findall(prose):
        found += [o for o in OPTION.findall(span) if o not in allowed]
    return found


def test_every_option_the_page_names_exists() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert len(OPTION.findall(text)) > 10  # the page does name options
    assert unknown_options(text) == []


def test_the_check_finds_an_option_that_does_not_exist() -> None:
    text = (
        "Set `--timeout` and `--partial-response`, not `--query.timeout` nor"
        " `-search.maxQueryDuration`.\n```bash\nslo review --profile p \\\n    --last 7d\n```\n"
    )
    assert unknown_options(text) == ["--last", "--partial-response"]


# ---- What the harness sends ----


@dataclass
class Recorder:
    """What a fake Prometheus-compatible store received, and how it answers."""

    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0
    status: int = 200
    extra: dict[str, object] = field(default_factory=dict)  # beside "status" and "data"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self._answer(self.rfile.read(length).decode())

            def _answer(self, body: str = "") -> None:
                parts = urlsplit(self.path)
                params = parse_qs(parts.query) | parse_qs(body)
                recorder.requests.append((parts.path, params, dict(self.headers.items())))
                time.sleep(recorder.delay)
                kind = "matrix" if parts.path.endswith("query_range") else "vector"
                if recorder.status == 200:
                    answer = {"status": "success", "data": {"resultType": kind, "result": []}}
                    answer |= recorder.extra
                else:
                    answer = {"status": "error", "errorType": "timeout", "error": "query timed out"}
                data = json.dumps(answer).encode()
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                # The client may have given up at its timeout, as one test wants.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def log_message(self, *_: object) -> None:
                pass

        return Handler


@pytest.fixture
def store() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), recorder.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


END = 1_767_226_200


def check(url: str, out: Path, *extra: str) -> int:
    window = ["--start", str(END - 600), "--end", str(END), "--report-dir", str(out)]
    return main(["check", "--profile", "staging", "--prometheus-url", url, *window, *extra])


def test_the_prefix_the_tenant_header_and_the_timeout_reach_the_store_and_the_query_string_not(
    store: tuple[str, Recorder], tmp_path: Path
) -> None:
    base, recorder = store
    url = f"{base}/select/0/prometheus?partial_response=false"
    code = check(url, tmp_path, "--header", "X-Scope-OrgID: catalog", "--timeout", "7")

    assert code == 2  # no data: inconclusive, never a pass
    paths = {path for path, _, _ in recorder.requests}
    assert "/select/0/prometheus/api/v1/query" in paths
    assert paths <= {"/select/0/prometheus/api/v1/query", "/select/0/prometheus/api/v1/query_range"}
    for _, params, headers in recorder.requests:
        assert headers.get("X-Scope-OrgID") == "catalog"
        assert params["timeout"] == ["7s"]
        assert "partial_response" not in params
    instant = [p["query"][0] for path, p, _ in recorder.requests if path.endswith("/query")]
    assert all(f"@ {END}.000" in query for query in instant)


def test_the_locust_gate_sends_its_prometheus_headers_and_keeps_the_secret_one(
    store: tuple[str, Recorder],
) -> None:
    base, recorder = store
    options = argparse.Namespace(
        prometheus_url=f"{base}/prometheus",
        prometheus_bearer_token_file=None,
        prometheus_basic_auth_file=None,
        prometheus_timeout=10.0,
        prometheus_header=["X-Scope-OrgID: catalog", "Authorization: Basic dTpzM2NyM3Q="],
    )
    config = _gate_prometheus(options)  # asks the store once before any load is sent

    assert config is not None
    assert [path for path, _, _ in recorder.requests] == ["/prometheus/api/v1/query"]
    headers = recorder.requests[0][2]
    assert headers["X-Scope-OrgID"] == "catalog"
    assert headers["Authorization"] == "Basic dTpzM2NyM3Q="
    # what the gate's reports and logs redact: the credential, not the tenant
    assert "dTpzM2NyM3Q=" in config.secrets() and "catalog" not in config.secrets()


def test_the_gate_reads_basic_auth_from_a_file_and_waits_its_own_timeout(
    store: tuple[str, Recorder], tmp_path: Path
) -> None:
    base, recorder = store
    auth = tmp_path / "prometheus-auth"
    auth.write_text("gate:s3cr3t-pw\n")
    options = argparse.Namespace(
        prometheus_url=base,
        prometheus_bearer_token_file=None,
        prometheus_basic_auth_file=str(auth),
        prometheus_timeout=0.5,
        prometheus_header=[],
    )
    config = _gate_prometheus(options)
    assert config is not None and config.timeout == 0.5
    headers = recorder.requests[0][2]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"gate:s3cr3t-pw").decode()
    assert recorder.requests[0][1]["timeout"] == ["0.5s"]  # the server is told too
    assert "s3cr3t-pw" in config.secrets()  # redacted from the gate's reports and logs

    recorder.delay = 2.0  # slower than the gate's timeout: refused before any load
    started = time.monotonic()
    with pytest.raises(SourceError, match="unreachable"):
        _gate_prometheus(options)
    assert time.monotonic() - started < 5


def test_a_store_slower_than_the_timeout_exits_4_naming_it(
    store: tuple[str, Recorder], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, recorder = store
    recorder.delay = 2.0
    started = time.monotonic()
    code = check(f"{base}/prometheus", tmp_path, "--timeout", "0.5")
    assert code == 4
    assert time.monotonic() - started < 15
    err = capsys.readouterr().err
    assert f"{base}/prometheus" in err and len(err.strip().splitlines()) == 1


def test_a_store_that_cuts_a_query_short_exits_4_and_judges_nothing(
    store: tuple[str, Recorder], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, recorder = store
    recorder.status = 503  # Prometheus' answer to a query past its own timeout
    assert check(base, tmp_path) == 4
    assert not (tmp_path / "report.json").exists()
    assert base in capsys.readouterr().err


THANOS_WARNING = (
    "receive-1.thanos:10901: fetch series for {} Addr: receive-1.thanos:10901: "
    "rpc error: code = Unavailable desc = connection refused"
)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"isPartial": True}, "the store marked its answer partial (isPartial: true)"),
        (
            {"warnings": [THANOS_WARNING, "store-2: timeout"]},
            f"the store warned that data may be missing: {THANOS_WARNING} (and 1 more)",
        ),
    ],
)
def test_a_partial_answer_exits_4_and_is_never_judged_as_whole(
    extra: dict[str, object],
    says: str,
    store: tuple[str, Recorder],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, recorder = store
    recorder.extra = extra
    assert check(base, tmp_path) == 4
    assert not (tmp_path / "report.json").exists()
    err = capsys.readouterr().err
    assert f"Prometheus at {base} gave a partial answer, not judged as whole: {says}" in err
    assert "turn partial responses off on the store" in err
    assert len(recorder.requests) == 1  # the first partial answer ends the run


def test_promqls_own_warnings_are_not_taken_for_a_partial_answer(
    store: tuple[str, Recorder], tmp_path: Path
) -> None:
    base, recorder = store
    recorder.extra = {
        "warnings": ["PromQL warning: encountered a mix of histograms and floats"],
        "infos": ["PromQL info: metric might not be a counter"],
        "isPartial": False,
    }
    assert check(base, tmp_path) == 2  # read as whole: no data, so inconclusive
    assert (tmp_path / "report.json").exists()


def test_the_review_waits_longer_than_check_by_default() -> None:
    commands = _commands()
    defaults = {
        name: commands[name]._option_string_actions["--timeout"].default
        for name in ("check", "review")
    }
    assert defaults == {"check": 10.0, "review": 30.0}


def test_every_slo_command_that_reads_a_store_takes_the_store_options() -> None:
    commands = _commands()
    store = {"--prometheus-url", "--header", "--timeout", "--bearer-token-file"}
    store |= {"--basic-auth-file", "--insecure"}
    for name in ("check", "review", "watch", "doctor"):
        assert store <= set(commands[name]._option_string_actions), name
