"""images/system/apt-install.sh --root: apt of the build platform fetches another architecture.

The build's `system-debs`, `gst-full` and `sysroot` stages run amd64's apt on the arm64 base's
files. Here that is done by hand in a container of the amd64 base, on the arm64 base's
filesystem whose Debian source is rewritten the way an extra repository is usually
declared: deb822 with a `Signed-By:` key that exists only in the arm64 root.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from image_helpers import DOCKER, PINS, ROOT, docker_cli

pytestmark = [pytest.mark.image, pytest.mark.timeout(600)]

AMD64 = f"{PINS['BASE_REPO']}:{PINS['DEBIAN_RELEASE']}-amd64"
ARM64 = f"{PINS['BASE_REPO']}:{PINS['DEBIAN_RELEASE']}-arm64"

SCRIPT = r"""
set -eu
mkdir /target && tar -xf /rootfs.tar -C /target
# The base's source as deb822 with its key only in the target root (not in this system).
uri=$(awk '$1 == "deb" {print $2; exit}' /target/etc/apt/sources.list)
mkdir -p /target/opt/test-keys
mv /target/etc/apt/trusted.gpg.d/debian-archive-$RELEASE-stable.asc /target/opt/test-keys/
rm -f /target/etc/apt/sources.list /target/etc/apt/trusted.gpg.d/*
printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
  "$uri" "$RELEASE" "/opt/test-keys/debian-archive-$RELEASE-stable.asc" \
  > /target/etc/apt/sources.list.d/debian.sources
echo hello > /list.txt
sh /apt-install.sh --root /target --download-only /debs /list.txt
for deb in /debs/*.deb; do echo "deb: $(basename "$deb") $(dpkg-deb -f "$deb" Architecture)"; done
ls /target/var/cache/apt/*.bin 2>/dev/null || echo "no package cache in the root"
"""


@pytest.fixture(scope="module")
def fetched(published: object, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Export the arm64 base's filesystem; fetch `hello` for it with amd64's apt."""
    rootfs = tmp_path_factory.mktemp("arm64-root") / "rootfs.tar"
    container = docker_cli("create", "--platform", "linux/arm64", ARM64, "true").strip()
    try:
        with rootfs.open("wb") as handle:
            subprocess.run([DOCKER, "export", container], stdout=handle, check=True, timeout=300)
    finally:
        docker_cli("rm", container)
    return docker_cli(
        "run",
        "--rm",
        "--platform",
        "linux/amd64",
        "-e",
        f"RELEASE={PINS['DEBIAN_RELEASE']}",
        "-v",
        f"{rootfs}:/rootfs.tar:ro",
        "-v",
        f"{Path(ROOT, 'images/system/apt-install.sh')}:/apt-install.sh:ro",
        AMD64,
        "sh",
        "-c",
        SCRIPT,
        timeout=300,
    )


def test_the_target_architectures_packages_are_fetched_natively(fetched: str) -> None:
    debs = [line.split()[1:] for line in fetched.splitlines() if line.startswith("deb: ")]
    assert debs, fetched
    assert any(name.startswith("hello_") for name, _arch in debs), fetched
    assert {arch for _name, arch in debs} <= {"arm64", "all"}, fetched
    assert "arm64 packages for" in fetched


def test_a_signed_by_key_of_the_target_root_is_honoured(fetched: str) -> None:
    # apt would have refused the source unsigned (NO_PUBKEY) without the root's key.
    assert "NO_PUBKEY" not in fetched
    assert "no package cache in the root" in fetched
