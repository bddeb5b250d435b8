/**
 * Work requested by layer steps (inference and other slow calls), run at the edge by registered handlers.
 * Results wait in the requesting layer's mailbox until its next step. In virtual-clock replay the loop
 * awaits every outstanding request before it advances, and a mailbox is handed over in request order, so
 * replay does not depend on how long the work took.
 */
import type { WorkHandler, WorkRequest, WorkResult } from './types.js';

interface Done {
  readonly order: number;
  readonly result: WorkResult;
}

export interface WorkStats {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  readonly inFlight: number;
}

export class WorkTracker {
  private readonly mailboxes = new Map<string, Done[]>();
  private readonly outstanding = new Set<Promise<void>>();
  private order = 0;
  private requested = 0;
  private completed = 0;
  private failed = 0;

  constructor(private readonly handlers: Readonly<Record<string, WorkHandler>>) {}

  /** Start `request` for `owner` (a layer name). A request with no handler fails at once (its result says so). */
  submit(owner: string, request: WorkRequest): void {
    const order = this.order++;
    this.requested += 1;
    const handler = this.handlers[request.kind];
    const run: Promise<unknown> =
      handler === undefined
        ? Promise.reject(new Error(`no work handler for "${request.kind}" (known: ${Object.keys(this.handlers).join(', ') || 'none'})`))
        : Promise.resolve().then(() => handler(request.payload));
    const settled = run.then(
      (value) => this.deliver(owner, order, { kind: request.kind, id: request.id, ok: true, value }),
      (err: unknown) => {
        this.failed += 1;
        this.deliver(owner, order, { kind: request.kind, id: request.id, ok: false, error: errorMessage(err) });
      },
    );
    this.outstanding.add(settled);
    void settled.finally(() => this.outstanding.delete(settled));
  }

  /** Results ready for `owner`, in request order; removes them. */
  take(owner: string): WorkResult[] {
    const box = this.mailboxes.get(owner);
    if (box === undefined || box.length === 0) return [];
    this.mailboxes.set(owner, []);
    return box.sort((a, b) => a.order - b.order).map((d) => d.result);
  }

  /** Resolves when every request submitted so far has settled. */
  async settle(): Promise<void> {
    while (this.outstanding.size > 0) await Promise.all([...this.outstanding]);
  }

  get inFlight(): number {
    return this.outstanding.size;
  }

  stats(): WorkStats {
    return { requested: this.requested, completed: this.completed, failed: this.failed, inFlight: this.outstanding.size };
  }

  private deliver(owner: string, order: number, result: WorkResult): void {
    this.completed += 1;
    const box = this.mailboxes.get(owner) ?? [];
    box.push({ order, result });
    this.mailboxes.set(owner, box);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
