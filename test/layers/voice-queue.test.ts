/**
 * The voice queue step (pure): priority order with FIFO inside a priority, a critical interrupting a non-critical
 * utterance (stop its attempt, say the alert, then say the interrupted one again), a late exit of a stopped attempt
 * ignored, a full queue dropping the lowest-priority oldest utterance with a count, bad requests rejected with the
 * field named, and an unavailable synthesiser failing requests without throwing.
 */
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src/bus/policy.js';
import { INITIAL_VOICE_STATE, voiceStep, type VoiceAction, type VoiceInput, type VoiceQueueState, type VoiceSettings } from '../../src/layers/interface/voice/index.js';

const say = (id: string, priority: Priority, text = `text of ${id}`): VoiceInput => ({ kind: 'say', request: { tNs: 0, id, text, priority } });

/** Fold inputs; collect the actions as `speak:id#token` / `stop#token`. */
function run(inputs: readonly VoiceInput[], settings?: VoiceSettings, from: VoiceQueueState = INITIAL_VOICE_STATE): { state: VoiceQueueState; log: string[] } {
  let state = from;
  const log: string[] = [];
  for (const input of inputs) {
    const out = voiceStep(state, input, settings);
    state = out.state;
    log.push(...out.actions.map((a: VoiceAction) => (a.kind === 'speak' ? `speak:${a.utterance.id}#${a.utterance.token}` : `stop#${a.token}`)));
  }
  return { state, log };
}

describe('voice queue', () => {
  it('speaks by priority, first in first out within a priority', () => {
    const { state, log } = run([say('n1', 'normal'), say('l1', 'low'), say('n2', 'normal'), say('h1', 'high'), say('l2', 'low'), say('h2', 'high')]);
    expect(log).toEqual(['speak:n1#1']); // one at a time
    expect(state.queue.map((u) => u.id)).toEqual(['h1', 'h2', 'n2', 'l1', 'l2']);
    const done = run([{ kind: 'finished', token: 1 }, { kind: 'finished', token: 2 }, { kind: 'finished', token: 3 }, { kind: 'finished', token: 4 }, { kind: 'finished', token: 5 }, { kind: 'finished', token: 6 }], undefined, state);
    expect(done.log).toEqual(['speak:h1#2', 'speak:h2#3', 'speak:n2#4', 'speak:l1#5', 'speak:l2#6']);
    expect(done.state).toMatchObject({ spoken: 6, speaking: null, queue: [], lastDone: { id: 'l2', outcome: 'spoken' } });
  });

  it('a critical alert stops a normal utterance, is said next, then the normal one again from the start', () => {
    const { state, log } = run([say('route', 'normal'), say('next', 'normal'), say('battery', 'critical', 'Battery critical')]);
    expect(log).toEqual(['speak:route#1', 'stop#1', 'speak:battery#2']);
    expect(state.interrupted).toBe(1);
    expect(state.queue.map((u) => u.id)).toEqual(['route', 'next']); // back at the head of its priority
    // The stopped attempt's exit arrives late: ignored (token 1 is no longer speaking).
    const after = run([{ kind: 'failed', token: 1, error: 'killed' }, { kind: 'finished', token: 2 }, { kind: 'finished', token: 3 }, { kind: 'finished', token: 4 }], undefined, state);
    expect(after.log).toEqual(['speak:route#3', 'speak:next#4']);
    expect(after.state).toMatchObject({ spoken: 3, failed: 0, interrupted: 1 });
  });

  it('a critical does not interrupt a critical: alerts queue first in first out', () => {
    const { state, log } = run([say('a1', 'critical'), say('n', 'normal'), say('a2', 'critical')]);
    expect(log).toEqual(['speak:a1#1']);
    expect(state.queue.map((u) => u.id)).toEqual(['a2', 'n']);
    expect(state.interrupted).toBe(0);
  });

  it('a full queue drops the lowest-priority, oldest utterance and counts it', () => {
    const settings: VoiceSettings = { capacity: 3, maxTextChars: 2000 };
    const { state } = run([say('speaking', 'normal'), say('l1', 'low'), say('n1', 'normal'), say('l2', 'low'), say('h1', 'high'), say('n2', 'normal')], settings);
    // Waiting after each: [l1] → [n1 l1] → [n1 l1 l2] → [h1 n1 l1 l2] drops l1 → [h1 n1 n2 l2] drops l2.
    expect(state.queue.map((u) => u.id)).toEqual(['h1', 'n1', 'n2']);
    expect(state.dropped).toBe(2);
    expect(state.lastDone).toEqual({ id: 'l2', outcome: 'dropped', reason: 'queue full (3 waiting)' });
    // A new low-priority request into a queue full of higher ones is itself the one dropped.
    const more = run([say('l3', 'low')], settings, state);
    expect(more.state.queue.map((u) => u.id)).toEqual(['h1', 'n1', 'n2']);
    expect(more.state.dropped).toBe(3);
  });

  it('rejects bad requests with the field named and goes on', () => {
    const bad: unknown[] = [null, { id: '', text: 'x', priority: 'normal' }, { id: 'a', text: '   ', priority: 'high' }, { id: 'b', text: 'x', priority: 'urgent' }, { id: 'c', text: 'x'.repeat(2001), priority: 'low' }];
    const { state, log } = run([...bad.map((request): VoiceInput => ({ kind: 'say', request })), say('ok', 'normal')]);
    expect(state.rejected).toBe(5);
    expect(log).toEqual(['speak:ok#1']);
    const reasons = bad.map((request) => voiceStep(INITIAL_VOICE_STATE, { kind: 'say', request }).state.lastDone?.reason);
    expect(reasons).toEqual([
      'voice.say payload must be an object',
      '"id" must be a string of 1–200 characters, got ""',
      '"text" must be a non-empty string, got "   "',
      '"priority" must be critical, high, normal or low, got "urgent"',
      '"text" must be at most 2000 characters, got 2001',
    ]);
  });

  it('an unavailable synthesiser fails what is queued and what comes, without throwing', () => {
    const { state, log } = run([say('a', 'normal'), say('b', 'low'), { kind: 'unavailable', error: 'espeak-ng not found' }, say('c', 'critical')]);
    expect(log).toEqual(['speak:a#1', 'stop#1']);
    expect(state).toMatchObject({ available: false, error: 'espeak-ng not found', failed: 3, speaking: null, queue: [], lastDone: { id: 'c', outcome: 'failed', reason: 'espeak-ng not found' } });
  });
});
