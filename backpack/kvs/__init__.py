"""Restream frames to Amazon Kinesis Video Streams (``kvssink``) with managed credentials.

Example (illustrative, not run as a doctest: it needs the appliance's ``.env`` file, a
camera frame and a Kinesis video stream):

    >>> from backpack.kvs import KVSSpyGlass, KVSFileCredentialsHandler
    >>> spyglass = KVSSpyGlass(  # doctest: +SKIP
    ...     stream_region="us-east-1",
    ...     stream_name="panorama-video",
    ...     credentials_handler=KVSFileCredentialsHandler(),
    ...     dotenv_path="/panorama/.env",
    ... )
    >>> spyglass.start_streaming()  # doctest: +SKIP
    >>> spyglass.put(frame)  # in the frame loop  # doctest: +SKIP
"""

from __future__ import annotations

from backpack.kvs.credentials import (
    AssumeRoleCredentialsSource,
    KVSCredentials,
    KVSCredentialsSource,
    SessionCredentialsSource,
)
from backpack.kvs.credentials_file import KVSFileCredentialsHandler, KVSRefreshStatus
from backpack.kvs.credentials_format import format_credentials_file
from backpack.kvs.handlers import (
    KVSCredentialsHandler,
    KVSEnvironmentCredentialsHandler,
    KVSInlineCredentialsHandler,
)
from backpack.kvs.kvssink import KVSSinkNotFoundError, KVSSpyGlass, kvssink_available

__all__ = [
    "AssumeRoleCredentialsSource",
    "KVSCredentials",
    "KVSCredentialsHandler",
    "KVSCredentialsSource",
    "KVSEnvironmentCredentialsHandler",
    "KVSFileCredentialsHandler",
    "KVSInlineCredentialsHandler",
    "KVSRefreshStatus",
    "KVSSinkNotFoundError",
    "KVSSpyGlass",
    "SessionCredentialsSource",
    "format_credentials_file",
    "kvssink_available",
]
