"""Fixtures for the base-image tests (``@pytest.mark.image``).

The session fixture ``published`` makes sure both architecture images exist by
running the README's main job (``bash build/main.sh``: installs Docker/buildx/qemu
when missing, bootstraps the base images, builds both architectures — a warm
rebuild when nothing changed — and publishes them to the local registry).
Set ``BACKPACK_IMAGE_BUILD=0`` to test the images already published instead.

Containers are reached through testinfra's docker backend; image metadata,
labels and sizes through docker-py.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from image_helpers import ARCHES, IMAGE_NAME, OUT, REGISTRY, ROOT, TAG, Published


@pytest.fixture(scope="session")
def published() -> Published:
    """Both architecture images, built and published (runs build/main.sh once)."""
    if os.environ.get("BACKPACK_IMAGE_BUILD", "1") != "0":
        log = OUT / "main-from-tests.log"
        OUT.mkdir(parents=True, exist_ok=True)
        with log.open("w") as handle:
            done = subprocess.run(
                ["bash", str(ROOT / "build" / "main.sh")],
                stdout=handle,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                check=False,
            )
        if done.returncode != 0:
            pytest.fail(
                f"build/main.sh failed (exit {done.returncode}); see {log}:\n"
                + "".join(log.read_text().splitlines(keepends=True)[-40:])
            )
    return Published(f"{REGISTRY}/{IMAGE_NAME}:{TAG}")


@pytest.fixture(scope="session")
def docker_client(published: Published) -> Any:
    import docker

    return docker.from_env()


@pytest.fixture(scope="session", params=ARCHES)
def arch(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def image(docker_client: Any, published: Published, arch: str) -> Any:
    """docker-py Image of one architecture (as pushed to the registry)."""
    return docker_client.images.get(published.arch_ref(arch))


@pytest.fixture(scope="session")
def host(docker_client: Any, published: Published, arch: str) -> Iterator[Any]:
    """testinfra host: a running container of the architecture's image, images/ mounted."""
    import testinfra

    container = docker_client.containers.run(
        published.arch_ref(arch),
        command=["sleep", "infinity"],
        name=f"backpack-image-test-{arch}-{uuid.uuid4().hex[:8]}",
        platform=f"linux/{arch}",
        volumes={str(ROOT / "images"): {"bind": "/images", "mode": "ro"}},
        detach=True,
        remove=True,
    )
    try:
        yield testinfra.get_host(f"docker://{container.id}")
    finally:
        container.kill()
