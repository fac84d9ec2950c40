"""The docstring examples of SpyGlass's building blocks run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "backpack.spyglass.backoff",
    "backpack.spyglass.warmup",
    "backpack.spyglass.backlog",
    "backpack.spyglass.mailbox",
    "backpack.spyglass.frame",
    "backpack.spyglass.encoder",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
