"""Smoke test of the oracle set-up: versions of the reference libraries."""
import cv2
import imufusion  # noqa: F401
import numpy as np

from common import answer, request

req = request()
answer({"echo": req, "opencv": cv2.__version__, "numpy": np.__version__, "threads": cv2.getNumThreads()})
