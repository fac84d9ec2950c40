"""The docstring examples of backpack.kvs.sdklog (the real SDK log is read in the streaming
tests: tests/kvs/test_kvs_streaming.py, tests/kvs/test_kvs_faults_streaming.py)."""

from __future__ import annotations

import doctest

import backpack.kvs.sdklog


def test_docstring_examples() -> None:
    result = doctest.testmod(backpack.kvs.sdklog, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
