/**
 * HAL samples ↔ MCAP messages: one JSON message encoding (`messageEncoding: "json"`, schemas in `jsonschema`
 * encoding) per device kind, so Foxglove opens a recording without plug-ins:
 *
 * | kind    | schema name              | payload (JSON)                                                            |
 * |---------|--------------------------|---------------------------------------------------------------------------|
 * | camera  | `foxglove.RawImage`      | Foxglove's RawImage, its official schema (`timestamp`, `frame_id`, `width`, `height`, `encoding`, `step`, `data` base64) + `seq` |
 * | imu     | `karana.ImuSample`       | `timestamp`, `frame_id`, `gyroRadps[3]`, `accelMps2[3]`, optional `magUt[3]`, `orientationWxyz[4]` |
 * | audio   | `karana.RawAudio`        | Foxglove RawAudio's field names; `format: "pcm-f32le"`, `data` base64 of little-endian float32 |
 * | thermal | `karana.ThermalReading`  | `timestamp`, `frame_id`, `tempC`                                          |
 * | power   | `karana.PowerReading`    | `timestamp`, `frame_id`, optional `batteryPercent`, `voltageV`, `powerW`, `charging` |
 *
 * Why JSON: Foxglove reads JSON + JSON Schema natively, and the project has no protobuf or CDR library; JSON
 * numbers are IEEE doubles, so every float of a sample (float64 IMU values, float32 audio written as bytes)
 * round-trips exactly. The price is base64 for pixel and audio bytes (4/3 of their size before zstd).
 *
 * Clocks: the message's `publishTime` is the device clock (`deviceTimeNs`, exact u64); `timestamp` in the
 * payload repeats it as `{ sec, nsec }` for Foxglove's panels. `hostTimeNs` lives in `logTime` (see
 * `writer.ts`); this module only encodes the payload.
 * Sources: Foxglove schemas (github.com/foxglove/foxglove-sdk, `schemas/jsonschema/RawImage.json`,
 * `RawAudio.json`); MCAP specification (mcap.dev/spec), "Message" record.
 */
import { RawImage } from '@foxglove/schemas/jsonschema.js';
import { z } from 'zod';
import { SampleError } from '../types.js';
import type { AudioChunk, CameraFrame, DeviceKind, ImuSample, PixelFormat, PowerReading, ThermalReading } from '../types.js';

/** A sample of any kind, as decoded from a message. */
export type AnySample = CameraFrame | ImuSample | AudioChunk | ThermalReading | PowerReading;

/** A schema as registered in the MCAP file. */
export interface JsonSchemaDef {
  readonly name: string;
  readonly encoding: 'jsonschema';
  readonly data: Uint8Array;
}

/**
 * `foxglove.RawImage` exactly as Foxglove publishes it (`@foxglove/schemas`, generated from foxglove-sdk
 * `schemas/jsonschema/RawImage.json`): the one definition the camera channels of `karana record` and of the live
 * view (`src/foxglove/`) register. The payload's `seq` is a karana addition the schema does not list (it sets no
 * `additionalProperties: false`, so the message stays valid).
 */
export const FOXGLOVE_RAW_IMAGE: JsonSchemaDef = Object.freeze({ name: RawImage.title, encoding: 'jsonschema', data: new TextEncoder().encode(JSON.stringify(RawImage)) });

const time = { type: 'object', properties: { sec: { type: 'integer', minimum: 0 }, nsec: { type: 'integer', minimum: 0, maximum: 999_999_999 } } };
const vec = (n: number): object => ({ type: 'array', items: { type: 'number' }, minItems: n, maxItems: n });
const schema = (name: string, properties: Record<string, object>, required: string[]): JsonSchemaDef => ({
  name,
  encoding: 'jsonschema',
  data: new TextEncoder().encode(JSON.stringify({ title: name, type: 'object', properties: { timestamp: time, frame_id: { type: 'string' }, ...properties }, required: ['timestamp', ...required] })),
});

/** The schema of each kind (see the module documentation). */
export const SCHEMAS: Readonly<Record<DeviceKind, JsonSchemaDef>> = Object.freeze({
  camera: FOXGLOVE_RAW_IMAGE,
  imu: schema('karana.ImuSample', { gyroRadps: vec(3), accelMps2: vec(3), magUt: vec(3), orientationWxyz: vec(4) }, ['gyroRadps', 'accelMps2']),
  audio: schema(
    'karana.RawAudio',
    { data: { type: 'string', contentEncoding: 'base64' }, format: { type: 'string', const: 'pcm-f32le' }, sample_rate: { type: 'integer' }, number_of_channels: { type: 'integer' } },
    ['data', 'format', 'sample_rate', 'number_of_channels'],
  ),
  thermal: schema('karana.ThermalReading', { tempC: { type: 'number' } }, ['tempC']),
  power: schema('karana.PowerReading', { batteryPercent: { type: 'number' }, voltageV: { type: 'number' }, powerW: { type: 'number' }, charging: { type: 'boolean' } }, []),
});

const ENCODING: Readonly<Record<PixelFormat, string>> = { GRAY8: 'mono8', RGB8: 'rgb8', BGR8: 'bgr8', RGBA8: 'rgba8' };
const FORMAT: Readonly<Record<string, PixelFormat>> = { mono8: 'GRAY8', rgb8: 'RGB8', bgr8: 'BGR8', rgba8: 'RGBA8' };

/** `{ sec, nsec }` of a non-negative ns count (exact for any u64). */
export function toTime(ns: bigint): { sec: number; nsec: number } {
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/**
 * A finite number as JSON text that parses back to the same double, −0 included (`JSON.stringify(-0)` is `0`,
 * `JSON.parse('-0')` is −0). Non-finite values, which JSON cannot hold, become `null` (rejected on decode).
 */
const num = (v: number): string => (Object.is(v, -0) ? '-0' : Number.isFinite(v) ? String(v) : 'null');
const nums = (vs: readonly number[]): string => `[${vs.map(num).join(',')}]`;
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The message payload of `sample` of a device of `kind` called `frameId`. */
export function encodeSample(kind: DeviceKind, frameId: string, sample: AnySample): Uint8Array {
  const head = { timestamp: toTime(sample.deviceTimeNs), frame_id: frameId };
  switch (kind) {
    case 'camera': {
      const f = sample as CameraFrame;
      return encoder.encode(JSON.stringify({ ...head, width: f.widthPx, height: f.heightPx, encoding: ENCODING[f.format], step: f.strideBytes, data: base64(f.data), seq: f.seq }));
    }
    case 'imu': {
      const s = sample as ImuSample;
      const mag = s.magUt === undefined ? '' : `,"magUt":${nums(s.magUt)}`;
      const q = s.orientationWxyz === undefined ? '' : `,"orientationWxyz":${nums(s.orientationWxyz)}`;
      return encoder.encode(`${JSON.stringify(head).slice(0, -1)},"gyroRadps":${nums(s.gyroRadps)},"accelMps2":${nums(s.accelMps2)}${mag}${q}}`);
    }
    case 'audio': {
      const a = sample as AudioChunk;
      const le = new Uint8Array(a.samples.length * 4);
      const view = new DataView(le.buffer);
      a.samples.forEach((v, i) => view.setFloat32(i * 4, v, true));
      return encoder.encode(JSON.stringify({ ...head, data: base64(le), format: 'pcm-f32le', sample_rate: a.sampleRateHz, number_of_channels: a.channels }));
    }
    case 'thermal':
      return encoder.encode(`${JSON.stringify(head).slice(0, -1)},"tempC":${num((sample as ThermalReading).tempC)}}`);
    case 'power': {
      const p = sample as PowerReading;
      const fields = (['batteryPercent', 'voltageV', 'powerW'] as const).flatMap((k) => (p[k] === undefined ? [] : [`,"${k}":${num(p[k])}`]));
      const charging = p.charging === undefined ? '' : `,"charging":${p.charging}`;
      return encoder.encode(`${JSON.stringify(head).slice(0, -1)}${fields.join('')}${charging}}`);
    }
  }
}

const finite = z.number().refine(Number.isFinite, 'must be finite');
const triple = z.tuple([finite, finite, finite]);
const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const uint = z.number().int().nonnegative();
const PAYLOAD = {
  camera: z.object({ width: uint, height: uint, encoding: z.enum(['mono8', 'rgb8', 'bgr8', 'rgba8']), step: uint, data: b64, seq: uint.optional() }),
  imu: z.object({ gyroRadps: triple, accelMps2: triple, magUt: triple.optional(), orientationWxyz: z.tuple([finite, finite, finite, finite]).optional() }),
  audio: z.object({ data: b64, format: z.literal('pcm-f32le'), sample_rate: z.number().positive(), number_of_channels: z.number().int().positive() }),
  thermal: z.object({ tempC: finite }),
  power: z.object({ batteryPercent: finite.optional(), voltageV: finite.optional(), powerW: finite.optional(), charging: z.boolean().optional() }),
} as const;

/** Where a message came from, for errors. */
export interface MessageLocation {
  readonly deviceId: string;
  readonly file: string;
  /** Offset of the record (or of the chunk holding it) in the file. */
  readonly byteOffset: number;
}

/**
 * Decodes the payload of a message of a device of `kind`; `deviceTimeNs` comes from the message's
 * `publishTime`. Throws {@link SampleError} naming the device, the file and the byte offset when the payload
 * is not valid JSON of the kind's schema, or when its pixel or audio data has the wrong length.
 */
export function decodeSample(kind: DeviceKind, data: Uint8Array, deviceTimeNs: bigint, at: MessageLocation): AnySample {
  const fail = (why: string): never => {
    throw new SampleError(at.deviceId, { file: at.file, byteOffset: at.byteOffset }, why);
  };
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (err) {
    return fail(`message is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = PAYLOAD[kind].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`message does not match ${SCHEMAS[kind].name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  switch (kind) {
    case 'camera': {
      const p = parsed.data as z.infer<typeof PAYLOAD.camera>;
      const bytes = Buffer.from(p.data, 'base64');
      const format = FORMAT[p.encoding] as PixelFormat;
      if (p.step * p.height !== bytes.byteLength) fail(`image data has ${bytes.byteLength} bytes, expected step ${p.step} × height ${p.height}`);
      const out = new Uint8Array(bytes.byteLength);
      out.set(bytes);
      return { seq: p.seq ?? 0, deviceTimeNs, widthPx: p.width, heightPx: p.height, format, strideBytes: p.step, data: out };
    }
    case 'imu': {
      const p = parsed.data as z.infer<typeof PAYLOAD.imu>;
      return { deviceTimeNs, gyroRadps: p.gyroRadps, accelMps2: p.accelMps2, ...(p.magUt === undefined ? {} : { magUt: p.magUt }), ...(p.orientationWxyz === undefined ? {} : { orientationWxyz: p.orientationWxyz }) };
    }
    case 'audio': {
      const p = parsed.data as z.infer<typeof PAYLOAD.audio>;
      const bytes = Buffer.from(p.data, 'base64');
      if (bytes.byteLength % (4 * p.number_of_channels) !== 0) fail(`audio data has ${bytes.byteLength} bytes, not whole float32 frames of ${p.number_of_channels} channels`);
      const samples = new Float32Array(bytes.byteLength / 4);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getFloat32(i * 4, true);
      return { deviceTimeNs, sampleRateHz: p.sample_rate, channels: p.number_of_channels, samples };
    }
    case 'thermal':
      return { deviceTimeNs, tempC: (parsed.data as z.infer<typeof PAYLOAD.thermal>).tempC };
    case 'power': {
      const p = parsed.data as z.infer<typeof PAYLOAD.power>;
      const out: { -readonly [K in keyof PowerReading]: PowerReading[K] } = { deviceTimeNs };
      if (p.batteryPercent !== undefined) out.batteryPercent = p.batteryPercent;
      if (p.voltageV !== undefined) out.voltageV = p.voltageV;
      if (p.powerW !== undefined) out.powerW = p.powerW;
      if (p.charging !== undefined) out.charging = p.charging;
      return out;
    }
  }
}
