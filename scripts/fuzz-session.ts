// The session reader's fuzz target for as long as asked: `npx tsx scripts/fuzz-session.ts
// --minutes N [--seed S]`. Mutated sessions (byte flips, truncation, SQL alterations: see
// core/store/session-fuzz.ts) must be refused with `<file>: not a valid irqlab session: <what>`
// or read whole, and never changed. Prints the first counterexample and exits 1.
import path from 'node:path';
import fc from 'fast-check';
import { checkFile, describeMutation, FuzzBases, mutationArb } from '../core/store/session-fuzz';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const minutes = Number(option('--minutes') ?? 1);
if (!(minutes > 0)) {
  console.error('usage: fuzz-session.ts --minutes N [--seed S]');
  process.exit(2);
}
const seed = Number(option('--seed') ?? Date.now() % 2 ** 31);
const bases = new FuzzBases(path.resolve('core/store/fixtures/session-v1-wal.irqlab'));
const outcomes = { read: 0, refused: 0 };
const deadline = Date.now() + minutes * 60_000;
let round = 0;
let failed = false;
try {
  while (Date.now() < deadline && !failed) {
    const result = fc.check(
      fc.property(mutationArb, ({ base, mutation, whole }) => {
        const file = bases.make(base, mutation);
        outcomes[checkFile(file, describeMutation(base, mutation), whole)]++;
        bases.drop(file);
      }),
      { numRuns: 200, seed: seed + round++ },
    );
    if (result.failed) {
      failed = true;
      console.error(
        `seed ${result.seed}: ${String(result.errorInstance ?? result.counterexample)}`,
      );
    }
  }
} finally {
  bases.dispose();
}
console.log(
  `${outcomes.read + outcomes.refused} mutated sessions in ${round} rounds from seed ${seed}: ${outcomes.read} read whole, ${outcomes.refused} refused clearly${failed ? '; FAILED' : ''}`,
);
process.exit(failed ? 1 : 0);
