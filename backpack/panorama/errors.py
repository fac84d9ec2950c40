"""Errors of the Panorama runtime: a project it cannot honour, an SDK feature it lacks."""

from __future__ import annotations


class ProjectError(ValueError):
    """The application project (graph.json, package.json, descriptor.json) is not usable."""


class UnsupportedFeatureError(NotImplementedError):
    """The application uses a Panorama SDK or graph feature this runtime does not provide.

    Example:
        >>> raise UnsupportedFeatureError("panoramasdk.model (the preview-era model API)")
        Traceback (most recent call last):
        ...
        backpack.panorama.errors.UnsupportedFeatureError: panoramasdk.model (the preview-era \
model API) is not supported by backpack run
    """

    def __init__(self, feature: str, hint: str = "") -> None:
        message = f"{feature} is not supported by backpack run"
        super().__init__(f"{message}: {hint}" if hint else message)
        self.feature = feature


class ApplicationStopped(BaseException):
    """Raised from ``video_in.get()`` when the runtime stops the application.

    A ``BaseException`` so ``except Exception`` blocks in the application let it through.
    """
