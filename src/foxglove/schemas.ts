/**
 * The schemas of the live view and of bus recordings: JSON messages (`encoding: "json"`) described by JSON Schema
 * (`schemaEncoding: "jsonschema"`), so Foxglove and Lichtblick open them without plug-ins.
 *
 * Foxglove's own schemas come from `@foxglove/schemas` (its `jsonschema` export, generated from foxglove-sdk
 * `schemas/jsonschema/*.json`), never rewritten here; `foxglove.RawImage` and `karana.ImuSample` are the very
 * definitions `karana record` registers (`hal/mcap/codec.ts`), so a recording and the live view agree byte for
 * byte on them. Every other bus topic gets a loose `karana.<Topic>` schema (`genericSchema`).
 *
 * Clock: message `timestamp`s are on the runtime clock (ns since the runtime started; virtual with `--speed 0`),
 * written as Foxglove's `time` `{ sec, nsec }` (`runtimeTime`). Source: Foxglove schemas
 * (docs.foxglove.dev/docs/sdk/schemas), JSON Schema draft 2020-12.
 */
import {
  CameraCalibration,
  CompressedImage,
  FrameTransforms,
  ImageAnnotations,
  Log,
  PoseInFrame,
  SceneUpdate,
} from '@foxglove/schemas/jsonschema.js';
import { FOXGLOVE_RAW_IMAGE, SCHEMAS, type JsonSchemaDef } from '../../hal/mcap/codec.js';
import type { TopicName } from '../bus/topics.js';

export type { JsonSchemaDef };

const encoder = new TextEncoder();

/** A Foxglove schema object (`title` is its name) as a registrable definition. */
function official(schema: { readonly title: string }): JsonSchemaDef {
  return Object.freeze({ name: schema.title, encoding: 'jsonschema', data: encoder.encode(JSON.stringify(schema)) });
}

/** The schemas this module's encoders write. */
export const FOXGLOVE_SCHEMAS = Object.freeze({
  rawImage: FOXGLOVE_RAW_IMAGE,
  compressedImage: official(CompressedImage),
  cameraCalibration: official(CameraCalibration),
  poseInFrame: official(PoseInFrame),
  frameTransforms: official(FrameTransforms),
  imageAnnotations: official(ImageAnnotations),
  sceneUpdate: official(SceneUpdate),
  log: official(Log),
  imu: SCHEMAS.imu,
});

/** `thermal.reading` → `karana.ThermalReading`. */
export function genericSchemaName(topic: string): string {
  const pascal = topic
    .split(/[._-]/)
    .filter((w) => w.length > 0)
    .map((w) => `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`)
    .join('');
  return `karana.${pascal}`;
}

/**
 * The schema of a bus topic without a Foxglove counterpart: an object with a runtime-clock `timestamp` and the
 * payload's fields as the event log writes them (the topic's `toLog` form, typed arrays as arrays); fields are not
 * listed (the payload types live in `src/bus/topics.ts`), so any payload is valid.
 */
export function genericSchema(topic: TopicName): JsonSchemaDef {
  const name = genericSchemaName(topic);
  const schema = {
    title: name,
    description: `Payload of the karana bus topic "${topic}" (src/bus/topics.ts), as in the event log, with its runtime-clock timestamp`,
    type: 'object',
    properties: {
      timestamp: {
        type: 'object',
        title: 'time',
        description: 'Runtime clock (ns since the runtime started) as seconds and nanoseconds',
        properties: { sec: { type: 'integer', minimum: 0 }, nsec: { type: 'integer', minimum: 0, maximum: 999_999_999 } },
      },
    },
    required: ['timestamp'],
  };
  return Object.freeze({ name, encoding: 'jsonschema', data: encoder.encode(JSON.stringify(schema)) });
}

/** Foxglove `time` of a runtime-clock time, ns (rounded to whole ns; negative times clamp to 0). */
export function runtimeTime(ns: number): { sec: number; nsec: number } {
  const whole = Math.max(0, Math.round(Number.isFinite(ns) ? ns : 0));
  const sec = Math.floor(whole / 1e9);
  return { sec, nsec: whole - sec * 1e9 };
}

/** Runtime-clock ns as the u64 the protocol and MCAP want (rounded; negative clamps to 0). */
export function runtimeNsU64(ns: number): bigint {
  return BigInt(Math.max(0, Math.round(Number.isFinite(ns) ? ns : 0)));
}

/** `JSON.stringify` with typed arrays as arrays and bigints as strings, as UTF-8 bytes. */
export function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value, jsonReplacer));
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
