// Build stamps (scripts/stamp.mjs): what bin/irqlab.mjs and `npm start` use to tell whether a
// build is still what its sources would give.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { checkStamp, ownInputs, writeStamp } from './stamp.mjs';

const root = mkdtempSync(path.join(tmpdir(), 'irqlab-stamp-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (...p: string[]) => path.join(root, ...p);
const stamp = at('dist', 'stamp.json');
const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

/** Sources written an hour ago (before the build), the build's output, and its stamp. */
function build() {
  rmSync(at('src'), { recursive: true, force: true });
  rmSync(at('dist'), { recursive: true, force: true });
  mkdirSync(at('src'));
  mkdirSync(at('dist'));
  writeFileSync(at('src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(at('src', 'b.ts'), 'export const b = 2;\n');
  for (const f of ['a.ts', 'b.ts']) utimesSync(at('src', f), HOUR_AGO, HOUR_AGO);
  writeFileSync(at('dist', 'out.js'), 'const a = 1, b = 2;\n');
  writeStamp(stamp, {
    root,
    inputs: [at('src', 'a.ts'), 'src/b.ts'],
    outputs: [at('dist', 'out.js')],
    startedAt: Date.now(),
  });
}

describe('checkStamp', () => {
  beforeEach(build);

  it('is fresh while no input or output changed', () => {
    expect(checkStamp(stamp, root)).toEqual({ fresh: true });
  });

  it('is stale when an input was edited, naming it', () => {
    writeFileSync(at('src', 'b.ts'), 'export const b = 3;\n');
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'src/b.ts changed' });
  });

  it('is stale when an input was only touched (same size, new mtime)', () => {
    utimesSync(at('src', 'a.ts'), HOUR_AGO + 60, HOUR_AGO + 60);
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'src/a.ts changed' });
  });

  it('is stale when an input is gone', () => {
    rmSync(at('src', 'a.ts'));
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'src/a.ts removed' });
  });

  it('is stale when an output is gone or rewritten', () => {
    writeFileSync(at('dist', 'out.js'), '');
    expect(checkStamp(stamp, root)).toMatchObject({
      fresh: false,
      reason: expect.stringContaining('dist/out.js'),
    });
    rmSync(at('dist', 'out.js'));
    expect(checkStamp(stamp, root)).toMatchObject({
      fresh: false,
      reason: expect.stringContaining('dist/out.js'),
    });
  });

  it('records an input changed while the build ran as changed: the next check builds again', () => {
    const startedAt = Date.now() - 10_000; // the build began before a.ts's last write
    writeFileSync(at('src', 'a.ts'), 'export const a = 5;\n');
    writeStamp(stamp, {
      root,
      inputs: ['src/a.ts', 'src/b.ts'],
      outputs: ['dist/out.js'],
      startedAt,
    });
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'src/a.ts changed' });
  });

  it('says "not built" without a stamp, or with one it cannot read', () => {
    rmSync(stamp);
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'not built' });
    writeFileSync(stamp, '{"version": 1, "inp');
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'not built' });
    writeFileSync(stamp, '{"version": 0, "inputs": [], "outputs": []}');
    expect(checkStamp(stamp, root)).toEqual({ fresh: false, reason: 'not built' });
  });
});

describe('ownInputs', () => {
  it("stands npm's record of the install for the files of installed packages", () => {
    mkdirSync(at('node_modules'), { recursive: true });
    writeFileSync(at('node_modules', '.package-lock.json'), '{}');
    expect(
      ownInputs(
        ['src/a.ts', 'node_modules/zod/index.js', '../../main/node_modules/zod/v4/core/core.js'],
        root,
      ),
    ).toEqual(['src/a.ts', path.join('node_modules', '.package-lock.json')]);
  });
});
