// Step latency on the large preset (1536 CPUs, 16 IOMMUs, ~100,000 vectors): an engineer in the
// debugger pressing keys — steps forward (next event, over, into), jumps ahead, steps back — with
// a pause between keys as a person leaves. Each latency is command sent -> state received from the
// worker. Prints step_p50_ms, step_p99_ms, step_max_ms (all commands), step_forward_p99_ms, and
// step_back_p50_ms / step_back_p99_ms (steps back within the last 512 steps read the states the
// follower run recorded). Apart from the steps: step_back_after_jump_ms (a step back at once
// after a 200,000-step jump waits for the follower) and step_goto_far_back_ms (500,000 steps
// back is a replay from a standby run or from the start).
//   npx tsx bench/step.ts
import { PRESETS } from '../core/model/presets';
import { StepSession } from '../core/step/node/session';
import type { StepCommand } from '../core/step/engine';
import { THINK_MS, pct, sleep } from './keys';

export async function benchStep(): Promise<Record<string, number>> {
  const machine = PRESETS.large!.make();
  const { session } = await StepSession.start(machine, {});
  const all: number[] = [];
  const backs: number[] = [];
  const forwards: number[] = [];
  const afterJump: number[] = [];
  const farBack: number[] = [];
  const time = async (f: () => Promise<unknown>, into: number[][]) => {
    const t0 = performance.now();
    await f();
    const ms = performance.now() - t0;
    for (const a of into) a.push(ms);
  };
  try {
    // Into the boot, to where the devices' interrupts are being allocated.
    await session.do({ op: 'run-to', seq: 1_000_000 });
    await sleep(4000); // the shadow run catches up behind, as it does while one reads the state
    const script: (StepCommand | 'back')[] = [];
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 8; i++) script.push({ op: 'step' });
      script.push({ op: 'over' }, { op: 'into' }, { op: 'out' });
      for (let i = 0; i < 4; i++) script.push('back');
    }
    for (const cmd of script) {
      if (cmd === 'back') await time(() => session.back(1), [all, backs]);
      else await time(() => session.do(cmd), [all, forwards]);
      await sleep(THINK_MS);
    }
    // Not steps, apart: a step back right after a jump of 200,000 steps (the follower is still
    // on its way to record the trail), and a jump 500,000 steps back (a replay).
    await session.do({ op: 'run-to', seq: session.state.seq + 200_000 });
    await time(() => session.back(1), [afterJump]);
    await sleep(4000);
    await time(() => session.goto(session.state.seq - 500_000), [farBack]);
  } finally {
    session.close();
  }
  return {
    step_commands: all.length,
    step_p50_ms: Number(pct(all, 50).toFixed(2)),
    step_p99_ms: Number(pct(all, 99).toFixed(2)),
    step_max_ms: Number(Math.max(...all).toFixed(2)),
    step_forward_p99_ms: Number(pct(forwards, 99).toFixed(2)),
    step_back_p50_ms: Number(pct(backs, 50).toFixed(2)),
    step_back_p99_ms: Number(pct(backs, 99).toFixed(2)),
    step_back_after_jump_ms: Number(afterJump[0]!.toFixed(2)),
    step_goto_far_back_ms: Number(farBack[0]!.toFixed(2)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [k, v] of Object.entries(await benchStep())) console.log(`${k}: ${v}`);
}
