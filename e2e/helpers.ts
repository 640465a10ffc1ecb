// Shared steps of the end-to-end flows. Expected values come from the app's own service run
// in-process (what the CLI would say), never from numbers copied into the tests.
import { expect, test as base, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createService } from '../electron/api/service';

export const SCREENSHOTS = path.resolve('artifacts', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

export function shot(page: Page, name: string) {
  return page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** The host's sessions folder for this run (playwright.config.ts). */
export function sessionsDir(): string {
  return path.join(process.env.IRQLAB_E2E_STATE_DIR!, 'sessions');
}

/** The host's token for this run (playwright.config.ts). */
export function e2eToken(): string {
  const token = process.env.IRQLAB_E2E_TOKEN;
  if (!token) throw new Error('IRQLAB_E2E_TOKEN is not set (playwright.config.ts sets it)');
  return token;
}

/**
 * The tests' `test`: each page holds the host's token before its scripts run, as a page opened
 * at the printed `?token=` address does once it has read it (renderer/src/api/client.ts keeps it
 * in sessionStorage). app.spec.ts opens the printed address itself, and a page without it.
 */
export const test = base.extend({
  page: async ({ page }, use) => {
    await page.addInitScript((token) => sessionStorage.setItem('irqlab-token', token), e2eToken());
    await use(page);
  },
});

let service: ReturnType<typeof createService> | null = null;
export function localService() {
  service ??= createService({ mode: 'browser', version: 'test', platform: process.platform });
  return service;
}

export async function presetText(name: string): Promise<string> {
  return (await localService().handlers['machine.fromPreset']({ name })).text;
}

/** Opens the app on a new session of the example machine, graph laid out. */
export async function newExampleSession(page: Page) {
  await page.goto('/');
  await expect(page.getByTestId('start-page')).toBeVisible();
  await page.getByRole('button', { name: /^Example machine/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await expect(page.getByTestId('node-pci:0000:01:00.0')).toBeVisible();
  await expect(page.getByTestId('status')).toContainText('valid machine');
}

export function monaco(page: Page) {
  return page.getByTestId('machine-editor').locator('.monaco-editor');
}

/** Replaces the whole JSON in Monaco by typing (as a user pasting would). */
export async function replaceJson(page: Page, value: unknown) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  await monaco(page).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Runs the boot from the toolbar and waits for the results of the new run. */
export async function runBoot(page: Page) {
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('proc-interrupts')).toBeVisible({ timeout: 60_000 });
}

/** View > Format the JSON, from the menu bar. */
export async function formatJson(page: Page) {
  await page.getByRole('menuitem', { name: 'View' }).click();
  await page.getByRole('menuitem', { name: /Format the JSON/ }).click();
}

export { craaskWithUnknownDevice } from '../core/testing/craask';

/** Files for a file input, from their names and texts. */
export function uploads(files: { name: string; text: string }[]) {
  return files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) }));
}
