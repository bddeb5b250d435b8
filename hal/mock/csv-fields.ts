/**
 * Strict parsing of the fields of a CSV row (numbers and timestamps), shared by the replay drivers. Each
 * function throws a {@link FieldError} saying which column holds what; the driver turns it into a
 * `SampleError` with the file and line.
 */

/** A field does not hold what its column should. The message names the column and quotes the value. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

/** Units a trace's time column may use. */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns';

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
/** Longer fields are refused before any conversion (a damaged line can be megabytes long). */
const MAX_NUMBER_CHARS = 64;
const UNIT_EXPONENT: Readonly<Record<TimeUnit, number>> = Object.freeze({ s: 9, ms: 6, us: 3, ns: 0 });

/** `value` quoted for an error message, cut to 40 characters. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** Throws unless the row has exactly `count` fields; `what` lists them, e.g. `timestamp, 3 gyro, 3 accel`. */
export function expectFields(fields: readonly string[], count: number, what: string): void {
  if (fields.length !== count) throw new FieldError(`expected ${count} fields (${what}), got ${fields.length}`);
}

/** Throws unless the row has at least `count` fields. */
export function expectAtLeastFields(fields: readonly string[], count: number, what: string): void {
  if (fields.length < count) throw new FieldError(`expected at least ${count} fields (${what}), got ${fields.length}`);
}

/** A non-negative integer count of nanoseconds (EuRoC `#timestamp [ns]`), exactly, as a bigint. */
export function integerNs(text: string, column: string): bigint {
  if (!/^\d{1,30}$/.test(text)) throw new FieldError(`${column}: expected an integer count of ns, got ${quoted(text)}`);
  return BigInt(text);
}

/** A finite decimal number (`-0.0991347015`, `8.1e-3`, `78`); `nan`, `inf`, hex and empty fields are refused. */
export function finiteNumber(text: string, column: string): number {
  const m = text.length <= MAX_NUMBER_CHARS ? DECIMAL.exec(text) : null;
  const value = Number(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '') || !Number.isFinite(value)) {
    throw new FieldError(`${column}: expected a number, got ${quoted(text)}`);
  }
  return value;
}

/**
 * A decimal time in `unit` converted exactly to integer ns (rounded half away from zero), e.g.
 * `decimalToNs("78", "s")` = 78_000_000_000n, `decimalToNs("1.5e-3", "s")` = 1_500_000n.
 */
export function decimalToNs(text: string, unit: TimeUnit, column: string): bigint {
  const m = text.length <= MAX_NUMBER_CHARS ? DECIMAL.exec(text) : null;
  const whole = m?.[2] ?? '';
  const fraction = m?.[3] ?? '';
  if (m === null || whole + fraction === '') throw new FieldError(`${column}: expected a time in ${unit}, got ${quoted(text)}`);
  const exponent = Number(m[4] ?? '0') - fraction.length + UNIT_EXPONENT[unit];
  const digits = BigInt(whole + fraction);
  if (exponent > 30) throw new FieldError(`${column}: time ${quoted(text)} ${unit} is out of range`);
  let ns: bigint;
  if (exponent >= 0) {
    ns = digits * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    ns = digits / divisor + (2n * (digits % divisor) >= divisor ? 1n : 0n);
  }
  return m[1] === '-' ? -ns : ns;
}

/** Median sample rate of increasing timestamps, Hz; `undefined` with fewer than two distinct stamps. */
export function medianRateHz(timesNs: readonly bigint[]): number | undefined {
  const steps: number[] = [];
  for (let i = 1; i < timesNs.length; i++) {
    const step = Number((timesNs[i] ?? 0n) - (timesNs[i - 1] ?? 0n));
    if (step > 0) steps.push(step);
  }
  if (steps.length === 0) return undefined;
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)] ?? 1;
  return 1e9 / median;
}
