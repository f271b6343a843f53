"""The gate's options: `--slo-help` lists them (Locust's `--help` cannot), a bad value is
bad usage (exit 3, never argparse's 2, the gate's "inconclusive"), and a report
directory that cannot be written is refused before any network call.

Run as a user runs them: `locust -f locustfile.py ...` in a subprocess (which also keeps
Locust's gevent monkey-patching out of the test process). Each exits at start-up, before
any load, so no server is needed (the host is a closed port).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LOCUST = [sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py")]
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens on loopback


def locust(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LOCUST, *args], capture_output=True, text=True, timeout=90, cwd=cwd, check=False
    )


def refused_at_start(*args: str) -> subprocess.CompletedProcess[str]:
    """The gate given a Prometheus URL and ``args``: bad usage (exit 3), and Prometheus
    never asked (no preflight query, so no "unreachable")."""
    done = locust("--headless", "--host", CLOSED, "--prometheus-url", CLOSED, *args)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "unreachable" not in done.stderr and "preflight" not in done.stderr
    return done


def test_slo_help_prints_every_gate_option_and_exits_0() -> None:
    done = locust("--slo-help")
    assert done.returncode == 0, done.stderr[-2000:]
    defined = set(re.findall(r'"(--[a-z][a-z-]*)"', (ROOT / "scenarios/options.py").read_text()))
    listed = set(re.findall(r"^\s+(--[a-z][a-z-]*)", done.stdout, re.MULTILINE))
    assert listed == defined
    assert done.stdout.splitlines()[2] == "SLO gate:"
    assert "5 internal error" in done.stdout
    assert "--run-time" not in done.stdout  # Locust's own options are not repeated


def test_locusts_own_help_still_cannot_list_them_which_is_why_slo_help_exists() -> None:
    done = locust("--help")
    assert done.returncode == 0
    assert "--slo-profile" not in done.stdout  # upstream issue #2917


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--shape", "foo"], "argument --shape: invalid choice: 'foo'"),
        (["--hold", "abc"], "argument --hold: invalid float value: 'abc'"),
        (["--peak-users", "1.5"], "argument --peak-users: invalid int value: '1.5'"),
        (["--shape"], "argument --shape: expected one argument"),
        (["--hold", "-1"], "--hold: expected a number more than 0, got -1.0"),
        (["--time-scale", "nan"], "--time-scale: expected a number more than 0, got nan"),
        (["--client-timeout", "0"], "--client-timeout: expected a number more than 0"),
        (["--peak-users", "0"], "--peak-users: expected a number at least 1, got 0"),
        (["--warmup", "-5"], "--warmup: expected a number at least 0, got -5.0"),
        (["--prometheus-timeout", "0"], "--prometheus-timeout: expected a number more than 0"),
        (["--prometheus-timeout", "inf"], "--prometheus-timeout: expected a number more than 0"),
    ],
)
def test_a_bad_gate_option_value_is_bad_usage_exit_3(args: list[str], words: str) -> None:
    done = locust("--headless", "--host", CLOSED, *args)
    assert done.returncode == 3, done.stderr[-2000:]
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_value_of_locusts_own_option_keeps_locusts_handling() -> None:
    done = locust("--headless", "--host", CLOSED, "--users", "x")
    assert done.returncode == 2


def test_a_report_dir_that_is_a_file_exits_3_before_prometheus_or_the_target_is_asked(
    tmp_path: Path,
) -> None:
    file = tmp_path / "not-a-dir"
    file.write_text("")
    done = refused_at_start("--report-dir", str(file))
    assert f"--report-dir {file}: is a file, not a directory" in done.stderr
    assert "Prometheus" not in done.stderr


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Authorization Bearer s3cr3t-t0ken", "got text without a colon (not shown"),
        (": catalog", "got no name before the colon"),
    ],
)
def test_a_malformed_prometheus_header_exits_3_before_prometheus_is_asked(
    header: str, words: str
) -> None:
    done = refused_at_start("--prometheus-header", header)
    assert f"--prometheus-header: expected 'NAME: VALUE', {words}" in done.stderr
    assert "s3cr3t-t0ken" not in done.stderr + done.stdout


def test_a_basic_auth_file_without_a_colon_exits_3_before_prometheus_is_asked(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "prometheus-auth"
    secret.write_text("catalog-s3cr3t-pw\n")
    done = refused_at_start("--prometheus-basic-auth-file", str(secret))
    assert (
        f"--prometheus-basic-auth-file: {secret}: expected USER:PASSWORD on one line, got no "
        "colon (not shown: it may hold a secret)" in done.stderr
    )
    assert "s3cr3t" not in done.stderr + done.stdout


def _declared() -> dict[str, str]:
    """Each gate option of scenarios/options.py and the text of its add_argument call."""
    source = (ROOT / "scenarios" / "options.py").read_text()
    calls = source.split(".add_argument(")[1:]
    return {re.match(r'\s*"(--[a-z-]+)"', call).group(1): call for call in calls}  # type: ignore[union-attr]


def test_the_readme_names_every_gate_option_and_its_environment_variables() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("- Options (defined in `scenarios/options.py`") :]
    section = section[: section.index("\n\n")]
    declared = _declared()
    assert len(declared) > 20
    assert [o for o in declared if f"`{o}" not in section] == []
    # "each but --slo-help and --prometheus-header also as an environment variable"
    without = {o for o, call in declared.items() if "env_var=" not in call}
    assert without == {"--slo-help", "--prometheus-header"}
    for option, call in declared.items():
        if option not in without:
            name = "LOCUST_" + option.removeprefix("--").replace("-", "_").upper()
            assert f'env_var="{name}"' in call, option
