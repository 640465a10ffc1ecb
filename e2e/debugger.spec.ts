// The allocation debugger end to end, in Debian's chromium against browser mode: pick an
// allocation, step into / over / out / back with the keyboard, read the call stack, the
// pseudo-source line and the state, set breakpoints (kept in the session file). Each step saves
// a screenshot into artifacts/screenshots/.
import { expect, type Page } from '@playwright/test';
import { localService, newExampleSession, presetText, runBoot, shot, test } from './helpers';

/** Opens a new session on a preset from the start page and runs its boot. */
async function presetWithRun(page: Page, preset: string) {
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`^${preset}`) }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await runBoot(page);
}

/** The debugger view, started and stopped at a step. */
async function openDebugger(page: Page) {
  await page.getByTestId('mode-debugger').click();
  await expect(page.getByTestId('state-panel')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('dbg-position')).toContainText('step');
}

const position = async (page: Page) =>
  Number((await page.getByTestId('dbg-position').locator('strong').innerText()).replace(/,/g, ''));

test('debugger: an allocation picked, stepped into, over, out and back, with its stack, source line and state', async ({
  page,
}) => {
  await presetWithRun(page, 'dmar-server');
  await openDebugger(page);
  await expect(page.getByTestId('dbg-reason')).toContainText('step');
  await expect(position(page)).resolves.toBe(0);
  // Step 0 says it is the start, and shows no empty box (no matrix yet, nothing logged).
  await expect(page.getByTestId('dbg-reason')).toContainText('start of the run (step 0)');
  await expect(page.getByTestId('state-matrix')).toHaveCount(0);
  await expect(page.getByTestId('state-dmesg')).toHaveCount(0);
  await expect(page.getByTestId('state-no-irq')).toBeVisible();
  await expect(page.getByTestId('state-chain')).toHaveCount(0);
  // The filter's examples are this machine's own: its first device that allocates vectors.
  const filterBox = page.getByTestId('allocations').getByLabel('Filter allocations');
  await expect(filterBox).toHaveAttribute('placeholder', /^Filter: .*dmar0/);
  const placeholder = (await filterBox.getAttribute('placeholder'))!;
  const machine = JSON.parse(await presetText('dmar-server')) as { pci: { bdf: string }[] };
  const bdf = /\b[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]\b/.exec(placeholder)?.[0];
  expect(machine.pci.map((f) => f.bdf)).toContain(bdf);
  await shot(page, '30a-debugger-step-0');

  // The DMAR unit's fault irq: dmar_alloc_hwirq for dmar1.
  const allocations = page.getByTestId('allocations');
  await allocations.getByLabel('Filter allocations').fill('dmar1');
  await allocations.getByRole('button', { name: /dmar_alloc_hwirq for dmar1/ }).click();
  const stack = page.getByTestId('call-stack');
  await expect(stack.locator('li').first()).toContainText('dmar_alloc_hwirq(id=1');
  await expect(page.getByTestId('source-head')).toContainText('arch/x86/kernel/apic/msi.c');
  await expect(page.getByTestId('source-head')).toContainText('entered dmar_alloc_hwirq');
  // The pseudo-source shows the function, its signature line highlighted.
  const source = page.getByTestId('pseudo-source');
  await expect(source).toContainText('int dmar_alloc_hwirq(int id, int node, void *arg)');
  await expect(source).toHaveAttribute('data-line', '1');
  await expect(source.locator('.dbg-current-line')).toHaveCount(1);
  const at = await position(page);
  await shot(page, '30-debugger-dmar-alloc-hwirq');

  // F11: into the next call (the generic allocation); its caller is one frame up.
  await page.keyboard.press('F11');
  await expect(page.getByTestId('source-head')).toContainText('__irq_domain_alloc_irqs');
  await expect(stack.locator('li').nth(1)).toContainText('dmar_alloc_hwirq');
  // Two more, each shown before the next (a stop of the first says "into" too).
  for (let i = 0; i < 2; i++) {
    const from = await position(page);
    await page.keyboard.press('F11');
    await expect.poll(() => position(page)).toBeGreaterThan(from);
  }
  await expect(page.getByTestId('dbg-reason')).toContainText('into');
  const deep = await position(page);
  expect(deep).toBeGreaterThan(at);

  // Shift+F11: out of the function, back where it was called, with its return value.
  const fnBefore = await stack.locator('li').first().locator('.frame-fn').innerText();
  await page.keyboard.press('Shift+F11');
  await expect(page.getByTestId('dbg-reason')).toContainText(`out of ${fnBefore}`);
  await expect(page.getByTestId('source-head')).toContainText(`${fnBefore} returned`);
  await expect(page.getByTestId('state-event')).toContainText(`ret ${fnBefore}`);
  await shot(page, '31-debugger-step-out');

  // Shift+F7 back one step, F7 forward again: the same step.
  const out = await position(page);
  await page.keyboard.press('Shift+F7');
  await expect(page.getByTestId('dbg-position')).toContainText(String(out - 1));
  await page.keyboard.press('F7');
  await expect.poll(() => position(page)).toBe(out);
  // F10 over: the next event at this level.
  await page.keyboard.press('F10');
  await expect.poll(() => position(page)).toBeGreaterThan(out);
});

test('debugger: the cursor line of the source, by click or keys, is where Run to cursor goes', async ({
  page,
}) => {
  await presetWithRun(page, 'dmar-server');
  await openDebugger(page);
  const allocations = page.getByTestId('allocations');
  await allocations.getByLabel('Filter allocations').fill('dmar1');
  await allocations.getByRole('button', { name: /dmar_alloc_hwirq for dmar1/ }).click();
  const source = page.getByTestId('pseudo-source');
  await expect(page.getByTestId('source-head')).toContainText('entered dmar_alloc_hwirq');
  await expect(source).toHaveAttribute('data-line', '1');
  // The last line makes no call: Run to cursor says so and stays.
  await source.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Control+F10');
  await expect(page.getByTestId('debugger').getByRole('alert')).toContainText(
    'Line 16 of dmar_alloc_hwirq makes no traced call',
  );
  // The line above calls the allocation: Run to cursor stops in it.
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Control+F10');
  await expect(page.getByTestId('dbg-reason')).toContainText('run to __irq_domain_alloc_irqs');
  await expect(page.getByTestId('source-head')).toContainText('entered __irq_domain_alloc_irqs');
});

test('debugger: breakpoints set from the UI stop the run, and stay in the saved session', async ({
  page,
}) => {
  await presetWithRun(page, 'dmar-server');
  await openDebugger(page);
  const panel = page.getByTestId('breakpoints');
  // A malformed condition is refused with the reason.
  await panel.getByLabel('Breakpoint kind').selectOption('condition');
  await panel.getByLabel('Breakpoint', { exact: true }).fill('cpu 3');
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(panel.getByTestId('breakpoint-error')).toContainText('key=value');
  // An IRTE write for a given irq: the first modify_irte.
  await panel.getByLabel('Breakpoint', { exact: true }).fill('fn=modify_irte');
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(panel).toContainText('fn=modify_irte');
  // A long condition reads whole in the panel (wrapped, not cut).
  const long = 'fn=modify_irte device=0000:00:00.0 kind=call';
  await panel.getByLabel('Breakpoint', { exact: true }).fill(long);
  await panel.getByRole('button', { name: 'Add' }).click();
  const spec = panel.locator('.bp-spec', { hasText: long });
  await expect(spec).toBeVisible();
  expect(await spec.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await panel.getByRole('button', { name: `Remove breakpoint condition ${long}` }).click();
  await expect(spec).toHaveCount(0);
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('breakpoint condition fn=modify_irte');
  await expect(page.getByTestId('call-stack').locator('li').first()).toContainText(
    'modify_irte(index=',
  );
  await expect(page.getByTestId('source-head')).toContainText('modify_irte');
  // The header says the file, function and line whole, however narrow the column.
  expect(
    await page.getByTestId('source-head').evaluate((el) => el.scrollWidth <= el.clientWidth),
  ).toBe(true);
  // Out: the IRTE is written; the state shows it, and the irq's chain ending at VECTOR.
  await page.keyboard.press('Shift+F11');
  // Out there (the checks below hold at the stop before too).
  await expect(page.getByTestId('dbg-reason')).toContainText('Stopped: out of modify_irte');
  const state = page.getByTestId('state-panel');
  await expect(state.locator('table').first()).toContainText('dmar');
  await expect(page.getByTestId('state-chain')).toContainText('VECTOR');
  await expect(page.getByTestId('state-chain')).toContainText('INTEL-IR-');
  await shot(page, '32-debugger-breakpoint-irte');

  // F9 on the source: a function breakpoint on the function of the cursor line.
  await page.getByTestId('pseudo-source').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('F9');
  await expect(panel.locator('li')).toHaveCount(2);
  await expect(page.getByTestId('pseudo-source').locator('.dbg-breakpoint-glyph')).toHaveCount(1);
  // A click in the glyph margin clears it, and another sets it again.
  const glyph = page.getByTestId('pseudo-source').locator('.dbg-src-glyph').first();
  await glyph.click();
  await expect(panel.locator('li')).toHaveCount(1);
  await expect(page.getByTestId('pseudo-source').locator('.dbg-breakpoint-glyph')).toHaveCount(0);
  await glyph.click();
  await expect(panel.locator('li')).toHaveCount(2);
  await expect(page.getByTestId('pseudo-source').locator('.dbg-breakpoint-glyph')).toHaveCount(1);

  // Saved with the session, back when it is opened again.
  await page.keyboard.press('ControlOrMeta+S');
  await page.getByTestId('save-as-dialog').getByLabel('Session file name').fill('with-breakpoints');
  await page.getByTestId('save-as-dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('session-title')).toHaveText('with-breakpoints.irqlab');
  await page.goto('/');
  await page
    .getByTestId('recent-sessions')
    .getByRole('button', { name: /with-breakpoints\.irqlab/ })
    .click();
  await openDebugger(page);
  await expect(panel).toContainText('fn=modify_irte');
  await expect(panel.locator('li')).toHaveCount(2);
});

test('debugger: the same step the trace stored (the simulation is deterministic)', async ({
  page,
}) => {
  await newExampleSession(page);
  await runBoot(page);
  await openDebugger(page);
  const total = Number(
    (await page.getByTestId('dbg-position').innerText()).split(' of ')[1]!.replace(/,/g, ''),
  );
  const middle = Math.floor(total / 2);
  await page.getByLabel('Go to step').fill(String(middle));
  await page.getByLabel('Go to step').press('Enter');
  await expect.poll(() => position(page)).toBe(middle);
  // What the stored trace has at that step, from the app's own service (the CLI's view).
  const s = localService();
  const text = await presetText('example');
  const session = await s.handlers['session.new']({ machineName: 'example', machineText: text });
  const { jobId } = await s.handlers['run.start']({
    sessionId: session.sessionId,
    machineText: text,
    injections: [],
  });
  for (;;) {
    const st = s.handlers['job.status']({ jobId }) as { state: string };
    if (st.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const stored = s.handlers['trace.page']({
    sessionId: session.sessionId,
    runId: 1,
    fromSeq: middle,
    limit: 1,
    filter: {},
  }) as { events: { kind: string; name: string }[] };
  const e = stored.events[0]!;
  await expect(page.getByTestId('state-event')).toContainText(e.kind);
  if (e.name) await expect(page.getByTestId('state-event')).toContainText(e.name);
});
