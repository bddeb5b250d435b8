"""Shared helpers of the image oracles: frames from a request, single-threaded OpenCV, timings.

Timings: `cv2.setNumThreads(1)`; each operation is run `repeats` times and timed with
`time.perf_counter_ns`, after a warm-up; the median and the best are reported in µs. The allocator
is put in a steady state first (`mallopt`: no `mmap` for large blocks, no trimming), so that OpenCV's
per-call output allocations reuse memory instead of page-faulting fresh pages each call: without
it the same pipeline measures 2-4x slower on the development VM, depending on the allocator's
history. This favours OpenCV (the ratios are conservative).
"""
import ctypes
import time

import cv2
import numpy as np

from common import b64, unb64  # noqa: F401  (re-exported for the image oracles)

CHANNELS = {"GRAY8": 1, "RGB8": 3, "BGR8": 3, "RGBA8": 4}


def single_thread():
    cv2.setNumThreads(1)


def steady_allocator():
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 1 << 30)
    libc.mallopt(m_trim_threshold, 1 << 30)


def frame(spec):
    """`{data: base64, width, height, format}` (packed rows) or `{path}` (a gray PNG) as an array."""
    if "path" in spec:
        img = cv2.imread(spec["path"], cv2.IMREAD_GRAYSCALE)
        if img is None:
            raise FileNotFoundError(spec["path"])
        return img
    cn = CHANNELS[spec["format"]]
    shape = (spec["height"], spec["width"]) if cn == 1 else (spec["height"], spec["width"], cn)
    return unb64(spec["data"], np.uint8, shape).copy()


def timed(fn, repeats):
    """Median and best of `repeats` calls of `fn`, µs (after 10 % warm-up calls)."""
    for _ in range(max(1, repeats // 10)):
        fn()
    spans = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        fn()
        spans.append(time.perf_counter_ns() - t0)
    spans.sort()
    return {"medianUs": spans[len(spans) // 2] / 1e3, "bestUs": spans[0] / 1e3}
