import { describe, expect, it } from 'vitest';
import { runOracle } from '../../bench/oracle/python.js';

describe('Python reference implementations', () => {
  it('are installed in .venv and answer', () => {
    const r = runOracle<{ echo: unknown; opencv: string; numpy: string }>('ping.py', { hello: 1 });
    expect(r.echo).toEqual({ hello: 1 });
    expect(r.opencv).toMatch(/^\d+\.\d+/);
  });
});
