// The `irqlab` command as installed: bin/irqlab.mjs runs the JavaScript bundle that
// scripts/build-cli.mjs makes when it is up to date, and the TypeScript sources (with a note on
// stderr) when it is not. Built here into a folder of its own (IRQLAB_CLI_DIR), beside dist/cli.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedPath } from '../core/testing/shared';
import { buildCli } from './build-cli.mjs';

const bin = path.join(repoRoot, 'bin', 'irqlab.mjs');
// Two folders below the root, as dist/cli (the bundle finds migrations/ from there).
const dir = path.join(repoRoot, 'dist', `cli-test-${process.pid}`);
const NOTE = /^irqlab: note: running the TypeScript sources through tsx/m;
const artefacts = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) =>
  sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', f),
);

beforeAll(async () => {
  await buildCli({ outdir: dir });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const irqlab = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, IRQLAB_CLI_DIR: dir, ...env },
  });

describe('bin/irqlab.mjs with a built bundle', () => {
  it('runs the bundle when it is up to date: no note, the same answers', () => {
    const r = irqlab(['simulate', 'preset:example', '--interrupts']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s+0:(\s+0){8}\s+IO-APIC\s+2-edge\s+timer$/m);
  });

  it('leaves V8 code cache beside the bundle (the build runs it once)', () => {
    expect(readFileSync(path.join(dir, 'cli.js.v8cache')).length).toBeGreaterThan(10_000);
  });

  it('reads no code cache that is damaged or made for another build: same answers, made again', () => {
    const cacheFile = path.join(dir, 'cli.js.v8cache');
    const good = readFileSync(cacheFile);
    const expected = irqlab(['import', ...artefacts, '--simulate']);
    expect(expected.status, expected.stderr).toBe(0);
    // V8 checks none of its data's bytes: a damaged byte used to crash the process (SIGSEGV).
    const damaged = Buffer.from(good);
    for (let i = 4096; i < damaged.length; i += 997) damaged[i]! ^= 0x5a;
    // Another bundle of the same length would pass V8's own check (the source's length).
    const otherBuild = Buffer.from(good);
    otherBuild.write('0'.repeat(40), 8, 'latin1'); // the build id, after the magic
    try {
      for (const bad of [damaged, otherBuild, good.subarray(0, good.length >> 1)]) {
        writeFileSync(cacheFile, bad);
        const r = irqlab(['import', ...artefacts, '--simulate']);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(expected.stdout);
        expect(r.stderr).toBe(expected.stderr);
        expect(readFileSync(cacheFile).equals(bad)).toBe(false);
      }
    } finally {
      writeFileSync(cacheFile, good);
    }
  });

  it('imports and predicts in one process from the bundle (import --simulate)', () => {
    const r = irqlab(['import', ...artefacts, '--simulate', '--interrupts']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+CPU0\s+CPU1\s+CPU2\s+CPU3\s*$/m);
    expect(r.stdout).toMatch(/IR-PCI-MSIX?.*virtio0-input\.0$/m);
    expect(r.stderr).toContain('DMAR: host address width 48, INTR_REMAP on');
  });

  it('stores a run and reads it back from the bundle (better-sqlite3 and migrations/ found)', () => {
    const file = path.join(dir, 'run.irqlab');
    expect(irqlab(['simulate', 'preset:example', '--out', file]).status).toBe(0);
    expect(irqlab(['runs', file]).stdout).toMatch(/^1\tcomplete\t6\.1\t\d+ events/);
  });

  it('runs the sources with a one-line note when a source changed since the build', () => {
    const stampFile = path.join(dir, 'stamp.json');
    const original = readFileSync(stampFile, 'utf8');
    const stamp = JSON.parse(original) as { inputs: [string, number, number][] };
    const entry = stamp.inputs.find(([f]) => f === 'core/cli/main.ts')!;
    entry[1] -= 1000; // as if main.ts had been saved after the build
    writeFileSync(stampFile, JSON.stringify(stamp));
    try {
      const r = irqlab(['simulate', '/nonexistent.json']);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(NOTE),
        'irqlab: /nonexistent.json: no such file',
      ]);
      expect(r.stderr).toContain('out of date (core/cli/main.ts changed); npm run build:cli');
    } finally {
      writeFileSync(stampFile, original);
    }
  });

  it('runs the sources without a note when asked to (IRQLAB_FROM_SOURCE=1)', () => {
    const r = irqlab(['simulate', '/nonexistent.json'], { IRQLAB_FROM_SOURCE: '1' });
    expect(r.stderr).toBe('irqlab: /nonexistent.json: no such file\n');
  });
});

/** Runs irqlab, reads its first piece of output and closes the pipe, as `| head -c N` does. */
function closeAfterFirstChunk(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, IRQLAB_CLI_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let first = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', (d: Buffer) => {
    first = d.toString();
    child.stdout.destroy();
  });
  return new Promise<{ code: number | null; stderr: string; first: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, first })),
  );
}

describe("irqlab when its reader goes away (EPIPE, or ECONNRESET: a parent's stdio pipes are sockets)", () => {
  const session = path.join(dir, 'dmar.irqlab');
  beforeAll(() => {
    expect(irqlab(['simulate', 'preset:dmar-server', '--out', session]).status).toBe(0);
  }, 120_000);

  // Each writes well over a pipe's 64 KiB, so the command is still writing when the pipe closes.
  const commands: [string, () => string[]][] = [
    ['simulate --json (one big write)', () => ['simulate', 'preset:dmar-server', '--json']],
    ['query (a write per row)', () => ['query', session, 'SELECT * FROM events']],
    ['report --format csv', () => ['report', session, '--format', 'csv']],
  ];
  for (const [mode, env] of [
    ['bundle', {}],
    ['sources', { IRQLAB_FROM_SOURCE: '1' }],
  ] as const) {
    for (const [name, args] of commands) {
      it(`${name}, from the ${mode}: exits 0, nothing on stderr`, async () => {
        const r = await closeAfterFirstChunk(args(), env);
        expect(r.first.length).toBeGreaterThan(0);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      });
    }
  }
});
