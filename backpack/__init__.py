"""Backpack: hiking equipment for edge video-analytics apps.

Modules:
    autoidentity: who am I (application instance, device) via the Panorama API.
    timepiece: tickers, stopwatches, schedules and tachometers for the frame loop.
    cwtacho: a tachometer that reports frame-time statistics to CloudWatch.
    spyglass: restream annotated frames through a GStreamer pipeline.
    kvs: SpyGlass to Kinesis Video Streams through ``kvssink``.
    annotation: one set of annotations, rendered by OpenCV and Panorama drivers.
"""

__version__ = "0.1.0"
