// What the step benchmarks share: how a key is pressed, an engineer's pause between keys, and the
// percentile they report.
import type { Page } from '@playwright/test';

/** The pause between one step shown and the next key (an engineer reading the state). */
export const THINK_MS = 150;

/** How long a key is held, as a finger holds it (keyup comes ~50-150 ms after keydown). */
export const HOLD_MS = 80;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile of `xs` (nearest rank: p99 of 180 is the second slowest). */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * Presses `key` ("F7", "Shift+F11") in `page` as a person does and waits until the page's list
 * `window[listName]` of measured latencies has more than `count` entries.
 *
 * Nothing of the harness's reaches the page while a key's effect is being measured: the waiter is
 * set up in the page (a timer polling every 20 ms, no animation frames) before the key goes down,
 * and the key comes up HOLD_MS later. Playwright's `press` sent the keyup at once and its
 * `waitForFunction` installed its poller with a call into the page right after, both landing
 * inside the step being measured (on this VM a p50 2.2-3.3 ms higher and 1.5-6 times as many
 * steps over 16 ms: bench/ui-step.ts).
 */
export async function pressUntilShown(
  page: Page,
  key: string,
  listName: string,
  count: number,
  timeoutMs = 120_000,
): Promise<void> {
  // (No named functions inside: tsx's transform would wrap them in a helper the page lacks.)
  const waiter = await page.evaluateHandle(
    ([name, count, timeoutMs]) => ({
      shown: (async () => {
        const started = performance.now();
        while (((window as unknown as Record<string, unknown[]>)[name]?.length ?? 0) <= count) {
          if (performance.now() - started > timeoutMs)
            throw new Error(`${name} did not pass ${count} in ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 20));
        }
      })(),
    }),
    [listName, count, timeoutMs] as const,
  );
  const parts = key.split('+');
  for (const part of parts) await page.keyboard.down(part);
  await sleep(HOLD_MS);
  for (const part of parts.reverse()) await page.keyboard.up(part);
  await waiter.evaluate((w) => w.shown);
  await waiter.dispose();
}
