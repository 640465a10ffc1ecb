// Long fuzzing of the browser-mode host: `npx tsx scripts/fuzz-host.ts --minutes 30 [--seed N]`.
// The same inputs as electron/node/host.fuzz.test.ts, batch after batch until the time is up;
// after each batch the host process must be alive and answer app.info. Exits 1 with the seed and
// the batch on the first failure (replay with --seed).
import { fuzzBatch, prng } from '../electron/node/host-fuzz';
import { answersAppInfo, spawnHost } from '../electron/node/host-testkit';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(flag('--minutes') ?? 5);
if (!(minutes > 0)) {
  console.error('usage: tsx scripts/fuzz-host.ts --minutes N [--seed S]');
  process.exit(2);
}
const seed = Number(flag('--seed') ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 50;

const host = await spawnHost();
const rng = prng(seed);
const until = Date.now() + minutes * 60_000;
let inputs = 0;
let failure: string | null = null;
console.log(`fuzzing the host at ${host.origin} for ${minutes} min, seed ${seed}`);
while (Date.now() < until) {
  await fuzzBatch(host, rng, BATCH);
  inputs += BATCH;
  if (!host.alive()) failure = `the host died\n${host.stderr()}`;
  else if (!(await answersAppInfo(host).catch(() => false))) failure = 'the host stopped answering';
  if (failure) break;
  if (inputs % 1000 === 0) console.log(`${inputs} inputs, host alive and answering`);
}
await host.stop();
if (failure) {
  console.error(`FAILED after ${inputs} inputs (seed ${seed}): ${failure}`);
  process.exit(1);
}
console.log(`${inputs} inputs in ${minutes} min (seed ${seed}): the host stayed up and answered`);
