"""The doctor: runs the checks in deployment order and gathers them in a Report."""

from __future__ import annotations

import logging
from pathlib import Path

import boto3

from backpack.doctor.aws import check_clock_skew, check_credentials, check_sts, probe_sts
from backpack.doctor.camera import check_camera
from backpack.doctor.check import Check, Report
from backpack.doctor.dotenv_file import DEFAULT_PATH, check_dotenv
from backpack.doctor.gstreamer import check_elements, check_kvssink
from backpack.doctor.kvs import check_kvs_stream, check_put_media
from backpack.doctor.runtime import check_opencv, check_python

_logger = logging.getLogger(__name__)


class Doctor:
    """Checks what a deployment needs, in order, one :class:`Check` each.

    Args:
        dotenv_path: the dotenv file to check; when ``None``, ``/panorama/.env`` (its absence
            is then only a warning).
        region: AWS region for STS and Kinesis Video (default: boto3's configuration).
        kvs_stream: also describe this Kinesis Video stream and test a PutMedia connection.
        camera: also read frames from this RTSP URL.
        camera_timeout: seconds the camera gets to deliver its frames.

    Example::

        report = Doctor(kvs_stream="my-stream", region="us-west-2").run()
        print(render_text(report))
    """

    def __init__(
        self,
        *,
        dotenv_path: Path | None = None,
        region: str | None = None,
        kvs_stream: str | None = None,
        camera: str | None = None,
        camera_timeout: float = 20.0,
    ) -> None:
        self._dotenv_path = dotenv_path
        self._region = region
        self._kvs_stream = kvs_stream
        self._camera = camera
        self._camera_timeout = camera_timeout

    def run(self) -> Report:
        """Run every check and return the report."""
        checks: list[Check] = [check_python(), check_opencv(), check_elements(), check_kvssink()]
        checks.append(
            check_dotenv(self._dotenv_path or DEFAULT_PATH, required=self._dotenv_path is not None)
        )
        session = boto3.Session(region_name=self._region)
        if session.region_name is None:
            checks.append(
                Check.failed(
                    "aws-region",
                    "no AWS region configured",
                    "pass --region or set AWS_REGION / AWS_DEFAULT_REGION",
                )
            )
            session = boto3.Session(region_name="us-east-1")
        checks.append(check_credentials(session))
        probe = probe_sts(session)
        checks += [check_sts(probe), check_clock_skew(probe)]
        if self._kvs_stream is not None:
            checks += [
                check_kvs_stream(session, self._kvs_stream),
                check_put_media(session, self._kvs_stream),
            ]
        if self._camera is not None:
            checks.append(check_camera(self._camera, timeout=self._camera_timeout))
        for check in checks:
            _logger.debug("%s: %s %s", check.name, check.status.value, check.finding)
        return Report(tuple(checks))
