"""x-io Fusion (`imufusion`, PyPI) over a batch of IMU samples: the AHRS reference of the tracking tests.

Request: {
  "timestampsNs", "gyroRadps", "accelMps2", "magUt"?: base64 float64 (n, 3n, 3n, 3n),
  "sampleRateHz": nominal rate (the AHRS and Bias settings),
  "gain", "gyroscopeRangeDps", "accelerationRejectionDeg", "magneticRejectionDeg", "rejectionTimeoutS",
  "bias": true to run Fusion's gyroscope Bias (offset) correction before the AHRS, as its examples do,
  "initialQuaternion"?: [w, x, y, z] (NWU) set before the first update,
  "repeat"?: run the whole batch this many times and report the best time (benchmark use)
}
Answer: {"quaternions": base64 float64 4n (NWU, q_world_body, Hamilton [w, x, y, z]), "version",
"bestNsPerSample"}.

Units as Fusion wants them: gyroscope in deg/s, accelerometer in g (9.80665 m/s²), magnetometer in µT
(any unit: only its direction is used). dt per sample from the timestamps (`set_sample_period`), the first
one 1 / sampleRateHz. The convention is NWU (x north, z up): the frame the native filters use with a
magnetometer; without one, Fusion's startup zeroes the heading.
"""
import time
from importlib.metadata import version

import imufusion
import numpy as np

from common import answer, b64, request, unb64

G = 9.80665


def run(req, gyro_dps, accel_g, mag, dt):
    rate = float(req["sampleRateHz"])
    ahrs = imufusion.Ahrs()
    ahrs.set_settings(
        imufusion.AhrsSettings(
            sample_rate=rate,
            convention=imufusion.CONVENTION_NWU,
            gain=float(req["gain"]),
            gyroscope_range=float(req["gyroscopeRangeDps"]),
            acceleration_rejection=float(req["accelerationRejectionDeg"]),
            magnetic_rejection=float(req["magneticRejectionDeg"]),
            rejection_timeout=float(req["rejectionTimeoutS"]) * rate,
        )
    )
    if "initialQuaternion" in req:
        ahrs.set_quaternion(np.array(req["initialQuaternion"], dtype=np.float64))
    bias = None
    if req.get("bias", False):
        bias = imufusion.Bias()
        bias.set_settings(imufusion.BiasSettings(sample_rate=rate))
    n = len(dt)
    out = np.empty((n, 4))
    for i in range(n):
        g = gyro_dps[i] if bias is None else bias.update(gyro_dps[i])
        ahrs.set_sample_period(dt[i])
        if mag is None:
            ahrs.update_no_magnetometer(g, accel_g[i])
        else:
            ahrs.update(g, accel_g[i], mag[i])
        out[i] = ahrs.get_quaternion()
    return out


def main():
    req = request()
    t = unb64(req["timestampsNs"], np.float64)
    n = len(t)
    gyro_dps = np.degrees(unb64(req["gyroRadps"], np.float64, (n, 3)))
    accel_g = unb64(req["accelMps2"], np.float64, (n, 3)) / G
    mag = unb64(req["magUt"], np.float64, (n, 3)) if "magUt" in req else None
    dt = np.diff(t, prepend=np.nan) * 1e-9
    dt[0] = 1.0 / float(req["sampleRateHz"])
    best = float("inf")
    for _ in range(int(req.get("repeat", 1))):
        start = time.perf_counter_ns()
        quaternions = run(req, gyro_dps, accel_g, mag, dt)
        best = min(best, (time.perf_counter_ns() - start) / n)
    answer({"quaternions": b64(quaternions.astype(np.float64)), "version": version("imufusion"), "bestNsPerSample": best})


main()
