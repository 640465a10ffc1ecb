// The app in browser mode, in a real chromium: it opens on the example machine in Monaco.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createHandlers } from '../electron/api/service';

const SCREENSHOTS = path.resolve('artifacts', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

async function exampleMachineText(): Promise<string> {
  const handlers = createHandlers({ mode: 'browser', version: 'test', platform: process.platform });
  return (await handlers['machine.fromPreset']({ name: 'example' })).text;
}

test('opens on the example machine, shown as JSON in Monaco', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto('/');

  const editor = page.getByTestId('machine-editor').locator('.monaco-editor');
  await expect(editor).toBeVisible();
  await expect(page.getByTestId('machine-name')).toHaveText('example.json');

  // The first lines of the example machine, as the API serves it, are what Monaco shows.
  const lines = (await exampleMachineText()).split('\n').slice(0, 4);
  const shown = editor.locator('.view-lines');
  for (const line of lines.filter((l) => l.trim().length > 1)) {
    await expect(shown).toContainText(line.trim().replace(/\s+/g, ' '));
  }
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'app-example-machine.png') });
  expect(pageErrors).toEqual([]);
});

test('an invalid edit is reported with the JSON path, and the preset can be reloaded', async ({
  page,
}) => {
  await page.goto('/');
  const editor = page.getByTestId('machine-editor').locator('.monaco-editor');
  await expect(editor).toBeVisible();
  await expect(page.getByTestId('status')).toContainText('valid machine');

  // Replace the whole document with a machine missing everything.
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('{"cpus": 3}');
  const status = page.getByTestId('status');
  await expect(status).toContainText(/problems? in the machine/);
  await status.locator('summary').click();
  await expect(status.locator('.problems')).toContainText('$.cpus');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'app-invalid-machine.png') });

  await page.getByRole('button', { name: /^example/ }).click();
  await expect(page.getByTestId('status')).toContainText('valid machine');
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
    ) {
      external.push(req.url());
    }
  });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await page.goto('/');
  await expect(page.getByTestId('machine-editor').locator('.monaco-editor')).toBeVisible();
  // The JSON worker validates against the schema: a wrong type gets a squiggle marker.
  const editor = page.getByTestId('machine-editor').locator('.monaco-editor');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('{"cpus": "many"}');
  await expect(editor.locator('.squiggly-error, .squiggly-warning').first()).toBeVisible({
    timeout: 15_000,
  });
  expect(external).toEqual([]);
  expect(violations).toEqual([]);
});

test('simulates the boot of the example machine: predicted /proc/interrupts and dmesg', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await page.getByRole('button', { name: 'Simulate boot' }).click();

  const table = page.getByTestId('proc-interrupts');
  await expect(table).toBeVisible();
  // What the CLI prints for the same machine is what the app shows.
  const handlers = createHandlers({ mode: 'browser', version: 'test', platform: process.platform });
  const expected = await handlers['machine.simulate']({ text: await exampleMachineText() });
  const firstLines = expected.procInterrupts.split('\n').slice(1, 4);
  for (const line of firstLines) await expect(table).toContainText(line.trim());
  await expect(page.getByTestId('run-summary')).toContainText(`${expected.irqs} irqs`);
  await page.screenshot({ path: path.join(SCREENSHOTS, 'app-simulated-interrupts.png') });

  await page.getByRole('tab', { name: 'dmesg' }).click();
  await expect(page.getByTestId('dmesg')).toContainText('IOAPIC[0]: apic_id 2');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'app-simulated-dmesg.png') });
});

test('refuses to simulate an invalid machine and says why', async ({ page }) => {
  await page.goto('/');
  const editor = page.getByTestId('machine-editor').locator('.monaco-editor');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('{"name": "x"}');
  await page.getByRole('button', { name: 'Simulate boot' }).click();
  await expect(page.getByTestId('run-panel')).toContainText('The machine is not valid');
});
