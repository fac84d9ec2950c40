"""The credentials file ``kvssink`` reads (``credential-path``): format, reading, atomic writes.

The producer SDK accepts one line, ``CREDENTIALS <access_key_id> <secret_access_key>`` or
``CREDENTIALS <access_key_id> <expiration> <secret_access_key> <session_token>``, with the
expiration as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC) and the file under 10000 bytes; the sources this
was read from are in ``docs/design.md`` (backpack.kvs).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime, timezone

from backpack._types import PathLike
from backpack.kvs.credentials import KVSCredentials

EXPIRATION_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# Limits of the producer SDK's parser (MAX_ACCESS_KEY_LEN, MAX_SECRET_KEY_LEN,
# MAX_SESSION_TOKEN_LEN, MAX_CREDENTIAL_FILE_LEN).
_MAX_ACCESS_KEY_LEN = 128
_MAX_SECRET_KEY_LEN = 128
_MAX_SESSION_TOKEN_LEN = 2048
_MAX_FILE_LEN = 10000


def format_credentials_file(credentials: KVSCredentials) -> str:
    """The credentials file content for ``credentials`` (one line, newline-terminated).

    Raises:
        ValueError: temporary credentials without expiration, or values over the SDK's limits.

    Example:
        >>> from datetime import datetime, timezone
        >>> expiration = datetime(2022, 2, 18, 13, 8, 27, tzinfo=timezone.utc)
        >>> format_credentials_file(KVSCredentials("ASIAEXAMPLE", "secret", "token", expiration))
        'CREDENTIALS ASIAEXAMPLE 2022-02-18T13:08:27Z secret token\\n'
    """
    if len(credentials.access_key_id) > _MAX_ACCESS_KEY_LEN:
        raise ValueError(f"access key id longer than {_MAX_ACCESS_KEY_LEN} characters")
    if len(credentials.secret_access_key) > _MAX_SECRET_KEY_LEN:
        raise ValueError(f"secret access key longer than {_MAX_SECRET_KEY_LEN} characters")
    if credentials.session_token is None:
        text = f"CREDENTIALS {credentials.access_key_id} {credentials.secret_access_key}\n"
    else:
        if credentials.expiration is None:
            raise ValueError("temporary credentials need an expiration for the credentials file")
        if len(credentials.session_token) > _MAX_SESSION_TOKEN_LEN:
            raise ValueError(f"session token longer than {_MAX_SESSION_TOKEN_LEN} characters")
        expiration = credentials.expiration.astimezone(timezone.utc).strftime(EXPIRATION_FORMAT)
        text = (
            f"CREDENTIALS {credentials.access_key_id} {expiration} "
            f"{credentials.secret_access_key} {credentials.session_token}\n"
        )
    if len(text.encode()) >= _MAX_FILE_LEN:
        raise ValueError(f"credentials file would exceed {_MAX_FILE_LEN} bytes")
    return text


def write_atomically(path: PathLike, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, mode 0600.

    The text goes to a temporary file in the same directory (created 0600 by ``mkstemp``), is
    flushed and fsynced, then renamed over ``path`` with ``os.replace``: a reader sees the old
    or the new content, never a partial file. The directory is fsynced too.
    """
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    fd, temporary = tempfile.mkstemp(prefix=".credentials.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def read_credentials_file(path: str) -> KVSCredentials | None:
    """The credentials in ``path`` as ``kvssink`` parses them; ``None`` when not in its format.

    Raises:
        OSError: the file cannot be read.
    """
    with open(path, encoding="ascii") as stream:
        tokens = stream.read().split()
    if len(tokens) == 3 and tokens[0] == "CREDENTIALS":
        return KVSCredentials(tokens[1], tokens[2])
    if len(tokens) == 5 and tokens[0] == "CREDENTIALS":
        expiration = datetime.strptime(tokens[2], EXPIRATION_FORMAT).replace(tzinfo=timezone.utc)
        return KVSCredentials(tokens[1], tokens[3], tokens[4], expiration)
    return None


def make_directory(directory: str) -> None:
    """Create ``directory`` (0700) unless it exists, e.g. after a /tmp cleaner removed it.

    Raises:
        OSError: it cannot be created; a path component that is a file is named as such.
    """
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocker = directory
        while blocker and not os.path.exists(blocker):
            blocker = os.path.dirname(blocker)
        raise NotADirectoryError(f"{blocker} exists and is not a directory") from exc


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
