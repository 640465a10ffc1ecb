// Long fuzzing runs of machine files:
//   npx tsx scripts/fuzz-machine.ts --minutes 30 [--seed N] [--last FILE]
// --last writes each case to FILE before running it: a case that hangs is left there.
// The same property as core/model/machine.fuzz.test.ts (core/testing/machine-fuzz.ts): every
// mutated machine is refused with JSON paths or boots to the end, and every mangled text is
// refused with a line:column. On a failure: the shrunk case, the seed and path to replay it.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { checkCase, checkText, fuzzCases, fuzzText, machineOf } from '../core/testing/machine-fuzz';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(option('--minutes') ?? '1');
const seed = option('--seed') !== undefined ? Number(option('--seed')) : Date.now() % 2 ** 31;
if (!(minutes > 0) || !Number.isInteger(seed)) {
  process.stderr.write('usage: fuzz-machine.ts --minutes N [--seed N]\n');
  process.exit(2);
}

const last = option('--last');
const counts = { refused: 0, booted: 0, oops: 0, panic: 0, texts: 0 };
const limit = minutes * 60_000;
const started = Date.now();
process.stderr.write(`fuzz-machine: seed ${seed}, ${minutes} minute(s)\n`);

const machines = fc.check(
  fc.property(fuzzCases(), (c) => {
    if (last) writeFileSync(last, JSON.stringify(c));
    const o = checkCase(c);
    if (o.kind === 'refused') counts.refused++;
    else {
      counts.booted++;
      if (o.oops) counts.oops++;
      if (o.panic) counts.panic++;
    }
  }),
  { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: limit * 0.8 },
);
const texts = fc.check(
  fc.property(fuzzText, (t) => {
    counts.texts++;
    checkText(t);
  }),
  {
    seed,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: Math.max(1000, limit - (Date.now() - started)),
  },
);

process.stderr.write(
  `fuzz-machine: ${counts.refused} refused, ${counts.booted} booted (${counts.oops} oops, ${counts.panic} panic), ${counts.texts} texts, in ${Math.round((Date.now() - started) / 1000)} s\n`,
);
let failed = false;
for (const [what, r] of [
  ['machine', machines],
  ['text', texts],
] as const) {
  if (!r.failed) continue;
  failed = true;
  const example = r.counterexample?.[0];
  process.stderr.write(
    `fuzz-machine: ${what} property failed (seed ${r.seed}, path "${r.counterexamplePath}"): ${String(r.errorInstance)}\n`,
  );
  if (what === 'machine' && example)
    process.stdout.write(
      JSON.stringify({ case: example, machine: machineOf(example as never) }, null, 2) + '\n',
    );
  else if (example) process.stdout.write(JSON.stringify(example).slice(0, 2000) + '\n');
}
process.exit(failed ? 1 : 0);
