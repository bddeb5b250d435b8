"""Reference implementations for the phase area (karana-phase), independent of the Rust code.

Request {"op": "clock", "device": b64 int64, "host": b64 int64}: the one-way clock line over ALL the
pairs, computed in exact Python integers — the lower convex hull of (x = device - device[0],
y = host - device) by Andrew's monotone chain, then the hull edge spanning the centroid of x (the
solution of Moon, Skelly & Towsley's linear program, INFOCOM 1999) — and the NumPy least-squares line.
Answer: {"hull": {"slope", "offsetAtLastNs", "vertices"}, "lsq": {"slope", "offsetAtLastNs"}}; offsets
are host - device at the last device stamp.

Request {"op": "circular", "angles": b64 float64, "weights": b64 float64 | null, "b": b64 float64}:
NumPy circular statistics (complex mean of e^{i theta}), wrapped angles and wrapped differences
angles - b. Answer: {"meanRad", "resultantLength", "variance", "stdRad", "wrapped": b64, "diff": b64}.
"""
from fractions import Fraction

import numpy as np

from common import answer, b64, request, unb64


def lower_hull(xs, ys):
    hull = []
    for p in zip(xs, ys):
        while len(hull) >= 2:
            (ox, oy), (ax, ay) = hull[-2], hull[-1]
            if (ax - ox) * (p[1] - oy) - (ay - oy) * (p[0] - ox) <= 0:
                hull.pop()
            else:
                break
        if hull and hull[-1][0] == p[0]:
            if p[1] >= hull[-1][1]:
                continue
            hull.pop()
        hull.append(p)
    return hull


def clock(req):
    d = [int(v) for v in unb64(req["device"], np.int64)]
    h = [int(v) for v in unb64(req["host"], np.int64)]
    xs = [v - d[0] for v in d]
    ys = [hv - dv for hv, dv in zip(h, d)]
    hull = lower_hull(xs, ys)
    centroid = Fraction(sum(xs), len(xs))
    k = next((i for i in range(1, len(hull)) if hull[i][0] > centroid), len(hull) - 1)
    (ax, ay), (bx, by) = hull[k - 1], hull[k]
    slope = Fraction(by - ay, bx - ax)
    at_last = ay + slope * (xs[-1] - ax)
    x = np.array(xs, dtype=np.float64)
    y = np.array(ys, dtype=np.float64)
    ls_slope, ls_icpt = np.polyfit(x - x.mean(), y - y.mean(), 1)
    ls_last = y.mean() + ls_slope * (x[-1] - x.mean())
    return {
        "hull": {"slope": float(slope), "offsetAtLastNs": float(at_last), "vertices": len(hull)},
        "lsq": {"slope": float(ls_slope), "offsetAtLastNs": float(ls_last)},
    }


def circular(req):
    a = unb64(req["angles"], np.float64)
    w = unb64(req["weights"], np.float64) if req.get("weights") else np.ones_like(a)
    z = np.sum(w * np.exp(1j * a))
    r = min(abs(z) / np.sum(w), 1.0)
    mean = float(np.angle(z))
    wrapped = np.mod(a + np.pi, 2 * np.pi) - np.pi
    wrapped[wrapped == -np.pi] = np.pi
    b = unb64(req["b"], np.float64)
    diff = np.mod(a - b + np.pi, 2 * np.pi) - np.pi
    diff[diff == -np.pi] = np.pi
    return {
        "meanRad": np.pi if mean == -np.pi else mean,
        "resultantLength": float(r),
        "variance": float(1 - r),
        "stdRad": float(np.sqrt(-2 * np.log(r))) if r > 0 else float("inf"),
        "wrapped": b64(wrapped),
        "diff": b64(diff),
    }


req = request()
answer({"clock": clock, "circular": circular}[req["op"]](req))
