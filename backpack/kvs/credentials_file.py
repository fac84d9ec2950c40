"""KVSFileCredentialsHandler: keeps the credentials file ``kvssink`` reads filled and fresh.

Format and limits of the file: :mod:`backpack.kvs.credentials_format`; why the file must hold
valid credentials at all times: ``docs/design.md`` (backpack.kvs).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import weakref
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import boto3

from backpack._gst_launch import format_property
from backpack._types import Clock, PathLike
from backpack.kvs.credentials import KVSCredentials, KVSCredentialsSource, SessionCredentialsSource
from backpack.kvs.credentials_format import (
    format_credentials_file,
    make_directory,
    write_atomically,
)
from backpack.kvs.handlers import KVSCredentialsHandler
from backpack.spyglass.backoff import Backoff

# Temporary credentials whose source does not tell their expiration are assumed to live this long.
_UNKNOWN_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class KVSRefreshStatus:
    """What the credentials file holds and when it is refreshed next.

    Attributes:
        access_key_id: the access key id in the file (``None`` before the first write).
        expiration: the expiration of the credentials in the file (``None`` for static ones).
        next_refresh: when the refresher fetches credentials next (``None`` when stopped).
        consecutive_failures: failed refresh attempts since the last success.
        last_error: the last failure's description, without secrets.
    """

    access_key_id: str | None
    expiration: datetime | None
    next_refresh: datetime | None
    consecutive_failures: int
    last_error: str | None


class KVSFileCredentialsHandler(KVSCredentialsHandler):
    """Keeps the ``kvssink`` credentials file (``credential-path``) filled with fresh credentials.

    :meth:`start` writes the file (synchronously, once) and starts a refresher thread that
    fetches new credentials ``refresh_before`` their expiration, on its own schedule (not only
    while frames arrive). When fetching fails, or the source returns the same credentials
    already inside the refresh window, the refresher retries with exponential backoff
    (``retry_initial`` doubling up to ``retry_max``) until it succeeds; meanwhile the file keeps
    the last valid credentials. Every write is atomic
    (:func:`~backpack.kvs.credentials_format.write_atomically`), mode 0600. :meth:`stop` ends
    the thread and deletes the file. Credentials are never logged.

    ``kvssink`` prefers static credentials from ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``
    when they are in the environment; :meth:`start` warns when they are.

    Args:
        credentials_path: the file; default ``credentials`` in a private (0700) temporary
            directory made for this handler and removed with it.
        boto3_session: where credentials come from (default ``boto3.Session()``), e.g. the
            Panorama application role's; botocore renews them 15 minutes before expiry.
        source: any :class:`~backpack.kvs.credentials.KVSCredentialsSource` instead of a session,
            e.g. :class:`~backpack.kvs.credentials.AssumeRoleCredentialsSource`.
        refresh_before: how long before expiration to fetch new credentials. The default,
            14 minutes, is just inside botocore's 15-minute advisory refresh window, so a
            session's refreshable credentials have been renewed when asked. Credentials that
            arrive already inside this window are refreshed halfway to their expiration.
            Static credentials (no expiration) are re-read at this interval.
        retry_initial: first delay after a failed refresh.
        retry_max: longest delay between retries.
        clock: returns the current time (timezone-aware); injectable for tests.
        poll_interval: longest sleep of the refresher before it re-reads ``clock`` (so wall
            clock jumps, e.g. after an NTP sync, are noticed) and checks that the file still
            exists (a deleted file or directory is written again).

    Example:
        >>> handler = KVSFileCredentialsHandler()
        >>> handler.kvssink_str()  # doctest: +ELLIPSIS
        'credential-path=.../backpack-kvs-.../credentials'
    """

    def __init__(
        self,
        credentials_path: PathLike | None = None,
        boto3_session: boto3.Session | None = None,
        *,
        source: KVSCredentialsSource | None = None,
        refresh_before: timedelta = timedelta(minutes=14),
        retry_initial: timedelta = timedelta(seconds=1),
        retry_max: timedelta = timedelta(minutes=1),
        clock: Clock | None = None,
        poll_interval: timedelta = timedelta(seconds=30),
    ) -> None:
        super().__init__()
        if source is not None and boto3_session is not None:
            raise ValueError("give either boto3_session or source, not both")
        for name, value in (
            ("refresh_before", refresh_before),
            ("retry_initial", retry_initial),
            ("poll_interval", poll_interval),
        ):
            if not isinstance(value, timedelta) or value <= timedelta(0):
                raise ValueError(f"{name} must be a positive timedelta, got {value!r}")
        if not isinstance(retry_max, timedelta) or retry_max < retry_initial:
            raise ValueError(f"retry_max must be a timedelta >= retry_initial, got {retry_max!r}")
        self._source: KVSCredentialsSource = (
            source if source is not None else SessionCredentialsSource(boto3_session)
        )
        self._refresh_before = refresh_before
        self._retry = Backoff(retry_initial.total_seconds(), 2.0, retry_max.total_seconds())
        self._clock: Clock = clock if clock is not None else _utc_now
        self._poll = poll_interval.total_seconds()
        if credentials_path is None:
            directory = tempfile.mkdtemp(prefix="backpack-kvs-")
            self._path = os.path.join(directory, "credentials")
            weakref.finalize(self, _remove_private_dir, directory, self._path)
        else:
            self._path = os.path.abspath(os.fspath(credentials_path))
        self._lock = threading.Lock()
        self._written: KVSCredentials | None = None
        self._next_refresh: datetime | None = None
        self._failures = 0
        self._last_error: str | None = None
        self._active = False
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def credentials_path(self) -> str:
        """The absolute path of the credentials file."""
        return self._path

    @property
    def status(self) -> KVSRefreshStatus:
        """A snapshot of the refresher's state."""
        with self._lock:
            written = self._written
            return KVSRefreshStatus(
                access_key_id=written.access_key_id if written is not None else None,
                expiration=written.expiration if written is not None else None,
                next_refresh=self._next_refresh,
                consecutive_failures=self._failures,
                last_error=self._last_error,
            )

    def kvssink_str(self) -> str:
        """``credential-path=<file>``."""
        return format_property("credential-path", self._path)

    def start(self) -> None:
        """Write the credentials file now and start the refresher thread (idempotent).

        A failed first fetch or write (no credentials anywhere, a parent "directory" that is
        a file, ...) is logged and retried by the refresher; it does not raise.
        """
        if self._thread is not None and self._thread.is_alive():
            return
        if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
            self._logger.warning(
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set in the environment: kvssink "
                "uses them instead of the credentials file %s",
                self._path,
            )
        with self._lock:
            self._active = True
            self._written = None
            self._failures = 0
            self._last_error = None
            self._next_refresh = self._clock()
        self._stopping.clear()
        self.refresh()
        self._thread = threading.Thread(
            target=self._run, name="KVSFileCredentialsRefresher", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the refresher thread and delete the credentials file."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=30)
            if thread.is_alive():
                self._logger.warning("Credentials refresher still busy; it will not write again")
        with self._lock:
            self._active = False
            self._next_refresh = None
            self._written = None
        try:
            os.unlink(self._path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            self._logger.warning("Could not delete the credentials file %s: %s", self._path, exc)

    def refresh(self) -> bool:
        """Fetch credentials and replace the file now; schedule the next refresh.

        Returns:
            Whether the file now holds credentials newer than the ones before this call, or
            confirmed current ones outside the refresh window.
        """
        now = self._clock()
        try:
            credentials = self._source.fetch()
        except Exception as exc:  # botocore raises many types; all mean "try again later"
            self._fail(now, f"fetching credentials failed: {type(exc).__name__}: {exc}")
            return False
        self._register(credentials)
        if credentials.is_temporary and credentials.expiration is None:
            credentials = replace(credentials, expiration=now + _UNKNOWN_LIFETIME)
        expiration = credentials.expiration
        with self._lock:
            unchanged = credentials == self._written
        if expiration is not None and expiration <= now:
            self._fail(now, f"the source returned credentials that expired at {expiration}")
            return False
        if unchanged and expiration is not None and expiration - now <= self._refresh_before:
            self._fail(
                now,
                f"the source returned the same credentials, expiring at {expiration}, "
                "inside the refresh window",
            )
            return False
        write = not unchanged or not os.path.exists(self._path)  # also restore a deleted file
        if write:
            try:
                text = format_credentials_file(credentials)
                with self._lock:
                    if not self._active:
                        return False
                    make_directory(os.path.dirname(self._path))
                    write_atomically(self._path, text)
            except (OSError, ValueError) as exc:
                self._fail(now, f"writing {self._path} failed: {exc}")
                return False
        with self._lock:
            failures, self._failures = self._failures, 0
            self._written = credentials
            self._last_error = None
            self._next_refresh = self._schedule(now, expiration)
            next_refresh = self._next_refresh
        if write:
            self._logger.info(
                "Credentials file %s updated: access key %s, expires %s%s; next refresh at %s",
                self._path,
                credentials.access_key_hint,
                expiration.isoformat() if expiration is not None else "never",
                f" (after {failures} failed attempts)" if failures else "",
                next_refresh.isoformat(),
            )
        return True

    def _schedule(self, now: datetime, expiration: datetime | None) -> datetime:
        if expiration is None:
            return now + self._refresh_before
        due = expiration - self._refresh_before
        return due if due > now else now + (expiration - now) / 2

    def _fail(self, now: datetime, reason: str) -> None:
        with self._lock:
            self._failures += 1
            delay = timedelta(seconds=self._retry.delay(self._failures - 1))
            self._last_error = self.redact(reason)
            self._next_refresh = now + delay
            failures = self._failures
            written = self._written
        if written is not None and os.path.isfile(self._path):
            expiration = written.expiration
            state = (
                f"the file keeps the last valid credentials (access key "
                f"{written.access_key_hint}, expiring "
                f"{expiration.isoformat() if expiration is not None else 'never'})"
            )
        elif written is not None:
            state = f"{self._path} is missing; kvssink cannot authenticate until a refresh succeeds"
        else:
            state = (
                f"{self._path} has no credentials yet; kvssink cannot authenticate until a "
                "refresh succeeds"
            )
        self._logger.warning(
            "Credentials refresh attempt %d failed (%s); %s; retrying in %.1f s",
            failures,
            self._last_error,
            state,
            delay.total_seconds(),
        )

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                due = self._next_refresh
                healthy = self._failures == 0 and self._written is not None
            now = self._clock()
            # A deleted file (e.g. by a /tmp cleaner) is rewritten at the next poll.
            if due is not None and (now >= due or (healthy and not os.path.exists(self._path))):
                try:
                    self.refresh()
                except Exception:  # never let the refresher die
                    self._logger.exception("Unexpected error in the credentials refresher")
                    self._fail(self._clock(), "unexpected error")
                continue
            wait = self._poll if due is None else min(self._poll, (due - now).total_seconds())
            self._stopping.wait(max(wait, 0.001))


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _remove_private_dir(directory: str, path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
    with contextlib.suppress(OSError):
        os.rmdir(directory)
