// The three failures of the seed thread as example sessions on the start page: each opened and
// stepped to its failure; two runs compared side by side; and the whole flow — open the
// VF example, step to the blocked interrupt, see why it was composed in compatibility format,
// compare with the fixed profile, export the report. Expected lines come from the simulator run
// in the test, never from text written here.
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { simulate } from '../core/scenario';
import { formatSid } from '../core/model/format';
import { PRESETS } from '../core/model/presets';
import { localService, shot, test } from './helpers';

async function openExample(page: Page, name: string) {
  await page.goto('/');
  const examples = page.getByTestId('examples');
  await expect(examples).toBeVisible();
  await examples.getByTestId(`example-${name}`).click();
  // A new session booted under the kernel that had the bug, the debugger opened on it.
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await expect(page.getByTestId('mode-debugger')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('state-panel')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dbg-position')).toContainText('step 0 of');
}

const example = (name: string) =>
  (
    localService().handlers['examples.list']({}) as {
      name: string;
      breakpoints: { spec: string }[];
      profile: string;
      fixedProfile: string;
    }[]
  ).find((e) => e.name === name)!;

test('the start page offers the seed failures as examples', async ({ page }) => {
  await page.goto('/');
  const examples = page.getByTestId('examples');
  for (const name of ['seed-vf-compat-blocked', 'seed-dmar-null-callback', 'seed-dmar-hwirq-fail'])
    await expect(examples.getByTestId(`example-${name}`)).toContainText(example(name).profile);
  await shot(page, '47-start-page-examples');
});

test('example A: continue stops at dmar_alloc_hwirq, then at the oops in msi_domain_alloc', async ({
  page,
}) => {
  const name = 'seed-dmar-null-callback';
  const expected = simulate(PRESETS[name]!.make());
  await openExample(page, name);
  await expect(page.getByTestId('breakpoints')).toContainText(example(name).breakpoints[0]!.spec);
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText(
    'breakpoint function dmar_alloc_hwirq',
  );
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('first fault');
  await expect(page.getByTestId('state-event')).toContainText('oops');
  // The call stack is the oops's call trace, innermost first.
  const frames = await page.getByTestId('call-stack').locator('.frame-fn').allInnerTexts();
  const trace = expected.oops!.callTrace.map((l) => l.trim().replace(/\+.*$/, ''));
  expect(frames.slice(0, trace.length)).toEqual(trace.filter((f) => frames.includes(f)));
  expect(frames[0]).toBe(trace[0]);
  await expect(page.getByTestId('finding').first()).toContainText('msi_domain_ops.get_hwirq');
  await expect(page.getByTestId('source-head')).toContainText('msi_domain_alloc');
  await shot(page, '48-example-null-callback-oops');
});

test('example B: continue stops where dmar_alloc_hwirq fails for the second unit (-EEXIST)', async ({
  page,
}) => {
  const name = 'seed-dmar-hwirq-fail';
  const expected = simulate(PRESETS[name]!.make());
  const failing = expected.dmesg.find((l) => /failed to enable fault, interrupt/.test(l))!;
  await openExample(page, name);
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('returned -EEXIST');
  await expect(page.getByTestId('source-head')).toContainText('dmar_set_interrupt');
  await expect(page.getByTestId('finding').first()).toContainText('left info.hwirq unset');
  // Out twice (the second key waits for the first): the kernel says it as the report's log did.
  await page.keyboard.press('Shift+F11');
  await page.keyboard.press('Shift+F11');
  await expect(page.getByTestId('dbg-reason')).toContainText('out of enable_drhd_fault_handling');
  await expect(page.getByTestId('state-panel')).toContainText(failing.slice(0, 40));
  await shot(page, '49-example-hwirq-fail');
});

test('example C: continue stops at the VF interrupt the IOMMU blocked', async ({ page }) => {
  const name = 'seed-vf-compat-blocked';
  const expected = simulate(PRESETS[name]!.make());
  await openExample(page, name);
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('first fault');
  await expect(page.getByTestId('state-event')).toContainText('fault reason 0x25');
  const blocked = expected.faults[0]!;
  await expect(page.getByTestId('state-event')).toContainText(blocked.unit);
  await shot(page, '50-example-vf-blocked');
});

test('compare: the same machine under v5.10-rc1 and v5.10, the differences highlighted', async ({
  page,
}) => {
  const name = 'seed-vf-compat-blocked';
  const m = PRESETS[name]!.make();
  const broken = simulate(m);
  const fixed = simulate(m, { profile: example(name).fixedProfile });
  await openExample(page, name);
  await page.getByTestId('mode-compare').click();
  const compare = page.getByTestId('compare');
  await compare.getByLabel('Profile to compare with').selectOption(example(name).fixedProfile);
  await compare.getByRole('button', { name: 'Boot and compare with A' }).click();
  const diff = compare.getByTestId('diff');
  await expect(diff).toBeVisible({ timeout: 60_000 });
  // Faults: the blocked VF interrupts are only in A.
  const onlyA = broken.faults
    .map((f) => f.line)
    .filter((l) => !fixed.faults.some((x) => x.line === l));
  for (const line of onlyA) await expect(diff.getByTestId('diff-faults')).toContainText(line);
  // Interrupts: the VF's irqs moved from PCI-MSI to the IR MSI domain; highlighted as changed.
  const vfA = broken.irqs.find((i) => i.owner === '0000:42:00.2')!;
  const vfB = fixed.irqs.find((i) => i.actions.join(', ') === vfA.actions.join(', '))!;
  // One line per device says what its rows share; opened, it shows each row.
  const vfGroup = diff
    .getByTestId('diff-interrupts')
    .getByTestId('diff-group')
    .filter({ hasText: '0000:42:00.2' });
  await expect(vfGroup).toContainText(`chip ${vfA.chip} → ${vfB.chip}`);
  const vfIrqRows = fixed.irqs.filter((i) => i.owner === '0000:42:00.2').length;
  await expect(vfGroup).toContainText(`${vfIrqRows} rows`);
  await expect(
    diff.getByTestId('diff-interrupts').locator('tr', { hasText: vfA.actions.join(', ') }),
  ).toHaveCount(0);
  await vfGroup.getByRole('button').click();
  const row = diff
    .getByTestId('diff-interrupts')
    .locator('tr', { hasText: vfA.actions.join(', ') })
    .first();
  await expect(row.locator('.was', { hasText: 'domains' })).toContainText(
    vfA.domains.map((d) => d.domain).join(' > '),
  );
  await expect(row.locator('.now', { hasText: 'domains' })).toContainText(
    vfB.domains.map((d) => d.domain).join(' > '),
  );
  await expect(diff.getByTestId('diff-irtes')).toContainText('differences');
  await expect(diff.getByTestId('diff-dmesg').locator('.diff-removed-line').first()).toBeVisible();
  await shot(page, '51-compare-profiles');
  // The VF's IRTEs: one group; opened, each source-id and destination as the IRTE table prints.
  const irteGroup = diff
    .getByTestId('diff-irtes')
    .getByTestId('diff-group')
    .filter({ hasText: '0000:42:00.2' });
  await irteGroup.getByRole('button').click();
  const vfIrte = fixed.remapping.units
    .flatMap((u) => u.irtes)
    .find((e) => e.irq === fixed.irqs.find((i) => i.owner === '0000:42:00.2')!.irq)!;
  // The group says once what its rows share: the VF's requester id.
  await expect(irteGroup).toContainText(`source-id ${formatSid(vfIrte.sid)}`);
  const irteRow = diff.getByTestId('diff-irtes').getByTestId('diff-row').first();
  await expect(irteRow).toContainText(`source-id ${formatSid(vfIrte.sid)}`);
  await expect(irteRow).toContainText(/destination 0x[0-9a-f]{8}/);
  // Scrolled, the sticky column header sits above the rows, not over them.
  await irteRow.scrollIntoViewIfNeeded();
  await diff.evaluate((el) => el.scrollBy(0, 40));
  const head = diff.getByTestId('diff-irtes').locator('thead th').first();
  const headBox = (await head.boundingBox())!;
  const hit = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x!, y!)?.closest('th')?.textContent ?? null,
    [headBox.x + 4, headBox.y + headBox.height / 2],
  );
  expect(hit).toBe('what');
  // ... and no row shows between it and the top of the scrolled area.
  const above = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x!, y!)?.closest('tbody') !== null,
    [headBox.x + 4, headBox.y - 2],
  );
  expect(above).toBe(false);
  await irteGroup.scrollIntoViewIfNeeded();
  await shot(page, '51b-compare-irte-group');
});

test('done when: the VF example stepped to the blocked interrupt, why it was compatibility format, compared with the fixed profile, the report exported', async ({
  page,
}) => {
  const name = 'seed-vf-compat-blocked';
  const m = PRESETS[name]!.make();
  const broken = simulate(m);
  await openExample(page, name);

  // Step to the blocked interrupt: the first fault.
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('breakpoint condition first fault');
  const state = page.getByTestId('state-panel');
  await expect(page.getByTestId('state-event')).toContainText('fault reason 0x25');

  // Why: its chain is PCI-MSI -> VECTOR, with no remapping level, so VECTOR composed it.
  const dev = (
    await page.getByTestId('call-stack').locator('li', { hasText: 'device_fire' }).innerText()
  ).match(/dev=([0-9a-f:.]+)/)![1]!;
  const irq = broken.irqs.find((i) => i.owner === dev && i.msi)!;
  const chain = page.getByTestId('state-chain');
  await expect(chain.locator('.chain-domain')).toHaveText(irq.domains.map((d) => d.domain));
  expect(irq.domains.map((d) => d.domain.replace(/-\d+$/, ''))).toEqual(['PCI-MSI', 'VECTOR']);
  await expect(chain.locator('.chain-domain', { hasText: 'INTEL-IR' })).toHaveCount(0);
  const why = page.getByTestId('finding').first();
  await expect(why).toContainText('Compatibility-format message under interrupt remapping');
  await expect(why).toContainText('no interrupt-remapping level');
  await expect(why).toContainText('fault reason 0x25 (37)');
  await expect(why).toContainText(`${dev} is an SR-IOV VF: it kept the default PCI-MSI domain`);
  await expect(state.getByTestId('state-message')).toContainText('format: compatibility');
  await shot(page, '52-done-when-blocked-interrupt-why');

  // The moment it was composed: step back to __irq_msi_compose_msg of that irq (the debugger
  // breaks on the compose call of this irq and shows VECTOR's source).
  const panel = page.getByTestId('breakpoints');
  await panel.getByLabel('Breakpoint kind').selectOption('condition');
  await panel
    .getByLabel('Breakpoint', { exact: true })
    .fill(`fn=__irq_msi_compose_msg kind=call irq=${irq.irq}`);
  await panel.getByRole('button', { name: 'Add' }).click();
  await page.keyboard.press('Control+Shift+F5');
  await expect(page.getByTestId('dbg-position')).toContainText('step 0 of');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText(
    `fn=__irq_msi_compose_msg kind=call irq=${irq.irq}`,
  );
  await expect(page.getByTestId('source-head')).toContainText('__irq_msi_compose_msg');
  await expect(page.getByTestId('pseudo-source')).toContainText('Compatibility format');
  await expect(page.getByTestId('call-stack')).toContainText('msi_domain_activate');
  // First composed while the vector is only reserved (reservation mode), then for real when the
  // driver requests the irq: F5 again.
  await page.keyboard.press('F5');
  await expect(page.getByTestId('call-stack')).toContainText('request_irq');
  await expect(page.getByTestId('source-head')).toContainText('__irq_msi_compose_msg');
  await expect(chain.locator('.chain-domain')).toHaveText(irq.domains.map((d) => d.domain));
  await expect(page.getByTestId('state-vector')).toContainText(`vector ${irq.vector}`);
  // Out of the compose and of msi_domain_activate: the message is in the device, still
  // compatibility format, naming the CPU and vector itself.
  await page.keyboard.press('Shift+F11');
  await page.keyboard.press('Shift+F11');
  await expect(page.getByTestId('dbg-reason')).toContainText('out of msi_domain_activate');
  const msg = broken.devices.find((d) => d.bdf === dev)!.messages[0]!;
  await expect(state.getByTestId('state-message')).toContainText(
    `data 0x${Number.parseInt(msg.data, 16).toString(16).padStart(4, '0')}`,
  );
  await expect(state.getByTestId('state-message')).toContainText('format: compatibility');
  await shot(page, '53-done-when-composed');

  // Compare with the fixed profile.
  await page.getByTestId('mode-compare').click();
  const compare = page.getByTestId('compare');
  await compare.getByLabel('Profile to compare with').selectOption('v5.10');
  await compare.getByRole('button', { name: 'Boot and compare with A' }).click();
  const diff = compare.getByTestId('diff');
  await expect(diff).toBeVisible({ timeout: 60_000 });
  await expect(diff.getByTestId('diff-faults')).toContainText(broken.faults[0]!.line);
  await expect(diff.getByTestId('diff-faults')).toContainText('Only in B');
  await shot(page, '54-done-when-compare');

  // Export: the comparison (Markdown), then the failing run's full report (HTML).
  const mdDownload = page.waitForEvent('download');
  await compare.getByRole('button', { name: 'Export comparison…' }).click();
  const md = readFileSync((await (await mdDownload).path())!, 'utf8');
  expect(md).toContain('# irqlab: run 1');
  expect(md).toContain(broken.faults[0]!.line);
  await expect(compare.getByTestId('compare-exported')).toContainText('compare-run1-run2.md');

  await page.getByLabel('Run shown').selectOption('1');
  await page.keyboard.press('ControlOrMeta+E');
  const dialog = page.getByTestId('export-dialog');
  await dialog.getByLabel(/HTML report/).check();
  const htmlDownload = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const html = readFileSync((await (await htmlDownload).path())!, 'utf8');
  expect(html).toMatch(/^<!doctype html>/i);
  expect(html).toContain('fault reason 37');
  await expect(dialog.getByTestId('export-done')).toContainText('-run1.html');
  await shot(page, '55-done-when-exported');
});

test('the debugger in the dark theme (it follows the OS)', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openExample(page, 'seed-vf-compat-blocked');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('dbg-reason')).toContainText('first fault');
  // The pseudo-source in the dark editor theme (Monaco's vs-dark background).
  await expect(page.getByTestId('pseudo-source')).toHaveCSS('background-color', 'rgb(30, 30, 30)');
  await shot(page, '59-dark-debugger');
  await page.getByTestId('mode-trace').click();
  await expect(page.getByTestId('timeline')).toBeVisible();
  await shot(page, '60-dark-trace');
  await page.getByTestId('mode-analysis').click();
  await page.getByTestId('analysis').getByRole('tab', { name: 'Vector matrix' }).click();
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible();
  await shot(page, '61-dark-heatmap');
});
