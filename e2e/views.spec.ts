// The analysis views end to end: the irq domain hierarchy with each domain's irqs, an irq's chain
// to VECTOR, the vector matrix heatmap (hover says who holds a vector), the IRTE tables, the
// IOAPIC entries, the message decoder; and a run's fault injections and edited profile. What the
// pages must show comes from the simulator run in the test (the CLI's view), never from numbers
// written here.
import { expect, type Page } from '@playwright/test';
import { simulate } from '../core/scenario';
import { formatCount } from '../core/model/format';
import { PRESETS } from '../core/model/presets';
import { runBoot, shot, test } from './helpers';

async function presetWithRun(page: Page, preset: string) {
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`^${preset}`) }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await runBoot(page);
}

async function analysis(page: Page, tab: string) {
  await page.getByTestId('mode-analysis').click();
  await page.getByTestId('analysis').getByRole('tab', { name: tab }).click();
}

test("views: the domain hierarchy, a domain's irqs, and an irq's chain down to VECTOR", async ({
  page,
}) => {
  const sim = simulate(PRESETS['dmar-server']!.make());
  await presetWithRun(page, 'dmar-server');
  await analysis(page, 'Domain hierarchy');
  const domains = page.getByTestId('domains');
  await expect(domains.getByTestId('domain-VECTOR')).toBeVisible();
  // Every domain an irq's chain passes through is in the hierarchy.
  const used = new Set(sim.irqs.flatMap((i) => i.domains.map((d) => d.domain)));
  for (const name of used) await expect(domains.getByTestId(`domain-${name}`)).toBeVisible();
  // A remapping unit's MSI domain: its irqs listed beside it.
  const irMsi = [...used].find((d) => d.startsWith('INTEL-IR-MSI'))!;
  await domains.getByTestId(`domain-${irMsi}`).click();
  const expected = sim.irqs.filter((i) => i.domains.some((d) => d.domain === irMsi));
  await expect(domains.getByTestId('domain-irqs')).toHaveAttribute(
    'aria-rowcount',
    String(expected.length),
  );
  await expect(domains.getByTestId('domain-irqs').locator('.vt-row').first()).toContainText(
    String(expected[0]!.irq),
  );
  await shot(page, '38-views-domain-hierarchy');

  // Double click: that irq's chain, leaf domain first, VECTOR last, then the CPU.
  await domains.getByTestId('domain-irqs').locator('.vt-row').first().dblclick();
  const chain = page.getByTestId('irq-chain');
  const boxes = chain.getByTestId('chain-boxes').locator('.chain-box');
  const first = expected[0]!;
  await expect(boxes).toHaveCount(first.domains.length + 1);
  for (const [i, d] of first.domains.entries()) await expect(boxes.nth(i)).toContainText(d.domain);
  await expect(boxes.last()).toContainText(`CPU ${first.cpu}`);
  await expect(chain).toContainText('/sys/kernel/debug/irq/irqs/');
  await expect(chain.locator('pre.debugfs')).toContainText('domain:  VECTOR');
  await shot(page, '39-views-irq-chain');
});

test('views: the vector matrix heatmap says who holds the vector under the pointer', async ({
  page,
}) => {
  const sim = simulate(PRESETS['dmar-server']!.make());
  await presetWithRun(page, 'dmar-server');
  await analysis(page, 'Vector matrix');
  const canvas = page.getByTestId('heatmap-canvas');
  await expect(canvas).toBeVisible();
  const [cw, ch] = (await canvas.getAttribute('data-cell'))!.split('x').map(Number);
  const [ox, oy] = (await canvas.getAttribute('data-origin'))!.split(',').map(Number);
  // An irq with a vector, on the row of its CPU (rows are the online CPUs in order).
  const irq = sim.irqs.find((i) => i.vector && i.actions.length && i.owner)!;
  const cpus = sim.vectorUsage.map((v) => v.cpu);
  const row = cpus.indexOf(irq.cpu);
  await canvas.hover({ position: { x: ox! + irq.vector * cw! + 1, y: oy! + row * ch! + 1 } });
  const tip = page.getByTestId('heatmap-tip');
  await expect(tip).toContainText(`CPU ${irq.cpu} · vector 0x${irq.vector.toString(16)}`);
  // Who holds it: the owning device and the action, not a bare irq number.
  await expect(tip).toContainText(`irq ${irq.irq} — owner ${irq.owner}`);
  await expect(tip).toContainText(irq.actions.join(', '));
  await expect(tip).toContainText(`${irq.chip} hwirq ${irq.hwirq}`);
  // The busiest CPU said unambiguously: which CPU, how many vectors.
  await expect(page.getByTestId('heatmap-summary')).toHaveText(
    new RegExp(`${formatCount(cpus.length)} CPUs · .* · busiest: CPU \\d+, [\\d,]+ vectors?$`),
  );
  await shot(page, '40-views-vector-heatmap');
  // A system vector (the same on every CPU).
  await canvas.hover({ position: { x: ox! + 0xfd * cw! + 1, y: oy! + 1 } });
  await expect(tip).toContainText('system vector');
  // A click opens the chain of the irq.
  await canvas.click({ position: { x: ox! + irq.vector * cw! + 1, y: oy! + row * ch! + 1 } });
  await expect(page.getByTestId('irq-chain').locator('h3')).toContainText(`irq ${irq.irq}`);
});

test('views: IRTE tables per IOMMU, the IOAPIC entries and the message decoder', async ({
  page,
}) => {
  const sim = simulate(PRESETS['dmar-server']!.make());
  await presetWithRun(page, 'dmar-server');
  await analysis(page, 'IRTE tables');
  const irtes = page.getByTestId('irtes');
  const unit = sim.remapping.units[0]!;
  await expect(irtes.getByRole('tab', { name: new RegExp(`^${unit.name} `) })).toBeVisible();
  await irtes.getByRole('tab', { name: new RegExp(`^${unit.name} `) }).click();
  await expect(irtes.getByTestId('irte-table')).toHaveAttribute(
    'aria-rowcount',
    String(unit.irtes.length),
  );
  await expect(irtes.getByTestId('irte-table').locator('.vt-row').first()).toContainText(
    String(unit.irtes[0]!.index),
  );
  await shot(page, '41-views-irte-table');

  await analysis(page, 'IOAPIC RTEs');
  const ioapics = page.getByTestId('ioapics');
  for (const io of PRESETS['dmar-server']!.make().ioapics)
    await expect(ioapics).toContainText(`IOAPIC ${io.id}`);
  // Under VT-d IR the active entries are in remappable format, naming an IRTE.
  await expect(ioapics.locator('td', { hasText: 'remappable' }).first()).toBeVisible();
  await expect(ioapics.locator('td', { hasText: /^IRTE \d+$/ }).first()).toBeVisible();
  await shot(page, '42-views-ioapic-rtes');

  // The decoder: a device's message from this run, and whose it is.
  await analysis(page, 'Message decoder');
  const dev = sim.devices.find((d) => d.messages.length > 0)!;
  const msg = dev.messages[0]!;
  const decoder = page.getByTestId('decoder');
  await decoder.getByLabel('MSI address').fill(msg.address);
  await decoder.getByLabel('MSI data').fill(msg.data);
  await decoder.getByRole('button', { name: 'Decode' }).click();
  const out = decoder.getByTestId('decoded');
  await expect(out).toContainText('format: remappable');
  await expect(out).toContainText('In this run');
  await expect(out).toContainText('IRTE');
  await shot(page, '43-views-message-decoder');
  // Compatibility format: blocked while IR is on in this run.
  await decoder.getByLabel('MSI address').fill('0xfee01000');
  await decoder.getByLabel('MSI data').fill('0x4025');
  await decoder.getByRole('button', { name: 'Decode' }).click();
  await expect(out).toContainText('format: compatibility');
  await expect(out).toContainText('fault reason 37');
  // Not hex: refused with where.
  await decoder.getByLabel('MSI data').fill('zz');
  await decoder.getByRole('button', { name: 'Decode' }).click();
  await expect(decoder.getByRole('alert')).toContainText('$.data');
});

test('runs: a fault injection and an edited profile, kept with the run and shown in the debugger', async ({
  page,
}) => {
  await presetWithRun(page, 'seed-dmar-null-callback');
  // The preset's own kernel oopses; an edited v5.10 boots it through.
  await page.getByRole('button', { name: 'Edit profile…' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Based on').selectOption('next-20200925');
  await editor.getByLabel('dmarHpetDefaultDomOps').check();
  await expect(editor).toContainText('1 flag changed from next-20200925');
  await shot(page, '44-profile-editor');
  await editor.getByRole('button', { name: 'Use for the next runs' }).click();
  await expect(page.getByLabel('Kernel profile')).toHaveValue(/custom/);
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('run-2')).toContainText('complete', { timeout: 60_000 });
  await expect(page.getByTestId('run-2')).toContainText('next-20200925+edit');
  await expect(page.getByTestId('oops')).toHaveCount(0);

  // An injection: the second call of dmar_alloc_hwirq fails with -ENOSPC.
  await page.getByTestId('injections-button').click();
  const dialog = page.getByTestId('injections-dialog');
  await dialog.getByLabel('Injection kind').selectOption('fail-call');
  await dialog.getByLabel('function').selectOption('dmar_alloc_hwirq');
  await dialog.getByLabel('nth').fill('2');
  await dialog.getByLabel('errno').selectOption('ENOSPC');
  await dialog.getByRole('button', { name: 'Add injection' }).click();
  await expect(dialog).toContainText('fail-call (function=dmar_alloc_hwirq, nth=2');
  await shot(page, '45-injections-dialog');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('injections-button')).toHaveText('Injections (1)');
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('run-3')).toContainText('complete', { timeout: 60_000 });

  // The debugger steps that very boot: the failing return is where the injection said.
  await page.getByTestId('mode-debugger').click();
  await expect(page.getByTestId('state-panel')).toBeVisible({ timeout: 30_000 });
  const panel = page.getByTestId('breakpoints');
  await panel.getByLabel('Breakpoint kind').selectOption('condition');
  await panel.getByLabel('Breakpoint', { exact: true }).fill('fn=dmar_alloc_hwirq ret<0');
  await panel.getByRole('button', { name: 'Add' }).click();
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('returned -ENOSPC');
  await expect(page.getByTestId('call-stack').locator('li').first()).toContainText(
    'dmar_set_interrupt(seq_id=',
  );
  await shot(page, '46-debugger-injected-failure');
});

test('views on the large preset: 1536 CPUs in the heatmap, the IRTE tables scrolled to their end', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const sim = simulate(PRESETS.large!.make());
  await page.goto('/');
  await page.getByRole('button', { name: /^large/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('proc-interrupts')).toBeVisible({ timeout: 180_000 });

  await analysis(page, 'Vector matrix');
  const heatmap = page.getByTestId('vector-heatmap');
  await expect(heatmap).toContainText(`${sim.vectorUsage.length.toLocaleString('en-US')} CPUs`);
  const withVector = sim.irqs.filter((i) => i.vector).length;
  await expect(heatmap).toContainText(`${withVector.toLocaleString('en-US')} irqs with a vector`);
  await expect(heatmap).toContainText(/busiest: CPU \d+, [\d,]+ vectors/);
  // A device's vector on the large machine: the tip names its owner and action.
  const canvas = page.getByTestId('heatmap-canvas');
  const [cw] = (await canvas.getAttribute('data-cell'))!.split('x').map(Number);
  const [ox, oy] = (await canvas.getAttribute('data-origin'))!.split(',').map(Number);
  const held = sim.irqs.find((i) => i.vector && i.owner && i.cpu === sim.vectorUsage[0]!.cpu)!;
  await canvas.hover({ position: { x: ox! + held.vector * cw! + 1, y: oy! + 1 } });
  await expect(page.getByTestId('heatmap-tip')).toContainText(
    `irq ${held.irq} — owner ${held.owner}`,
  );
  await shot(page, '56-views-large-heatmap');

  await analysis(page, 'IRTE tables');
  const unit = [...sim.remapping.units].sort((a, b) => b.irtes.length - a.irtes.length)[0]!;
  const irtes = page.getByTestId('irtes');
  await irtes.getByRole('tab', { name: new RegExp(`^${unit.name} `) }).click();
  const table = irtes.getByTestId('irte-table');
  await expect(table).toHaveAttribute('aria-rowcount', String(unit.irtes.length));
  await table.locator('.vt-body').focus();
  await page.keyboard.press('End');
  await expect(table.locator('.vt-row').last()).toContainText(String(unit.irtes.at(-1)!.index));
  await shot(page, '57-views-large-irtes');

  await analysis(page, 'Domain hierarchy');
  const domains = page.getByTestId('domains');
  await expect(domains.getByTestId('domain-VECTOR')).toBeVisible();
  // Every domain an irq passes through, and VECTOR's count: every irq with a VECTOR level.
  const used = new Set(sim.irqs.flatMap((i) => i.domains.map((d) => d.domain)));
  expect(await domains.locator('tbody tr').count()).toBeGreaterThanOrEqual(used.size);
  const vector = sim.irqs.filter((i) => i.domains.some((d) => d.domain === 'VECTOR')).length;
  await expect(domains.getByTestId('domain-VECTOR').locator('td').nth(3)).toHaveText(
    formatCount(vector),
  );
  await shot(page, '58-views-large-domains');
});
