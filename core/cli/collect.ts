// irqlab collect: runs core/collect/collect.sh (the one collector, also printed by --script for a
// box without Node) through `sh`, so that the bundle is the same however it was made.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Both core/cli/ (tsx) and dist/cli/ (the bundle) sit two folders below the repository root. */
export const COLLECT_SCRIPT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'core',
  'collect',
  'collect.sh',
);

export function collectScript(): string {
  return readFileSync(COLLECT_SCRIPT, 'utf8');
}

/** Runs the collector with `args` (-o FILE, --keep-personal); its stderr goes to `err`. */
export function runCollect(args: string[], err: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [COLLECT_SCRIPT, ...args], { stdio: ['ignore', 'inherit', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => err(d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
