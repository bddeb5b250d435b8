/**
 * The voice queue as a pure step: utterances wait by priority (critical > high > normal > low), first in first
 * out within a priority; one is spoken at a time; a `critical` one interrupts a non-critical one being spoken
 * (the adapter stops it; it goes back to the head of its priority and is said again, from the start, after the
 * alert — decision in docs/voice.md); a full queue drops the lowest-priority, oldest utterance and counts it.
 * The step never throws: bad requests are counted as `rejected` with the reason.
 *
 * The process side (espeak-ng, the audio sink) is an edge adapter (`voice-out.ts`) that feeds this step
 * `say`, `finished`, `failed` and `unavailable` inputs and carries out its `speak` and `stop` actions.
 */
import { PRIORITY_RANK, type Priority } from '../../../bus/policy.js';
import type { VoiceOutcome, VoiceStateEvent } from './types.js';

export interface VoiceSettings {
  /** Utterances that may wait (not counting the one being spoken). */
  readonly capacity: number;
  /** Longest text accepted, characters. */
  readonly maxTextChars: number;
}

export const DEFAULT_VOICE_SETTINGS: VoiceSettings = Object.freeze({ capacity: 16, maxTextChars: 2000 });

export interface Utterance {
  readonly id: string;
  readonly text: string;
  readonly priority: Priority;
  /** Arrival order (FIFO within a priority). */
  readonly seq: number;
}

/** An utterance being spoken; `token` names this attempt (a re-said utterance gets a new one). */
export interface Speaking extends Utterance {
  readonly token: number;
}

export interface VoiceQueueState {
  /** Waiting, in speaking order. */
  readonly queue: readonly Utterance[];
  readonly speaking: Speaking | null;
  readonly spoken: number;
  readonly interrupted: number;
  readonly dropped: number;
  readonly rejected: number;
  readonly failed: number;
  readonly lastDone: VoiceStateEvent['lastDone'];
  readonly available: boolean;
  readonly error: string | null;
  readonly nextSeq: number;
  readonly nextToken: number;
}

export const INITIAL_VOICE_STATE: VoiceQueueState = Object.freeze({
  queue: [],
  speaking: null,
  spoken: 0,
  interrupted: 0,
  dropped: 0,
  rejected: 0,
  failed: 0,
  lastDone: null,
  available: true,
  error: null,
  nextSeq: 0,
  nextToken: 1,
});

export type VoiceInput =
  /** A `voice.say` payload, as received (checked here). */
  | { readonly kind: 'say'; readonly request: unknown }
  /** The attempt `token` was spoken to its end. */
  | { readonly kind: 'finished'; readonly token: number }
  /** The attempt `token` failed (synthesiser or sink error). */
  | { readonly kind: 'failed'; readonly token: number; readonly error: string }
  /** The synthesiser cannot run at all (e.g. the binary is missing). */
  | { readonly kind: 'unavailable'; readonly error: string };

export type VoiceAction =
  | { readonly kind: 'speak'; readonly utterance: Speaking }
  /** Stop the attempt `token` now (kill its process). */
  | { readonly kind: 'stop'; readonly token: number };

export interface VoiceStepOutput {
  readonly state: VoiceQueueState;
  readonly actions: readonly VoiceAction[];
}

const PRIORITIES = new Set<string>(['critical', 'high', 'normal', 'low']);

/** One input → the new state and what the adapter must do, in order. */
export function voiceStep(state: VoiceQueueState, input: VoiceInput, settings: VoiceSettings = DEFAULT_VOICE_SETTINGS): VoiceStepOutput {
  switch (input.kind) {
    case 'say':
      return say(state, input.request, settings);
    case 'finished':
    case 'failed': {
      if (state.speaking?.token !== input.token) return { state, actions: [] }; // a stopped attempt's late exit
      const id = state.speaking.id;
      const done: VoiceQueueState =
        input.kind === 'finished'
          ? { ...state, speaking: null, spoken: state.spoken + 1, lastDone: { id, outcome: 'spoken' } }
          : { ...state, speaking: null, failed: state.failed + 1, lastDone: { id, outcome: 'failed', reason: input.error } };
      return startNext(done, []);
    }
    case 'unavailable': {
      const lost = state.queue.length + (state.speaking === null ? 0 : 1);
      const actions: VoiceAction[] = state.speaking === null ? [] : [{ kind: 'stop', token: state.speaking.token }];
      const last = state.speaking ?? state.queue.at(-1);
      return {
        state: { ...state, queue: [], speaking: null, available: false, error: input.error, failed: state.failed + lost, lastDone: last === undefined ? state.lastDone : { id: last.id, outcome: 'failed', reason: input.error } },
        actions,
      };
    }
  }
}

function say(state: VoiceQueueState, request: unknown, settings: VoiceSettings): VoiceStepOutput {
  const checked = checkRequest(request, settings);
  if (!checked.ok) return { state: { ...state, rejected: state.rejected + 1, lastDone: { id: checked.id, outcome: 'rejected', reason: checked.reason } }, actions: [] };
  if (!state.available) return { state: { ...state, failed: state.failed + 1, lastDone: { id: checked.id, outcome: 'failed', reason: state.error ?? 'voice out unavailable' } }, actions: [] };
  const utterance: Utterance = { id: checked.id, text: checked.text, priority: checked.priority, seq: state.nextSeq };
  let next: VoiceQueueState = { ...state, nextSeq: state.nextSeq + 1, queue: insert(state.queue, utterance) };
  const actions: VoiceAction[] = [];
  const speaking = next.speaking;
  if (speaking !== null && utterance.priority === 'critical' && speaking.priority !== 'critical') {
    actions.push({ kind: 'stop', token: speaking.token });
    const again: Utterance = { id: speaking.id, text: speaking.text, priority: speaking.priority, seq: speaking.seq };
    next = { ...next, speaking: null, interrupted: next.interrupted + 1, queue: insert(next.queue, again), lastDone: { id: speaking.id, outcome: 'interrupted' } };
  }
  next = trim(next, settings.capacity);
  return startNext(next, actions);
}

/** Start the head of the queue when nothing is being spoken. */
function startNext(state: VoiceQueueState, actions: VoiceAction[]): VoiceStepOutput {
  const head = state.queue[0];
  if (state.speaking !== null || head === undefined || !state.available) return { state, actions };
  const speaking: Speaking = { ...head, token: state.nextToken };
  return { state: { ...state, queue: state.queue.slice(1), speaking, nextToken: state.nextToken + 1 }, actions: [...actions, { kind: 'speak', utterance: speaking }] };
}

/** `u` placed after every utterance that goes before it (higher priority, or same priority and earlier). */
function insert(queue: readonly Utterance[], u: Utterance): Utterance[] {
  const before = (a: Utterance): boolean => PRIORITY_RANK[a.priority] < PRIORITY_RANK[u.priority] || (a.priority === u.priority && a.seq < u.seq);
  const at = queue.findIndex((a) => !before(a));
  return at === -1 ? [...queue, u] : [...queue.slice(0, at), u, ...queue.slice(at)];
}

/** Drop the lowest-priority, oldest utterances until at most `capacity` wait. */
function trim(state: VoiceQueueState, capacity: number): VoiceQueueState {
  let s = state;
  while (s.queue.length > capacity) {
    const lowest = Math.max(...s.queue.map((u) => PRIORITY_RANK[u.priority]));
    const victim = s.queue.findIndex((u) => PRIORITY_RANK[u.priority] === lowest); // the oldest of that priority
    const gone = s.queue[victim] as Utterance;
    s = { ...s, queue: s.queue.filter((_, i) => i !== victim), dropped: s.dropped + 1, lastDone: { id: gone.id, outcome: 'dropped', reason: `queue full (${capacity} waiting)` } };
  }
  return s;
}

function checkRequest(r: unknown, settings: VoiceSettings): { ok: true; id: string; text: string; priority: Priority } | { ok: false; id: string; reason: string } {
  if (typeof r !== 'object' || r === null) return { ok: false, id: '', reason: 'voice.say payload must be an object' };
  const { id, text, priority } = r as Record<string, unknown>;
  const idText = typeof id === 'string' ? id : '';
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) return { ok: false, id: idText, reason: `"id" must be a string of 1–200 characters, got ${describe(id)}` };
  if (typeof priority !== 'string' || !PRIORITIES.has(priority)) return { ok: false, id, reason: `"priority" must be critical, high, normal or low, got ${describe(priority)}` };
  if (typeof text !== 'string' || text.trim().length === 0) return { ok: false, id, reason: `"text" must be a non-empty string, got ${describe(text)}` };
  if (text.length > settings.maxTextChars) return { ok: false, id, reason: `"text" must be at most ${settings.maxTextChars} characters, got ${text.length}` };
  return { ok: true, id, text, priority: priority as Priority };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return v === undefined ? 'nothing' : v === null ? 'null' : `a ${typeof v}`;
}

/** The `voice.state` payload for `state` at runtime time `tNs`. */
export function voiceStateEvent(state: VoiceQueueState, tNs: number): VoiceStateEvent {
  return {
    tNs,
    speakingId: state.speaking?.id ?? null,
    speakingPriority: state.speaking?.priority ?? null,
    queued: state.queue.length,
    spoken: state.spoken,
    interrupted: state.interrupted,
    dropped: state.dropped,
    rejected: state.rejected,
    failed: state.failed,
    lastDone: state.lastDone,
    available: state.available,
    error: state.error,
  };
}

export type { VoiceOutcome };
