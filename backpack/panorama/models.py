"""Model runners behind ``node.call()``: Neo artifacts do not run off the appliance, ONNX does."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from backpack._types import PathLike

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
        feed = _feed(self.path, self._input_names, self._dtypes, self._shapes, inputs)
        try:
            outputs = self._session.run(None, feed)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ValueError(f"{self.path}: inference failed: {exc}") from exc
        return tuple(outputs)


class ReferenceModelRunner:
    """Runs an ``.onnx`` file with ONNX's own reference evaluator (``onnx.reference``, NumPy).

    Slower than ONNX Runtime, but pure Python over NumPy: for hosts where ONNX Runtime has no
    build or cannot load (e.g. its aarch64 extension under qemu-user emulation). Same checks
    and errors as :class:`ONNXModelRunner`.

    Example:
        >>> runner = ReferenceModelRunner("model.onnx")  # doctest: +SKIP
    """

    def __init__(self, path: PathLike) -> None:
        try:
            onnx = importlib.import_module("onnx")
            reference = importlib.import_module("onnx.reference")
        except ImportError:
            raise RuntimeError(
                "the reference model runner needs onnx: pip install onnx "
                "(or backpack[onnx-reference])"
            ) from None
        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise ValueError(f"model file {self.path} does not exist")
        try:
            model = onnx.load(self.path)
            self._evaluator: Any = reference.ReferenceEvaluator(model)
        except Exception as exc:  # onnx raises DecodeError and friends
            raise ValueError(f"{self.path} is not a loadable ONNX model: {exc}") from exc
        initializers = {i.name for i in model.graph.initializer}
        inputs = [i for i in model.graph.input if i.name not in initializers]
        self._input_names = tuple(i.name for i in inputs)
        to_dtype = onnx.helper.tensor_dtype_to_np_dtype
        self._dtypes = {i.name: to_dtype(i.type.tensor_type.elem_type) for i in inputs}
        self._shapes = {
            i.name: tuple(d.dim_value or None for d in i.type.tensor_type.shape.dim) for i in inputs
        }
        self.output_names = tuple(o.name for o in model.graph.output)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The model's input names."""
        return self._input_names

    def run(self, inputs: Mapping[str, NDArray[Any]]) -> tuple[NDArray[Any], ...]:
        """Run inference on ``inputs`` (name -> array); see :meth:`ONNXModelRunner.run`."""
        feed = _feed(self.path, self._input_names, self._dtypes, self._shapes, inputs)
        try:
            outputs = self._evaluator.run(None, feed)
        except Exception as exc:  # the evaluator raises whatever its operators raise
            raise ValueError(f"{self.path}: inference failed: {exc}") from exc
        return tuple(np.asarray(o) for o in outputs)


def load_model(path: PathLike) -> ModelRunner:
    """The runner for ``path``: ``BACKPACK_MODEL_RUNNER`` (``onnxruntime`` or ``reference``),
    else ONNX Runtime when it is installed, else the ONNX reference evaluator."""
    choice = os.environ.get("BACKPACK_MODEL_RUNNER", "").strip().lower()
    if choice not in ("", "onnxruntime", "reference"):
        raise ValueError(f"BACKPACK_MODEL_RUNNER={choice!r}: expected 'onnxruntime' or 'reference'")
    if choice == "reference" or (choice == "" and _onnxruntime is None):
        return ReferenceModelRunner(path)
    return ONNXModelRunner(path)


def _feed(
    path: str,
    names: tuple[str, ...],
    dtypes: Mapping[str, Any],
    shapes: Mapping[str, tuple[int | None, ...]],
    inputs: Mapping[str, NDArray[Any]],
) -> dict[str, NDArray[Any]]:
    """Check ``inputs`` against the model's names and shapes; cast to its dtypes."""
    missing = [n for n in names if n not in inputs]
    unknown = [n for n in inputs if n not in dtypes]
    if missing or unknown:
        raise ValueError(
            f"{path}: inputs {sorted(inputs)} do not match the model's "
            f"{list(names)} (missing {missing}, unknown {unknown})"
        )
    feed = {}
    for name, value in inputs.items():
        dtype = dtypes[name]
        array = np.asarray(value)
        expected = shapes[name]
        if len(array.shape) != len(expected) or any(
            e is not None and e != a for e, a in zip(expected, array.shape)
        ):
            shown = tuple("?" if e is None else e for e in expected)
            raise ValueError(
                f"{path}: input {name!r} has shape {array.shape}, the model expects {shown}"
            )
        feed[name] = array.astype(dtype, copy=False) if dtype is not None else array
    return feed


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
