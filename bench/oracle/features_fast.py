"""Oracle: cv2.FastFeatureDetector (TYPE_9_16). Request {frames: [png path], threshold, nonmax};
answer per frame the corners' (x, y) (float32, base64) and responses (float32)."""
import cv2
import numpy as np

from common import answer, request
from features_common import b64, gray, single_thread

single_thread()
req = request()
det = cv2.FastFeatureDetector_create(req["threshold"], req["nonmax"], cv2.FastFeatureDetector_TYPE_9_16)
out = []
for path in req["frames"]:
    kps = det.detect(gray(path))
    xy = np.array([k.pt for k in kps], np.float32).reshape(-1, 2)
    score = np.array([k.response for k in kps], np.float32)
    out.append({"count": len(kps), "xy": b64(xy), "score": b64(score)})
answer({"opencv": cv2.__version__, "frames": out})
