"""Oracle: cv2.pyrDown chains. Request {frames: [png path], levels}; answer per frame the packed bytes
of levels 1..levels-1 (base64) and their sizes."""
import cv2
import numpy as np

from common import answer, request
from features_common import b64, gray, single_thread

single_thread()
req = request()
out = []
for path in req["frames"]:
    img = gray(path)
    crop = req.get("crop")
    if crop:
        img = np.ascontiguousarray(img[: crop[1], : crop[0]])
    levels, sizes = [], []
    for _ in range(1, req["levels"]):
        img = cv2.pyrDown(img)
        levels.append(img.ravel())
        sizes.append([img.shape[1], img.shape[0]])
    out.append({"bytes": b64(np.concatenate(levels)) if levels else "", "sizes": sizes})
answer({"frames": out})
