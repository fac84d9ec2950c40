"""Run unmodified AWS Panorama applications on any edge box (``backpack run``).

Provides ``panoramasdk`` (``node``, ``media``) when the real SDK is not installed, reads
cameras through GStreamer-enabled OpenCV, runs model nodes with ONNX Runtime and writes
``video_out`` to SpyGlass sinks.

Example::

    from backpack.panorama import CameraSource, OutputSpec, Runtime, RuntimeConfig, load_project

    project = load_project("people_counter_app")
    config = RuntimeConfig(
        cameras=(CameraSource.parse("rtsp://10.0.0.5/live"),),
        outputs=(OutputSpec.parse("file:/out/people.mkv"),),
        models={"model_node": "people.onnx"},
    )
    Runtime(project, config).run()
"""

from __future__ import annotations

from backpack.panorama.camera import CameraKind, CameraSource, CameraStatus
from backpack.panorama.errors import ApplicationStopped, ProjectError, UnsupportedFeatureError
from backpack.panorama.media import media
from backpack.panorama.models import (
    ModelRunner,
    ONNXModelRunner,
    ReferenceModelRunner,
    load_model,
)
from backpack.panorama.node import node
from backpack.panorama.outputs import OutputSpec
from backpack.panorama.project import Parameter, Project, load_project
from backpack.panorama.runtime import Runtime, RuntimeConfig

__all__ = [
    "ApplicationStopped",
    "CameraKind",
    "CameraSource",
    "CameraStatus",
    "ModelRunner",
    "ONNXModelRunner",
    "OutputSpec",
    "Parameter",
    "Project",
    "ProjectError",
    "ReferenceModelRunner",
    "Runtime",
    "RuntimeConfig",
    "UnsupportedFeatureError",
    "load_model",
    "load_project",
    "media",
    "node",
]
