/**
 * The layout Foxglove Studio opens on for a Kāraṇa runtime (Studio 1.48's `LayoutData`: a react-mosaic tree
 * of panel ids `<Type>!<suffix>` and each panel's saved config). Panel types and config keys are those of
 * @foxglove/studio-base 1.48 (`panels/index.js`, `panels/*\/types.d.ts`):
 *
 * ```
 * ┌────────────────────────────┬─────────────────────────────┐
 * │ Image: world camera        │ 3D: /tf (world → body →     │
 * │ + /objects/tracked boxes   │ cam0), /pose/vio, /anchors  │
 * ├─────────────────┬──────────┴──────┬──────────────────────┤
 * │ Plot: IMU gyro  │ Plot: VIO       │ Raw Messages:        │
 * │ x, y, z rad/s   │ position x,y,z m│ /pose/vio            │
 * │                 │                 ├──────────────────────┤
 * │                 │                 │ Log: /log            │
 * └─────────────────┴─────────────────┴──────────────────────┘
 * ```
 *
 * Topics come from the live view's channel table (`../channels.ts`), so the layout names exactly the channels
 * the bridge advertises for the session's devices.
 */
import type { CameraInfo, DeviceInfo } from '../../../hal/types.js';
import { foxgloveChannels, type ImageMode } from '../channels.js';

/** The topics the layout shows. */
export interface LayoutTopics {
  /** Camera image (`foxglove.RawImage` or `foxglove.CompressedImage`), e.g. `/camera/world/compressed`. */
  readonly image: string;
  /** `foxglove.ImageAnnotations` drawn on it, e.g. `/objects/tracked`. */
  readonly annotations: string;
  /** `karana.ImuSample` channel, e.g. `/imu/imu0`. */
  readonly imu: string;
}

/** Defaults: the sample session's world camera with JPEG frames, tracked objects, imu0. */
export const DEFAULT_LAYOUT_TOPICS: LayoutTopics = { image: '/camera/world/compressed', annotations: '/objects/tracked', imu: '/imu/imu0' };

/**
 * The layout's topics for a session's devices: the image channel of the world-role camera (else the first
 * camera), the first IMU's channel; `images` as given to the bridge (`--foxglove-images`). Falls back to
 * {@link DEFAULT_LAYOUT_TOPICS} for what the devices do not have.
 */
export function layoutTopicsFor(devices: readonly DeviceInfo[], images: ImageMode = 'auto'): LayoutTopics {
  const cameras = devices.filter((d): d is CameraInfo => d.kind === 'camera');
  const camera = cameras.find((c) => c.role === 'world') ?? cameras[0];
  const channels = foxgloveChannels({ devices, images, busTopics: ['camera.frame', 'imu.samples'] }).map((c) => c.topic);
  const image = camera === undefined ? undefined : channels.find((t) => t === `/camera/${camera.id}/compressed` || t === `/camera/${camera.id}/image`);
  const imu = channels.find((t) => t.startsWith('/imu/'));
  return { image: image ?? DEFAULT_LAYOUT_TOPICS.image, annotations: DEFAULT_LAYOUT_TOPICS.annotations, imu: imu ?? DEFAULT_LAYOUT_TOPICS.imu };
}

/** Studio 1.48's `LayoutData` (`context/CurrentLayoutContext/actions.d.ts`), as plain JSON. */
export interface StudioLayoutData {
  readonly configById: Record<string, Record<string, unknown>>;
  readonly globalVariables: Record<string, unknown>;
  readonly userNodes: Record<string, unknown>;
  readonly playbackConfig: { readonly speed: number };
  readonly layout: MosaicNode;
}

/** A react-mosaic tree: a panel id, or a split (`splitPercentage` of the first child, %). */
export type MosaicNode = string | { readonly direction: 'row' | 'column'; readonly first: MosaicNode; readonly second: MosaicNode; readonly splitPercentage: number };

const TITLE = 'foxglovePanelTitle';
const split = (direction: 'row' | 'column', first: MosaicNode, second: MosaicNode, splitPercentage: number): MosaicNode => ({ direction, first, second, splitPercentage });
const xyz = (path: string, labels: readonly string[], colors: readonly string[]): Record<string, unknown>[] =>
  labels.map((label, i) => ({ value: `${path}[${i}]`, enabled: true, timestampMethod: 'receiveTime', label, color: colors[i] }));
const AXIS_COLOURS = ['#f5515f', '#4caf50', '#4e98e2'] as const;

/** The Kāraṇa live-view layout over `topics` (see the module documentation). */
export function karanaLayout(topics: LayoutTopics = DEFAULT_LAYOUT_TOPICS): StudioLayoutData {
  const image = 'ImageViewPanel!karana-camera';
  const threeD = '3D!karana-pose';
  const gyro = 'Plot!karana-gyro';
  const position = 'Plot!karana-vio';
  const log = 'RosOut!karana-log';
  const raw = 'RawMessages!karana-pose';
  const plot = (title: string, paths: Record<string, unknown>[], widthS: number): Record<string, unknown> => ({
    [TITLE]: title,
    paths,
    showLegend: true,
    legendDisplay: 'floating',
    showPlotValuesInLegend: true,
    showXAxisLabels: true,
    showYAxisLabels: true,
    isSynced: false,
    xAxisVal: 'timestamp',
    followingViewWidth: widthS,
    sidebarDimension: 240,
  });
  return {
    configById: {
      [image]: {
        [TITLE]: `Image ${topics.image} + ${topics.annotations}`,
        cameraTopic: topics.image,
        enabledMarkerTopics: [topics.annotations],
        synchronize: false,
        transformMarkers: false,
        mode: 'fit',
        smooth: true,
      },
      [threeD]: {
        [TITLE]: '3D: /tf, /pose/vio, /anchors',
        followTf: 'body',
        followMode: 'follow-position',
        cameraState: { distance: 1.6, perspective: true, phi: 55, thetaOffset: 35, fovy: 45, near: 0.05, far: 500, target: [0, 0, 0], targetOffset: [0, 0, 0], targetOrientation: [0, 0, 0, 1] },
        scene: { transforms: { showLabel: true, axisScale: 0.3, labelSize: 0.07, lineWidth: 2 }, labelScaleFactor: 1 },
        // The AHRS body sits at the origin (no position) and the predicted one on the VIO body: hidden, so the
        // labels of world, body and cam0 stay readable.
        transforms: { 'frame:body_ahrs': { visible: false }, 'frame:body_predicted': { visible: false } },
        topics: {
          '/tf': { visible: true },
          '/pose/vio': { visible: true, type: 'arrow', arrowScale: [0.25, 0.03, 0.03], color: '#ffb020ff' },
          '/anchors': { visible: true },
        },
        layers: {
          'karana-grid': { visible: true, frameLocked: true, label: 'Grid (1 m)', instanceId: 'karana-grid', layerId: 'foxglove.Grid', size: 10, divisions: 10, lineWidth: 1, color: '#248eff', position: [0, 0, 0], rotation: [0, 0, 0], order: 1 },
        },
      },
      [gyro]: plot(`IMU gyro ${topics.imu} (rad/s)`, xyz(`${topics.imu}.gyroRadps`, ['x', 'y', 'z'], AXIS_COLOURS), 5),
      [position]: plot('VIO position /pose/vio (m)', ['x', 'y', 'z'].map((a, i) => ({ value: `/pose/vio.pose.position.${a}`, enabled: true, timestampMethod: 'receiveTime', label: a, color: AXIS_COLOURS[i] })), 10),
      [log]: { [TITLE]: 'Log /log', searchTerms: [], minLogLevel: 1, topicToRender: '/log' },
      [raw]: { [TITLE]: 'Raw /pose/vio', topicPath: '/pose/vio', diffEnabled: false, diffMethod: 'custom', diffTopicPath: '', showFullMessageForDiff: false, expansion: 'all' },
    },
    globalVariables: {},
    userNodes: {},
    playbackConfig: { speed: 1 },
    layout: split('column', split('row', image, threeD, 50), split('row', gyro, split('row', position, split('column', raw, log, 62), 45), 36), 58),
  };
}
