// Every end-to-end run starts with an empty sessions folder (the host's, in a temp dir). Only the
// folder's contents go: the host may already be running with it.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export default function globalSetup(): void {
  const dir = process.env.IRQLAB_E2E_STATE_DIR;
  if (!dir) throw new Error('IRQLAB_E2E_STATE_DIR is not set (playwright.config.ts sets it)');
  const sessions = path.join(dir, 'sessions');
  mkdirSync(sessions, { recursive: true });
  for (const f of readdirSync(sessions)) rmSync(path.join(sessions, f), { force: true });
  rmSync(path.join(dir, 'config'), { recursive: true, force: true });
}
