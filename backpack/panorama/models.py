"""Model runners behind ``node.call()``: Neo artifacts do not run off the appliance, ONNX does."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any, Protocol, Union

import numpy as np
from numpy.typing import NDArray

PathLike = Union[str, "os.PathLike[str]"]

# Imported here, before anything loads PyGObject: with numpy and gi (Gst) loaded first, an
# ONNX Runtime error (e.g. InvalidProtobuf) aborts the process instead of raising (seen with
# onnxruntime 1.32 on Debian 12).
_onnxruntime: Any
try:
    _onnxruntime = importlib.import_module("onnxruntime")
except ImportError:
    _onnxruntime = None


class ModelRunner(Protocol):
    """Runs one model: named input arrays in, the output arrays (in model order) out."""

    @property
    def input_names(self) -> tuple[str, ...]:
        """The model's input names."""

    def run(self, inputs: Mapping[str, NDArray[Any]]) -> tuple[NDArray[Any], ...]:
        """Run inference."""


class ONNXModelRunner:
    """Runs an ``.onnx`` file with ONNX Runtime (the ``backpack[onnx]`` extra).

    Inputs are cast to the dtype the model declares; a missing or unknown input name raises
    :class:`ValueError` naming the model's inputs.

    Args:
        path: the ``.onnx`` file.
        providers: ONNX Runtime execution providers (default: CPU).

    Example:
        >>> runner = ONNXModelRunner("model.onnx")  # doctest: +SKIP
        >>> scores, = runner.run({"data": batch})  # doctest: +SKIP
    """

    def __init__(self, path: PathLike, *, providers: tuple[str, ...] = ()) -> None:
        onnxruntime = _onnxruntime
        if onnxruntime is None:
            raise RuntimeError(
                "the ONNX model runner needs onnxruntime: pip install onnxruntime "
                "(or backpack[onnx])"
            )
        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise ValueError(f"model file {self.path} does not exist")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        try:
            self._session: Any = onnxruntime.InferenceSession(
                self.path, options, providers=list(providers) or ["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ValueError(f"{self.path} is not a loadable ONNX model: {exc}") from exc
        inputs = self._session.get_inputs()
        self._input_names = tuple(i.name for i in inputs)
        self._dtypes = {i.name: _DTYPES.get(i.type) for i in inputs}
        # Checked here: a shape ONNX Runtime rejects can abort the process in some builds.
        self._shapes = {
            i.name: tuple(d if isinstance(d, int) else None for d in i.shape) for i in inputs
        }
        self.output_names = tuple(o.name for o in self._session.get_outputs())

    @property
    def input_names(self) -> tuple[str, ...]:
        """The model's input names."""
        return self._input_names

    def run(self, inputs: Mapping[str, NDArray[Any]]) -> tuple[NDArray[Any], ...]:
        """Run inference on ``inputs`` (name -> array).

        Raises:
            ValueError: input names do not match the model's, or ONNX Runtime rejects them.
        """
        missing = [n for n in self._input_names if n not in inputs]
        unknown = [n for n in inputs if n not in self._dtypes]
        if missing or unknown:
            raise ValueError(
                f"{self.path}: inputs {sorted(inputs)} do not match the model's "
                f"{list(self._input_names)} (missing {missing}, unknown {unknown})"
            )
        feed = {}
        for name, value in inputs.items():
            dtype = self._dtypes[name]
            array = np.asarray(value)
            expected = self._shapes[name]
            if len(array.shape) != len(expected) or any(
                e is not None and e != a for e, a in zip(expected, array.shape)
            ):
                shown = tuple("?" if e is None else e for e in expected)
                raise ValueError(
                    f"{self.path}: input {name!r} has shape {array.shape}, the model expects "
                    f"{shown}"
                )
            feed[name] = array.astype(dtype, copy=False) if dtype is not None else array
        try:
            outputs = self._session.run(None, feed)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ValueError(f"{self.path}: inference failed: {exc}") from exc
        return tuple(outputs)


_DTYPES: dict[str, Any] = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(float16)": np.float16,
    "tensor(uint8)": np.uint8,
    "tensor(int8)": np.int8,
    "tensor(int32)": np.int32,
    "tensor(int64)": np.int64,
    "tensor(bool)": np.bool_,
}
