"""Timing peer of the features benchmark: OpenCV on one thread (cv2.setNumThreads(1)), timed here
with time.perf_counter_ns. Request {frames: [prev png, next png], rounds, calls}; answer, per kernel,
the median and best per-call time over `rounds` rounds of `calls` calls (µs), and the inputs the
native side must use to do the same work (OpenCV's goodFeaturesToTrack points, ORB descriptors)."""
import time

import cv2
import numpy as np

from common import answer, request
from features_common import b64, gray, single_thread


def timed(fn, rounds, calls):
    """Per-call µs: median and best of `rounds` means of `calls` calls (after one warm-up call)."""
    fn()
    means = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            fn()
        means.append((time.perf_counter_ns() - t0) / calls / 1e3)
    return {"medianUs": float(np.median(means)), "bestUs": float(min(means))}


single_thread()
req = request()
rounds, calls = req.get("rounds", 7), req.get("calls", 20)
a, b = gray(req["frames"][0]), gray(req["frames"][1])
fast = cv2.FastFeatureDetector_create(20, True, cv2.FastFeatureDetector_TYPE_9_16)
pts = cv2.goodFeaturesToTrack(a, 300, 0.01, 10).astype(np.float32)
orb = cv2.ORB_create(500)
ka, da = orb.detectAndCompute(a, None)
kb, db = orb.detectAndCompute(b, None)
cross = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
plain = cv2.BFMatcher(cv2.NORM_HAMMING)


def lk():
    return cv2.calcOpticalFlowPyrLK(a, b, pts, None, winSize=(21, 21), maxLevel=2)


answer(
    {
        "opencv": cv2.__version__,
        "threads": cv2.getNumThreads(),
        "fast": {**timed(lambda: fast.detect(a), rounds, calls), "count": len(fast.detect(a))},
        "klt": {**timed(lk, rounds, max(1, calls // 4)), "points": len(pts)},
        "orb": {**timed(lambda: orb.detectAndCompute(a, None), rounds, max(1, calls // 4)), "count": len(ka)},
        "matchCross": {**timed(lambda: cross.match(da, db), rounds, max(1, calls // 4)), "count": len(cross.match(da, db))},
        "matchKnn": timed(lambda: plain.knnMatch(da, db, k=2), rounds, max(1, calls // 4)),
        "pyrDown": timed(lambda: cv2.pyrDown(a), rounds, calls * 5),
        "inputs": {"xy": b64(pts.reshape(-1, 2)), "descA": b64(da), "descB": b64(db)},
    }
)
