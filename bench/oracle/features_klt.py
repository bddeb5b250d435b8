"""Oracle: cv2.calcOpticalFlowPyrLK. Request {pairs: [[prev png, next png]], winSize, maxLevel,
points: "gftt" | base64 float32 (x, y) per pair in "xy"}; answer per pair the points (float32),
OpenCV's next points, status and error."""
import cv2
import numpy as np

from common import answer, request
from features_common import b64, gray, single_thread, unb64

single_thread()
req = request()
win = (req["winSize"], req["winSize"])
out = []
for k, (pa, pb) in enumerate(req["pairs"]):
    a, b = gray(pa), gray(pb)
    if req.get("xy"):
        pts = unb64(req["xy"][k], np.float32).reshape(-1, 1, 2)
    else:
        pts = cv2.goodFeaturesToTrack(a, req.get("maxCorners", 300), 0.01, 10).astype(np.float32)
    nxt, st, err = cv2.calcOpticalFlowPyrLK(a, b, pts, None, winSize=win, maxLevel=req["maxLevel"])
    out.append({"xy": b64(pts.reshape(-1, 2)), "next": b64(nxt.reshape(-1, 2)), "status": b64(st.ravel()), "error": b64(err.ravel().astype(np.float32))})
answer({"pairs": out})
