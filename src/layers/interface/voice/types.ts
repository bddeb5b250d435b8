/**
 * Bus payloads of voice out (layer 7): `voice.say` asks for an utterance, `voice.state` reports the queue.
 * Clock: `tNs` is the runtime clock, ns. See docs/voice.md.
 */
import type { Priority } from '../../../bus/policy.js';

/** Something to say. `critical` interrupts what is being said; the rest waits its turn (priority, then FIFO). */
export interface VoiceSayEvent {
  /** When it was asked for, runtime clock, ns. */
  readonly tNs: number;
  /** Chosen by the caller; echoed in `voice.state` (`speakingId`, `lastDone`). */
  readonly id: string;
  /** Plain text, 1–2000 characters (no SSML). */
  readonly text: string;
  readonly priority: Priority;
}

/** How an utterance left the queue. */
export type VoiceOutcome = 'spoken' | 'interrupted' | 'dropped' | 'rejected' | 'failed';

/** The voice queue after a change (an utterance asked for, started, finished, interrupted, dropped). */
export interface VoiceStateEvent {
  readonly tNs: number;
  /** The utterance being spoken, null when silent. */
  readonly speakingId: string | null;
  readonly speakingPriority: Priority | null;
  /** Utterances waiting. */
  readonly queued: number;
  /** Counts since the start: finished, cut off by a critical alert (then said again), pushed out of a full queue,
   * refused as invalid, failed in the synthesiser or the audio sink. */
  readonly spoken: number;
  readonly interrupted: number;
  readonly dropped: number;
  readonly rejected: number;
  readonly failed: number;
  /** The latest utterance that left the queue and how. */
  readonly lastDone: { readonly id: string; readonly outcome: VoiceOutcome; readonly reason?: string } | null;
  /** False when the synthesiser cannot run (e.g. espeak-ng missing); `error` says why and how to fix it. */
  readonly available: boolean;
  readonly error: string | null;
}
