/**
 * Voice out, the edge adapter: takes `voice.say` from the bus, runs the pure queue step ({@link voiceStep}),
 * carries out its actions with the {@link Synthesizer} (espeak-ng processes) into the {@link AudioSink}, and
 * publishes `voice.state` after every change. When the synthesiser cannot run (espeak-ng missing) it says why
 * once in `voice.state.error` (with the fix), counts every request as failed, and the runtime goes on.
 */
import type { Subscription } from 'rxjs';
import type { Bus } from '../../../bus/bus.js';
import type { Synthesizer, SpeechJob } from './espeak.js';
import { DEFAULT_VOICE_SETTINGS, INITIAL_VOICE_STATE, voiceStateEvent, voiceStep, type VoiceAction, type VoiceInput, type VoiceQueueState, type VoiceSettings } from './queue.js';
import type { AudioSink } from './sinks.js';

/** What happened to a synthesiser process (for logs and tests). */
export type VoiceProcessEvent =
  | { readonly kind: 'started'; readonly id: string; readonly token: number; readonly pid: number | undefined }
  | { readonly kind: 'stopped'; readonly id: string; readonly token: number; readonly pid: number | undefined }
  | { readonly kind: 'spoken'; readonly id: string; readonly token: number }
  | { readonly kind: 'failed'; readonly id: string; readonly token: number; readonly error: string };

export interface VoiceOutOptions {
  readonly bus: Bus;
  readonly synthesizer: Synthesizer;
  readonly sink: AudioSink;
  readonly settings?: VoiceSettings;
  readonly onProcess?: (event: VoiceProcessEvent) => void;
}

export interface VoiceOut {
  /** The queue now. */
  state(): VoiceQueueState;
  /** Resolves when nothing is being said or waiting. */
  idle(): Promise<void>;
  /** Stop listening, stop what is being said. */
  close(): Promise<void>;
}

/** Start voice out on `options.bus`. Resolves once the synthesiser has been checked (available or not). */
export async function startVoiceOut(options: VoiceOutOptions): Promise<VoiceOut> {
  const { bus, synthesizer, sink } = options;
  const settings = options.settings ?? DEFAULT_VOICE_SETTINGS;
  let state = INITIAL_VOICE_STATE;
  const jobs = new Map<number, { job: SpeechJob; id: string }>();
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  const apply = (input: VoiceInput): void => {
    if (closed) return;
    const out = voiceStep(state, input, settings);
    const changed = out.state !== state;
    state = out.state;
    for (const action of out.actions) run(action);
    if (changed) bus.publish('voice.state', voiceStateEvent(state, bus.clockNs()));
    if (state.speaking === null && state.queue.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const run = (action: VoiceAction): void => {
    if (action.kind === 'stop') {
      const running = jobs.get(action.token);
      if (running === undefined) return;
      jobs.delete(action.token);
      running.job.stop();
      options.onProcess?.({ kind: 'stopped', id: running.id, token: action.token, pid: running.job.pid });
      return;
    }
    const u = action.utterance;
    let job: SpeechJob;
    try {
      job = synthesizer.speak(u.text, sink, u.id, u.token);
    } catch (err) {
      queueMicrotask(() => apply({ kind: 'failed', token: u.token, error: message(err) }));
      return;
    }
    jobs.set(u.token, { job, id: u.id });
    options.onProcess?.({ kind: 'started', id: u.id, token: u.token, pid: job.pid });
    job.done.then(
      (outcome) => {
        if (outcome === 'stopped') return;
        jobs.delete(u.token);
        options.onProcess?.({ kind: 'spoken', id: u.id, token: u.token });
        apply({ kind: 'finished', token: u.token });
      },
      (err: unknown) => {
        jobs.delete(u.token);
        const error = message(err);
        options.onProcess?.({ kind: 'failed', id: u.id, token: u.token, error });
        apply({ kind: 'failed', token: u.token, error });
      },
    );
  };

  try {
    await synthesizer.check();
    bus.publish('voice.state', voiceStateEvent(state, bus.clockNs()));
  } catch (err) {
    apply({ kind: 'unavailable', error: message(err) }); // publishes the state with the error
  }
  const sub: Subscription = bus.observe('voice.say').subscribe((e) => apply({ kind: 'say', request: e.payload }));

  return {
    state: () => state,
    idle: () => (state.speaking === null && state.queue.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    async close() {
      closed = true;
      sub.unsubscribe();
      const running = [...jobs.values()];
      jobs.clear();
      for (const r of running) r.job.stop();
      await Promise.allSettled(running.map((r) => r.job.done));
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
