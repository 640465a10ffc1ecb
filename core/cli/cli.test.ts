import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedPath } from '../testing/shared';
import { main } from './main';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('irqlab simulate', () => {
  it('prints the predicted /proc/interrupts of a preset, and only that with --interrupts', async () => {
    const { code, out } = await run('simulate', 'preset:example', '--interrupts');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^\s+CPU0\s+CPU1/);
    expect(out).toMatch(/^\s+0:(\s+0){8}\s+IO-APIC\s+2-edge\s+timer$/m);
    expect(out).toMatch(/PCI-MSI \d+-edge\s+nvme0q0$/m);
    expect(lines.at(-2)).toMatch(/^\s*PIW:/);
  });

  it('prints the dmesg after /proc/interrupts by default', async () => {
    const { out } = await run('simulate', 'preset:example');
    expect(out).toContain('IOAPIC[0]: apic_id 2, version 32, address 0xfec00000, GSI 0-119');
  });

  it('accepts a QEMU oracle machine.json and the profile it names', async () => {
    const { code, out } = await run(
      'simulate',
      sharedPath('fixtures', 'qemu', 'q35-noir-2cpu', 'machine.json'),
      '--json',
    );
    expect(code).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.profile).toBe('6.1');
    expect(doc.procInterrupts).toContain('virtio0-config');
    expect(doc.devices.find((d: { bdf: string }) => d.bdf === '0000:00:1f.2').mode).toBe('msi');
  });

  it('reports a missing file, bad JSON and an invalid machine with exit code 2 and where it is wrong', async () => {
    expect(await run('simulate', path.join(dir, 'nope.json'))).toMatchObject({
      code: 2,
      err: expect.stringContaining('nope.json: no such file'),
    });
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"name": "x",\n "cpus": }');
    expect(await run('simulate', bad)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/bad\.json: 2:\d+: not valid JSON/),
    });
    writeFileSync(
      bad,
      JSON.stringify({
        name: 'x',
        kernel: { version: '6.1' },
        cpus: { apic_mode: 'xapic', cpu_has_x2apic: false, list: [{ cpu: 0, apic_id: 'zero' }] },
      }),
    );
    expect(await run('simulate', bad)).toMatchObject({
      code: 2,
      err: expect.stringContaining('$.cpus.list[0].apic_id'),
    });
    expect(await run('simulate', 'preset:nope')).toMatchObject({
      code: 2,
      err: expect.stringContaining('no such preset'),
    });
    expect(await run('simulate', 'preset:example', '--profile', '2.4')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown'),
    });
  });

  it('refuses a machine file whose PCI tree loops, or that ends inside 100,000 brackets, saying where', async () => {
    const { PRESETS } = await import('../model/presets');
    const m = structuredClone(PRESETS.example!.make());
    m.pci[1]!.parent = m.pci[1]!.bdf;
    const loop = path.join(dir, 'loop.json');
    writeFileSync(loop, JSON.stringify(m));
    const r = await run('simulate', loop);
    expect(r).toMatchObject({ code: 2 });
    expect(r.err).toContain('loop.json: $.pci[1].parent: 0000:00:01.0 cannot be its own parent');
    const deep = path.join(dir, 'deep.json');
    writeFileSync(deep, '{"name": "x",\n "pci": ' + '['.repeat(100_000));
    const d = await run('simulate', deep);
    expect(d).toMatchObject({ code: 2 });
    expect(d.err).toMatch(
      /deep\.json: 2:100009: not valid JSON: .*the "\[" at 2:100008 is not closed/,
    );
  });

  it("refuses a profile name that is not a profile, even one of Object's own properties", async () => {
    const { PRESETS } = await import('../model/presets');
    for (const name of ['v2.6', 'constructor']) {
      const m = structuredClone(PRESETS.example!.make());
      m.kernel.profile = name;
      const file = path.join(dir, 'profile.json');
      writeFileSync(file, JSON.stringify(m));
      const r = await run('simulate', file);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`profile.json: $.kernel.profile: unknown profile "${name}"`);
    }
  });

  it('simulates VFs the kernel refuses to enable to the end, with its line', async () => {
    const { PRESETS } = await import('../model/presets');
    const m = structuredClone(PRESETS.example!.make());
    m.pci[8]!.sriov = {
      total_vfs: 300,
      num_vfs: 300,
      vf_device: '1520',
      first_vf_offset: 1,
      vf_stride: 256,
    };
    const file = path.join(dir, 'vfs.json');
    writeFileSync(file, JSON.stringify(m));
    const r = await run('simulate', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "igb 0000:02:00.0: can't enable 300 VFs (bus 12d out of range of [bus 02])",
    );
  });

  it('stores the run in a session with --out; runs, query and report read it back', async () => {
    const file = path.join(dir, 'example.irqlab');
    const sim = await run('simulate', 'preset:example', '--interrupts', '--out', file);
    expect(sim.code).toBe(0);
    expect(sim.err).toMatch(/run 1 \(\d+ events\) saved/);
    const runs = await run('runs', file);
    // The profile the boot resolved (preset:example names kernel 6.1), never "auto".
    expect(runs.out).toMatch(/^1\tcomplete\t6\.1\t\d+ events/);
    const q = await run('query', file, 'SELECT count(*) FROM events WHERE kind = 1');
    expect(Number(q.out.split('\n')[1])).toBeGreaterThan(100);
    expect(await run('query', file, 'DELETE FROM events')).toMatchObject({
      code: 2,
      err: expect.stringContaining('read-only'),
    });
    // SQLite's own words for a typo, as the trace explorer's SQL box shows them.
    expect(await run('query', file, 'SELECT name FROM runs')).toMatchObject({
      code: 2,
      err: 'irqlab: no such column: name\n',
    });
    const perfetto = path.join(dir, 'trace.json');
    expect((await run('report', file, '--format', 'perfetto', '-o', perfetto)).code).toBe(0);
    const csv = await run('report', file, '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text');
    expect(csv.out).toContain('irq_matrix_alloc');
  });
});

describe('the installed command', () => {
  it('runs as `irqlab` through bin/irqlab.mjs', () => {
    const out = execFileSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'irqlab.mjs'), 'simulate', 'preset:example', '--interrupts'],
      { encoding: 'utf8' },
    );
    expect(out).toContain('timer');
  });

  it('exits 2 with a one-line error, no stack trace, on bad input', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'irqlab.mjs'), 'simulate', '/nonexistent.json'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    // (After the note that it runs from source when dist/cli is older than the sources.)
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('irqlab: note:')),
    ).toEqual(['irqlab: /nonexistent.json: no such file']);
  });

  it('imports and predicts in one process: import FILES... --simulate', () => {
    const files = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) =>
      sharedPath('fixtures', 'qemu', 'q35-noir-2cpu', f),
    );
    const r = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'irqlab.mjs'), 'import', ...files, '--simulate'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    // stdout is what `irqlab simulate` prints: /proc/interrupts, then the kernel's log.
    expect(r.stdout).toMatch(/^\s+CPU0\s+CPU1\s*\n/);
    expect(r.stdout).toMatch(/PCI-MSIX? \d+-edge\s+virtio0-config$/m);
    expect(r.stdout).toContain('\n\n');
    // What the import found goes to stderr.
    expect(r.stderr).toMatch(/dmesg\.txt: kernel log/);
    expect(r.stdout).not.toMatch(/dmesg\.txt: kernel log/);
  });

  it('exits 0 without a stack trace when its reader goes away (irqlab ... | head)', async () => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'irqlab.mjs'), 'simulate', 'preset:dmar-server', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Output well over a pipe's 64 KiB: the command is still writing when the pipe closes.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr.split('\n').filter((l) => l && !l.startsWith('irqlab: note:'))).toEqual([]);
    expect(code).toBe(0);
  });
});
