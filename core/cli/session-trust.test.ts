// The command line on session files from strangers: every hostile file gets one line,
// `irqlab: <file>: not a valid irqlab session: <what>`, exit code 2, from every command that
// reads or writes a session; outputs are never written over a session or an input.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alter, ALTERATIONS, makeBaseSession } from '../store/hostile-sessions';
import { resolveProfile } from '../scenario';
import { PROFILES } from '../kernel/profiles';
import { PRESETS } from '../model/presets';
import { sharedPath } from '../testing/shared';
import { main } from './main';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-cli-trust-'));
const base = path.join(dir, 'base.irqlab');
beforeAll(() => makeBaseSession(base));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('irqlab on a hostile session file', () => {
  for (const [i, a] of ALTERATIONS.entries()) {
    it(`runs, query, report and simulate --out refuse it in one line: ${a.name}`, async () => {
      const folder = path.join(dir, `h${i}`);
      mkdirSync(folder);
      const file = path.join(folder, 'hostile.irqlab');
      copyFileSync(base, file);
      alter(file, a.sql);
      const before = sha(file);
      for (const argv of [
        ['runs', file],
        ['query', file, 'SELECT count(*) FROM events'],
        ['report', file, '--format', 'md'],
        ['simulate', 'preset:example', '--out', file],
      ]) {
        const r = await run(...argv);
        expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
        expect(r.err.startsWith(`irqlab: ${file}: not a valid irqlab session: `), r.err).toBe(true);
        expect(r.err).toMatch(a.says);
        expect(r.err.trim().split('\n')).toHaveLength(1);
        expect(sha(file)).toBe(before);
        expect(readdirSync(folder)).toEqual(['hostile.irqlab']);
      }
    });
  }
});

describe('irqlab outputs', () => {
  it('report -o refuses the session it reads (it used to truncate it to 0 bytes) and any other session', async () => {
    const file = path.join(dir, 'self.irqlab');
    copyFileSync(base, file);
    const before = sha(file);
    const self = await run('report', file, '--format', 'md', '-o', file);
    expect(self.code).toBe(2);
    expect(self.err).toBe(`irqlab: ${file}: is the input ${file}; refusing to write over it\n`);
    expect(sha(file)).toBe(before);
    // The same file under another name (a symlink, ../) is the same file.
    const other = path.join(dir, 'other.irqlab');
    copyFileSync(base, other);
    const otherBefore = sha(other);
    const r = await run('report', file, '--format', 'md', '-o', other);
    expect(r).toMatchObject({
      code: 2,
      err: `irqlab: ${other}: is an irqlab session; refusing to write over it\n`,
    });
    expect(sha(other)).toBe(otherBefore);
    const via = await run(
      'report',
      file,
      '--format',
      'md',
      '-o',
      path.join(dir, '..', path.basename(dir), 'self.irqlab'),
    );
    expect(via.code).toBe(2);
    expect(sha(file)).toBe(before);
    // A new file, or an old report, is written.
    const md = path.join(dir, 'report.md');
    writeFileSync(md, 'old report');
    expect((await run('report', file, '--format', 'md', '-o', md)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('irq_matrix_alloc');
  });

  it('import -o refuses one of its input files', async () => {
    const input = path.join(dir, 'lspci.txt');
    writeFileSync(input, readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'lspci.txt')));
    const before = sha(input);
    const r = await run('import', input, '-o', input);
    expect(r).toMatchObject({
      code: 2,
      err: `irqlab: ${input}: is the input ${input}; refusing to write over it\n`,
    });
    expect(sha(input)).toBe(before);
  });
});

describe('irqlab runs and report on old and cut-off sessions', () => {
  it('reads a session as version 1 wrote it (WAL mode) with runs, query and report, changing nothing', async () => {
    const folder = path.join(dir, 'v1');
    mkdirSync(folder);
    const file = path.join(folder, 'old.irqlab');
    copyFileSync(path.join(here, '..', 'store', 'fixtures', 'session-v1-wal.irqlab'), file);
    const before = sha(file);
    const runs = await run('runs', file);
    expect(runs).toMatchObject({ code: 0, err: '' });
    expect(runs.out).toMatch(/^1\tcomplete\tmainline\t201 events\t/);
    expect(await run('query', file, 'SELECT count(*) FROM events')).toMatchObject({
      code: 0,
      out: 'count(*)\n201\n',
    });
    const report = await run('report', file, '--format', 'md');
    expect(report.code).toBe(0);
    expect(report.out).toContain('irq_matrix_alloc');
    expect(sha(file)).toBe(before);
    expect(readdirSync(folder)).toEqual(['old.irqlab']);
  });

  it('a run whose writer is gone is "incomplete (writer gone)" and its report exits 1', async () => {
    const file = path.join(dir, 'gone.irqlab');
    copyFileSync(base, file);
    alter(file, `UPDATE runs SET status = 'running', finished_at = NULL`);
    // The writer's lock names a process that no longer exists.
    writeFileSync(
      `${file}-lock`,
      JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), start: null }),
    );
    const runs = await run('runs', file);
    expect(runs.out).toMatch(/^1\tincomplete \(writer gone\)\tmainline\t1053 events/);
    const report = await run('report', file, '--format', 'md');
    expect(report.code).toBe(1);
    expect(report.err).toContain(
      'run 1 is incomplete (writer gone): the report covers the 1,053 trace events stored',
    );
    expect(existsSync(`${file}-lock`)).toBe(true); // a reader changes nothing, not even a stale lock
  });

  it('stores the profile the boot resolved (not "auto"), and runs shows it', async () => {
    const file = path.join(dir, 'profile.irqlab');
    expect((await run('simulate', 'preset:example', '--out', file)).code).toBe(0);
    const runs = await run('runs', file);
    // preset:example names no profile: its kernel version picks one (6.1).
    const expected = resolveProfile(PRESETS.example!.make()).name;
    expect(expected).toBe('6.1');
    expect(runs.out).toMatch(/^1\tcomplete\t6\.1\t/);
    expect(PROFILES[expected]).toBeDefined();
  });
});
