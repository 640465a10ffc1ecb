// irqlab collect: the one collector (collect.sh) run on this very machine, then its bundle
// imported; and the bundle the oracle guest made with it (fixtures/collect/q35-ir-4cpu.tar.gz)
// predicts that machine's /proc/interrupts exactly.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTar } from '../import/bundle';
import { compareSysfsIrqs, compareWithSimulation, describeDifference } from '../import/compare';
import { parseCpuList } from '../import/sysfs-irqs';
import { parseProcInterrupts } from '../import/interrupts';
import { importFiles } from '../import/node/read';
import { simulate } from '../scenario';
import { repoRoot, sharedPath } from '../testing/shared';
import { main } from '../cli/main';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-collect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = path.join(repoRoot, 'core', 'collect', 'collect.sh');

function collect(out: string, args: string[] = [], env = process.env): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('sh', [script, '-o', out, ...args], { timeout: 240_000, env }, (err, _o, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stderr),
    ),
  );
}

const entries = (file: string) =>
  new Map(
    readTar(new Uint8Array(gunzipSync(readFileSync(file))), file).map((e) => [
      e.name,
      new TextDecoder().decode(e.data),
    ]),
  );

describe.runIf(process.platform === 'linux')('collect.sh on this machine', () => {
  const plain = path.join(dir, 'b.tar.gz');
  const kept = path.join(dir, 'kept.tar.gz');
  // Both runs at once: each takes tens of seconds on a busy box.
  // A PATH with every command of this one but lspci: the box without pciutils.
  const noLspci = path.join(dir, 'no-lspci');
  mkdirSync(noLspci);
  for (const d of (process.env.PATH ?? '').split(':').filter(Boolean))
    try {
      for (const n of readdirSync(d))
        if (n !== 'lspci')
          try {
            symlinkSync(path.join(d, n), path.join(noLspci, n));
          } catch {
            // an earlier PATH entry has it
          }
    } catch {
      // a PATH entry that is not there
    }
  const sysfsOnly = path.join(dir, 'sysfs.tar.gz');
  const runs = Promise.all([
    collect(plain),
    collect(kept, ['--keep-personal']),
    collect(sysfsOnly, [], { ...process.env, PATH: noLspci }),
  ]);

  it('writes a bundle whose MANIFEST says how each item was collected', async () => {
    const [stderr] = await runs;
    expect(stderr).toMatch(/collect: wrote .*b\.tar\.gz \(\d+ items/);
    const b = entries(plain);
    const manifest = b.get('machine-bundle/MANIFEST')!;
    expect(manifest).toMatch(/^# irqlab machine bundle 1/);
    for (const f of ['uname.txt', 'cmdline.txt', 'interrupts.txt', 'cpus.txt', 'sysfs-irqs.tsv'])
      expect(manifest).toMatch(new RegExp(`^ok\\t${f.replace('.', '\\.')}\\t`, 'm'));
    // Every item is either ok or missing with a reason; the removals are counted per kind.
    for (const line of manifest.split('\n').filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(/^(ok|missing|removed)\t\S+\t\S/);
    for (const kind of ['mac-address', 'serial-number', 'hostname'])
      expect(manifest).toMatch(new RegExp(`^removed\\t${kind}\\t\\d+$`, 'm'));
    for (const [name] of b)
      if (name !== 'machine-bundle/' && !name.endsWith('/'))
        expect(name).toMatch(/^machine-bundle\//);
    expect(b.get('machine-bundle/interrupts.txt')).toMatch(/^\s*CPU0/);
    expect(b.get('machine-bundle/cpus.txt')).toContain(
      `online: ${readFileSync('/sys/devices/system/cpu/online', 'utf8').trim()}`,
    );
  }, 300_000);

  it('leaves the host name out unless --keep-personal', async () => {
    await runs;
    const host = hostname();
    const word = new RegExp(`(^|[^A-Za-z0-9_.-])${host.replace(/[.]/g, '\\.')}($|[^A-Za-z0-9_-])`);
    expect(entries(plain).get('machine-bundle/uname.txt')).toContain('<hostname>');
    expect(entries(plain).get('machine-bundle/uname.txt')).not.toMatch(word);
    expect(entries(kept).get('machine-bundle/uname.txt')).toMatch(word);
    expect(entries(kept).get('machine-bundle/MANIFEST')).toMatch(/^kept\tpersonal\t/m);
  });

  it('without lspci, reads the PCI functions and their config space from sysfs', async () => {
    await runs;
    const manifest = entries(sysfsOnly).get('machine-bundle/MANIFEST')!;
    expect(manifest).toMatch(/^missing\tlspci-vvv\.txt\tlspci not installed/m);
    expect(manifest).toMatch(/^ok\tlspci-xxx\.txt\tsysfs \/sys\/bus\/pci\/devices\/\*\/config/m);
    const [withLspci, fromSysfs] = await Promise.all([
      importFiles([plain]),
      importFiles([sysfsOnly]),
    ]);
    const pci = (r: typeof withLspci) =>
      r.machine!.pci.map(
        (f) =>
          `${f.bdf} ${f.vendor_device ?? ''} msix:${f.msix ? 'yes' : 'no'} msi:${f.msi ? 'yes' : 'no'}`,
      );
    expect(pci(fromSysfs)).toEqual(pci(withLspci));
    expect(fromSysfs.machine!.pci.length).toBe(readdirSync('/sys/bus/pci/devices').length);
  });

  it("irqlab import of the bundle gives a machine with this box's CPUs", async () => {
    await runs;
    const m = path.join(dir, 'm.json');
    let err = '';
    const code = await main(['import', plain, '-o', m], { out: () => {}, err: (t) => (err += t) });
    expect(code, err).toBe(0);
    const machine = JSON.parse(readFileSync(m, 'utf8'));
    const online = parseCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8'));
    expect(machine.cpus.list.filter((c: { online: boolean }) => c.online).length).toBe(
      online.length,
    );
  });
});

describe('the bundle collect.sh made in the oracle guest (q35-ir-4cpu)', () => {
  const bundle = path.join(repoRoot, 'fixtures', 'collect', 'q35-ir-4cpu.tar.gz');

  it('predicts its /proc/interrupts exactly, as dmesg+lspci+acpidump of the capture do', async () => {
    const r = await importFiles([bundle]);
    expect(r.machine, r.summary.join('\n')).not.toBeNull();
    const sim = simulate(r.machine!);
    const cmp = compareWithSimulation(r.interrupts[0]!, sim);
    expect(cmp.differences.map(describeDifference)).toEqual([]);
    expect(cmp.matched).toBe(cmp.realRows);
    // The same preset booted again: the bundle's /proc/interrupts has the capture's irqs.
    const capture = parseProcInterrupts(
      readFileSync(sharedPath('fixtures', 'qemu', 'q35-ir-4cpu', 'interrupts.txt'), 'utf8'),
      'capture',
    );
    const show = (p: typeof capture) =>
      p.rows.map((x) => `${x.irq} ${x.chip} ${x.hwirq} ${x.actions}`);
    expect(show(r.interrupts[0]!)).toEqual(show(capture));
  });

  it("its sysfs table agrees on each irq's effective CPU; only the XT-PIC cascade (irq 2) is not modelled", async () => {
    const r = await importFiles([bundle]);
    const cmp = compareSysfsIrqs(r.sysfsIrqs[0]!, simulate(r.machine!));
    expect(cmp.differences).toEqual([
      expect.objectContaining({ kind: 'missing', irq: 2, real: 'XT-PIC' }),
    ]);
    expect(cmp.matched).toBe(cmp.realRows - 1);
    expect(r.summary).toContain(`${bundle}: personal data removed by collect: 1 mac-address`);
  });
});
