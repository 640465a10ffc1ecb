// Fuzzing the browser-mode host (bounded, part of `npm test`): a real host process takes batches
// of random and malformed input (electron/node/host-fuzz.ts) and after each batch must still be
// alive and answer a valid app.info. Longer runs: `npx tsx scripts/fuzz-host.ts --minutes N`.
// IRQLAB_FUZZ_SEED replays a run.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fuzzBatch, prng } from './host-fuzz';
import { answersAppInfo, spawnHost, type HostProcess } from './host-testkit';

const INPUTS = 300;
const BATCH = 30;
const seed = Number(process.env.IRQLAB_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let host: HostProcess;
beforeAll(async () => {
  host = await spawnHost();
}, 60_000);
afterAll(async () => {
  await host?.stop();
});

it(`the host survives ${INPUTS} random and malformed inputs (seed ${seed})`, async () => {
  const rng = prng(seed);
  for (let done = 0; done < INPUTS; done += BATCH) {
    await fuzzBatch(host, rng, BATCH);
    expect(
      host.alive(),
      `the host died after input ${done + BATCH} (seed ${seed}):\n${host.stderr()}`,
    ).toBe(true);
    expect(await answersAppInfo(host), `no answer after input ${done + BATCH} (seed ${seed})`).toBe(
      true,
    );
  }
}, 120_000);
