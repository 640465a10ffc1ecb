// End-to-end tests drive the real app in Debian's chromium (Playwright cannot download browsers
// here). Browser mode is served by the real host; the Electron test runs when Electron's binary
// is installed and reports itself skipped otherwise.
import { defineConfig } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PORT = Number(process.env.IRQLAB_E2E_PORT ?? 5199);
/** The host keeps its sessions here (emptied by e2e/global-setup.ts), never in ~/.irqlab. */
export const E2E_STATE_DIR = path.join(tmpdir(), `irqlab-e2e-${PORT}`);
process.env.IRQLAB_E2E_STATE_DIR = E2E_STATE_DIR;
// The host's recent lists (electron/api/sessions.ts configDirOf), never the user's ~/.config.
process.env.IRQLAB_CONFIG_DIR = path.join(E2E_STATE_DIR, 'config');
/**
 * The host's per-start token, made here and handed to the host (IRQLAB_TOKEN, kept off the
 * command line) and to the pages (e2e/helpers.ts). The config is loaded again in each worker,
 * which inherits this process's environment: one token for the run.
 */
export const E2E_TOKEN = (process.env.IRQLAB_E2E_TOKEN ??= randomBytes(16).toString('hex'));

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1400, height: 860 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-gpu',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `tsx electron/node/browser-host.ts --port ${PORT} --sessions-dir ${path.join(E2E_STATE_DIR, 'sessions')}`,
    env: { IRQLAB_TOKEN: E2E_TOKEN },
    // The static page loads without the token: it tells when the host is up.
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
