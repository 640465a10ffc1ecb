// The trust model of a machine file, fuzzed (core/testing/machine-fuzz.ts): valid-looking machines
// mutated — wrong parents, loops, BDFs and buses anywhere, extreme counts and registers, long
// arrays — are refused with a JSON path for each problem, or boot to the end (an oops, a panic or a
// log line is the kernel's answer; an exception is irqlab's bug). Mangled text is refused with a
// line:column. A fixed seed and a bounded count here; scripts/fuzz-machine.ts runs for minutes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCase, checkText, fuzzCases, fuzzText } from '../testing/machine-fuzz';

describe('machine files, fuzzed', () => {
  it('every mutated machine is refused with JSON paths or simulated to the end', () => {
    const seen = { refused: 0, booted: 0 };
    fc.assert(
      // The three small bases (8-16 CPUs); the 128-CPU one is for scripts/fuzz-machine.ts.
      fc.property(fuzzCases(['example', 'dmar-server', 'seed-vf-compat-blocked']), (c) => {
        seen[checkCase(c).kind]++;
      }),
      { seed: 20261202, numRuns: 80 },
    );
    // The generator reaches both sides of the validator.
    expect(seen.refused).toBeGreaterThan(10);
    expect(seen.booted).toBeGreaterThan(10);
  }, 60_000);

  it('every mangled machine text is refused with a line:column or a JSON path, never a throw', () => {
    fc.assert(fc.property(fuzzText, checkText), { seed: 20261202, numRuns: 40 });
  }, 60_000);
});
