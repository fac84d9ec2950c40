"""Model runners: a detector built here (onnx), run by ONNX Runtime and by ONNX's reference
evaluator, checked numerically against NumPy."""

from __future__ import annotations

from pathlib import Path
from typing import Union

import numpy as np
import pytest
from runtime_helpers import make_model, reference_detector

from backpack.panorama import ONNXModelRunner, ReferenceModelRunner, load_model

Runner = Union[ONNXModelRunner, ReferenceModelRunner]


@pytest.fixture(scope="module", params=["onnxruntime", "reference"])
def runner(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Runner:
    model = make_model(tmp_path_factory.mktemp("m") / "det.onnx")
    if request.param == "reference":
        return ReferenceModelRunner(model)
    return ONNXModelRunner(model)


def test_load_model_picks_the_runner_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = make_model(tmp_path / "det.onnx")
    assert isinstance(load_model(model), ONNXModelRunner)  # installed here: the default
    monkeypatch.setenv("BACKPACK_MODEL_RUNNER", "reference")
    assert isinstance(load_model(model), ReferenceModelRunner)
    monkeypatch.setenv("BACKPACK_MODEL_RUNNER", "tensorrt")
    with pytest.raises(ValueError, match="BACKPACK_MODEL_RUNNER='tensorrt'"):
        load_model(model)


def _image(*boxes: tuple[int, int, int, int]) -> np.ndarray:
    data = np.zeros((1, 1, 32, 32), np.float32)
    for left, top, right, bottom in boxes:
        data[0, 0, top:bottom, left:right] = 0.9
    return data


@pytest.mark.parametrize(
    "boxes",
    [
        [(8, 16, 16, 24)],
        [(0, 0, 32, 32)],
        [(31, 0, 32, 1)],
        [(2, 3, 5, 9), (20, 25, 30, 27)],
        [],
    ],
)
def test_outputs_match_numpy_reference(
    runner: Runner, boxes: list[tuple[int, int, int, int]]
) -> None:
    data = _image(*boxes)
    boxes_out, scores = runner.run({"data": data})
    expected_boxes, expected_scores = reference_detector(data)
    np.testing.assert_allclose(boxes_out, expected_boxes, atol=1e-6)
    np.testing.assert_allclose(scores, expected_scores)


def test_random_images_match_reference(runner: Runner) -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        data = (rng.random((1, 1, 32, 32)) * rng.uniform(0.3, 0.7)).astype(np.float32)
        outputs = runner.run({"data": data})
        for got, expected in zip(outputs, reference_detector(data)):
            np.testing.assert_allclose(got, expected, atol=1e-6)


def test_inputs_are_cast_to_the_declared_dtype(
    runner: Runner,
) -> None:
    data = _image((4, 4, 8, 8)).astype(np.float64)
    boxes, _ = runner.run({"data": data})
    np.testing.assert_allclose(boxes, [[4 / 32, 4 / 32, 8 / 32, 8 / 32]])
    assert runner.input_names == ("data",)
    assert runner.output_names == ("boxes", "scores")


def test_wrong_input_name_names_the_model_inputs(
    runner: Runner,
) -> None:
    with pytest.raises(ValueError, match=r"missing \['data'\], unknown \['image'\]"):
        runner.run({"image": _image()})


def test_wrong_shape_is_a_clear_error(runner: Runner) -> None:
    with pytest.raises(
        ValueError, match=r"shape \(1, 3, 32, 32\), the model expects \(1, 1, 32, 32\)"
    ):
        runner.run({"data": np.zeros((1, 3, 32, 32), np.float32)})
    with pytest.raises(ValueError, match="the model expects"):
        runner.run({"data": np.zeros((32, 32), np.float32)})


def test_missing_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        ONNXModelRunner(tmp_path / "absent.onnx")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a loadable ONNX model"):
        ONNXModelRunner(junk)
