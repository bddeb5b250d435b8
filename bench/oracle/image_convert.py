"""OpenCV `cv2.cvtColor` as the reference of the native conversions (`test/native/image-convert.test.ts`,
`bench/native/image.ts`).

Ops:
- `frame`: from a real RGB8 frame, the inputs OpenCV makes (BGR8, RGBA8, GRAY8; YUYV by
  `COLOR_RGB2YUV_YUYV`; NV12 from `COLOR_RGB2YUV_I420` with the U and V planes interleaved) and
  OpenCV's decode of each (`conversions`), all base64;
- `exhaustive`: SHA-256 of every input value through OpenCV: all 2^24 RGB triples (4096 x 4096 RGB8
  image, pixel i = (i >> 16, i >> 8 & 255, i & 255)) to GRAY8; all 2^24 Y, U, V triples as YUYV
  (256 x 65536: row r has U = r >> 8, V = r & 255, pixel x has Y = x) and as NV12 (1024 x 16384: 2 x 2
  block b = bx + 512 by has U, V = (b >> 6) >> 8, (b >> 6) & 255 and Y = 4 (b & 63) + [0, 1; 2, 3]) to RGB8;
  with the inputs' hashes, so the caller can check that it built the same images;
- `time`: median and best µs of each conversion on the frame.
"""
import hashlib

import cv2
import numpy as np

from common import answer, request
from image_common import b64, single_thread, steady_allocator, timed, unb64

CODES = {
    "YUYV>RGB8": cv2.COLOR_YUV2RGB_YUYV,
    "YUYV>GRAY8": cv2.COLOR_YUV2GRAY_YUYV,
    "NV12>RGB8": cv2.COLOR_YUV2RGB_NV12,
    "NV12>GRAY8": cv2.COLOR_YUV2GRAY_NV12,
    "RGB8>GRAY8": cv2.COLOR_RGB2GRAY,
    "BGR8>GRAY8": cv2.COLOR_BGR2GRAY,
    "RGBA8>GRAY8": cv2.COLOR_RGBA2GRAY,
    "GRAY8>RGB8": cv2.COLOR_GRAY2RGB,
    "BGR8>RGB8": cv2.COLOR_BGR2RGB,
    "RGBA8>RGB8": cv2.COLOR_RGBA2RGB,
}


def inputs(rgb):
    h, w = rgb.shape[:2]
    i420 = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)
    u = i420[h:h + h // 4].reshape(h // 2, w // 2)
    v = i420[h + h // 4:].reshape(h // 2, w // 2)
    nv12 = np.vstack([i420[:h], np.stack([u, v], -1).reshape(h // 2, w)])
    return {
        "RGB8": rgb,
        "BGR8": cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
        "RGBA8": cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA),
        "GRAY8": cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY),
        "YUYV": cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_YUYV),
        "NV12": nv12,
    }


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def exhaustive():
    i = np.arange(1 << 24, dtype=np.uint32)
    rgb = np.stack([i >> 16, (i >> 8) & 255, i & 255], -1).astype(np.uint8).reshape(4096, 4096, 3)
    r = np.arange(65536, dtype=np.uint32)
    yuyv = np.empty((65536, 256, 2), np.uint8)
    yuyv[:, :, 0] = np.arange(256, dtype=np.uint8)
    yuyv[:, 0::2, 1] = (r >> 8)[:, None]
    yuyv[:, 1::2, 1] = (r & 255)[:, None]
    b = np.arange(512 * 8192, dtype=np.uint32).reshape(8192, 512)
    uv, sub = b >> 6, (b & 63) * 4
    y = np.empty((16384, 1024), np.uint8)
    y[0::2, 0::2], y[0::2, 1::2], y[1::2, 0::2], y[1::2, 1::2] = sub, sub + 1, sub + 2, sub + 3
    nv12 = np.vstack([y, np.stack([uv >> 8, uv & 255], -1).astype(np.uint8).reshape(8192, 1024)])
    out = {}
    for name, img, code in [("RGB8>GRAY8", rgb, cv2.COLOR_RGB2GRAY), ("YUYV>RGB8", yuyv, cv2.COLOR_YUV2RGB_YUYV),
                            ("NV12>RGB8", nv12, cv2.COLOR_YUV2RGB_NV12)]:
        out[name] = {"input": sha(img), "output": sha(cv2.cvtColor(img, code))}
    return out


def main():
    req = request()
    single_thread()
    if req["op"] == "exhaustive":
        return answer({"hashes": exhaustive()})
    rgb = unb64(req["rgb"], np.uint8, (req["height"], req["width"], 3))
    ins = inputs(rgb)
    if req["op"] == "frame":
        conv = {k: b64(cv2.cvtColor(ins[k.split(">")[0]], c)) for k, c in CODES.items()}
        return answer({"inputs": {k: b64(v) for k, v in ins.items()}, "conversions": conv})
    steady_allocator()
    repeats = req.get("repeats", 200)
    times = {k: timed(lambda src=ins[k.split(">")[0]], c=c: cv2.cvtColor(src, c), repeats) for k, c in CODES.items()}
    answer({"times": times})


main()
