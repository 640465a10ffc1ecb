// The session reader's fuzz target, bounded for `npm test` (scripts/fuzz-session.ts runs it for
// minutes): mutated sessions are refused clearly or read whole, and never changed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile, describeMutation, FuzzBases, mutationArb } from './session-fuzz';

const here = path.dirname(fileURLToPath(import.meta.url));
const bases = new FuzzBases(path.join(here, 'fixtures', 'session-v1-wal.irqlab'));
afterAll(() => bases.dispose());

describe('the session reader, fuzzed', () => {
  it('refuses a mutated session with `not a valid irqlab session` naming it, or reads it whole; never changes it', () => {
    const outcomes = { read: 0, refused: 0 };
    fc.assert(
      fc.property(mutationArb, ({ base, mutation, whole }) => {
        const what = describeMutation(base, mutation);
        const file = bases.make(base, mutation);
        outcomes[checkFile(file, what, whole)]++;
        bases.drop(file);
      }),
      { numRuns: 200, seed: Number(process.env.IRQLAB_FUZZ_SEED ?? 16) },
    );
    // Both outcomes occur: the mutations reach past the header, and not everything is refused.
    expect(outcomes.read).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
