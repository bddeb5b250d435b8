/**
 * Types of the HUD server (`server.ts`): the run figures the page's stats panel shows ({@link HudStats}),
 * the server's options and its own counters. The wire protocol is described in `docs/hud.md`.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { DisplayProfile } from './display-profile.js';

/** Tick-lateness percentiles, host clock, ns (real clock only). */
export interface HudLateness {
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
}

/** One bus topic as the stats panel shows it. */
export interface HudBusTopic {
  readonly topic: string;
  readonly published: number;
  /** Events discarded by consumers' delivery policies. */
  readonly dropped: number;
  /** Publication → consumption, p99, bus clock, ns. */
  readonly p99LatencyNs: number;
}

/**
 * Run figures pushed to the page at 2 Hz as `{type:'stats', stats}` (from the `stats` callback the
 * runtime gives {@link HudServerOptions}).
 */
export interface HudStats {
  readonly sessionName: string;
  /** `virtual`: replay on a virtual clock (no lateness); `real`: ticks on host-clock deadlines. */
  readonly mode: 'virtual' | 'real';
  /** Replay speed factor (1 = recorded timing; 0 = as fast as possible). */
  readonly speed: number;
  /** Runtime time reached and the recording's duration (null when live or unknown), ns. */
  readonly progress: { readonly tNs: number; readonly durationNs: number | null };
  readonly tick: {
    /** Tick rate, Hz. */
    readonly hz: number;
    /** Callback start − deadline; null on a virtual clock. */
    readonly lateness: HudLateness | null;
    /** Layer steps that ran past their budget, all layers. */
    readonly overruns: number;
  };
  readonly bus: readonly HudBusTopic[];
  /** Object detection rate (results/s, runtime clock) and inference time p50, ms; null without a detector. */
  readonly detections: { readonly fps: number; readonly inferenceP50Ms: number } | null;
}

export interface HudServerOptions {
  /** The runtime's bus; the server observes `ui.hud` and `camera.frame`. */
  readonly bus: Bus;
  /** TCP port; 0 picks a free one (the returned `url` has it). */
  readonly port: number;
  /** Interface to listen on; default `127.0.0.1` (use `0.0.0.0` to reach the HUD from another machine). */
  readonly host?: string;
  /** Run figures for the stats panel, called at `statsHz` while a client is connected. */
  readonly stats: () => HudStats;
  /** Request and error log (a pino logger); default: silent. */
  readonly logger?: FastifyBaseLogger;
  /** Most scene messages per second to a client (the display rate); default 30. */
  readonly sceneHz?: number;
  /** Stats messages per second; default 2. */
  readonly statsHz?: number;
  /** JPEG quality of pushed frames, 1–100; default 80. */
  readonly jpegQuality?: number;
  /** Frames wider than this are scaled down (aspect kept) before encoding, px; default 1280. */
  readonly maxFrameWidthPx?: number;
  /**
   * A client whose socket holds more than this many unsent bytes gets nothing new; its newest message
   * of each kind waits (older ones are dropped and counted). Default 1 MiB.
   */
  readonly maxBufferedBytes?: number;
  /**
   * The display the page renders the HUD for (resolution, projection, refresh rate, eyes, the camera drawn
   * under it), sent in `hello`; default: none (the page shows no display view).
   */
  readonly displayProfile?: DisplayProfile;
  /**
   * Runtime ns per host ns of the bus clock: 1 on the real clock at speed 1 (`karana run --speed`), 0 on the
   * virtual clock (no relation to the host's). Sent with each pose so the display page can carry the latched pose
   * on to its own frame time (docs/hud.md, "Carried to the frame's own time"); 0 (the default) turns that off.
   */
  readonly clockRate?: number;
}

/** Message kinds a client is sent; each kind is kept-latest on its own. */
export type HudMessageKind = 'scene' | 'frame' | 'stats' | 'pose';

export interface HudClientStats {
  readonly id: number;
  /** Peer address and port. */
  readonly remote: string;
  readonly sent: Readonly<Record<HudMessageKind, number>>;
  /** Messages replaced by a newer one of the same kind before they could be sent. */
  readonly dropped: Readonly<Record<HudMessageKind, number>>;
  /** Payload bytes handed to the socket per kind (without WebSocket framing). */
  readonly bytesSent: Readonly<Record<HudMessageKind, number>>;
  /** Bytes the socket holds unsent (`ws` `bufferedAmount`). */
  readonly bufferedBytes: number;
}

/** The server's own counters (`server.stats()`). */
export interface HudServerStats {
  readonly clients: number;
  readonly connections: number;
  /** `ui.hud` events observed; scene messages built (at most `sceneHz`); scene messages sent, all clients. */
  readonly scenesReceived: number;
  readonly scenesBuilt: number;
  readonly scenesSent: number;
  /** Frames of the shown camera observed; JPEG-encoded; superseded by a newer frame before encoding. */
  readonly framesReceived: number;
  readonly framesEncoded: number;
  readonly framesSkipped: number;
  readonly encodeErrors: number;
  /** Frame messages sent, all clients. */
  readonly framesSent: number;
  readonly statsSent: number;
  /** Messages dropped for slow clients, all clients. */
  readonly dropped: number;
  /** Device id of the camera being shown, null before the first frame. */
  readonly cameraDeviceId: string | null;
  /** `pose.updated` events of source `predicted` or `vio` observed; pose messages sent, all clients. */
  readonly posesReceived: number;
  readonly posesSent: number;
  /** Input messages from pages published on `ui.input`; messages from pages that were not valid. */
  readonly inputsPublished: number;
  readonly inputsRejected: number;
  /** Payload bytes sent per kind, all clients (including those that have gone). */
  readonly bytesSent: Readonly<Record<HudMessageKind, number>>;
  readonly perClient: readonly HudClientStats[];
}

export interface HudServerHandle {
  /** `http://host:port/` with the real port. */
  readonly url: string;
  stats(): HudServerStats;
  /** Stop observing the bus, close every client (code 1001) and the listener. */
  close(): Promise<void>;
}
