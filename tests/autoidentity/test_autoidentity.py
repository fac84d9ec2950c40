"""AutoIdentity against the moto server: instances written through the Panorama API
(ProvisionDevice, CreateApplicationInstance) and read back through AutoIdentity."""

from __future__ import annotations

import datetime
import json
import logging
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest

from backpack.autoidentity import IDENTITY_ENV, AutoIdentity, IdentitySource

FIELDS = (
    "application_created_time",
    "application_description",
    "application_instance_id",
    "application_name",
    "application_status",
    "application_tags",
    "device_id",
    "device_name",
)


@pytest.fixture(autouse=True)
def _no_identity_fallback_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without the fallback variables (``backpack run`` may have set them)."""
    for name in ("BACKPACK_IDENTITY_FILE", *IDENTITY_ENV.values()):
        monkeypatch.delenv(name, raising=False)


def _panorama(region: str = "us-east-1") -> Any:
    return boto3.client("panorama", region_name=region)


def _provision(panorama: Any, name: str = "my_panorama") -> str:
    device_id: str = panorama.provision_device(Name=name)["DeviceId"]
    return device_id


def _create_app(panorama: Any, device_id: str, name: str = "sample_app", **extra: Any) -> str:
    instance_id: str = panorama.create_application_instance(
        Name=name,
        Description=extra.pop("Description", f"{name} description"),
        DefaultRuntimeContextDevice=device_id,
        ManifestPayload={"PayloadData": "{}"},
        **extra,
    )["ApplicationInstanceId"]
    return instance_id


def _counter(session: boto3.Session) -> list[str]:
    """Record every ListApplicationInstances attempt made by clients of ``session``."""
    calls: list[str] = []
    session.events.register(
        "before-send.panorama.ListApplicationInstances",
        lambda request, **_kwargs: calls.append(request.url),
    )
    return calls


def _only_hostname(identity: AutoIdentity) -> bool:
    """The API did not answer and the chain fell through to the host name."""
    return (
        identity.source is IdentitySource.HOSTNAME
        and identity.device_name == socket.gethostname()
        and all(getattr(identity, field) is None for field in FIELDS if field != "device_name")
    )


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "AutoIdentity" and r.levelno == logging.WARNING
    ]


def test_panorama_client_is_available() -> None:
    # botocore dropped the Panorama model; botocore-a-la-carte-panorama restores it.
    assert _panorama().meta.service_model.service_name == "panorama"


def test_reads_back_all_fields_and_repr() -> None:
    panorama = _panorama()
    device_id = _provision(panorama, "my_panorama")
    other_device = _provision(panorama, "other_panorama")
    _create_app(panorama, other_device, "decoy")
    instance_id = _create_app(
        panorama,
        device_id,
        "sample_app",
        Description="Sample application description",
        Tags={"foo": "bar"},
    )
    described = panorama.describe_application_instance(ApplicationInstanceId=instance_id)

    identity = AutoIdentity(device_region="us-east-1", application_instance_id=instance_id)

    assert identity.application_instance_id == instance_id
    assert identity.source is IdentitySource.PANORAMA_API
    assert identity.application_name == "sample_app"
    assert identity.application_description == "Sample application description"
    assert identity.application_status == "RUNNING" == described["HealthStatus"]
    assert identity.application_tags == {"foo": "bar"}
    assert identity.application_created_time == described["CreatedTime"]
    assert identity.application_created_time is not None
    assert identity.application_created_time.tzinfo is not None
    assert identity.device_id == device_id
    assert identity.device_name == "my_panorama"
    assert identity.device_region == "us-east-1"
    assert repr(identity) == "\n".join(
        [
            "<AutoIdentity",
            f'    application_created_time="{described["CreatedTime"]}"',
            '    application_description="Sample application description"',
            f'    application_instance_id="{instance_id}"',
            '    application_name="sample_app"',
            '    application_status="RUNNING"',
            '    application_tags={"foo": "bar"}',
            f'    device_id="{device_id}"',
            '    device_name="my_panorama"',
            ">",
        ]
    )


def test_instance_id_from_appgraph_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    panorama = _panorama()
    instance_id = _create_app(panorama, _provision(panorama), "from_env")
    monkeypatch.setenv("AppGraph_Uid", instance_id)
    identity = AutoIdentity(device_region="us-east-1")
    assert identity.application_instance_id == instance_id
    assert identity.application_name == "from_env"
    assert identity.device_name == "my_panorama"


def test_unknown_instance_leaves_fields_none_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    panorama = _panorama()
    _create_app(panorama, _provision(panorama))
    with caplog.at_level(logging.WARNING):
        identity = AutoIdentity(
            device_region="us-east-1", application_instance_id="applicationInstance-nope"
        )
    assert _only_hostname(identity)
    assert any("applicationInstance-nope not found" in m for m in _warnings(caplog))
    assert "application_name=None" in repr(identity)
    silent = AutoIdentity("us-east-1", "applicationInstance-nope", fallback=False)
    assert silent.source is None
    assert all(getattr(silent, field) is None for field in FIELDS)


def test_no_instance_id_warns_without_calling_the_api(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("AppGraph_Uid", raising=False)
    session = boto3.Session()
    calls = _counter(session)
    with caplog.at_level(logging.WARNING):
        identity = AutoIdentity(device_region="us-east-1", boto3_session=session)
    assert _only_hostname(identity)
    assert any("AppGraph_Uid" in m for m in _warnings(caplog))
    assert calls == []


def test_pages_through_list_application_instances() -> None:
    panorama = _panorama()
    device_id = _provision(panorama)
    ids = [_create_app(panorama, device_id, f"app{i}") for i in range(5)]
    session = boto3.Session()
    calls = _counter(session)
    # moto lists instances in creation order: the last one is on the third page of two.
    identity = AutoIdentity(
        device_region="us-east-1",
        application_instance_id=ids[-1],
        boto3_session=session,
        page_size=2,
    )
    assert identity.application_name == "app4"
    assert len(calls) == 3
    assert "maxResults=2" in calls[0] and "nextToken=" in calls[-1]
    # the first page is enough for the first instance
    calls.clear()
    first = AutoIdentity(
        device_region="us-east-1",
        application_instance_id=ids[0],
        boto3_session=session,
        page_size=2,
    )
    assert first.application_name == "app0" and len(calls) == 1


def test_pages_with_the_service_default_page_size() -> None:
    # moto's default page holds 123 instances; the 124th is only on the second page.
    panorama = _panorama()
    device_id = _provision(panorama)
    ids = [_create_app(panorama, device_id, f"app{i}") for i in range(124)]
    session = boto3.Session()
    calls = _counter(session)
    identity = AutoIdentity("us-east-1", ids[-1], boto3_session=session)
    assert identity.application_name == "app123"
    assert len(calls) == 2


def test_device_region_is_honoured() -> None:
    panorama = _panorama("eu-west-1")
    instance_id = _create_app(panorama, _provision(panorama, "eu_device"))
    assert AutoIdentity("eu-west-1", instance_id).device_name == "eu_device"
    assert AutoIdentity("us-east-1", instance_id, fallback=False).device_name is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.timeout(60)
def test_unreachable_endpoint_leaves_fields_none_and_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    session = boto3.Session()
    calls = _counter(session)
    with caplog.at_level(logging.WARNING):
        identity = AutoIdentity(
            device_region="us-east-1",
            application_instance_id="applicationInstance-any",
            boto3_session=session,
        )
    assert _only_hostname(identity)
    assert any("Could not list" in m for m in _warnings(caplog))
    assert len(calls) == 1  # retries are off by default: one attempt, no backoff


@pytest.mark.timeout(60)
def test_retries_on_request_use_botocore_retry_machinery(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    session = boto3.Session()
    calls = _counter(session)
    with caplog.at_level(logging.WARNING):
        identity = AutoIdentity(
            device_region="us-east-1",
            application_instance_id="applicationInstance-any",
            boto3_session=session,
            max_attempts=3,
        )
    assert identity.device_id is None
    assert len(calls) == 3
    assert len(_warnings(caplog)) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"device_region": ""}, ValueError, "device_region"),
        ({"device_region": None}, TypeError, "device_region"),
        ({"max_attempts": 0}, ValueError, "max_attempts"),
        ({"max_attempts": "3"}, TypeError, "max_attempts"),
        ({"page_size": 0}, ValueError, "page_size"),
        ({"device_region": "us-east-1 "}, ValueError, "not a valid AWS region"),
        ({"device_region": "us east 1"}, ValueError, "not a valid AWS region"),
    ],
)
def test_rejects_bad_arguments(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    arguments: dict[str, Any] = {"device_region": "us-east-1", **kwargs}
    with pytest.raises(error, match=match):
        AutoIdentity(**arguments)


def test_invalid_region_raises_before_any_call(caplog: pytest.LogCaptureFixture) -> None:
    session = boto3.Session()
    calls = _counter(session)
    with pytest.raises(ValueError, match=r"'us-east-1 ' is not a valid AWS region"):
        AutoIdentity("us-east-1 ", "applicationInstance-any", boto3_session=session)
    assert calls == []
    assert _warnings(caplog) == []


@pytest.mark.timeout(60)
def test_api_gone_falls_back_to_identity_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    path = tmp_path / "identity.json"
    path.write_text(
        json.dumps(
            {
                "application_name": "people_counter",
                "application_instance_id": "local-1",
                "device_name": "jetson-7",
                "application_created_time": "2026-06-01T10:00:00+00:00",
                "application_tags": {"site": "door"},
            }
        )
    )
    monkeypatch.setenv("BACKPACK_IDENTITY_FILE", str(path))
    monkeypatch.setenv("BACKPACK_DEVICE_NAME", "ignored-because-the-file-answers")
    identity = AutoIdentity("us-east-1", "applicationInstance-any")
    assert identity.source is IdentitySource.IDENTITY_FILE
    assert identity.application_name == "people_counter"
    assert identity.application_instance_id == "local-1"
    assert identity.device_name == "jetson-7"
    assert identity.application_tags == {"site": "door"}
    assert identity.application_created_time == datetime.datetime(
        2026, 6, 1, 10, tzinfo=datetime.timezone.utc
    )
    assert identity.device_id is None


def test_no_instance_id_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AppGraph_Uid", raising=False)
    monkeypatch.delenv("BACKPACK_IDENTITY_FILE", raising=False)
    monkeypatch.setenv("BACKPACK_APPLICATION_NAME", "people_counter")
    monkeypatch.setenv("BACKPACK_DEVICE_NAME", "graviton-2")
    identity = AutoIdentity("eu-west-1")
    assert identity.source is IdentitySource.ENVIRONMENT
    assert identity.application_name == "people_counter"
    assert identity.device_name == "graviton-2"
    assert identity.application_instance_id is None


def test_api_answer_wins_over_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    panorama = _panorama()
    instance_id = _create_app(panorama, _provision(panorama, "real_device"), "real_app")
    monkeypatch.setenv("BACKPACK_DEVICE_NAME", "fallback-device")
    identity = AutoIdentity("us-east-1", instance_id)
    assert identity.source is IdentitySource.PANORAMA_API
    assert identity.device_name == "real_device"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"device_nmae": "x"}', "unknown keys"),
        ('{"application_created_time": "yesterday"}', "ISO 8601"),
    ],
)
def test_bad_identity_file_raises(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "identity.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        AutoIdentity("us-east-1", identity_file=path)


def test_missing_identity_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        AutoIdentity("us-east-1", identity_file=tmp_path / "absent.json")
