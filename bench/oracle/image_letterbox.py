"""The letterbox reference a Python user writes with OpenCV, single-threaded: `cv2.resize`
(INTER_LINEAR) to YOLOX's `floor(w r) x floor(h r)`, `cv2.cvtColor` to the tensor's channel order (on
the small image: the cheaper order), `cv2.copyMakeBorder` with the pad value (top-left or centred), then
`cv2.dnn.blobFromImage` to float32 NCHW; per-channel `(v - mean) * scale` in NumPy when it is not
(0, 1). For `test/native/letterbox.test.ts` (values) and `bench/native/image.ts` (time).

Request: `{frames: {name: frame}, cases: [{frame, targetWidth, targetHeight, padValue, channelOrder,
mean, scale, align}], repeats?}`. Answer: per case the tensor (base64 float32) and, with `repeats`, the
median and best µs of the whole pipeline.
"""
import math

import cv2
import numpy as np

from common import answer, request
from image_common import b64, frame, single_thread, steady_allocator, timed

TO_RGB = {("GRAY8", "RGB"): cv2.COLOR_GRAY2RGB, ("GRAY8", "BGR"): cv2.COLOR_GRAY2BGR,
          ("RGB8", "BGR"): cv2.COLOR_RGB2BGR, ("BGR8", "RGB"): cv2.COLOR_BGR2RGB,
          ("RGBA8", "RGB"): cv2.COLOR_RGBA2RGB, ("RGBA8", "BGR"): cv2.COLOR_RGBA2BGR}


def pipeline(img, fmt, c):
    h, w = img.shape[:2]
    tw, th = c["targetWidth"], c["targetHeight"]
    r = min(tw / w, th / h)
    rw = min(tw, max(1, math.floor(w * r + 1e-6)))
    rh = min(th, max(1, math.floor(h * r + 1e-6)))
    small = cv2.resize(img, (rw, rh), interpolation=cv2.INTER_LINEAR)
    code = TO_RGB.get((fmt, c["channelOrder"]))
    if code is not None:
        small = cv2.cvtColor(small, code)
    left = top = 0
    if c["align"] == "center":
        left, top = (tw - rw) // 2, (th - rh) // 2
    pad = c["padValue"]
    padded = cv2.copyMakeBorder(small, top, th - rh - top, left, tw - rw - left, cv2.BORDER_CONSTANT,
                                value=(pad, pad, pad))
    blob = cv2.dnn.blobFromImage(padded)
    mean, scale = c.get("mean", [0, 0, 0]), c.get("scale", [1, 1, 1])
    if list(mean) != [0, 0, 0] or list(scale) != [1, 1, 1]:
        m = np.asarray(mean, np.float32).reshape(1, 3, 1, 1)
        s = np.asarray(scale, np.float32).reshape(1, 3, 1, 1)
        blob = (blob - m) * s
    return blob


def main():
    req = request()
    single_thread()
    frames = {name: (frame(spec), spec.get("format", "GRAY8")) for name, spec in req["frames"].items()}
    repeats = req.get("repeats", 0)
    if repeats:
        steady_allocator()
    results = []
    for c in req["cases"]:
        img, fmt = frames[c["frame"]]
        r = {"tensor": b64(pipeline(img, fmt, c).astype(np.float32))}
        if repeats:
            r.update(timed(lambda: pipeline(img, fmt, c), repeats))
        results.append(r)
    answer({"results": results})


main()
