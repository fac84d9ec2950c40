"""Build the example's model node as ONNX: a bright-object detector (needs the onnx package).

Input ``data``: 1x1x32x32 float grey image in [0, 1]. Outputs ``boxes`` (1x4: left, top,
right, bottom, normalized) around the pixels brighter than 0.5, and ``scores`` (1: 1.0 when
there is such a pixel, else 0.0).

    python3 tools/make_model.py /models/object_detector.onnx
"""

from __future__ import annotations

import sys

import onnx
from onnx import TensorProto, helper

DIM = 32


def build() -> onnx.ModelProto:
    """The detector graph (opset 13)."""
    nodes = [
        helper.make_node("Greater", ["data", "half"], ["bright"]),
        helper.make_node("Cast", ["bright"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("ReduceMax", ["mask"], ["cols"], axes=[2], keepdims=0),
        helper.make_node("ReduceMax", ["mask"], ["rows"], axes=[3], keepdims=0),
        helper.make_node("ReduceMax", ["cols"], ["any"], axes=[1, 2], keepdims=0),
        helper.make_node("ArgMax", ["cols"], ["left"], axis=2, keepdims=0),
        helper.make_node("ArgMax", ["rows"], ["top"], axis=2, keepdims=0),
        helper.make_node("ArgMax", ["cols"], ["right_px"], axis=2, keepdims=0, select_last_index=1),
        helper.make_node(
            "ArgMax", ["rows"], ["bottom_px"], axis=2, keepdims=0, select_last_index=1
        ),
        helper.make_node("Add", ["right_px", "one"], ["right"]),
        helper.make_node("Add", ["bottom_px", "one"], ["bottom"]),
        helper.make_node("Concat", ["left", "top", "right", "bottom"], ["corners"], axis=1),
        helper.make_node("Cast", ["corners"], ["corners_f"], to=TensorProto.FLOAT),
        helper.make_node("Div", ["corners_f", "dim"], ["boxes"]),
        helper.make_node("Identity", ["any"], ["scores"]),
    ]
    graph = helper.make_graph(
        nodes,
        "bright_object_detector",
        [helper.make_tensor_value_info("data", TensorProto.FLOAT, [1, 1, DIM, DIM])],
        [
            helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, 4]),
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1]),
        ],
        initializer=[
            helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
            helper.make_tensor("one", TensorProto.INT64, [], [1]),
            helper.make_tensor("dim", TensorProto.FLOAT, [], [float(DIM)]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    return model


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: make_model.py OUTPUT.onnx", file=sys.stderr)
        return 2
    onnx.save(build(), sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
