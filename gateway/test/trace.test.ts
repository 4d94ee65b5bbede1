import { describe, expect, it } from 'vitest';
import { childTraceparent, traceOf } from '../src/trace.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const SHAPE = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('W3C trace context', () => {
  it("joins a caller's valid trace, with a new parent id per outgoing call", () => {
    const trace = traceOf(VALID);
    expect(trace).toEqual({ traceId: TRACE_ID, flags: '01' });
    const child = childTraceparent(trace);
    expect(child).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(child).not.toBe(VALID);
    expect(childTraceparent(trace)).not.toBe(child);
  });

  it('starts a new trace for a missing or invalid header', () => {
    const invalid = [
      undefined,
      '',
      'garbage',
      `01-${TRACE_ID}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
      `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`,
      [VALID, VALID],
    ];
    for (const header of invalid) {
      const trace = traceOf(header);
      expect(trace.traceId, String(header)).not.toBe(TRACE_ID);
      expect(childTraceparent(trace)).toMatch(SHAPE);
    }
  });
});
