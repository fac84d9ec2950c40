"""The doctor: runs the checks in deployment order and gathers them in a Report."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import boto3

from backpack.doctor.aws import check_clock_skew, check_credentials, check_sts, probe_sts
from backpack.doctor.check import Check, Report
from backpack.doctor.dotenv_file import DEFAULT_PATH, check_dotenv
from backpack.doctor.gstreamer import check_elements, check_kvssink
from backpack.doctor.kvs_stream import check_kvs_stream, check_put_media
from backpack.doctor.python_runtime import check_opencv, check_python
from backpack.doctor.rtsp_camera import check_camera

_logger = logging.getLogger(__name__)


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """Run one check; an exception it did not foresee becomes a failed check, not a crash."""
    try:
        return check()
    except Exception as exc:
        _logger.exception("check %s raised", name)
        return Check.failed(
            name,
            f"the check itself raised {type(exc).__name__}: {exc}",
            "report this as a backpack bug, with the output of backpack doctor",
        )


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
        # AWS_REGION as the other AWS SDKs (and kvssink's environment) read it; boto3 reads
        # AWS_DEFAULT_REGION itself.
        self._region = region or os.environ.get("AWS_REGION") or None
        self._kvs_stream = kvs_stream
        self._camera = camera
        self._camera_timeout = camera_timeout

    def run(self) -> Report:
        """Run every check and return the report."""
        dotenv_path, required = self._dotenv_path or DEFAULT_PATH, self._dotenv_path is not None
        checks = [
            _guarded("python", check_python),
            _guarded("opencv", check_opencv),
            _guarded("gst-elements", check_elements),
            _guarded("kvssink", check_kvssink),
            _guarded("dotenv", lambda: check_dotenv(dotenv_path, required=required)),
        ]
        checks += self._aws_checks()
        if self._kvs_stream is not None:
            stream = self._kvs_stream
            session = self._session()
            checks += [
                _guarded("kvs-stream", lambda: check_kvs_stream(session, stream)),
                _guarded("kvs-putmedia", lambda: check_put_media(session, stream)),
            ]
        if self._camera is not None:
            camera, timeout = self._camera, self._camera_timeout
            checks.append(_guarded("camera", lambda: check_camera(camera, timeout=timeout)))
        for check in checks:
            _logger.debug("%s: %s %s", check.name, check.status.value, check.finding)
        return Report(tuple(checks))

    def _session(self) -> boto3.Session:
        session = boto3.Session(region_name=self._region)
        return session if session.region_name else boto3.Session(region_name="us-east-1")

    def _aws_checks(self) -> list[Check]:
        checks = []
        try:
            session = boto3.Session(region_name=self._region)
            region = session.region_name
        except Exception as exc:  # e.g. AWS_PROFILE naming no profile
            return [
                Check.failed(
                    "aws-credentials",
                    f"AWS configuration unusable: {exc}",
                    "fix AWS_PROFILE / AWS_CONFIG_FILE / ~/.aws/config",
                )
            ]
        if region is None:
            checks.append(
                Check.failed(
                    "aws-region",
                    "no AWS region configured",
                    "pass --region or set AWS_REGION / AWS_DEFAULT_REGION",
                )
            )
            session = boto3.Session(region_name="us-east-1")
        checks.append(_guarded("aws-credentials", lambda: check_credentials(session)))
        probe = probe_sts(session)
        checks.append(_guarded("aws-sts", lambda: check_sts(probe)))
        checks.append(_guarded("clock-skew", lambda: check_clock_skew(probe)))
        return checks
