// The emitter hands each full chunk to its sinks; with a ChunkSource it writes into the source's
// chunks instead of its own, and each full one stays the sinks' (never reused under them).
import { describe, expect, it } from 'vitest';
import { createChunk, EventKind, type TraceChunk } from './events';
import { TraceEmitter } from './emitter';

/** Emits `n` state events whose a0 is their sequence number. */
function emit(trace: TraceEmitter, n: number): void {
  const what = trace.symbol({ name: 'tick', args: [] });
  for (let i = 0; i < n; i++) trace.state(what, -1, -1, trace.seq);
}

describe('TraceEmitter with a ChunkSource', () => {
  it('writes into the source’s chunks; each full one is handed over once and not written again', () => {
    const trace = new TraceEmitter(8);
    const given: TraceChunk[] = [];
    const returned: TraceChunk[] = [];
    trace.useChunks({
      next(full) {
        if (full) returned.push(full);
        const chunk = createChunk(4);
        given.push(chunk);
        return chunk;
      },
    });
    const seen: { chunk: TraceChunk; base: number; a0: number[] }[] = [];
    trace.addSink({
      write: (chunk) =>
        seen.push({ chunk, base: chunk.base, a0: Array.from(chunk.a0.subarray(0, chunk.length)) }),
    });
    emit(trace, 10);
    trace.flush();
    // Chunks of the source's size (4), in order, every event once.
    expect(seen.map((s) => [s.base, s.a0])).toEqual([
      [0, [0, 1, 2, 3]],
      [4, [4, 5, 6, 7]],
      [8, [8, 9]],
    ]);
    // Each is a chunk the source gave, handed back to it as full, and left as the sinks saw it.
    expect(seen.map((s) => s.chunk)).toEqual(given.slice(0, 3));
    expect(returned).toEqual(given.slice(0, 3));
    for (const s of seen) {
      expect(Array.from(s.chunk.a0.subarray(0, s.a0.length))).toEqual(s.a0);
      expect(s.chunk.kind[0]).toBe(EventKind.state);
    }
  });

  it('delivers what was emitted before the source was set first, in its own chunk', () => {
    const trace = new TraceEmitter(8);
    const bases: number[] = [];
    trace.addSink({ write: (chunk) => bases.push(chunk.base, chunk.length) });
    emit(trace, 3);
    trace.useChunks({ next: () => createChunk(4) });
    emit(trace, 4);
    trace.flush();
    expect(bases).toEqual([0, 3, 3, 4]);
  });
});
