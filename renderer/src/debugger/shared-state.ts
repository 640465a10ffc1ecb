// A new answer keeps the parts of the stop shown that it did not change (see sharedWith).
import type { StepStateView } from '../../../electron/api/channels';

/**
 * The answer `next` with each part equal to the same part of `prev` (the stop shown) taken from
 * `prev`: a step keeps the identity of what it did not change (the stack below the new frame, the
 * chain, the matrix, the log...), so the views of those parts skip their render. The answer itself
 * is always a new object: a new answer is never mistaken for the one before it (the frame picked
 * in the call stack belongs to its answer).
 */
export function sharedWith(prev: StepStateView | null, next: StepStateView): StepStateView {
  if (!prev) return next;
  const out = { ...next };
  for (const k of Object.keys(next) as (keyof StepStateView)[])
    (out as Record<string, unknown>)[k] = share(prev[k], next[k]);
  return out;
}

/** Whether two answers say the same, part by part (an answer shown ahead and the engine's own). */
export function sameAnswer(a: StepStateView, b: StepStateView): boolean {
  return share(a, b) === a;
}

/** `next`, or `prev` where they are equal, part by part (JSON values: the wire's). */
function share<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return prev as T;
  if (typeof prev !== 'object' || typeof next !== 'object' || prev === null || next === null)
    return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = next.map((v: unknown, i) => {
      const s = share(prev[i], v);
      if (s !== prev[i]) same = false;
      return s;
    });
    return (same ? prev : out) as T;
  }
  if (Array.isArray(prev)) return next;
  const p = prev as Record<string, unknown>;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(p).length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const s = share(p[k], (next as Record<string, unknown>)[k]);
    if (s !== p[k] || !(k in p)) same = false;
    out[k] = s;
  }
  return (same ? prev : out) as T;
}
