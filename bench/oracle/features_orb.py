"""Oracle: cv2.ORB. Request {frames: [png path], nfeatures}; answer per frame OpenCV's keypoints
(x, y, size, angle, response, octave as float32 rows) and descriptors (32 bytes each), base64.
With "match": [i, j], also cross-checked BFMatcher matches between frames i and j and the fraction of
them consistent with a fundamental matrix (RANSAC, 1 px), for OpenCV's features and for the
descriptors/keypoints given in "ours" ({xy, desc} base64 per frame index)."""
import cv2
import numpy as np

from common import answer, request
from features_common import b64, gray, single_thread, unb64


def epipolar_inliers(p1, p2):
    if len(p1) < 8:
        return 0.0
    _, mask = cv2.findFundamentalMat(p1, p2, cv2.FM_RANSAC, 1.0, 0.999)
    return 0.0 if mask is None else float(mask.sum()) / len(p1)


def match_quality(k1, d1, k2, d2):
    """Cross-checked matches, as coordinate pairs sorted (so that RANSAC sees equal sets in one order)."""
    bf = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
    pairs = sorted((tuple(k1[m.queryIdx]), tuple(k2[m.trainIdx])) for m in bf.match(d1, d2))
    p1 = np.float32([a for a, _ in pairs]).reshape(-1, 2)
    p2 = np.float32([b for _, b in pairs]).reshape(-1, 2)
    return {"matches": len(pairs), "inlierFraction": epipolar_inliers(p1, p2), "pairs": [list(a) + list(b) for a, b in pairs]}


single_thread()
req = request()
orb = cv2.ORB_create(req.get("nfeatures", 500))
frames, kxy, descs = [], [], []
for path in req["frames"]:
    kps, desc = orb.detectAndCompute(gray(path), None)
    rows = np.array([(k.pt[0], k.pt[1], k.size, k.angle, k.response, k.octave) for k in kps], np.float32)
    frames.append({"count": len(kps), "keypoints": b64(rows), "descriptors": b64(desc)})
    kxy.append([k.pt for k in kps])
    descs.append(desc)
result = {"frames": frames}
if "match" in req:
    i, j = req["match"]
    result["opencvMatch"] = match_quality(kxy[i], descs[i], kxy[j], descs[j])
    ours = req.get("ours")
    if ours:
        a, b = ours[str(i)], ours[str(j)]
        oxy = [unb64(x["xy"], np.float32).reshape(-1, 2) for x in (a, b)]
        od = [unb64(x["desc"], np.uint8).reshape(-1, 32) for x in (a, b)]
        result["oursMatch"] = match_quality(oxy[0], od[0], oxy[1], od[1])
        result["samePairs"] = result["oursMatch"].pop("pairs") == result["opencvMatch"]["pairs"]
    result.get("opencvMatch", {}).pop("pairs", None)
answer(result)
