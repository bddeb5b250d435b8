"""VQF (PyPI `vqf` 2.1.2) over a recording: the AHRS reference of `bench/ahrs-eval.bench.ts`.

D. Laidig and T. Seel, "VQF: Highly Accurate IMU Orientation Estimation with Bias Estimation and Magnetic
Disturbance Rejection", Information Fusion 91 (2023) 187-204, doi:10.1016/j.inffus.2022.10.014. The online
(causal) filter `vqf.VQF` with its default parameters (the offline, forward-backward `offlineVQF` would see
the future and is not what a headset can run).

Request: {
  "gyroRadps", "accelMps2", "magUt"?: base64 float64 (3n each, body frame, rad/s, m/s², any unit),
  "samplePeriodS": the sampling time VQF is built with (it assumes a constant rate),
  "repeat"?: run the whole batch this many times and report the best time (benchmark use)
}
Answer: {"quat6D": base64 float64 4n, "quat9D"?: base64 float64 4n (VQF's earth frame: ENU, z up;
6D heading arbitrary), "bias": base64 float64 3n (rad/s), "restDetected": fraction of samples at rest,
"version", "bestNsPerSample"}.
"""
import time
from importlib.metadata import version

import numpy as np
from vqf import VQF

from common import answer, b64, request, unb64


def main():
    req = request()
    gyr = np.ascontiguousarray(unb64(req["gyroRadps"], np.float64).reshape(-1, 3))
    acc = np.ascontiguousarray(unb64(req["accelMps2"], np.float64).reshape(-1, 3))
    mag = np.ascontiguousarray(unb64(req["magUt"], np.float64).reshape(-1, 3)) if "magUt" in req else None
    ts = float(req["samplePeriodS"])
    best = float("inf")
    out = None
    for _ in range(int(req.get("repeat", 1))):
        start = time.perf_counter_ns()
        out = VQF(ts).updateBatch(gyr, acc, mag) if mag is not None else VQF(ts).updateBatch(gyr, acc)
        best = min(best, (time.perf_counter_ns() - start) / len(gyr))
    res = {
        "quat6D": b64(out["quat6D"].astype(np.float64)),
        "bias": b64(out["bias"].astype(np.float64)),
        "restDetected": float(np.mean(out["restDetected"])),
        "version": version("vqf"),
        "bestNsPerSample": best,
    }
    if mag is not None:
        res["quat9D"] = b64(out["quat9D"].astype(np.float64))
    answer(res)


main()
