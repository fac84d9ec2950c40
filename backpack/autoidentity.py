"""AutoIdentity: what this Panorama application instance is, and which device runs it.

Looks the application instance up with ``panorama:ListApplicationInstances`` (the only
permission needed), by the id passed in or the ``AppGraph_Uid`` environment variable that the
Panorama runtime sets. Off Panorama (the API gone or unreachable) it falls back, in order, to:

1. the Panorama API, when there is an instance id and the API answers;
2. an identity file: JSON object with any of the field names below, at ``identity_file`` or
   ``$BACKPACK_IDENTITY_FILE`` (``backpack run`` writes one);
3. the environment variables ``BACKPACK_APPLICATION_INSTANCE_ID``,
   ``BACKPACK_APPLICATION_NAME``, ``BACKPACK_DEVICE_ID``, ``BACKPACK_DEVICE_NAME``;
4. the host name, as ``device_name``.

The source used is recorded in :attr:`AutoIdentity.source`.
"""

from __future__ import annotations

import datetime
import enum
import json
import logging
import os
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.paginate import Paginator
from botocore.utils import validate_region_name

from backpack._checks import check_non_empty_str, check_positive_int
from backpack._types import PathLike

__all__ = [
    "APPLICATION_INSTANCE_ID_ENV",
    "IDENTITY_ENV",
    "IDENTITY_FILE_ENV",
    "AutoIdentity",
    "IdentitySource",
]

APPLICATION_INSTANCE_ID_ENV = "AppGraph_Uid"
"""Environment variable holding the application instance id on a Panorama appliance."""

IDENTITY_FILE_ENV = "BACKPACK_IDENTITY_FILE"
"""Environment variable naming the identity file (the fallback after the Panorama API)."""

IDENTITY_ENV = {
    "application_instance_id": "BACKPACK_APPLICATION_INSTANCE_ID",
    "application_name": "BACKPACK_APPLICATION_NAME",
    "device_id": "BACKPACK_DEVICE_ID",
    "device_name": "BACKPACK_DEVICE_NAME",
}
"""Field -> environment variable read when neither the API nor an identity file answered."""


class IdentitySource(enum.Enum):
    """Where :class:`AutoIdentity` found its details."""

    PANORAMA_API = "panorama-api"
    IDENTITY_FILE = "identity-file"
    ENVIRONMENT = "environment"
    HOSTNAME = "hostname"


_OPERATION = "list_application_instances"
# The Panorama service model restored by botocore-a-la-carte-panorama ships no paginator
# definition; this is the one AWS documents for ListApplicationInstances.
_PAGINATION = {
    "input_token": "NextToken",
    "output_token": "NextToken",
    "limit_key": "MaxResults",
    "result_key": "ApplicationInstances",
}
_FIELDS = (
    "application_created_time",
    "application_description",
    "application_instance_id",
    "application_name",
    "application_status",
    "application_tags",
    "device_id",
    "device_name",
)


class AutoIdentity:
    """Details of the running application instance and its device, from the Panorama API.

    When the API cannot identify the instance (no id, unknown id, API unreachable or gone,
    access denied) a warning is logged, no exception is raised, and the fallback chain of the
    module docstring fills what it can (:attr:`source` says which step answered). Fields no
    source knows stay ``None``. Configuration errors (a malformed region name, a bad identity
    file) raise at construction.

    Args:
        device_region: AWS region where the Panorama appliance is provisioned.
        application_instance_id: Instance to describe; defaults to ``$AppGraph_Uid``.
        boto3_session: Session to create the Panorama client from (default: a new one).
        max_attempts: Total attempts per API call, with botocore's standard retry mode and
            backoff; 1 (default) means no retries.
        page_size: Instances requested per ``ListApplicationInstances`` page (default: the
            service's).
        botocore_config: Extra client configuration, merged over the timeouts and retries.
        identity_file: JSON identity file for the fallback (default ``$BACKPACK_IDENTITY_FILE``).
        fallback: whether to fall back to the identity file, environment and host name.

    Example:
        >>> auto_identity = AutoIdentity(device_region="us-east-1")  # doctest: +SKIP
        >>> auto_identity.device_name  # doctest: +SKIP
        'my_panorama'
    """

    def __init__(
        self,
        device_region: str,
        application_instance_id: str | None = None,
        *,
        boto3_session: boto3.Session | None = None,
        max_attempts: int = 1,
        page_size: int | None = None,
        botocore_config: Config | None = None,
        identity_file: PathLike | None = None,
        fallback: bool = True,
    ) -> None:
        check_non_empty_str("device_region", device_region)
        try:
            validate_region_name(device_region)
        except BotoCoreError:
            raise ValueError(
                f"device_region {device_region!r} is not a valid AWS region name (like 'us-east-1')"
            ) from None
        check_positive_int("max_attempts", max_attempts)
        if page_size is not None and (isinstance(page_size, bool) or page_size < 1):
            raise ValueError(f"page_size must be a positive int or None, got {page_size!r}")
        self._logger = logging.getLogger(type(self).__name__)
        self._device_region = device_region
        self._application_instance_id: str | None = None
        self._application_name: str | None = None
        self._application_description: str | None = None
        self._application_status: str | None = None
        self._application_tags: dict[str, str] | None = None
        self._application_created_time: datetime.datetime | None = None
        self._device_id: str | None = None
        self._device_name: str | None = None
        self._source: IdentitySource | None = None
        fallback_fields = _fallback_fields(identity_file) if fallback else None
        identified = self._from_api(
            device_region,
            application_instance_id,
            boto3_session,
            max_attempts,
            page_size,
            botocore_config,
        )
        if not identified and fallback_fields is not None:
            self._source, fields = fallback_fields
            self._fill(fields)
            self._logger.info("Identity from %s", self._source.value)

    def _from_api(
        self,
        device_region: str,
        application_instance_id: str | None,
        boto3_session: boto3.Session | None,
        max_attempts: int,
        page_size: int | None,
        botocore_config: Config | None,
    ) -> bool:
        """Fill the fields from the Panorama API; whether it identified the instance."""
        instance_id = application_instance_id or os.environ.get(APPLICATION_INSTANCE_ID_ENV)
        if not instance_id:
            self._logger.warning(
                "No application instance id: pass application_instance_id or set %s",
                APPLICATION_INSTANCE_ID_ENV,
            )
            return False
        config = Config(
            connect_timeout=5,
            read_timeout=10,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
        )
        if botocore_config is not None:
            config = config.merge(botocore_config)
        try:
            session = boto3_session if boto3_session is not None else boto3.Session()
            # boto3-stubs has no Panorama overload: the service left botocore's own models.
            client = cast(Any, session).client("panorama", region_name=device_region, config=config)
            instance = _find(_instances(client, page_size), instance_id)
        except (BotoCoreError, ClientError) as exc:
            self._logger.warning(
                "Could not list Panorama application instances in %s: %s", device_region, exc
            )
            return False
        if instance is None:
            self._logger.warning(
                "Application instance %s not found in %s", instance_id, device_region
            )
            return False
        self._source = IdentitySource.PANORAMA_API
        self._application_instance_id = instance.get("ApplicationInstanceId")
        self._application_name = instance.get("Name")
        self._application_description = instance.get("Description")
        self._application_status = instance.get("HealthStatus")
        tags = instance.get("Tags")
        self._application_tags = dict(tags) if tags is not None else None
        self._application_created_time = instance.get("CreatedTime")
        self._device_id = instance.get("DefaultRuntimeContextDevice")
        self._device_name = instance.get("DefaultRuntimeContextDeviceName")
        return True

    def _fill(self, fields: Mapping[str, Any]) -> None:
        for name, value in fields.items():
            setattr(self, f"_{name}", value)

    @property
    def source(self) -> IdentitySource | None:
        """Which step of the fallback chain answered (``None``: none, fallback disabled)."""
        return self._source

    @property
    def device_region(self) -> str:
        """Region the lookup ran in."""
        return self._device_region

    @property
    def application_instance_id(self) -> str | None:
        """Application instance id, e.g. ``applicationInstance-0123...``."""
        return self._application_instance_id

    @property
    def application_name(self) -> str | None:
        """Name of the application instance."""
        return self._application_name

    @property
    def application_description(self) -> str | None:
        """Description of the application instance."""
        return self._application_description

    @property
    def application_status(self) -> str | None:
        """Health status of the application instance, e.g. ``RUNNING``."""
        return self._application_status

    @property
    def application_tags(self) -> dict[str, str] | None:
        """Tags of the application instance (a copy)."""
        return None if self._application_tags is None else dict(self._application_tags)

    @property
    def application_created_time(self) -> datetime.datetime | None:
        """When the application instance was created (timezone-aware)."""
        return self._application_created_time

    @property
    def device_id(self) -> str | None:
        """Id of the device running the application, e.g. ``device-0123...``."""
        return self._device_id

    @property
    def device_name(self) -> str | None:
        """Name of the device running the application."""
        return self._device_name

    def __repr__(self) -> str:
        lines = ["<AutoIdentity"]
        for name in _FIELDS:
            value = getattr(self, name)
            if value is None:
                text = "None"
            elif name == "application_tags":
                text = json.dumps(value)
            else:
                text = f'"{value}"'
            lines.append(f"    {name}={text}")
        lines.append(">")
        return "\n".join(lines)


def _fallback_fields(
    identity_file: PathLike | None,
) -> tuple[IdentitySource, dict[str, Any]]:
    """The first fallback source that has something: identity file, environment, host name.

    Raises:
        ValueError: the identity file is unreadable, not a JSON object, or has unknown keys.
    """
    path = identity_file if identity_file is not None else os.environ.get(IDENTITY_FILE_ENV)
    if path:
        return IdentitySource.IDENTITY_FILE, _read_identity_file(Path(path))
    from_env = {name: os.environ[var] for name, var in IDENTITY_ENV.items() if os.environ.get(var)}
    if from_env:
        return IdentitySource.ENVIRONMENT, from_env
    return IdentitySource.HOSTNAME, {"device_name": socket.gethostname()}


def _read_identity_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"identity file {path} cannot be read: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"identity file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"identity file {path} must hold a JSON object")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise ValueError(f"identity file {path} has unknown keys {unknown}; known: {list(_FIELDS)}")
    fields = dict(data)
    created = fields.get("application_created_time")
    if created is not None:
        try:
            fields["application_created_time"] = datetime.datetime.fromisoformat(created)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"identity file {path}: application_created_time must be ISO 8601, got {created!r}"
            ) from exc
    tags = fields.get("application_tags")
    if tags is not None and not (
        isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values())
    ):
        raise ValueError(f"identity file {path}: application_tags must map strings to strings")
    return fields


def _instances(client: Any, page_size: int | None) -> Iterator[Mapping[str, Any]]:
    """Every application instance, page by page, through botocore's paginator."""
    if client.can_paginate(_OPERATION):
        paginator = client.get_paginator(_OPERATION)
    else:
        paginator = Paginator(
            client.list_application_instances,
            _PAGINATION,
            client.meta.service_model.operation_model("ListApplicationInstances"),
        )
    pagination: dict[str, int] = {} if page_size is None else {"PageSize": page_size}
    for page in paginator.paginate(PaginationConfig=pagination):
        yield from page.get("ApplicationInstances", [])


def _find(instances: Iterator[Mapping[str, Any]], instance_id: str) -> Mapping[str, Any] | None:
    for instance in instances:
        if instance.get("ApplicationInstanceId") == instance_id:
            return instance
    return None
