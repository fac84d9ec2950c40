"""The docstring examples of backpack.annotation run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "backpack.annotation",
    "backpack.annotation.geometry",
    "backpack.annotation.color",
    "backpack.annotation.annotations",
    "backpack.annotation.opencv_driver",
    "backpack.annotation.panorama_driver",
    "backpack.annotation.truetype",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
