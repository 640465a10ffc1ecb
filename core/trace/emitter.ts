// The trace emitter every modeled kernel function reports to.
//
// Hot path: `call`/`ret`/`state` write numbers into the current chunk's typed arrays. Nothing is
// allocated per event; strings are interned once (callers keep the ids of names they reuse).
// When a chunk fills, it is handed to the sinks (the SQLite writer, an in-memory collector) and
// reused, so memory stays bounded however long the run.
//
// Pausing: `pauseHook`, when set, is called after every event with the event's sequence number.
// The stepping engine uses it to stop at a step (it may block the simulation's worker thread, or
// throw `StopSimulation` to abandon the run once it has read the state). The same code path runs
// at full speed when the hook is null.
import { createChunk, EventKind, NONE, type SymbolSpec, type TraceChunk } from './events';
import { StringTable } from './strings';

export interface TraceSink {
  /**
   * Receives a full (or final) chunk. The chunk is reused afterwards: copy what you keep (unless
   * it came from your own ChunkSource).
   */
  write(chunk: TraceChunk, strings: StringTable, symbols: readonly SymbolSpec[]): void;
}

/**
 * Where the emitter's chunks come from when a sink keeps each full one instead of copying it
 * (electron/node/run-store.ts: shared memory its store thread reads, so 230 MB of a large boot's
 * trace is never copied on the boot's thread).
 */
export interface ChunkSource {
  /** The chunk to write into next; `full`, the one just handed to the sinks, is theirs now. */
  next(full: TraceChunk | null): TraceChunk;
}

/** Thrown by a pause hook to end a run early (e.g. the debugger reached its step). */
export class StopSimulation extends Error {
  constructor(readonly atSeq: number) {
    super(`simulation stopped at step ${atSeq}`);
    this.name = 'StopSimulation';
  }
}

export const DEFAULT_CHUNK_EVENTS = 1 << 16;

export class TraceEmitter {
  readonly strings = new StringTable();
  /** Symbol table: function, state and fault names with their argument layout. Index = id. */
  readonly symbols: SymbolSpec[] = [{ name: '', args: [] }];
  private readonly symbolIds = new Map<string, number>();
  private readonly sinks: TraceSink[] = [];
  private chunk: TraceChunk;
  private source: ChunkSource | null = null;
  /** Sequence number of the next event (= events emitted so far). */
  seq = 0;
  /** Current call depth (number of calls not yet returned). */
  depth = 0;
  pauseHook: ((seq: number) => void) | null = null;
  /** The event the pause hook is called for (filled only while a hook is set). */
  readonly last = {
    kind: 0,
    fn: 0,
    irq: -1,
    cpu: -1,
    depth: 0,
    a0: 0,
    a1: 0,
    a2: 0,
    a3: 0,
    text: 0,
  };

  constructor(chunkEvents = DEFAULT_CHUNK_EVENTS) {
    this.chunk = createChunk(chunkEvents);
  }

  addSink(sink: TraceSink): void {
    this.sinks.push(sink);
  }

  /** Writes the events from now on into the source's chunks (see ChunkSource). */
  useChunks(source: ChunkSource): void {
    this.flush();
    this.source = source;
    this.chunk = source.next(null);
    this.chunk.base = this.seq;
    this.chunk.length = 0;
  }

  /** Registers (once) a function, state or fault name and how to read its arguments. */
  symbol(spec: SymbolSpec): number {
    const known = this.symbolIds.get(spec.name);
    if (known !== undefined) return known;
    const id = this.symbols.length;
    this.symbols.push(spec);
    this.symbolIds.set(spec.name, id);
    return id;
  }

  intern(value: string): number {
    return this.strings.intern(value);
  }

  call(fn: number, irq = NONE, cpu = NONE, a0 = 0, a1 = 0, a2 = 0, a3 = 0): void {
    this.row(EventKind.call, fn, irq, cpu, a0, a1, a2, a3, 0);
    this.depth++;
  }

  ret(fn: number, result: number, irq = NONE, cpu = NONE): void {
    this.depth--;
    this.row(EventKind.ret, fn, irq, cpu, result, 0, 0, 0, 0);
  }

  state(what: number, irq = NONE, cpu = NONE, a0 = 0, a1 = 0, a2 = 0, a3 = 0): void {
    this.row(EventKind.state, what, irq, cpu, a0, a1, a2, a3, 0);
  }

  log(level: number, line: string): void {
    this.row(EventKind.log, 0, NONE, NONE, level, 0, 0, 0, this.strings.intern(line));
  }

  fault(
    what: number,
    summary: string,
    irq = NONE,
    cpu = NONE,
    a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0,
  ): void {
    this.row(EventKind.fault, what, irq, cpu, a0, a1, a2, a3, this.strings.intern(summary));
  }

  /** Hands the events not yet delivered to the sinks. Call at the end of a run. */
  flush(): void {
    let chunk = this.chunk;
    if (chunk.length > 0) {
      for (const sink of this.sinks) sink.write(chunk, this.strings, this.symbols);
      if (this.source) chunk = this.chunk = this.source.next(chunk);
    }
    chunk.base = this.seq;
    chunk.length = 0;
  }

  private row(
    kind: number,
    fn: number,
    irq: number,
    cpu: number,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    text: number,
  ): void {
    const c = this.chunk;
    const i = c.length;
    c.kind[i] = kind;
    c.depth[i] = this.depth;
    c.fn[i] = fn;
    c.irq[i] = irq;
    c.cpu[i] = cpu;
    c.a0[i] = a0;
    c.a1[i] = a1;
    c.a2[i] = a2;
    c.a3[i] = a3;
    c.text[i] = text;
    c.length = i + 1;
    const seq = this.seq++;
    if (c.length === c.kind.length) this.flush();
    if (this.pauseHook !== null) {
      const l = this.last;
      l.kind = kind;
      l.fn = fn;
      l.irq = irq;
      l.cpu = cpu;
      l.depth = this.depth;
      l.a0 = a0;
      l.a1 = a1;
      l.a2 = a2;
      l.a3 = a3;
      l.text = text;
      this.pauseHook(seq);
    }
  }
}
