"""Object detector: a Panorama application in the shape of the AWS samples.

Each frame is reduced to a 32x32 grey image and sent to the model node, which returns the
box around the bright object and a score; boxes above the ``threshold`` parameter are drawn
with ``add_rect`` and labelled. Runs unchanged on the appliance and under ``backpack run``.
"""

import logging

import cv2
import numpy as np
import panoramasdk

MODEL_DIM = 32


class Application(panoramasdk.node):
    def __init__(self):
        """Reads the parameters from the node's interface."""
        self.MODEL_NODE = "model_node"
        self.frame_num = 0
        self.threshold = 0.5
        try:
            self.threshold = self.inputs.threshold.get()
        except Exception:
            logger.exception("Error during initialization.")
        logger.info("Threshold: %s", self.threshold)

    def process_streams(self):
        """Processes one frame of every attached camera."""
        self.frame_num += 1
        streams = self.inputs.video_in.get()
        for stream in streams:
            if not stream.is_cached:
                self.process_media(stream)
        self.outputs.video_out.put(streams)

    def process_media(self, stream):
        """Runs the model on a frame and draws what it found."""
        boxes, scores = self.call({"data": preprocess(stream.image)}, self.MODEL_NODE)
        score = float(scores[0])
        if score >= self.threshold:
            left, top, right, bottom = (float(v) for v in np.clip(boxes[0], 0.0, 1.0))
            stream.add_rect(left, top, right, bottom)
            stream.add_label(f"object {score:.2f}", left, min(1.0, bottom + 0.08))


def preprocess(image):
    """BGR frame -> 1x1x32x32 float32 grey image in [0, 1]."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(grey, (MODEL_DIM, MODEL_DIM), interpolation=cv2.INTER_AREA)
    return (small.astype(np.float32) / 255.0)[np.newaxis, np.newaxis]


def main():
    try:
        logger.info("INITIALIZING APPLICATION")
        app = Application()
        logger.info("PROCESSING STREAMS")
        while True:
            app.process_streams()
    except Exception:
        logger.exception("Exception during processing loop.")


logging.basicConfig(level=logging.INFO)
logger = logging.getLogger("object_detector")
main()
