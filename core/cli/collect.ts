// irqlab collect: runs core/collect/collect.sh (the one collector, also printed by --script for a
// box without Node) through `sh`, so that the bundle is the same however it was made.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeFlag, takeOption, UsageError, type Io } from './common';

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

/** irqlab collect: the collector, run here (Linux) or printed for a box without Node. */
export async function cmdCollect(args: string[], io: Io): Promise<number> {
  if (takeFlag(args, '--script')) {
    if (args.length) throw new UsageError('collect --script takes nothing else');
    io.out(collectScript());
    return 0;
  }
  const out = takeOption(args, '-o');
  const keep = takeFlag(args, '--keep-personal');
  if (args.length) throw new UsageError(`collect: unknown argument ${args[0]}`);
  if (process.platform !== 'linux')
    throw new UsageError(
      `collect reads a Linux machine's /proc and /sys: run it on the target (irqlab collect --script > collect.sh)`,
    );
  return runCollect([...(out ? ['-o', out] : []), ...(keep ? ['--keep-personal'] : [])], io.err);
}
