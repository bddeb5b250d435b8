/**
 * Priorities and delivery policies of the event bus, and the RxJS operator that applies a policy
 * between a publisher and a consumer that takes its input in batches (a layer, once per step).
 */
import { Observable, type OperatorFunction } from 'rxjs';

/** Dispatch priority: a flush delivers every queued `critical` event before any `high`, and so on. */
export type Priority = 'critical' | 'high' | 'normal' | 'low';

export const PRIORITIES: readonly Priority[] = Object.freeze(['critical', 'high', 'normal', 'low']);

/** 0 for `critical` … 3 for `low`. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = Object.freeze({
  critical: 0,
  high: 1,
  normal: 2,
  low: 3,
});

/**
 * What a consumer gets when it falls behind its publisher:
 * - `latest`: only the newest value (per `key`, e.g. per device) since its last batch;
 * - `queue`: at most `capacity` values, the oldest dropped first;
 * - `lossless`: every value (for commands, state changes and user input).
 */
export type DeliveryPolicy<T = unknown> =
  | { readonly kind: 'latest'; readonly key?: (value: T) => string }
  | { readonly kind: 'queue'; readonly capacity: number }
  | { readonly kind: 'lossless' };

/**
 * Buffers `source` values under `policy` and, each time `drain$` emits, emits the values held since the
 * previous drain, oldest first (an empty array when there are none). Values a policy discards are
 * reported through `onDrop(count, reason)` as they are discarded — `superseded` when a newer value of the
 * same key replaced it (`latest`), `overflow` when a full queue pushed it out — so a consumer's losses
 * are counted even if it never drains again.
 *
 * Errors: throws `RangeError` (when called) for a `queue` capacity that is not a positive integer.
 * Completes when `source` completes (values still held are emitted first).
 */
export function deliverOnDrain<T>(
  drain$: Observable<unknown>,
  policy: DeliveryPolicy<T>,
  onDrop: (count: number, reason: DropReason) => void = () => undefined,
): OperatorFunction<T, T[]> {
  validatePolicy(policy);
  return (source) =>
    new Observable<T[]>((subscriber) => {
      const held = makeHolder(policy, onDrop);
      const drainSub = drain$.subscribe({
        next: () => subscriber.next(held.take()),
        error: (err: unknown) => subscriber.error(err),
      });
      const sourceSub = source.subscribe({
        next: (value) => held.put(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          const rest = held.take();
          if (rest.length > 0) subscriber.next(rest);
          subscriber.complete();
        },
      });
      return () => {
        drainSub.unsubscribe();
        sourceSub.unsubscribe();
      };
    });
}

/** Why a value never reached its consumer. */
export type DropReason = 'superseded' | 'overflow';

/** Throws `RangeError` naming the field when a policy cannot be applied. */
export function validatePolicy(policy: DeliveryPolicy<never>): void {
  if (policy.kind === 'queue' && (!Number.isInteger(policy.capacity) || policy.capacity < 1)) {
    throw new RangeError(`"capacity" must be a positive integer, got ${String(policy.capacity)}`);
  }
}

interface Holder<T> {
  put(value: T): void;
  take(): T[];
}

function makeHolder<T>(policy: DeliveryPolicy<T>, onDrop: (count: number, reason: DropReason) => void): Holder<T> {
  switch (policy.kind) {
    case 'latest':
      return latestHolder(policy.key, onDrop);
    case 'queue':
      return queueHolder(policy.capacity, onDrop);
    case 'lossless':
      return queueHolder(Number.POSITIVE_INFINITY, onDrop);
  }
}

function latestHolder<T>(key: ((value: T) => string) | undefined, onDrop: (count: number, reason: DropReason) => void): Holder<T> {
  // Insertion order of a Map is the order in which keys first appeared since the last take.
  let byKey = new Map<string, T>();
  return {
    put(value) {
      const k = key === undefined ? '' : key(value);
      if (byKey.has(k)) {
        byKey.delete(k); // re-insert so the batch stays in publication order
        onDrop(1, 'superseded');
      }
      byKey.set(k, value);
    },
    take() {
      const out = [...byKey.values()];
      byKey = new Map();
      return out;
    },
  };
}

function queueHolder<T>(capacity: number, onDrop: (count: number, reason: DropReason) => void): Holder<T> {
  let items: T[] = [];
  let head = 0;
  return {
    put(value) {
      items.push(value);
      if (items.length - head > capacity) {
        head += 1;
        onDrop(1, 'overflow');
        if (head > 1024 && head * 2 > items.length) {
          items = items.slice(head);
          head = 0;
        }
      }
    },
    take() {
      const out = head === 0 ? items : items.slice(head);
      items = [];
      head = 0;
      return out;
    },
  };
}
