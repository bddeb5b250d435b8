/**
 * What a HUD page may send over its WebSocket (JSON text; `docs/hud.md#from-the-page`), checked with zod
 * because it comes from outside the process:
 *
 * - `{"type":"input","kind":"gaze","atPx":[x,y],"targetId":id|null}` — the mouse position (gaze point),
 * - `{"type":"input","kind":"pinch","phase":"start"|"end","atPx":[x,y],"targetId":id|null}` — a click,
 * - `{"type":"input","kind":"key","action":"dismiss"|"next"|"previous"|"select"}` — a key,
 * - `{"type":"ping","t0Ms":n}` — clock check; answered `{"type":"pong","t0Ms":n,"serverMs":epoch ms}`.
 *
 * `atPx` are display pixels (the display profile's image). Anything else is rejected with a reason naming
 * the field; the server counts it and goes on.
 */
import { z } from 'zod';
import type { UiInputEvent } from '../layers/interface/scene-types.js';

const px = z.tuple([z.number().finite(), z.number().finite()]);
const target = z.string().max(200).nullable();

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t0Ms: z.number().finite() }),
  z.object({
    type: z.literal('input'),
    input: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('gaze'), atPx: px, targetId: target }),
      z.object({ kind: z.literal('pinch'), phase: z.enum(['start', 'end']), atPx: px, targetId: target }),
      z.object({ kind: z.literal('key'), action: z.enum(['dismiss', 'next', 'previous', 'select']) }),
    ]),
  }),
]);

export type PageMessage =
  | { readonly type: 'ping'; readonly t0Ms: number }
  | { readonly type: 'input'; readonly input: Omit<UiInputEvent, 'tNs' | 'source'> & { kind: UiInputEvent['kind'] } };

/** Parses one text message from a page; `{ error }` names what is wrong (`"input.atPx.0": …`). */
export function parsePageMessage(text: string): { readonly message: PageMessage } | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `"${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}` };
  }
  return { message: parsed.data as PageMessage };
}

/** The `ui.input` event for a page's input, stamped `tNs` (bus clock) and `source`. */
export function toUiInput(input: PageMessage & { type: 'input' }, tNs: number, source: string): UiInputEvent {
  return { ...input.input, tNs, source } as UiInputEvent;
}

/** Epoch milliseconds with sub-ms resolution (`performance.timeOrigin + performance.now()`): the clock the page compares with. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
