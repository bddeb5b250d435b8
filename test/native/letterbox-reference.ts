/**
 * Straightforward pure-TypeScript letterbox, the reference for the native kernel: every tensor
 * value evaluated on its own, in float64, from the documented convention (YOLOX `preproc` size,
 * OpenCV INTER_LINEAR pixel centres, `(v − mean) · scale`).
 */
import type { FrameView, LetterboxOptions, LetterboxResult } from '../../native/index.js';

const BYTES_PER_PIXEL = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 } as const;
/** Byte offsets of R, G, B within a pixel. */
const RGB_OFFSETS = { GRAY8: [0, 0, 0], RGB8: [0, 1, 2], BGR8: [2, 1, 0], RGBA8: [0, 1, 2] } as const;

/** Source index pair and weight for output pixel `d` (OpenCV: clamp to the edge pixel, weight 0). */
function tap(d: number, srcLen: number, dstLen: number): [number, number, number] {
  const s = ((d + 0.5) * srcLen) / dstLen - 0.5;
  const i = Math.floor(s);
  if (s < 0) return [0, 0, 0];
  if (i >= srcLen - 1) return [srcLen - 1, srcLen - 1, 0];
  return [i, i + 1, s - i];
}

export function letterboxReference(frame: FrameView, o: LetterboxOptions): { tensor: Float64Array; result: LetterboxResult } {
  const { widthPx: w, heightPx: h, format } = frame;
  const { targetWidth: tw, targetHeight: th } = o;
  const bpp = BYTES_PER_PIXEL[format];
  const stride = frame.strideBytes ?? w * bpp;
  const r = Math.min(tw / w, th / h);
  const rw = Math.min(tw, Math.max(1, Math.floor(w * r + 1e-6)));
  const rh = Math.min(th, Math.max(1, Math.floor(h * r + 1e-6)));
  const center = (o.align ?? 'center') === 'center';
  const padX = center ? Math.floor((tw - rw) / 2) : 0;
  const padY = center ? Math.floor((th - rh) / 2) : 0;
  const order = o.channelOrder ?? 'RGB';
  const mean = o.mean ?? [0, 0, 0];
  const scale = o.scale ?? [1, 1, 1];
  const pad = o.padValue ?? 114;
  const tensor = new Float64Array(3 * tw * th);
  for (let c = 0; c < 3; c++) {
    const offset = RGB_OFFSETS[format][order === 'RGB' ? c : 2 - c] as number;
    const px = (x: number, y: number): number => frame.data[y * stride + x * bpp + offset] as number;
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        let v = pad;
        if (x >= padX && x < padX + rw && y >= padY && y < padY + rh) {
          const [x0, x1, fx] = tap(x - padX, w, rw);
          const [y0, y1, fy] = tap(y - padY, h, rh);
          v = (1 - fy) * ((1 - fx) * px(x0, y0) + fx * px(x1, y0)) + fy * ((1 - fx) * px(x0, y1) + fx * px(x1, y1));
        }
        tensor[(c * th + y) * tw + x] = (v - (mean[c] as number)) * (scale[c] as number);
      }
    }
  }
  const result = { scale: r, padX, padY, resizedWidth: rw, resizedHeight: rh, sourceWidth: w, sourceHeight: h, targetWidth: tw, targetHeight: th };
  return { tensor, result };
}
