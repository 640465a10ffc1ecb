// Step latency in the UI, keypress to repaint, on the large preset (1536 CPUs, 16 IOMMUs,
// ~100,000 MSI-X vectors, ~4.5 million trace events).
//
// How it is driven: the real browser-mode host as `npm start` runs it (the bundle dist/host, a
// process of its own on a free port with a temporary sessions folder) serves the built renderer (run
// `npm run build:renderer` first); Playwright drives Debian's chromium (/usr/bin/chromium,
// CHROMIUM_PATH to change) against it, as the end-to-end tests do. The page opens the large
// preset, runs and stores its boot, opens the debugger and goes to step 1,000,000 (where the
// devices' interrupts are being allocated), waits for the standby runs to catch up, then an
// engineer's keys: F7 (next event) x8, F10 (over), F11 (into), Shift+F11 (out), Shift+F7 (back)
// x4, 12 rounds. Each latency is measured in the page: from the keydown event's timestamp to the
// first task after the frame that shows the new state (the debugger view records it:
// renderer/src/debugger/useDebugger.ts). Keys are pressed one at a time as a person presses them
// (bench/keys.ts: held 80 ms, the next one 150 ms after the previous state is on screen), and
// nothing of the harness's reaches the page while a step is measured: its waiter is in the page
// before the key goes down and polls on a timer, never on animation frames. (Playwright's `press`
// and `waitForFunction` sent the keyup and a call into the page inside the step: in four runs
// alternating the two ways by round, rounds pressed that way had a p50 2.2-3.3 ms higher and
// 1.5-6 times as many steps over 16 ms.)
//
// Before the debugger, the same browser measures the floor under these figures (bench/ui-floor.ts,
// printed with them): as many keys (F7), pressed the same way, on a page of one line of text,
// written by the keydown itself (ui_floor_blank_*) or from a WebSocket answer of a step's size
// (ui_floor_round_trip_*).
//
// Between keys the page asks the engine what each step command would answer at the stop shown
// (`debug.peek`, the live run going up to 64 steps ahead: core/step/node/session.ts), and a key
// whose answer it has is drawn from it at once, the command reaching the engine after that frame;
// the others wait for the engine's answer as before.
//
// Prints ui_step_p50_ms, ui_step_p99_ms, ui_step_max_ms (all keys), ui_step_forward_p99_ms,
// ui_step_back_p50_ms, ui_step_back_p99_ms, ui_step_commands, ui_step_ahead (the keys drawn from an
// answer given ahead), ui_step_api_p50_ms and ui_step_api_p99_ms (the API call's part of the
// others: page -> host -> stepping worker -> page; -1 when there were none),
// ui_step_ready_p50_ms and ui_step_ready_p99_ms (keydown until the new state is in the DOM:
// React's render, after the API call for a key not answered ahead; before the frame that draws it), the floor's ui_floor_blank_p50_ms,
// ui_floor_blank_p99_ms, ui_floor_round_trip_p50_ms and ui_floor_round_trip_p99_ms, and the setup's
// ui_boot_large_stored_seconds and ui_debugger_start_seconds. The rest of each latency is that
// frame's own main-thread work: it begins as soon as the new state is in the DOM (the compositor
// is idle between keys, so no refresh tick is waited for). In a Chromium trace of this run (the
// steps after the first round, before answers were given ahead) that frame took 8.2 ms at p50 and 11.0 at p90, in phases of about
// a millisecond each: the hit test and mouse events for the content that changed under the
// resting mouse 2.3 (with its pre-paint), paint 1.7, style 1.2, commit 0.8, layout 0.75,
// layerize 0.5 (that trace's keys were pressed with Playwright's `press`).
// The frames' main thread was off the CPU for a quarter of their time (1,630 ms of wall time,
// 1,245 of CPU, 248 frames); a few commits waited up to 4 ms for the compositor to raster and
// activate (a step re-rasters ~19 tiles, 3 ms on the raster threads); and 1-3 of 180 answers
// took 10-24 ms to come back from the host.
// This VM renders in software (--disable-gpu).
//   npm run build:renderer && npx tsx bench/ui-step.ts
import { launchChromium, startHost } from './browser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildHost } from '../scripts/build-cli.mjs';
import { THINK_MS, pct, pressUntilShown, sleep } from './keys';
import { benchUiFloor } from './ui-floor';

const round = (n: number) => Number(n.toFixed(2));

export async function benchUiStep(): Promise<Record<string, number>> {
  const keys: string[] = [];
  for (let r = 0; r < 12; r++) {
    for (let i = 0; i < 8; i++) keys.push('F7');
    keys.push('F10', 'F11', 'Shift+F11');
    for (let i = 0; i < 4; i++) keys.push('Shift+F7');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-ui-bench-'));
  await buildHost({ ifStale: true });
  const host = await startHost(dir);
  const browser = await launchChromium();
  try {
    // The floor first, in the same browser: as many keys on a page that does almost nothing.
    const floor = await benchUiFloor(browser, keys.length);
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(host.url);
    await page.getByRole('button', { name: /^large/ }).click();
    await page.getByTestId('session-title').waitFor();
    let t0 = performance.now();
    await page.getByRole('button', { name: '▶ Run boot' }).click();
    await page.getByTestId('proc-interrupts').waitFor({ timeout: 300_000 });
    const bootSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    await page.getByTestId('mode-debugger').click();
    await page.getByTestId('state-panel').waitFor({ timeout: 300_000 });
    const startSeconds = (performance.now() - t0) / 1000;
    await page.getByLabel('Go to step').fill('1000000');
    await page.getByLabel('Go to step').press('Enter');
    await page
      .getByTestId('dbg-position')
      .filter({ hasText: 'step 1,000,000 of' })
      .waitFor({ timeout: 300_000 });
    await sleep(4000); // the standby runs catch up behind, as while one reads the state

    // Keys go to the page, not to a field.
    await page.getByTestId('call-stack').click();
    await page.evaluate(() => (window.__irqlabStepLatencies = []));
    // Each key held as a finger holds it, the harness's waiter in the page before it goes down
    // (bench/keys.ts says why).
    for (const [n, key] of keys.entries()) {
      await pressUntilShown(page, key, '__irqlabStepLatencies', n);
      await sleep(THINK_MS);
    }
    const measured = await page.evaluate(() => window.__irqlabStepLatencies ?? []);
    const all = measured.map((m) => m.ms);
    const back = measured.filter((m) => m.op === 'back').map((m) => m.ms);
    const forward = measured.filter((m) => m.op !== 'back').map((m) => m.ms);
    // Steps whose answer the engine gave ahead were shown without a call to it (useDebugger.ts).
    const asked = measured.filter((m) => !m.ahead);
    const api = asked.map((m) => m.apiMs);
    const ready = measured.map((m) => m.readyMs);
    return {
      ui_step_commands: all.length,
      ui_step_p50_ms: round(pct(all, 50)),
      ui_step_p99_ms: round(pct(all, 99)),
      ui_step_max_ms: round(Math.max(...all)),
      ui_step_forward_p99_ms: round(pct(forward, 99)),
      ui_step_back_p50_ms: round(pct(back, 50)),
      ui_step_back_p99_ms: round(pct(back, 99)),
      ui_step_ahead: measured.length - asked.length,
      // The API call's part of the steps that waited for it (WebSocket to the host, the stepping
      // worker); -1: every step was shown from an answer given ahead.
      ui_step_api_p50_ms: api.length ? round(pct(api, 50)) : -1,
      ui_step_api_p99_ms: api.length ? round(pct(api, 99)) : -1,
      // Keydown until the new state is in the DOM (the view's layout effect). The rest is the
      // frame's own work (see the header).
      ui_step_ready_p50_ms: round(pct(ready, 50)),
      ui_step_ready_p99_ms: round(pct(ready, 99)),
      ...floor,
      ui_boot_large_stored_seconds: round(bootSeconds),
      ui_debugger_start_seconds: round(startSeconds),
    };
  } finally {
    await browser.close();
    host.child.kill('SIGTERM');
    await new Promise((r) => host.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [k, v] of Object.entries(await benchUiStep())) console.log(`${k}: ${v}`);
}
