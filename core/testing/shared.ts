// Where the shared reference material (docs, fixtures, oracle) lives: `../shared` beside the
// checkout, as in CI, unless IRQLAB_SHARED points elsewhere. Tests read fixtures from here at test
// time rather than copying numbers out of them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function sharedDir(): string {
  const dir = process.env.IRQLAB_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  if (!existsSync(dir)) {
    throw new Error(`shared reference folder not found at ${dir} (set IRQLAB_SHARED)`);
  }
  return dir;
}

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}

export { repoRoot };
