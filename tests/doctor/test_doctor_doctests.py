"""The docstring examples of the doctor's modules run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["backpack.doctor.check", "backpack.doctor.render", "backpack.doctor.rtsp_camera"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
