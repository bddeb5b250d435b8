/**
 * Test helpers for the HUD: real frames decoded from the sample session's world camera (768×432 JPEGs,
 * CC-BY-4.0, `hal/sessions/sample/world/`), a bus on the host clock, a stats callback, and a WebSocket
 * client that collects and decodes what the server pushes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import type { CameraFrame, CameraRole, PixelFormat } from '../../hal/types.js';
import { Bus } from '../../src/bus/bus.js';
import type { CameraFrameEvent, HudScene } from '../../src/bus/topics.js';
import { decodeFrameMessage, type FrameHeader } from '../../src/hud/frame-codec.js';
import type { HudStats } from '../../src/hud/types.js';
import { packageRoot } from '../../src/paths.js';

export const WORLD_DIR = join(packageRoot(), 'hal/sessions/sample/world/data');

/** A bus on the host monotonic clock, flushing on the asap scheduler (as outside a tick). */
export function hostBus(): Bus {
  return new Bus({ now: () => Number(process.hrtime.bigint()) });
}

/** Sorted JPEG file names of the sample world camera (`<capture time ns>.jpg`). */
export function worldJpegNames(): string[] {
  return readdirSync(WORLD_DIR)
    .filter((f) => f.endsWith('.jpg'))
    .sort();
}

/** A decoded sample frame: tightly packed RGB8 pixels. */
export interface RawImage {
  readonly name: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly rgb: Buffer;
}

/** Decode sample JPEGs to raw RGB8 with sharp. */
export async function decodeWorldFrames(names: readonly string[]): Promise<RawImage[]> {
  return Promise.all(
    names.map(async (name) => {
      const { data, info } = await sharp(join(WORLD_DIR, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { name, widthPx: info.width, heightPx: info.height, rgb: data };
    }),
  );
}

/** A HAL frame of `image`, in `format` (converted from RGB8), rows padded to `strideBytes` when given. */
export function halFrame(image: RawImage, seq: number, format: PixelFormat = 'RGB8', strideBytes?: number): CameraFrame {
  const channels = { GRAY8: 1, RGB8: 3, BGR8: 3, RGBA8: 4 }[format];
  const w = image.widthPx;
  const h = image.heightPx;
  const stride = strideBytes ?? w * channels;
  const data = new Uint8Array(stride * h);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const s = (y * w + x) * 3;
      const d = y * stride + x * channels;
      const r = image.rgb[s] as number;
      const g = image.rgb[s + 1] as number;
      const b = image.rgb[s + 2] as number;
      if (format === 'GRAY8') data[d] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      else if (format === 'BGR8') data.set([b, g, r], d);
      else if (format === 'RGBA8') data.set([r, g, b, 255], d);
      else data.set([r, g, b], d);
    }
  }
  return { seq, deviceTimeNs: BigInt(seq) * 100_000_000n, widthPx: w, heightPx: h, format, strideBytes: stride, data };
}

export function frameEvent(frame: CameraFrame, deviceId = 'world', role: CameraRole = 'world'): CameraFrameEvent {
  return { deviceId, role, tNs: frame.seq * 100_000_000, frame };
}

/** A plausible stats figure for the stats callback. */
export function fakeStats(tNs = 0): HudStats {
  return {
    sessionName: 'sample',
    mode: 'real',
    speed: 1,
    progress: { tNs, durationNs: 10e9 },
    tick: { hz: 100, lateness: { p50Ns: 120_000, p99Ns: 900_000, maxNs: 2_100_000 }, overruns: 1 },
    bus: [
      { topic: 'camera.frame', published: 100, dropped: 3, p99LatencyNs: 4_000_000 },
      { topic: 'imu.samples', published: 1000, dropped: 0, p99LatencyNs: 900_000 },
      { topic: 'objects.detected', published: 49, dropped: 0, p99LatencyNs: 2_000_000 },
      { topic: 'pose.updated', published: 1000, dropped: 12, p99LatencyNs: 1_000_000 },
      { topic: 'ui.hud', published: 300, dropped: 0, p99LatencyNs: 1_000_000 },
      { topic: 'device.state', published: 0, dropped: 0, p99LatencyNs: 0 },
    ],
    detections: { fps: 4.9, inferenceP50Ms: 41.5 },
  };
}

/**
 * A scene for frame `seq` with one detection box computed on frame `detectionSeq` (a detector lags the
 * camera) and an attitude that changes with `seq`.
 */
export function sceneFor(seq: number, box: readonly [number, number, number, number], detectionSeq = seq): HudScene {
  return {
    tNs: seq * 100_000_000,
    world: { deviceId: 'world', frameSeq: seq, widthPx: 768, heightPx: 432 },
    detections: { frameSeq: detectionSeq, objects: [{ classId: 0, label: 'person', score: 0.87, boxPx: box }] },
    attitude: { rollDeg: 12 * Math.sin(seq / 3), pitchDeg: -4 + 6 * Math.cos(seq / 4), yawDeg: 30 + seq },
    thermal: { tempC: 52.5 + seq / 10, zone: 'cpu-thermal' },
    battery: { percent: 81, voltageV: 3.92, charging: false },
    profile: 'balanced',
    micLevelDbfs: -28 + (seq % 10),
  };
}

export interface FrameMessage {
  readonly header: FrameHeader;
  readonly jpeg: Buffer;
}

/** A WebSocket client that keeps every message, decoded: text as JSON, binary as frame header + JPEG. */
export class HudTestClient {
  readonly texts: Array<Record<string, unknown>> = [];
  readonly frames: FrameMessage[] = [];
  readonly ws: WebSocket;
  private readonly waiters = new Set<() => void>();

  constructor(url: string) {
    this.ws = new WebSocket(new URL('ws', url).href.replace(/^http/, 'ws'));
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.frames.push(decodeFrameMessage(data));
      else this.texts.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>);
      for (const w of this.waiters) w();
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  ofType(type: string): Array<Record<string, unknown>> {
    return this.texts.filter((t) => t.type === type);
  }

  /** Resolve once `predicate()` holds (checked on every message); reject after `timeoutMs` naming `what`. */
  until(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): void {
    this.ws.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll `predicate` every 5 ms until it holds; reject after `timeoutMs` naming `what`. */
export async function poll(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
