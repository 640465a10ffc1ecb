// `irqlab simulate --out` and `irqlab report`, run in-process and through bin/irqlab.mjs, on real
// session files.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportJsonSchema } from '../report/json';
import { repoRoot } from '../testing/shared';
import { main } from './main';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-cli-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], progress?: (line: string | null) => void) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    ...(progress ? { progress } : {}),
  });
  return { code, out, err };
}

const session = path.join(dir, 'example.irqlab');
let simulated: Awaited<ReturnType<typeof run>>;
const progressLines: (string | null)[] = [];
beforeAll(async () => {
  simulated = await run(['simulate', 'preset:example', '--out', session], (l) =>
    progressLines.push(l),
  );
});

describe('irqlab simulate --out', () => {
  it("stores the run and prints only the kernel's log (no /proc/interrupts unless asked)", () => {
    expect(simulated.code).toBe(0);
    expect(simulated.out).not.toMatch(/^\s+CPU0/m);
    expect(simulated.out).toContain('smp: Brought up');
    expect(simulated.err).toMatch(/run 1 \(\d+ events\) saved/);
  });

  it('reports its progress through the progress line, and clears it at the end', () => {
    expect(
      progressLines.some((l) => /booting example: [\d,]+ trace events stored/.test(l ?? '')),
    ).toBe(true);
    expect(progressLines.at(-1)).toBeNull();
  });
});

describe('irqlab report', () => {
  it.each(['html', 'md', 'json', 'csv', 'perfetto'])(
    'writes the %s report to -o',
    async (format) => {
      const out = path.join(dir, `report.${format}`);
      const r = await run(['report', session, '--format', format, '-o', out]);
      expect(r).toMatchObject({ code: 0, out: '', err: '' });
      const text = readFileSync(out, 'utf8');
      if (format === 'html')
        expect(text).toMatch(/^<!DOCTYPE html>[\s\S]*<section id="dmesg">[\s\S]*<\/html>\n$/);
      if (format === 'md') expect(text).toMatch(/^# irqlab report · example · run 1\n/);
      if (format === 'json') expect(ReportJsonSchema.parse(JSON.parse(text)).run.id).toBe(1);
      if (format === 'csv')
        expect(text.split('\r\n')[0]).toBe('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text');
      if (format === 'perfetto') expect(JSON.parse(text).traceEvents.length).toBeGreaterThan(100);
    },
  );

  it('writes to stdout without -o, and picks a run with --run', async () => {
    const r = await run(['report', session, '--run', '1', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('## Interrupts');
  });

  it('refuses an unknown format, a missing run and a bad run number with exit code 2', async () => {
    expect(await run(['report', session, '--format', 'pdf'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format must be one of html, md, json, csv, perfetto'),
    });
    expect(await run(['report', session, '--run', '7', '--format', 'html'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no run 7'),
    });
    expect(await run(['report', session, '--run', 'last', '--format', 'html'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--run last: a run number'),
    });
    expect(await run(['report', path.join(dir, 'nope.irqlab'), '--format', 'html'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no such file'),
    });
  });

  it('reports progress while it reads the trace, when there is a progress line', async () => {
    const lines: (string | null)[] = [];
    await run(['report', session, '--format', 'json', '-o', path.join(dir, 'p.json')], (l) =>
      lines.push(l),
    );
    expect(
      lines.some((l) => /json report of run 1: [\d,]+ of [\d,]+ trace events read/.test(l ?? '')),
    ).toBe(true);
    expect(lines.at(-1)).toBeNull();
  });

  it('reports on a version-1 session without changing the file', async () => {
    const v1 = path.join(dir, 'v1.irqlab');
    copyFileSync(path.join(repoRoot, 'core', 'store', 'fixtures', 'session-v1.irqlab'), v1);
    const before = readFileSync(v1);
    const r = await run(['report', v1, '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# irqlab report · .* · run 1\n/);
    expect(r.out).toContain('201 trace events');
    expect(readFileSync(v1).equals(before)).toBe(true);
  });
});

describe('the installed command in a pipe', () => {
  it('writes no progress line when stderr is not a terminal', () => {
    const file = path.join(dir, 'piped.irqlab');
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'irqlab.mjs'), 'simulate', 'preset:example', '--out', file],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\u001b[');
    expect(r.stderr.trim()).toMatch(/^irqlab: run 1 \(\d+ events\) saved in /);
    const report = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'irqlab.mjs'),
        'report',
        file,
        '--format',
        'html',
        '-o',
        path.join(dir, 'piped.html'),
      ],
      { encoding: 'utf8' },
    );
    expect(report.status).toBe(0);
    expect(report.stderr).toBe('');
  });
});
