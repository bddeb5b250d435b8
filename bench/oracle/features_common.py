"""Shared helpers of the features oracles: frames read by OpenCV from the PNG paths in a request."""
import cv2

from common import b64, unb64  # noqa: F401  (re-exported for the oracle scripts)


def gray(path):
    """A real frame as 8-bit gray, as OpenCV reads it (EuRoC cam0 PNGs are already gray)."""
    img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise FileNotFoundError(path)
    return img


def single_thread():
    """OpenCV on one thread, as the native kernels run (comparisons and timings)."""
    cv2.setNumThreads(1)
