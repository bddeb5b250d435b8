/**
 * The channel table shared by the live view (`server.ts`) and bus recordings (`src/record/bus-record.ts`): which
 * Foxglove topics a runtime has, their schemas, the bus topics feeding each, and how an event becomes messages.
 *
 * | Foxglove topic               | schema                      | from bus topic                   |
 * |------------------------------|-----------------------------|----------------------------------|
 * | `/camera/<id>/image`         | `foxglove.RawImage`         | `camera.frame` (GRAY8 cameras; all with `images: "raw"`) |
 * | `/camera/<id>/compressed`    | `foxglove.CompressedImage`  | `camera.frame` (colour cameras; all with `images: "jpeg"`) |
 * | `/camera/<id>/calibration`   | `foxglove.CameraCalibration`| `camera.frame` (calibrated cameras, one per frame) |
 * | `/imu/<id>`                  | `karana.ImuSample`          | `imu.samples` (one message per sample) |
 * | `/pose/<source>`             | `foxglove.PoseInFrame`      | `pose.updated` (`vio`, `predicted`, `ahrs`) |
 * | `/tf`                        | `foxglove.FrameTransforms`  | `pose.updated`                   |
 * | `/objects/detected`          | `foxglove.ImageAnnotations` | `objects.detected`               |
 * | `/objects/tracked`           | `foxglove.ImageAnnotations` | `objects.tracked`                |
 * | `/anchors`                   | `foxglove.SceneUpdate`      | `anchors.updated`                |
 * | `/log`                       | `foxglove.Log`              | `device.state`, `device.sample_skipped`, `tracking.state`, `anchor.result`, `resources.changed` |
 * | `/<bus topic>`               | `karana.<Topic>`            | every bus topic without a channel above, and the logged ones in full |
 *
 * Camera and IMU channels exist for the devices given (`devices`, the session's device infos); events of other
 * devices are not shown. A message's time (`tNs`) is the event's own time on the runtime clock (capture time for
 * sensors); the bus publication time is the caller's `logTime`.
 */
import type { CameraInfo, DeviceInfo, ImuInfo } from '../../hal/types.js';
import { encodeSample } from '../../hal/mcap/codec.js';
import type { AnyEnvelope } from '../bus/bus.js';
import { TOPICS, type PoseEvent, type TopicName } from '../bus/topics.js';
import { anchorsMessage, detectionsMessage, tracksMessage } from './encode-annotations.js';
import { cameraCalibrationMessage, compressedImageMessage, rawImageMessage } from './encode-image.js';
import { LOG_TOPICS, logMessage } from './encode-log.js';
import { cameraMounts, frameTransformsMessage, poseInFrameMessage } from './encode-pose.js';
import { FOXGLOVE_SCHEMAS, genericSchema, jsonBytes, runtimeNsU64, runtimeTime, type JsonSchemaDef } from './schemas.js';

/** One message of a channel: its time (runtime clock, ns) and JSON payload. */
export interface ChannelMessage {
  readonly tNs: number;
  readonly data: Uint8Array;
}

export interface ChannelSpec {
  /** Foxglove topic name. */
  readonly topic: string;
  readonly schema: JsonSchemaDef;
  /** The bus topics whose events feed it. */
  readonly busTopics: readonly TopicName[];
  /** A slow live client may miss its messages (bus topics that are not lossless); lossless channels are never dropped. */
  readonly droppable: boolean;
  /** Whether `encode` returns a promise (JPEG). */
  readonly async: boolean;
  /** The channel's messages for one event (none when the event belongs to another channel, e.g. another device). */
  encode(e: AnyEnvelope): readonly ChannelMessage[] | Promise<readonly ChannelMessage[]>;
}

/** How camera frames are sent: `auto` GRAY8 as RawImage and colour as JPEG CompressedImage; `raw` / `jpeg` all. */
export type ImageMode = 'auto' | 'raw' | 'jpeg';

export interface ChannelOptions {
  /** The session's devices: a channel per camera and IMU. */
  readonly devices?: readonly DeviceInfo[];
  readonly images?: ImageMode;
  /** JPEG quality of CompressedImage, 1–100 (default 80). */
  readonly jpegQuality?: number;
  /** Bus topics to cover (default every topic of `TOPICS`). */
  readonly busTopics?: readonly TopicName[];
}

const POSE_SOURCES: readonly PoseEvent['source'][] = ['vio', 'predicted', 'ahrs', 'tracker'];
/** Bus topics with a channel of their own (they get no generic channel). */
const SPECIALISED: ReadonlySet<TopicName> = new Set(['camera.frame', 'imu.samples', 'pose.updated', 'objects.detected', 'objects.tracked', 'anchors.updated']);

const one = (tNs: number, data: Uint8Array): readonly ChannelMessage[] => [{ tNs, data }];
const droppable = (topic: TopicName): boolean => TOPICS[topic].policy.kind !== 'lossless';

/** The channels of a runtime (see the module documentation). Throws a RangeError for a bad `jpegQuality`. */
export function foxgloveChannels(options: ChannelOptions = {}): ChannelSpec[] {
  const quality = options.jpegQuality ?? 80;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError(`"jpegQuality" must be an integer 1–100, got ${quality}`);
  const busTopics = new Set(options.busTopics ?? (Object.keys(TOPICS) as TopicName[]));
  const devices = options.devices ?? [];
  const cameras = devices.filter((d): d is CameraInfo => d.kind === 'camera');
  const imus = devices.filter((d): d is ImuInfo => d.kind === 'imu');
  const out: ChannelSpec[] = [];
  const has = (t: TopicName): boolean => busTopics.has(t);
  if (has('camera.frame')) for (const c of cameras) out.push(...cameraChannels(c, options.images ?? 'auto', quality));
  if (has('imu.samples')) for (const i of imus) out.push(imuChannel(i.id));
  if (has('pose.updated')) {
    for (const source of POSE_SOURCES) out.push(sync(`/pose/${source}`, FOXGLOVE_SCHEMAS.poseInFrame, 'pose.updated', (e) => (e.topic === 'pose.updated' && e.payload.source === source ? one(e.payload.tNs, poseInFrameMessage(e.payload)) : [])));
    const mounts = cameraMounts(cameras);
    out.push(sync('/tf', FOXGLOVE_SCHEMAS.frameTransforms, 'pose.updated', (e) => (e.topic === 'pose.updated' ? one(e.payload.tNs, frameTransformsMessage(e.payload, mounts)) : [])));
  }
  if (has('objects.detected')) out.push(sync('/objects/detected', FOXGLOVE_SCHEMAS.imageAnnotations, 'objects.detected', (e) => (e.topic === 'objects.detected' ? one(e.payload.tNs, detectionsMessage(e.payload)) : [])));
  if (has('objects.tracked')) out.push(sync('/objects/tracked', FOXGLOVE_SCHEMAS.imageAnnotations, 'objects.tracked', (e) => (e.topic === 'objects.tracked' ? one(e.payload.tNs, tracksMessage(e.payload)) : [])));
  if (has('anchors.updated')) out.push(sync('/anchors', FOXGLOVE_SCHEMAS.sceneUpdate, 'anchors.updated', (e) => (e.topic === 'anchors.updated' ? one(e.payload.tNs, anchorsMessage(e.payload)) : [])));
  const logged = LOG_TOPICS.filter(has);
  if (logged.length > 0) {
    out.push({
      topic: '/log',
      schema: FOXGLOVE_SCHEMAS.log,
      busTopics: logged,
      droppable: false,
      async: false,
      encode: (e) => {
        const data = logMessage(e);
        return data === null ? [] : one(eventTimeNs(e), data);
      },
    });
  }
  for (const t of busTopics) if (!SPECIALISED.has(t)) out.push(genericChannel(t));
  return out;
}

/** A channel whose encoder is synchronous, fed by one bus topic. */
function sync(topic: string, schema: JsonSchemaDef, busTopic: TopicName, encode: (e: AnyEnvelope) => readonly ChannelMessage[]): ChannelSpec {
  return { topic, schema, busTopics: [busTopic], droppable: droppable(busTopic), async: false, encode };
}

function cameraChannels(info: CameraInfo, mode: ImageMode, quality: number): ChannelSpec[] {
  const jpeg = mode === 'jpeg' || (mode === 'auto' && info.format !== 'GRAY8');
  const mine = (e: AnyEnvelope): e is Extract<AnyEnvelope, { topic: 'camera.frame' }> => e.topic === 'camera.frame' && e.payload.deviceId === info.id;
  const image: ChannelSpec = jpeg
    ? {
        topic: `/camera/${info.id}/compressed`,
        schema: FOXGLOVE_SCHEMAS.compressedImage,
        busTopics: ['camera.frame'],
        droppable: true,
        async: true,
        encode: async (e) => (mine(e) ? one(e.payload.tNs, await compressedImageMessage(e.payload, quality)) : []),
      }
    : sync(`/camera/${info.id}/image`, FOXGLOVE_SCHEMAS.rawImage, 'camera.frame', (e) => (mine(e) ? one(e.payload.tNs, rawImageMessage(e.payload)) : []));
  if (info.calibration === undefined) return [image];
  const calibration = sync(`/camera/${info.id}/calibration`, FOXGLOVE_SCHEMAS.cameraCalibration, 'camera.frame', (e) => {
    if (!mine(e)) return [];
    const data = cameraCalibrationMessage(info, e.payload.tNs);
    return data === null ? [] : one(e.payload.tNs, data);
  });
  return [image, calibration];
}

/** `karana.ImuSample` per sample, the payload `karana record` writes for an IMU, stamped on the runtime clock. */
function imuChannel(id: string): ChannelSpec {
  return sync(`/imu/${id}`, FOXGLOVE_SCHEMAS.imu, 'imu.samples', (e) => {
    if (e.topic !== 'imu.samples' || e.payload.deviceId !== id) return [];
    const p = e.payload;
    const out: ChannelMessage[] = [];
    for (let i = 0; i < p.count; i++) {
      const tNs = p.tNs[i] ?? 0;
      const v = (a: Float64Array): [number, number, number] => [a[3 * i] ?? 0, a[3 * i + 1] ?? 0, a[3 * i + 2] ?? 0];
      const sample = { deviceTimeNs: runtimeNsU64(tNs), gyroRadps: v(p.gyroRadps), accelMps2: v(p.accelMps2), ...(p.magUt === undefined ? {} : { magUt: v(p.magUt) }) };
      out.push({ tNs, data: encodeSample('imu', id, sample) });
    }
    return out;
  });
}

/** `/<topic>` with `karana.<Topic>`: `{ timestamp, ...the event-log form of the payload }`. */
function genericChannel(topic: TopicName): ChannelSpec {
  const toLog = (TOPICS[topic] as { toLog?: (p: unknown) => unknown }).toLog;
  return sync(`/${topic}`, genericSchema(topic), topic, (e) => {
    if (e.topic !== topic) return [];
    const tNs = eventTimeNs(e);
    const body = toLog === undefined || topic === 'runtime.stats' ? e.payload : toLog(e.payload);
    return one(tNs, jsonBytes({ timestamp: runtimeTime(tNs), ...(typeof body === 'object' && body !== null ? body : { value: body }) }));
  });
}

/** The event's own time (`tNs` of its payload when it is a number), else its bus publication time. */
export function eventTimeNs(e: AnyEnvelope): number {
  const t = (e.payload as { tNs?: unknown }).tNs;
  return typeof t === 'number' && Number.isFinite(t) ? t : e.publishedNs;
}
