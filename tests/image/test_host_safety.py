"""Installing Docker leaves the host on its own Debian release.

build/steps/install-docker.sh takes docker.io, docker-cli and docker-buildx from trixie
(bookworm's engine lacks named build contexts) and first checks apt's simulated plan
with ``docker_install_plan_check`` (build/steps/lib.sh). Here that same plan is made inside a
clean container of the bootstrapped bookworm base: only the engine's own set may come
from trixie, and the check refuses the plan of ``apt-get install -t trixie ...``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from image_helpers import PINS, docker_cli

pytestmark = [pytest.mark.image, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
BOOKWORM = f"{PINS['BASE_REPO']}:bookworm-amd64"

SCRIPT = r"""
set -eu
source /build/steps/lib.sh
add_trixie_source
apt-get update -qq
echo "== plan"
apt-get -s install --no-install-recommends "${DOCKER_TRIXIE_PACKAGES[@]/%//trixie}" | grep '^Inst'
echo "== check"
docker_install_plan_check && echo "check: accepted"
echo "== bad plan"
if ( docker_install_plan_check -t trixie "${DOCKER_TRIXIE_PACKAGES[@]}" ) 2>&1; then
  echo "bad: accepted"
else
  echo "bad: refused"
fi
"""


@pytest.fixture(scope="module")
def plan_output(published: object) -> str:
    """Run the plan and both checks in a fresh bookworm container (build/ mounted)."""
    return docker_cli(
        "run",
        "--rm",
        "--platform",
        "linux/amd64",
        "-v",
        f"{ROOT / 'build'}:/build:ro",
        BOOKWORM,
        "bash",
        "-c",
        SCRIPT,
        timeout=600,
    )


def _section(output: str, name: str) -> list[str]:
    lines = output.split(f"== {name}\n", 1)[1].split("\n== ", 1)[0]
    return [line for line in lines.splitlines() if line.strip()]


# "Inst runc (1.1.5+ds1-1+deb12u1 Debian:12.15/oldstable [amd64])"
_INST = re.compile(r"^Inst (\S+) .*\(\S+ [A-Za-z-]+:(\d+)")


def test_only_the_engine_set_comes_from_trixie(plan_output: str) -> None:
    installs = [line for line in _section(plan_output, "plan") if line.startswith("Inst ")]
    releases = {m.group(1): m.group(2) for m in map(_INST.match, installs) if m}
    assert len(releases) == len(installs) and installs, plan_output
    from_trixie = {name for name, release in releases.items() if release != "12"}
    assert {"docker.io", "docker-cli", "docker-buildx"} <= from_trixie, plan_output
    assert from_trixie <= {"docker.io", "docker-cli", "docker-buildx", "containerd", "runc", "tini"}
    for package in ("libc6", "dpkg", "base-files"):
        assert not [line for line in installs if line.split()[1].split(":")[0] == package], (
            f"{package} would change:\n{plan_output}"
        )
    assert "check: accepted" in _section(plan_output, "check"), plan_output


def test_the_check_refuses_a_plan_that_moves_libc(plan_output: str) -> None:
    bad = "\n".join(_section(plan_output, "bad plan"))
    assert "bad: refused" in bad, plan_output
    assert "refusing" in bad and "to trixie" in bad, bad
