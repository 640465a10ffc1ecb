// The machine graph in the UI: from the click that opens a machine until its graph is drawn, for
// the large preset (1536 CPUs in 8 sockets, 16 root complexes, ~250 nodes) and for a 2,000-device
// machine from the start page's generator (128 root complexes, 1,920 PCI functions).
//
// How it is driven: as bench/ui-step.ts, the real browser-mode host (started here on a free port
// with a temporary sessions folder) serves the built renderer (run `npm run build:renderer`
// first); Playwright drives Debian's chromium (CHROMIUM_PATH to change). Measured in the page:
// from the click event's timestamp to the `data-drawn` mark the graph sets on its element, in
// the first task after the frame that shows its layout (renderer/src/topology/TopologyView.tsx).
// That includes everything the user waits for: the host making the machine, the page validating
// it, Monaco taking its JSON, the graph built, laid out and drawn. Each machine is opened
// RUNS times in a fresh page; the median is printed (ui_graph_large_ms, ui_graph_2000_ms) with
// the max (ui_graph_large_max_ms, ui_graph_2000_max_ms).
//   npm run build:renderer && npx tsx bench/ui-graph.ts
import { type Page } from '@playwright/test';
import { launchChromium } from './browser';
import { median } from './stats';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBrowserHost } from '../electron/node/browser-host';

const RUNS = 5;
const round = (n: number) => Math.round(n);

/** Clicks `click`'s target and returns the milliseconds until the graph says it is drawn. */
async function clickToGraph(page: Page, click: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __benchClick?: number };
    delete w.__benchClick;
    document.addEventListener('click', (e) => (w.__benchClick = e.timeStamp), {
      capture: true,
      once: true,
    });
  });
  await click();
  const drawn = page.locator('[data-testid="topology"][data-drawn]');
  await drawn.waitFor({ state: 'attached', timeout: 120_000 });
  const end = Number(await drawn.getAttribute('data-drawn'));
  const start = await page.evaluate(
    () => (window as unknown as { __benchClick?: number }).__benchClick ?? NaN,
  );
  return end - start;
}

export async function benchUiGraph(): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-ui-graph-'));
  const host = await startBrowserHost({ port: 0, sessionsDir: path.join(dir, 'sessions') });
  const browser = await launchChromium();
  try {
    const large: number[] = [];
    const devices: number[] = [];
    // A first page warms the host and the browser's cache of the renderer, as a user's second
    // session would find them.
    for (let run = 0; run <= RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(host.url);
      const ms = await clickToGraph(page, () =>
        page.getByRole('button', { name: /^large/ }).click(),
      );
      if (run > 0) large.push(ms);
      await page.close();
    }
    for (let run = 0; run <= RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(host.url);
      const start = page.getByTestId('start-page');
      await start.getByText('Generate a large machine…').click();
      await start.getByLabel('PCIe root complexes').fill('128');
      await start.getByLabel('NICs per root complex').fill('4');
      await start.getByLabel('NVMe per root complex').fill('3');
      await start
        .getByTestId('generator-summary')
        .filter({ hasText: '1,920 PCI functions' })
        .waitFor();
      const ms = await clickToGraph(page, () =>
        start.getByRole('button', { name: 'Generate and open' }).click(),
      );
      if (run > 0) devices.push(ms);
      await page.close();
    }
    return {
      ui_graph_large_ms: round(median(large)),
      ui_graph_large_max_ms: round(Math.max(...large)),
      ui_graph_2000_ms: round(median(devices)),
      ui_graph_2000_max_ms: round(Math.max(...devices)),
    };
  } finally {
    await browser.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [k, v] of Object.entries(await benchUiGraph())) console.log(`${k}: ${v}`);
}
