// End-to-end tests drive the real app in Debian's chromium (Playwright cannot download browsers
// here). Browser mode is served by the real host; the Electron test runs when Electron's binary
// is installed and reports itself skipped otherwise.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.IRQLAB_E2E_PORT ?? 5199);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1400, height: 860 },
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
    command: `tsx electron/node/browser-host.ts --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
