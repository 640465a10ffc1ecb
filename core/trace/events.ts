// The shape of a trace event. One row per event, stored column-wise (see TraceChunk) so that
// emitting an event writes numbers into preallocated typed arrays and allocates nothing.
//
// Stable and documented: the session store (core/store) and the stepping engine read these
// columns as they are. Add kinds at the end; never renumber.

/** What an event records. */
export const EventKind = {
  /** A modeled kernel function was entered. fn = function id, a0..a3 = its arguments. */
  call: 1,
  /** It returned. fn = function id, a0 = result (negative = -errno). */
  ret: 2,
  /** A state change: fn = state id (e.g. `matrix_alloc`), a0..a3 = its values. */
  state: 3,
  /** A kernel log line: text = interned line, a0 = log level (0..7, KERN_EMERG..KERN_DEBUG). */
  log: 4,
  /** A fault: fn = fault id (e.g. `dmar_fault`, `oops`), a0..a3 = its values, text = summary. */
  fault: 5,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export const EVENT_KIND_NAMES: Record<EventKind, string> = {
  1: 'call',
  2: 'ret',
  3: 'state',
  4: 'log',
  5: 'fault',
};

/** How an argument number is to be read back. */
export type ArgType =
  | 'int' // a plain integer (virq, nr_irqs, cpu, vector)
  | 'hex' // an integer shown in hex (hwirq, address, data, flags)
  | 'str' // an interned string id (a domain's name, a device's BDF)
  | 'errno'; // a return value: 0 or a negative errno

export interface SymbolSpec {
  /** Kernel name: `irq_matrix_alloc`, `msi_domain_alloc`, or a state/fault name. */
  readonly name: string;
  readonly args: readonly { readonly name: string; readonly type: ArgType }[];
}

/** Number of numeric argument columns per event. */
export const ARG_COUNT = 4;

/** Sentinel for "no irq" / "no cpu" in the irq and cpu columns. */
export const NONE = -1;

/** Column storage for a run of events. Index i of every array is event (base + i). */
export interface TraceChunk {
  /** Sequence number of row 0 (the step number of the first event in this chunk). */
  base: number;
  /** Rows in use. */
  length: number;
  readonly kind: Uint8Array;
  readonly depth: Uint16Array;
  readonly fn: Uint32Array;
  readonly irq: Int32Array;
  readonly cpu: Int32Array;
  readonly a0: Float64Array;
  readonly a1: Float64Array;
  readonly a2: Float64Array;
  readonly a3: Float64Array;
  /** Interned string id (log line, fault summary) or 0 for none. */
  readonly text: Uint32Array;
}

export function createChunk(capacity: number): TraceChunk {
  return {
    base: 0,
    length: 0,
    kind: new Uint8Array(capacity),
    depth: new Uint16Array(capacity),
    fn: new Uint32Array(capacity),
    irq: new Int32Array(capacity),
    cpu: new Int32Array(capacity),
    a0: new Float64Array(capacity),
    a1: new Float64Array(capacity),
    a2: new Float64Array(capacity),
    a3: new Float64Array(capacity),
    text: new Uint32Array(capacity),
  };
}

/** One stored event, as the session store returns it and reports read it. */
export interface EventRow {
  seq: number;
  kind: number;
  depth: number;
  fn: number;
  irq: number;
  cpu: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  text: number;
}
