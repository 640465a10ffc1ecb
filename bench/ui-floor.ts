// The floor under ui_step_*: what this machine's browser takes for a keypress to repaint when the
// page does almost nothing, measured the way the debugger's steps are and in the same browser,
// just before them (bench/ui-step.ts runs it), so both see the same phase of the machine.
//
// The page (bench/ui-floor-server.mjs, a server process of its own as the host is) shows one line
// of text. Two runs of as many keys as the debugger's, pressed the same way (bench/keys.ts: held
// HOLD_MS, THINK_MS after the previous one is on screen), F7 each time:
//   ui_floor_blank_*       the keydown writes the new text itself;
//   ui_floor_round_trip_*  the keydown sends a message over the page's WebSocket and the text
//                          comes from the answer (a step answer's size, ~1.7 KB), as a debugger
//                          step's does. This is the least a step that asks the engine can cost.
// Each is the p50 and p99 (nearest rank) from the keydown's timestamp to the first task after
// the frame that shows the new text.
//   npx tsx bench/ui-floor.ts
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Browser } from '@playwright/test';
import { launchChromium, listeningUrl } from './browser';
import { THINK_MS, pct, pressUntilShown, sleep } from './keys';

declare global {
  interface Window {
    __floorLatencies?: number[];
    __floorReady?: boolean;
  }
}

const round = (n: number) => Number(n.toFixed(2));

function startFloorServer() {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'ui-floor-server.mjs')], {
    cwd: path.resolve(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, url: listeningUrl(child, 'the floor server') };
}

async function keyLatencies(browser: Browser, url: string, keyCount: number): Promise<number[]> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__floorReady === true, undefined, { polling: 20 });
    // As in the debugger's run: a click in the page, the mouse left resting there.
    await page.mouse.click(700, 400);
    for (let n = 0; n < keyCount; n++) {
      await pressUntilShown(page, 'F7', '__floorLatencies', n);
      await sleep(THINK_MS);
    }
    return await page.evaluate(() => window.__floorLatencies!);
  } finally {
    await page.close();
  }
}

export async function benchUiFloor(
  browser: Browser,
  keyCount: number,
): Promise<Record<string, number>> {
  const server = startFloorServer();
  try {
    const url = await server.url;
    const blank = await keyLatencies(browser, url, keyCount);
    const roundTrip = await keyLatencies(browser, `${url}?round-trip`, keyCount);
    return {
      ui_floor_blank_p50_ms: round(pct(blank, 50)),
      ui_floor_blank_p99_ms: round(pct(blank, 99)),
      ui_floor_round_trip_p50_ms: round(pct(roundTrip, 50)),
      ui_floor_round_trip_p99_ms: round(pct(roundTrip, 99)),
    };
  } finally {
    server.child.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await launchChromium();
  try {
    for (const [k, v] of Object.entries(await benchUiFloor(browser, 180)))
      console.log(`${k}: ${v}`);
  } finally {
    await browser.close();
  }
}
