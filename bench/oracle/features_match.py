"""Oracle: cv2.BFMatcher(NORM_HAMMING). Request {query, train: base64 descriptors, bytes: per
descriptor}; answer .match with crossCheck False and True, and knnMatch(k=2), as int32 arrays."""
import cv2
import numpy as np

from common import answer, request
from features_common import b64, single_thread, unb64

single_thread()
req = request()
n = req.get("bytes", 32)
q = unb64(req["query"], np.uint8).reshape(-1, n)
t = unb64(req["train"], np.uint8).reshape(-1, n)


def rows(ms):
    return b64(np.array([(m.queryIdx, m.trainIdx, int(m.distance)) for m in ms], np.int32).reshape(-1, 3))


plain = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=False).match(q, t)
cross = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(q, t)
knn = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(q, t, k=2)
knn_rows = np.full((len(q), 4), -1, np.int32)
for i, pair in enumerate(knn):
    for k, m in enumerate(pair):
        knn_rows[i, 2 * k] = m.trainIdx
        knn_rows[i, 2 * k + 1] = int(m.distance)
answer({"plain": rows(plain), "cross": rows(cross), "knn": b64(knn_rows)})
