"""A Panorama application project as the Panorama tooling lays it out, or a single app file.

``graphs/<app>/graph.json`` wires nodes; ``packages/<account>-<package>-<version>/`` holds
``package.json`` (interfaces: inputs, outputs, category) and ``descriptor.json`` (for the code
package, the entry point). See :func:`load_project`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backpack._types import PathLike
from backpack.panorama.errors import ProjectError, UnsupportedFeatureError

PARAMETER_TYPES = {"float32": float, "int32": int, "string": str, "boolean": bool}
"""Graph parameter interfaces and the Python type their values have."""

_CAMERA = "panorama::abstract_rtsp_media_source"
_DISPLAY = "panorama::hdmi_data_sink"
_PYTHONS = ("python", "python3")


@dataclass(frozen=True)
class Parameter:
    """A graph parameter wired to an input of the code node."""

    port: str
    type: str
    value: Any


@dataclass(frozen=True)
class Project:
    """What ``backpack run`` needs from a project: entry point, ports, parameters, models.

    ``parameters`` maps code-node input ports to :class:`Parameter`; ``models`` names the model
    nodes (empty and ``open_models`` true for a single app file: any name may be mapped).
    """

    name: str
    entry: Path
    media_inputs: tuple[str, ...] = ("video_in",)
    media_outputs: tuple[str, ...] = ("video_out",)
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    models: Mapping[str, str] = field(default_factory=dict)
    open_models: bool = True


def load_project(path: PathLike) -> Project:
    """Read a project directory, or wrap a single ``.py`` app file.

    Raises:
        ProjectError: a file is missing or malformed, or the graph is inconsistent.
        UnsupportedFeatureError: the graph uses something ``backpack run`` cannot honour.
    """
    root = Path(path)
    if root.is_file():
        if root.suffix != ".py":
            raise ProjectError(f"{root}: an app file must be a .py file")
        return Project(name=root.stem, entry=root.resolve())
    if not root.is_dir():
        raise ProjectError(f"{root}: no such project directory or app file")
    graphs = sorted((root / "graphs").glob("*/graph.json"))
    if len(graphs) != 1:
        raise ProjectError(
            f"{root}: expected exactly one graphs/<app>/graph.json, found {len(graphs)}"
        )
    return _GraphReader(root, graphs[0]).project()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path} is missing") from None
    except ValueError as exc:
        raise ProjectError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProjectError(f"{path} must hold a JSON object")
    return data


def _split_interface(interface: str) -> tuple[str, str, str]:
    """``"123::PKG.interface"`` -> ``("123", "PKG", "interface")``."""
    package, _, name = interface.partition(".")
    account, sep, package_name = package.partition("::")
    if not sep or not name:
        raise ProjectError(f"interface {interface!r} is not ACCOUNT::PACKAGE.INTERFACE")
    return account, package_name, name


class _GraphReader:
    def __init__(self, root: Path, graph_path: Path) -> None:
        self._root = root
        self._graph_path = graph_path
        graph = _read_json(graph_path).get("nodeGraph")
        if not isinstance(graph, dict):
            raise ProjectError(f"{graph_path} has no nodeGraph object")
        self._graph = graph
        self._versions = {p.get("name"): str(p.get("version")) for p in graph.get("packages", [])}

    def _package(self, account: str, name: str) -> tuple[Path, dict[str, Any]]:
        version = self._versions.get(f"{account}::{name}")
        if version is None:
            raise ProjectError(f"{self._graph_path}: package {account}::{name} is not listed")
        folder = self._root / "packages" / f"{account}-{name}-{version}"
        return folder, _read_json(folder / "package.json").get("nodePackage", {})

    def project(self) -> Project:
        code: tuple[str, Path, dict[str, Any]] | None = None
        models: dict[str, str] = {}
        parameters: dict[str, tuple[str, Any]] = {}
        for node in self._graph.get("nodes", []):
            name, interface = node.get("name"), node.get("interface")
            if not isinstance(name, str) or not isinstance(interface, str):
                raise ProjectError(f"{self._graph_path}: every node needs a name and interface")
            if interface in PARAMETER_TYPES:
                parameters[name] = (interface, node.get("value"))
                continue
            account, package, iface = _split_interface(interface)
            if account == "panorama":
                if f"{account}::{package}" not in (_CAMERA, _DISPLAY):
                    raise UnsupportedFeatureError(
                        f"node {name!r} ({interface})",
                        "only abstract_rtsp_media_source cameras and hdmi_data_sink outputs "
                        "are built in; use --camera and --output",
                    )
                continue
            folder, package_json = self._package(account, package)
            spec = next(
                (i for i in package_json.get("interfaces", []) if i.get("name") == iface), None
            )
            if spec is None:
                raise ProjectError(f"{folder}/package.json has no interface {iface!r}")
            category = spec.get("category")
            if category == "ml_model":
                models[name] = f"{account}::{package}"
            elif category == "business_logic":
                if code is not None:
                    raise UnsupportedFeatureError(
                        f"a second code node {name!r}", "one business_logic node per app"
                    )
                code = (name, folder, spec)
            else:
                raise UnsupportedFeatureError(f"node {name!r} of category {category!r}")
        if code is None:
            raise ProjectError(f"{self._graph_path}: no business_logic (code) node")
        return self._code_project(code, models, parameters)

    def _code_project(
        self,
        code: tuple[str, Path, dict[str, Any]],
        models: dict[str, str],
        parameters: dict[str, tuple[str, Any]],
    ) -> Project:
        node_name, folder, spec = code
        media_inputs, media_outputs, wired = [], [], {}
        for edge in self._graph.get("edges", []):
            producer, consumer = str(edge.get("producer")), str(edge.get("consumer"))
            target, _, port = consumer.partition(".")
            if target == node_name and producer in parameters:
                kind, value = parameters[producer]
                wired[port] = Parameter(port, kind, value)
        declared: dict[str, str] = {}
        for port in spec.get("inputs", []):
            declared[port["name"]] = port.get("type", "")
            if port.get("type") == "media":
                media_inputs.append(port["name"])
            elif port.get("type") not in PARAMETER_TYPES:
                raise UnsupportedFeatureError(
                    f"input {port['name']!r} of type {port.get('type')!r}",
                    f"supported input types: media, {', '.join(PARAMETER_TYPES)}",
                )
            elif port["name"] not in wired:
                wired[port["name"]] = Parameter(port["name"], port["type"], None)
        for port in spec.get("outputs", []):
            if port.get("type") != "media":
                raise UnsupportedFeatureError(
                    f"output {port.get('name')!r} of type {port.get('type')!r}",
                    "only media outputs (video_out) are supported",
                )
            media_outputs.append(port["name"])
        return Project(
            name=self._graph_path.parent.name,
            entry=self._entry(folder),
            media_inputs=tuple(media_inputs),
            media_outputs=tuple(media_outputs),
            parameters=wired,
            models=models,
            open_models=False,
        )

    @staticmethod
    def _entry(folder: Path) -> Path:
        descriptor = _read_json(folder / "descriptor.json").get("runtimeDescriptor", {})
        entry = descriptor.get("entry", {})
        program, script = str(entry.get("path", "")), str(entry.get("name", ""))
        if Path(program).name.rstrip("0123456789.") not in _PYTHONS:
            raise UnsupportedFeatureError(
                f"entry point {program!r} {script!r} in {folder}/descriptor.json",
                "backpack run starts Python entry points only; run the app file directly: "
                "backpack run path/to/app.py",
            )
        relative = Path(script.removeprefix("/panorama/").lstrip("/"))
        for candidate in (folder / "src" / relative, folder / relative):
            if candidate.is_file():
                return candidate.resolve()
        raise ProjectError(
            f"{folder}/descriptor.json names {script!r}, but neither src/{relative} nor "
            f"{relative} exists in {folder} (the Dockerfile copies src/ to /panorama/)"
        )
