"""OpenCV `cv2.resize` (INTER_LINEAR, INTER_AREA) as the reference of the native `Resizer`
(`test/native/image-resize.test.ts`, `bench/native/image.ts`).

Request: `{frames: {name: frame}, cases: [{frame, width, height, interpolation: 'linear' | 'area'}],
repeats?}` (frames as in `image_common.frame`). Answer: per case the output (base64) and, with `repeats`,
its median and best µs.
"""
import cv2

from common import answer, request
from image_common import b64, frame, single_thread, steady_allocator, timed

INTERPOLATION = {"linear": cv2.INTER_LINEAR, "area": cv2.INTER_AREA}


def main():
    req = request()
    single_thread()
    frames = {name: frame(spec) for name, spec in req["frames"].items()}
    repeats = req.get("repeats", 0)
    if repeats:
        steady_allocator()
    results = []
    for case in req["cases"]:
        img, size = frames[case["frame"]], (case["width"], case["height"])
        code = INTERPOLATION[case["interpolation"]]
        r = {"out": b64(cv2.resize(img, size, interpolation=code))}
        if repeats:
            r.update(timed(lambda: cv2.resize(img, size, interpolation=code), repeats))
        results.append(r)
    answer({"results": results})


main()
