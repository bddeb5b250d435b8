"""OpenCV NMS as the oracle (and timing peer) of the native detection post-processing.

Request: {"op": "compare" | "time" | "probe", "raw": base64 float32, "head": "yolox" | "yolov8",
"layout": "channelsFirst" | "anchorsFirst", "size": input side (px), "classes": C,
"settings": [{"scoreThreshold", "iouThreshold", "maxDetections"}], "reps": timing repetitions,
"letterbox": {"scale", "padX", "padY", "sourceWidth", "sourceHeight"} (time only)};
probe: {"rects": [x, y, w, h, ...], "scores", "classIds", "scoreThreshold", "iouThreshold", "topK"}.

The decode is NumPy, written independently of the native code: YOLOX grids over strides 8/16/32
(box centre (x + g)·s, size exp(log w)·s, score = obj · max cls in float32, kept when ≥ t);
YOLOv8 (cx, cy, w, h, score = max cls, kept when > t). Boxes go to OpenCV as Rect2d
(x1, y1, x2 − x1, y2 − y1) in float64.

OpenCV's conventions, and what this script does about them (apples to apples):
- score threshold: NMSBoxes keeps `score > score_threshold` with both in float32; the script gives it
  every anchor and the float32 threshold that selects the same set as the head's rule (YOLOX `≥ t`:
  the float32 just below the smallest float32 ≥ t; YOLOv8 `> t`: the largest float32 ≤ t);
- IoU: `1 − (float)(1 − inter / union)` from double areas without +1, compared `≤ nms_threshold` in
  float32 to keep: the same rule as ours (suppress when IoU > t) up to float32 rounding, so pairs
  with IoU within 1e-6 of the threshold are counted (`nearThreshold`): where they are 0, the two
  rules cannot disagree;
- eta = 1 (no adaptive threshold); top_k = 0: OpenCV's top_k truncates the candidates BEFORE NMS,
  not the kept boxes, so `maxDetections` is applied to OpenCV's kept list afterwards (greedy: the
  first k kept are the same);
- class-aware: NMSBoxesBatched offsets each box by class · (max coordinate + 1), which separates the
  classes only for boxes with non-negative corners; `perClass` runs NMSBoxes per class instead and
  merges by (score desc, index asc), exact for any boxes;
- two empty boxes: OpenCV's jaccardDistance calls them identical (IoU 1), ours IoU 0.
"""
import time

import cv2
import numpy as np

from common import answer, request, unb64

STRIDES = (8, 16, 32)


def yolox_candidates(raw, size, classes):
    rows = raw.reshape(-1, 5 + classes)
    grids, strides = [], []
    for s in STRIDES:
        g = size // s
        gy, gx = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
        grids.append(np.stack([gx.ravel(), gy.ravel()], 1))
        strides.append(np.full(g * g, s))
    grid = np.concatenate(grids).astype(np.float64)
    stride = np.concatenate(strides).astype(np.float64)
    cls = rows[:, 5:]
    class_ids = cls.argmax(1)
    scores = (rows[:, 4] * cls[np.arange(len(rows)), class_ids]).astype(np.float32)
    cx = (rows[:, 0].astype(np.float64) + grid[:, 0]) * stride
    cy = (rows[:, 1].astype(np.float64) + grid[:, 1]) * stride
    w = np.exp(rows[:, 2].astype(np.float64)) * stride
    h = np.exp(rows[:, 3].astype(np.float64)) * stride
    return np.stack([cx, cy, w, h], 1), scores, class_ids


def yolov8_candidates(raw, layout, classes):
    t = raw.reshape(4 + classes, -1).T if layout == "channelsFirst" else raw.reshape(-1, 4 + classes)
    cls = t[:, 4:]
    class_ids = cls.argmax(1)
    return t[:, :4].astype(np.float64), cls[np.arange(len(t)), class_ids], class_ids


def opencv_threshold(head, t):
    """The float32 threshold for which OpenCV's `score > thr` keeps exactly the head's set."""
    t32 = np.float32(t)
    if head == "yolox":  # score >= t  <=>  score > (float32 just below the smallest float32 >= t)
        up = t32 if float(t32) >= t else np.nextafter(t32, np.float32(np.inf))
        return np.nextafter(up, np.float32(-np.inf))
    return t32 if float(t32) <= t else np.nextafter(t32, np.float32(-np.inf))  # score > t


def rects(centre_size):
    cx, cy, w, h = centre_size.T
    x1, y1, x2, y2 = cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h
    return np.stack([x1, y1, x2 - x1, y2 - y1], 1), np.stack([x1, y1, x2, y2], 1)


def iou_matrix(b):
    w = np.clip(np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]), 0, None)
    h = np.clip(np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]), 0, None)
    inter = w * h
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area[:, None] + area[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0)


def per_class(xywh, scores, class_ids, thr, iou, keep_mask):
    kept = []
    for c in np.unique(class_ids[keep_mask]):
        idx = np.flatnonzero(keep_mask & (class_ids == c))
        kept += [int(idx[k]) for k in cv2.dnn.NMSBoxes(xywh[idx], scores[idx], thr, iou)]
    return sorted(kept, key=lambda i: (-float(scores[i]), i))


def compare(req, centre_size, scores, class_ids):
    xywh, corners = rects(centre_size)
    out = []
    for s in req["settings"]:
        t, iou, k = s["scoreThreshold"], s["iouThreshold"], s["maxDetections"]
        thr = float(opencv_threshold(req["head"], t))
        mask = scores > np.float32(thr)
        cand = np.flatnonzero(mask)
        m = iou_matrix(corners[cand])
        same = class_ids[cand][:, None] == class_ids[cand][None, :]
        near = np.abs(m - iou) < 1e-6
        np.fill_diagonal(near, False)
        out.append({
            "candidates": int(mask.sum()),
            "opencvScoreThreshold": thr,
            "agnostic": [int(i) for i in cv2.dnn.NMSBoxes(xywh, scores, thr, iou)][:k],
            "batched": [int(i) for i in cv2.dnn.NMSBoxesBatched(xywh, scores, class_ids.astype(np.int32), thr, iou)][:k],
            "perClass": per_class(xywh, scores, class_ids, thr, iou, mask)[:k],
            "nearThresholdPairs": int(near.sum() // 2),
            "nearThresholdPairsSameClass": int((near & same).sum() // 2),
        })
    return out


def median_us(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return float(np.median(times)) / 1e3


def time_peers(req, raw):
    """YOLOv8 channels-first [84, N] only: the peers of the 8400×84 benchmark, single-threaded."""
    classes, reps, lb = req["classes"], req["reps"], req["letterbox"]
    out = []
    for s in req["settings"]:
        t, iou = s["scoreThreshold"], s["iouThreshold"]
        thr = float(opencv_threshold("yolov8", t))

        def pipeline(batched):
            p = raw.reshape(4 + classes, -1).T  # transpose to [N, 84]
            cls = p[:, 4:]
            class_ids = cls.argmax(1)
            conf = cls[np.arange(len(p)), class_ids]
            keep = conf > t
            b, conf, class_ids = p[keep, :4], conf[keep], class_ids[keep]
            xywh = np.concatenate([b[:, :2] - 0.5 * b[:, 2:], b[:, 2:]], 1)  # centre → top-left
            if batched:
                idx = cv2.dnn.NMSBoxesBatched(xywh, conf, class_ids.astype(np.int32), thr, iou)
            else:
                idx = cv2.dnn.NMSBoxes(xywh, conf, thr, iou)
            idx = np.asarray(idx, dtype=np.int64).reshape(-1)
            x1y1 = (xywh[idx, :2] - (lb["padX"], lb["padY"])) / lb["scale"]
            x2y2 = (xywh[idx, :2] + xywh[idx, 2:] - (lb["padX"], lb["padY"])) / lb["scale"]
            limit = (lb["sourceWidth"], lb["sourceHeight"])
            return np.clip(np.concatenate([x1y1, x2y2], 1), 0, limit * 2), conf[idx], class_ids[idx]

        centre_size, scores, class_ids = yolov8_candidates(raw, "channelsFirst", classes)
        keep = scores > t
        xywh = rects(centre_size[keep])[0].astype(np.float32)
        sc, ci = scores[keep], class_ids[keep].astype(np.int32)
        out.append({
            "candidates": int(keep.sum()),
            "nmsBoxesUs": median_us(lambda: cv2.dnn.NMSBoxes(xywh, sc, thr, iou), reps),
            "nmsBoxesBatchedUs": median_us(lambda: cv2.dnn.NMSBoxesBatched(xywh, sc, ci, thr, iou), reps),
            "pipelineUs": median_us(lambda: pipeline(False), reps),
            "pipelineBatchedUs": median_us(lambda: pipeline(True), reps),
            "kept": len(pipeline(False)[1]),
            "keptBatched": len(pipeline(True)[1]),
        })
    return out


def probe(req):
    """OpenCV on given rects (x, y, w, h), scores, class ids: the convention checks."""
    b = np.asarray(req["rects"], np.float64).reshape(-1, 4)
    s = np.asarray(req["scores"], np.float32)
    c = np.asarray(req["classIds"], np.int32)
    t, iou, top_k = req["scoreThreshold"], req["iouThreshold"], req.get("topK", 0)
    return {
        "agnostic": [int(i) for i in cv2.dnn.NMSBoxes(b, s, t, iou, top_k=top_k)],
        "batched": [int(i) for i in cv2.dnn.NMSBoxesBatched(b, s, c, t, iou, top_k=top_k)],
    }


def main():
    req = request()
    cv2.setNumThreads(1)
    if req["op"] == "probe":
        answer(probe(req))
        return
    raw = unb64(req["raw"], np.float32)
    if req["op"] == "time":
        answer({"opencv": cv2.__version__, "numpy": np.__version__, "results": time_peers(req, raw)})
        return
    if req["head"] == "yolox":
        centre_size, scores, class_ids = yolox_candidates(raw, req["size"], req["classes"])
    else:
        centre_size, scores, class_ids = yolov8_candidates(raw, req["layout"], req["classes"])
    answer({"opencv": cv2.__version__, "results": compare(req, centre_size, scores, class_ids)})


main()
