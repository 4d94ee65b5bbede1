// W3C Trace Context (https://www.w3.org/TR/trace-context/). The gateway joins the caller's trace
// when it sends a valid `traceparent`, else starts one. Each subgraph fetch gets a fresh
// parent-id: the spec requires a participant to replace parent-id with its own span id rather
// than forward the caller's unchanged.
import { randomBytes } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  /** Trace flags as two hex digits (01 = sampled). */
  flags: string;
}

// Version 00 only; all-zero trace and parent ids are invalid per the spec.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/** The trace of an incoming `traceparent` header when valid, else a new sampled trace. */
export function traceOf(header: string | string[] | undefined): TraceContext {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (match && !ZEROS.test(match[1]!) && !ZEROS.test(match[2]!)) {
    return { traceId: match[1]!, flags: match[3]! };
  }
  return { traceId: nonZeroHex(16), flags: '01' };
}

/** A `traceparent` for one outgoing call within `trace`. */
export function childTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${nonZeroHex(8)}-${trace.flags}`;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ZEROS.test(hex)) return hex;
  }
}
