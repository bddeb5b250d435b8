"""OpenCV undistortion as the reference of the native `undistortPointsSync` and `Undistorter`
(`test/native/image-undistort.test.ts`, `bench/native/image.ts`): `cv2.undistortPoints` /
`cv2.fisheye.undistortPoints` (normalized and, with P = K', pixel output), `cv2.initUndistortRectifyMap`
/ `cv2.fisheye.initUndistortRectifyMap` (R = I, CV_32FC1) and `cv2.remap` (INTER_LINEAR,
BORDER_CONSTANT 0) of real frames.

Request: `{camera: {intrinsics, distortionModel, distortion}, width, height, newIntrinsics?,
frames: [frame], points: base64 float64 (x, y pairs), criteria?: {maxIterations, epsilon}, repeats?}`.
Answer: `mapX`, `mapY` (float32), `remapped` (one per frame), `points` (normalized), `pointsPixel`
(float64), and with `repeats` the median and best µs of the map build, one remap and the points.
"""
import cv2
import numpy as np

from common import answer, request
from image_common import b64, frame, single_thread, steady_allocator, timed, unb64


def matrix(v):
    fx, fy, cx, cy = v
    return np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], np.float64)


def main():
    req = request()
    single_thread()
    cam = req["camera"]
    k, d = matrix(cam["intrinsics"]), np.asarray(cam["distortion"], np.float64)
    new_k = matrix(req["newIntrinsics"]) if req.get("newIntrinsics") else k
    fisheye = cam["distortionModel"] == "equidistant"
    size = (req["width"], req["height"])
    pts = unb64(req["points"], np.float64).reshape(-1, 1, 2)
    crit = req.get("criteria")
    if fisheye:
        c = crit and (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, crit["maxIterations"], crit["epsilon"])
        c = c or (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 10, 1e-8)
        build = lambda: cv2.fisheye.initUndistortRectifyMap(k, d, np.eye(3), new_k, size, cv2.CV_32FC1)  # noqa: E731
        undistort = lambda p=None: cv2.fisheye.undistortPoints(pts, k, d, P=p, criteria=c)  # noqa: E731
    else:
        kind = cv2.TERM_CRITERIA_COUNT | (cv2.TERM_CRITERIA_EPS if crit is None or crit["epsilon"] > 0 else 0)
        c = (kind, crit["maxIterations"], crit["epsilon"]) if crit else (kind, 30, 1e-9)
        build = lambda: cv2.initUndistortRectifyMap(k, d, None, new_k, size, cv2.CV_32FC1)  # noqa: E731
        undistort = lambda p=None: cv2.undistortPoints(pts, k, d, P=p, criteria=c)  # noqa: E731
    map_x, map_y = build()
    frames = [frame(f) for f in req["frames"]]
    remap = lambda img: cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)  # noqa: E731
    out = {
        "mapX": b64(map_x), "mapY": b64(map_y),
        "remapped": [b64(remap(f)) for f in frames],
        "points": b64(undistort().astype(np.float64)),
        "pointsPixel": b64(undistort(new_k).astype(np.float64)),
    }
    repeats = req.get("repeats", 0)
    if repeats:
        steady_allocator()
        out["times"] = {"map": timed(build, max(5, repeats // 10)), "remap": timed(lambda: remap(frames[0]), repeats),
                        "points": timed(undistort, repeats)}
    answer(out)


main()
