// The app's flows end to end, in Debian's chromium against browser mode: each saves a screenshot
// into artifacts/screenshots/.
import { expect, test as withoutToken } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isProblemLevel } from '../core/kernel/printk';
import { PRESETS } from '../core/model/presets';
import { simulate } from '../core/scenario';
import { sharedPath } from '../core/testing/shared';
import { importFromArtefacts } from '../electron/api/importing';
import {
  craaskWithUnknownDevice,
  localService,
  monaco,
  newExampleSession,
  presetText,
  formatJson,
  replaceJson,
  runBoot,
  e2eToken,
  sessionsDir,
  shot,
  test,
  uploads,
} from './helpers';

test('new: the start page offers the example, presets, the generator, open, recent and import', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  const start = page.getByTestId('start-page');
  await expect(start.getByRole('heading', { name: 'New session' })).toBeVisible();
  await expect(start.getByRole('heading', { name: 'Open a session' })).toBeVisible();
  await expect(start.getByRole('heading', { name: 'Import from artefacts' })).toBeVisible();
  for (const preset of ['large', 'huge'])
    await expect(start.getByText(preset, { exact: true })).toBeVisible();
  await start.getByText('Generate a large machine…').click();
  await expect(start.getByTestId('generator-summary')).toContainText('64 CPUs');
  await shot(page, '01-start-page');

  await start.getByRole('button', { name: /^Example machine/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  // The graph: CPUs by socket, the IOAPIC, HPET and the PCI tree; the JSON beside it.
  await expect(page.getByTestId('node-socket:0')).toBeVisible();
  await expect(page.getByTestId('node-ioapic:0')).toBeVisible();
  await expect(page.getByTestId('node-hpet')).toBeVisible();
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toBeVisible();
  const lines = (await presetText('example')).split('\n').slice(0, 4);
  for (const line of lines.filter((l) => l.trim().length > 1))
    await expect(monaco(page).locator('.view-lines')).toContainText(
      line.trim().replace(/\s+/g, ' '),
    );
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await shot(page, '02-new-session-example');
  expect(errors).toEqual([]);
});

test('edit in the graph: a property changed in the side panel is in the JSON, and undo takes it back', async ({
  page,
}) => {
  await newExampleSession(page);
  await page.getByTestId('node-pci:0000:01:00.0').click();
  const props = page.getByTestId('properties');
  await expect(props.getByRole('heading')).toHaveText('NVMe SSD (DC P4510)');
  const tableSize = props.getByLabel('table_size');
  await expect(tableSize).toHaveValue('129');
  await tableSize.fill('64');
  await tableSize.press('Enter');
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toContainText('MSI-X 64');
  await expect(monaco(page).locator('.view-lines')).toContainText('"table_size": 64');
  await expect(page.getByTestId('dirty')).toBeVisible();
  await shot(page, '03-edit-in-graph');

  // Structure: duplicate a device, enable VFs on it (SR-IOV added), remove it again.
  await props.getByRole('button', { name: 'Duplicate' }).click();
  const copy = page.getByTestId('node-pci:0000:01:01.0');
  await expect(copy).toBeVisible();
  await expect(props.getByRole('heading')).toHaveText('NVMe SSD (DC P4510) (copy)');
  await props.getByLabel('VFs enabled').fill('3');
  await props.getByRole('button', { name: /enable/i }).click();
  await expect(page.getByTestId('node-vf:0000:01:01.0:2')).toBeVisible();
  await shot(page, '04-graph-duplicate-vfs');
  await props.getByRole('button', { name: 'Remove device' }).click();
  await expect(copy).toHaveCount(0);

  // Undo walks back through remove, VFs, duplicate, to the table size.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: '↶ Undo' }).click();
  await expect(page.getByTestId('node-pci:0000:01:01.0')).toHaveCount(0);
  await expect(monaco(page).locator('.view-lines')).toContainText('"table_size": 64');
  await page.getByRole('button', { name: '↶ Undo' }).click();
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toContainText('MSI-X 129');
  await page.getByRole('button', { name: '↷ Redo' }).click();
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toContainText('MSI-X 64');
});

test('edit in JSON: what is typed in Monaco is what the graph shows', async ({ page }) => {
  await newExampleSession(page);
  const machine = JSON.parse(await presetText('example'));
  machine.ioapics[0].id = 9;
  machine.cpus.list.push({ cpu: 8, apic_id: 40, package: 1, core: 0, node: 0, online: true });
  await replaceJson(page, machine);
  await expect(page.getByTestId('node-ioapic:0')).toContainText('IOAPIC 9');
  await expect(page.getByTestId('node-socket:1')).toContainText('Socket 1 · 1 CPU');
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await formatJson(page);
  // Formatted: one member a line (the cursor is at the end, where typing left it).
  await expect(monaco(page).locator('.view-lines')).toContainText('"irq_requests": []');
  // Selecting a node shows its JSON.
  await page.getByTestId('node-ioapic:0').click();
  await expect(page.getByTestId('properties').getByLabel('id', { exact: true })).toHaveValue('9');
  await shot(page, '05-edit-in-json');
});

test('invalid edit: refused with the JSON path and the reason, and the model is unchanged', async ({
  page,
}) => {
  await newExampleSession(page);
  await page.getByTestId('node-pci:0000:01:00.0').click();
  const props = page.getByTestId('properties');
  const tableSize = props.getByLabel('table_size');
  await tableSize.fill('5000');
  await tableSize.press('Enter');
  const error = props.getByTestId('field-error');
  await expect(error).toContainText('$.pci[7].msix.table_size');
  await expect(error).toContainText('Not applied');
  await expect(monaco(page).locator('.view-lines')).toContainText('"table_size": 129');
  await expect(page.getByTestId('dirty')).toHaveCount(0);
  await shot(page, '06-invalid-edit-in-graph');

  // An invalid JSON edit: markers in the editor, the problem named in the status bar, and the
  // graph keeps the last valid machine, read-only.
  const machine = JSON.parse(await presetText('example'));
  machine.pci[7].parent = '0000:00:09.0';
  await replaceJson(page, machine);
  // Run at once, within the pause after typing: the run judges the text typed, not the verdict on
  // the text before it.
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('app-error')).toContainText('not valid');
  await expect(page.getByTestId('app-error')).toContainText('$.pci[7].parent');
  await page.getByTestId('app-error').getByRole('button', { name: 'Dismiss' }).click();
  const status = page.getByTestId('status');
  await expect(status).toContainText('1 problem in the machine');
  await status.locator('summary').click();
  await expect(status.locator('.problems')).toContainText('$.pci[7].parent');
  await expect(status.locator('.problems')).toContainText('is not in the machine');
  await expect(page.getByTestId('stale-graph')).toBeVisible();
  await expect(monaco(page).locator('.squiggly-error').first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toBeVisible();
  await page.getByTestId('node-pci:0000:01:00.0').click();
  await expect(props.getByRole('button', { name: 'Duplicate' })).toBeDisabled();
  await shot(page, '07-invalid-edit-in-json');

  // Not JSON at all: line and column.
  await replaceJson(page, '{\n  "cpus": [,]\n}');
  await expect(status).toContainText(/problem/);
});

test('run: the boot of the example machine, its /proc/interrupts, dmesg, devices and vectors', async ({
  page,
}) => {
  await newExampleSession(page);
  await runBoot(page);
  // What the simulator says for the same machine is what the app shows.
  const expected = await localService().handlers['machine.simulate']({
    text: await presetText('example'),
  });
  const table = page.getByTestId('proc-interrupts');
  for (const line of expected.procInterrupts.split('\n').slice(1, 4))
    await expect(table).toContainText(line.trim());
  await expect(page.getByTestId('run-summary')).toContainText(`${expected.irqs} irqs`);
  await expect(page.getByTestId('run-1')).toContainText('complete');
  await shot(page, '08-run-proc-interrupts');
  // Only what is in view is drawn: scrolled to its end, the last line is there, and the CPUs'
  // line stays on top.
  const lines = expected.procInterrupts.trimEnd().split('\n');
  await table.locator('.vtext-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(table).toContainText(lines.at(-1)!.trim());
  await expect(table.locator('.vtext-pin').filter({ hasText: 'CPU0' })).toBeVisible();

  await page.getByRole('tab', { name: 'dmesg' }).click();
  await expect(page.getByTestId('dmesg')).toContainText(expected.dmesg[0]!);
  // A line is flagged by the level the kernel logs it at: the x2apic line is pr_info.
  const x2apic = page
    .getByTestId('dmesg')
    .locator('.log-line', { hasText: "IRQ remapping doesn't support X2APIC mode" });
  await expect(x2apic).toHaveAttribute('data-level', 'info');
  await expect(x2apic).not.toHaveClass(/log-bad|log-warn/);
  await expect(x2apic.getByRole('button', { name: 'Explain' })).toBeVisible();
  const flagged = simulate(PRESETS.example!.make()).dmesgLevels.filter(isProblemLevel).length;
  if (flagged === 0) await expect(page.getByTestId('dmesg-badge')).toHaveCount(0);
  else await expect(page.getByTestId('dmesg-badge')).toHaveText(String(flagged));
  await x2apic.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByTestId('explanation')).not.toContainText(/\(F\d+\)/);
  await shot(page, '08b-run-dmesg-levels');
  await page.getByRole('tab', { name: 'Devices & MSI' }).click();
  await page.getByTestId('device-0000:01:00.0').click();
  // The MSI address of an x86 message is in the local APIC's 0xfeexxxxx window.
  await expect(page.getByTestId('msi-messages')).toContainText(/fee[0-9a-f]{5}/);
  await shot(page, '09-run-devices-msi');
  await page.getByRole('tab', { name: 'Vectors per CPU' }).click();
  await expect(page.getByTestId('vectors').locator('tbody tr')).toHaveCount(8);
  await shot(page, '10-run-vectors');
});

test('cancel: a long run shows progress, the window keeps answering, and cancel stops it', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: /^large/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await expect(page.getByTestId('topology-count')).toContainText('nodes');
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  const progress = page.getByTestId('run-progress').first();
  // The phase, how far of a known total (the machine's first run: an estimate), and the share.
  await expect(progress.getByTestId('run-progress-text')).toHaveText(
    /^Booting · [\d,]+ of [\d,]+ trace events \(estimated\) · \d+% · [\d.]+ s$/,
  );
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^\d+$/);
  // And it advances: events counted as the boot emits them.
  await expect(progress.getByTestId('run-progress-text')).toHaveText(/^Booting · [1-9][\d,]* of/, {
    timeout: 60_000,
  });
  // The UI thread is free while the boot runs: a menu opens at once.
  await page.getByRole('menuitem', { name: 'Help' }).click();
  await expect(page.getByRole('menu', { name: 'Help' })).toBeVisible();
  await page.keyboard.press('Escape');
  await shot(page, '11-run-progress');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('run-1')).toContainText('cancelled', { timeout: 20_000 });
  await expect(page.getByTestId('run-progress')).toHaveCount(0);
  await shot(page, '12-run-cancelled');
});

test('explain a fault: a highlighted dmesg line says what it means on this machine', async ({
  page,
}) => {
  await newExampleSession(page);
  // One CPU and an NVMe asking for 2048 vectors: the vector reservation overcommits.
  const machine = JSON.parse(await presetText('example'));
  machine.cpus.list = machine.cpus.list.slice(0, 1);
  machine.pci[7].msix.table_size = 2048;
  machine.irq_requests = [{ device: machine.pci[7].bdf, max_vecs: 2048, prefer: ['msix'] }];
  await replaceJson(page, machine);
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await formatJson(page);
  await runBoot(page);
  await page.getByRole('tab', { name: /dmesg/ }).click();
  const bad = page
    .getByTestId('dmesg')
    .locator('.log-warn', { hasText: 'Interrupt reservation exceeds available resources' });
  // pr_warn: flagged, in the warning colour, with its level.
  await expect(bad).toHaveCount(1);
  await expect(bad).toHaveAttribute('data-level', 'warn');
  await bad.getByRole('button', { name: 'Explain' }).click();
  const explanation = page.getByTestId('explanation');
  const expected = localService().handlers['fault.explain']({
    line: 'Interrupt reservation exceeds available resources',
  }) as { title: string };
  await expect(explanation).toContainText(expected.title);
  await expect(explanation).toContainText('What it means');
  await explanation.scrollIntoViewIfNeeded();
  await shot(page, '13-explain-fault');
});

test('export: a run report as CSV, Perfetto and HTML, downloaded with progress', async ({
  page,
}) => {
  await newExampleSession(page);
  await runBoot(page);
  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await shot(page, '14-export-dialog');
  await dialog.getByLabel(/CSV/).check();
  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const file = await (await download).path();
  await expect(dialog.getByTestId('export-done')).toContainText('untitled-run1.csv');
  const csv = readFileSync(file!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text');
  await shot(page, '15-export-done');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.keyboard.press('ControlOrMeta+E');
  await dialog.getByLabel(/Perfetto/).check();
  const download2 = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const trace = JSON.parse(readFileSync((await (await download2).path())!, 'utf8'));
  expect(Array.isArray(trace.traceEvents)).toBe(true);

  // The HTML report: one self-contained page.
  await dialog.getByLabel(/HTML report/).check();
  const download3 = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Export' }).click();
  const html = readFileSync((await (await download3).path())!, 'utf8');
  expect(html).toMatch(/^<!doctype html>/i);
  expect(html).toContain('example');
  await expect(dialog.getByTestId('export-done')).toContainText('untitled-run1.html');
});

test('save, reopen: a saved session comes back with its machine and runs; unsaved changes prompt', async ({
  page,
}) => {
  await newExampleSession(page);
  await page.getByTestId('node-pci:0000:01:00.0').click();
  const tableSize = page.getByTestId('properties').getByLabel('table_size');
  await tableSize.fill('32');
  await tableSize.press('Enter');
  await runBoot(page);
  await page.keyboard.press('ControlOrMeta+S');
  const saveAs = page.getByTestId('save-as-dialog');
  await expect(saveAs).toBeVisible();
  await saveAs.getByLabel('Session file name').fill('bring-up');
  await shot(page, '16-save-as');
  await saveAs.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('session-title')).toHaveText('bring-up.irqlab');
  await expect(page.getByTestId('dirty')).toHaveCount(0);

  // An edit makes it dirty; closing asks first.
  await tableSize.fill('16');
  await tableSize.press('Enter');
  await expect(page.getByTestId('dirty')).toBeVisible();
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: /Close session/ }).click();
  const prompt = page.getByTestId('unsaved-prompt');
  await expect(prompt).toContainText('bring-up.irqlab has changes that are not saved');
  await shot(page, '17-unsaved-prompt');
  await prompt.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('session-title')).toHaveText('bring-up.irqlab');
  await page.keyboard.press('ControlOrMeta+S');
  await expect(page.getByTestId('dirty')).toHaveCount(0);

  // Reopen from the recent list, in a fresh page.
  await page.goto('/');
  const recent = page.getByTestId('recent-sessions');
  await expect(recent).toContainText('bring-up.irqlab');
  await shot(page, '18-recent-sessions');
  await recent.getByRole('button', { name: /bring-up\.irqlab/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('bring-up.irqlab');
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toContainText('MSI-X 16');
  await expect(page.getByTestId('run-1')).toContainText('complete');
  await expect(page.getByTestId('proc-interrupts')).toBeVisible();
  await shot(page, '19-reopened');

  // The same file opened by upload (drag and drop / file picker) becomes a copy of its own.
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: /Close session/ }).click();
  await page
    .getByTestId('open-file-input')
    .setInputFiles(path.join(sessionsDir(), 'bring-up.irqlab'));
  await expect(page.getByTestId('session-title')).toHaveText('bring-up (2).irqlab');
  await expect(page.getByTestId('run-1')).toContainText('complete');
});

test('open: a file that is not a session is refused by name, and the app carries on', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('open-file-input').setInputFiles({
    name: 'notes.irqlab',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('these are not the sessions you are looking for'),
  });
  await expect(page.getByTestId('start-error')).toContainText('notes.irqlab');
  await expect(page.getByTestId('start-error')).toContainText('not a valid irqlab session');
  await shot(page, '20-open-refused');
});

test('import: artefacts dropped together are summarised, with their conflicts, before accepting', async ({
  page,
}) => {
  const files = [
    'acpi/ecs-h310ch5-m2-coffeelake.acpidump-APIC-DMAR-HPET.txt',
    'dmesg/ecs-h310ch5-m2-coffeelake-1drhd-x2apic-ir-dmafault.dmesg.txt',
    'lspci/ecs-h310ch5-m2-coffeelake.lspci-nnvvvxxxx.txt',
  ].map((f) => sharedPath('fixtures', 'real', f));
  const expected = importFromArtefacts(
    files.map((f) => ({ name: path.basename(f), text: readFileSync(f, 'utf8') })),
  );
  await page.goto('/');
  await page.getByTestId('import-file-input').setInputFiles(files);
  const review = page.getByTestId('import-review');
  await expect(review).toBeVisible();
  for (const line of expected.summary.slice(0, 4)) await expect(review).toContainText(line);
  await expect(review).toContainText(
    `Conflicts between the artefacts (${expected.conflicts.length})`,
  );
  // Each assumption once: in its own section, not again in the summary.
  await expect(review.getByTestId('import-summary')).not.toContainText('missing:');
  for (const m of expected.missing)
    await expect(review.getByText(m, { exact: true })).toHaveCount(1);
  await shot(page, '21-import-review');
  await review.getByRole('button', { name: 'Accept and open' }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await expect(page.getByTestId('status')).toContainText('valid machine');
  // Imported names start with the device (the vendor after it).
  const machine = JSON.parse(expected.machineText!) as { pci: { bdf: string; name?: string }[] };
  expect(machine.pci.some((f) => f.name?.startsWith('Intel Corporation'))).toBe(false);
  const intel = machine.pci.find((f) => f.name?.endsWith('(Intel Corporation)'))!;
  await expect(page.getByTestId('topology-count')).not.toContainText('laying out', {
    timeout: 30_000,
  });
  // The graph's node, however short its label, starts with what the device is.
  await expect(page.getByTestId(`node-pci:${intel.bdf}`)).toContainText(intel.name!.slice(0, 12));
  await shot(page, '22-imported-machine');
});

test('import: a real machine whose drivers irqlab does not all model marks those devices observed', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('import-file-input').setInputFiles(uploads(craaskWithUnknownDevice()));
  const review = page.getByTestId('import-review');
  await expect(review).toContainText('kernel era: 6.6+ -> profile 6.6');
  await expect(review).toContainText('DRHD 0xfed91000 remaps IOAPIC 2');
  await review.getByRole('button', { name: 'Accept and open' }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await runBoot(page);
  await page.getByRole('tab', { name: 'Devices & MSI' }).click();
  // The device irqlab does not know (00:04.0): its MSI is the real file's.
  await expect(page.getByTestId('behaviour-0000:00:04.0')).toHaveText('observed');
  // iwlwifi is modelled: no badge.
  await expect(page.getByTestId('device-0000:00:14.3')).toBeVisible();
  await expect(page.getByTestId('behaviour-0000:00:14.3')).toHaveCount(0);
  await shot(page, '23-imported-real-machine-devices');
});

test('import: logs too large for one socket message go ahead as uploads', async ({ page }) => {
  // Each is over the socket's message size (WS_MESSAGE_MAX_BYTES, 4 MiB): the page must upload
  // them. (Three 22 MB logs at once: browser-host.hardening.test.ts.)
  test.setTimeout(240_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-e2e-big-'));
  try {
    const line = '[    0.000000] Linux version 6.1.0 (irqlab e2e) #1 SMP PREEMPT_DYNAMIC\n';
    const text = line.repeat(Math.ceil((6 * 1000 * 1000) / line.length));
    const files = [1, 2, 3].map((n) => path.join(dir, `dmesg-${n}.txt`));
    for (const f of files) writeFileSync(f, text);
    const expected = importFromArtefacts(
      files.map((f) => ({ name: path.basename(f), text: readFileSync(f, 'utf8') })),
    );
    await page.goto('/');
    await page.getByTestId('import-file-input').setInputFiles(files);
    const review = page.getByTestId('import-review');
    await expect(review).toBeVisible({ timeout: 120_000 });
    await expect(review).toContainText(expected.summary[0]!);
    // Still there: the example machine opens.
    await page.goto('/');
    await page.getByRole('button', { name: /^Example machine/ }).click();
    await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

withoutToken(
  'browser mode: the page keeps the token of the printed address; without it the API is refused',
  async ({ page, browser }) => {
    await page.goto(`/?token=${e2eToken()}`);
    await expect(page.getByTestId('start-page').getByText('large', { exact: true })).toBeVisible();
    // Out of the address bar (not bookmarked, not in a screenshot), kept for the tab.
    expect(new URL(page.url()).search).toBe('');
    await page.reload();
    await expect(page.getByTestId('start-page').getByText('large', { exact: true })).toBeVisible();

    const stranger = await browser.newPage();
    await stranger.goto('/');
    await expect(stranger.getByTestId('app-error')).toContainText('?token=');
    await stranger.goto('/?token=0123456789abcdef0123456789abcdef');
    await expect(stranger.getByTestId('app-error')).toContainText('does not know this page');
    await shot(stranger, '23-no-token');
    await stranger.close();
  },
);

test('a 2,000-device machine: sockets and root complexes collapsed, searchable', async ({
  page,
}) => {
  await page.goto('/');
  const start = page.getByTestId('start-page');
  await start.getByText('Generate a large machine…').click();
  await start.getByLabel('PCIe root complexes').fill('128');
  await start.getByLabel('NICs per root complex').fill('4');
  await start.getByLabel('NVMe per root complex').fill('3');
  await expect(start.getByTestId('generator-summary')).toContainText('1,920 PCI functions');
  await start.getByRole('button', { name: 'Generate and open' }).click();
  // A node for every PCI function, and more (CPU sockets, IOAPICs, IOMMUs...), the root
  // complexes collapsed: far fewer drawn.
  await expect(page.getByTestId('topology-count')).toContainText('nodes shown of');
  const [shown, nodes] = (await page.getByTestId('topology-count').innerText())
    .replace(/,/g, '')
    .match(/\d+/g)!
    .map(Number);
  expect(nodes).toBeGreaterThan(1920);
  expect(shown).toBeLessThan(200);
  // The window answers.
  await page.getByRole('menuitem', { name: 'View' }).click();
  await expect(page.getByRole('menu', { name: 'View' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('topology')).toHaveAttribute('data-drawn', /\d/);
  // 64 CPUs in 2 sockets start collapsed; a socket expands on demand.
  await expect(page.getByTestId('node-cpu:0')).toHaveCount(0);
  const count = async () =>
    Number((await page.getByTestId('topology-count').innerText()).replace(/,/g, '').split(' ')[0]);
  const before = await count();
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByTestId('find-device').getByLabel('Find').fill('Socket 0');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /^Expand Socket 0 · \d+ CPUs$/ }).click();
  await expect(page.getByRole('button', { name: /^Collapse Socket 0/ })).toBeVisible({
    timeout: 60_000,
  });
  const socketSize = Number(
    (await page
      .getByRole('button', { name: /^Collapse Socket 0/ })
      .getAttribute('aria-label'))!.match(/(\d+) CPUs/)![1],
  );
  expect(await count()).toBe(before + socketSize);
  await expect(page.getByTestId('node-cpu:0')).toBeVisible();
  // Only what is in view is drawn.
  expect(await page.locator('[data-testid^="node-"]').count()).toBeLessThan(1000);
  await shot(page, '23-large-machine');
  await page.keyboard.press('ControlOrMeta+K');
  await page.getByTestId('find-device').getByLabel('Find').fill('ConnectX');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('properties').getByRole('heading')).toContainText('ConnectX-6 Dx');
  await shot(page, '24-large-machine-find');
});

test('menus, command palette and shortcuts; the dark theme follows the OS', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await newExampleSession(page);
  await page.getByRole('menuitem', { name: 'File' }).click();
  await expect(page.getByRole('menu', { name: 'File' })).toContainText('Ctrl+S');
  await shot(page, '25-dark-file-menu');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+Shift+P');
  const palette = page.getByTestId('command-palette');
  await palette.getByLabel('Command').fill('run the boot');
  await shot(page, '26-dark-command-palette');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('proc-interrupts')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.monaco-editor.vs-dark')).toBeVisible();
  await shot(page, '27-dark-run');
});

test('Monaco runs its JSON worker locally under the strict CSP (no CDN, no violations)', async ({
  page,
}) => {
  const external: string[] = [];
  const violations: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (
      !['127.0.0.1', 'localhost'].includes(url.hostname) &&
      !['blob:', 'data:'].includes(url.protocol)
    )
      external.push(req.url());
  });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await newExampleSession(page);
  // The JSON worker validates against the schema: a wrong type gets a squiggle.
  await replaceJson(page, '{"cpus": "many"}');
  await expect(monaco(page).locator('.squiggly-error, .squiggly-warning').first()).toBeVisible({
    timeout: 15_000,
  });
  expect(external).toEqual([]);
  expect(violations).toEqual([]);
});

test('an IOMMU machine: DMAR units linked to the devices in their scope, VFs under their PF', async ({
  page,
}) => {
  const machine = JSON.parse(await presetText('dmar-server'));
  await page.goto('/');
  await page.getByRole('button', { name: /^dmar-server/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  for (let i = 0; i < machine.iommus.length; i++)
    await expect(page.getByTestId(`node-iommu:${i}`)).toBeAttached();
  const pf = machine.pci.find((f: { sriov: { num_vfs: number } | null }) => f.sriov?.num_vfs);
  await expect(page.locator(`[data-testid^="node-vf:${pf.bdf}:"]`)).toHaveCount(pf.sriov.num_vfs);
  await expect(page.locator('.edge-scope').first()).toBeAttached();
  await page.getByTestId('node-iommu:0').click();
  await expect(page.getByTestId('properties').getByLabel('register_base')).toHaveValue(
    machine.iommus[0].register_base,
  );
  await shot(page, '28-iommu-machine');
  await runBoot(page);
  await page.getByRole('tab', { name: /dmesg/ }).click();
  await shot(page, '29-iommu-machine-dmesg');
});

test('help: the user guide offline and About (version, kernel profiles, licence)', async ({
  page,
}) => {
  // No network: the guide is part of the app the host serves.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
  await newExampleSession(page);
  await page.getByRole('menuitem', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: /User guide/ }).click();
  const guide = page.getByTestId('user-guide');
  await expect(guide.getByRole('heading', { name: 'irqlab user guide' })).toBeVisible();
  await expect(guide).toContainText('Lines the kernel logs at warning level or above');
  await guide.getByRole('navigation').getByRole('button', { name: 'The debugger' }).click();
  await expect(guide.getByRole('heading', { name: 'The debugger' })).toBeInViewport();
  await shot(page, '60-help-user-guide');
  await page.keyboard.press('Escape');
  await expect(guide).toHaveCount(0);

  await page.getByRole('menuitem', { name: 'Help' }).click();
  await page.getByRole('menuitem', { name: /About irqlab/ }).click();
  const about = page.getByTestId('about');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    version: string;
    license: string;
  };
  await expect(about).toContainText(`irqlab ${pkg.version}`);
  await expect(about.getByTestId('about-licence')).toHaveText(pkg.license);
  const profiles = (await localService().handlers['profiles.list']({})) as { name: string }[];
  await expect(about.getByTestId('about-profiles').locator('tr')).toHaveCount(profiles.length);
  for (const p of profiles) await expect(about.getByTestId('about-profiles')).toContainText(p.name);
  await shot(page, '61-help-about');
});
