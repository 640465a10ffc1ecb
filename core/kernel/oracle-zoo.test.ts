// The repo's own oracle captures (fixtures/qemu/<preset>@<kernel release>/, made by
// shared/oracle/boot-capture.sh with the presets in oracle-presets/): each must be a complete,
// self-consistent record of one finished boot before the simulator is held to it. The
// simulator-vs-capture checks live elsewhere; these only check the captures themselves.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts } from '../import/interrupts';
import { repoRoot } from '../testing/shared';

const ROOT = path.join(repoRoot, 'fixtures', 'qemu');

/** Every file boot-capture.sh writes for a finished boot (qemu-stderr.txt only when QEMU warned). */
const FILES = [
  'capture.txt',
  'qemu-cmdline.txt',
  'proc-cmdline.txt',
  'cpuinfo.txt',
  'dmesg.txt',
  'interrupts.txt',
  'irqs.tsv',
  'domains.txt',
  'iommu.txt',
  'pci-sysfs.txt',
  'lspci.txt',
  'lspci-x.txt',
  'insmod.txt',
  'acpi.acpidump.txt',
  'machine.json',
];

const captures = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((d) => statSync(path.join(ROOT, d)).isDirectory())
      .sort()
  : [];

interface TsvRow {
  irq: number;
  chip: string;
  hwirq: string;
  handler: string;
  actions: string;
}

function parseIrqsTsv(text: string, file: string): TsvRow[] {
  const [header, ...rows] = text.replace(/\n$/, '').split('\n');
  const cols = header!.split('\t');
  const col = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`${file}: header has no ${name} column`);
    return i;
  };
  const [irq, chip, hwirq, handler, actions] = [
    col('irq'),
    col('chip_name'),
    col('hwirq'),
    col('name'),
    col('actions'),
  ];
  return rows.map((row, n) => {
    const f = row.split('\t');
    if (f.length !== cols.length)
      throw new Error(`${file}:${n + 2}: ${f.length} fields, header has ${cols.length}`);
    return {
      irq: Number(f[irq]),
      chip: f[chip]!,
      hwirq: f[hwirq]!,
      handler: f[handler]!,
      actions: f[actions]!,
    };
  });
}

/** "0-3,8" -> 5 */
function cpuListSize(list: string): number {
  return list
    .split(',')
    .filter((p) => p !== '')
    .reduce((n, p) => {
      const [a, b] = p.split('-').map(Number);
      return n + (b === undefined ? 1 : b - a! + 1);
    }, 0);
}

describe('oracle zoo: the repo’s own QEMU captures', () => {
  it('fixtures/qemu holds captures named <preset>@<kernel release>', () => {
    expect(captures.length).toBeGreaterThan(0);
    for (const c of captures) expect(c).toMatch(/^[a-z0-9-]+@[0-9][\w.+-]*$/);
  });

  describe.each(captures)('%s', (name) => {
    const dir = path.join(ROOT, name);
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    const [preset, release] = name.split('@') as [string, string];

    it('has every file a finished boot writes, and the boot finished', () => {
      for (const f of FILES) expect(existsSync(path.join(dir, f)), f).toBe(true);
      expect(read('capture.txt')).toMatch(/^@@@ORACLE-DONE@@@$/m);
      expect(read('capture.txt')).not.toMatch(/^@@@ORACLE-TIMEOUT@@@$/m);
      expect(read('qemu-cmdline.txt')).toMatch(
        /^# boot took \d+s wall clock \(TCG\), qemu exit status 0$/m,
      );
    });

    it('machine.json describes this preset, kernel and boot', () => {
      const m = JSON.parse(read('machine.json'));
      expect(m.schema).toBe('irqlab-oracle-machine/1');
      expect(m.preset).toBe(preset);
      expect(m.kernel.release).toBe(release);
      expect(m.kernel.cmdline).toBe(read('proc-cmdline.txt').trim());
      // Made from the preset committed beside it (oracle-presets/), as it reads now.
      const presetFile = path.join(repoRoot, 'oracle-presets', `${preset}.preset`);
      expect(existsSync(presetFile), presetFile).toBe(true);
      const description = /^DESCRIPTION="(.*)"$/m.exec(readFileSync(presetFile, 'utf8'))?.[1];
      expect(m.description).toBe(description);
      expect(read('cpuinfo.txt')).toContain(` ${release} `);
      const secs = /^# boot took (\d+)s/m.exec(read('qemu-cmdline.txt'))?.[1];
      expect(m.emulator.boot_seconds).toBe(Number(secs));
      expect(read('qemu-cmdline.txt').split('\n')[0]).toBe(`# ${m.emulator.qemu}`);
      // One PCI entry per function the guest's sysfs listed.
      const sysfs = [...read('pci-sysfs.txt').matchAll(/^### (\S+)$/gm)].map((x) => x[1]);
      expect(m.pci.map((p: { bdf: string }) => p.bdf)).toEqual([...sysfs].sort());
      expect(m.cpus.count).toBe(cpuListSize(m.cpus.online));
    });

    it('interrupts.txt parses, with a column per online CPU', () => {
      const m = JSON.parse(read('machine.json'));
      const pi = parseProcInterrupts(read('interrupts.txt'), `${name}/interrupts.txt`);
      expect(pi.layout).toBe('modern');
      expect(pi.cpus).toHaveLength(cpuListSize(m.cpus.online));
      expect(pi.rows.length).toBeGreaterThan(0);
    });

    it('irqs.tsv and interrupts.txt agree on every irq: number, chip, hwirq, handler, actions', () => {
      const pi = parseProcInterrupts(read('interrupts.txt'), `${name}/interrupts.txt`);
      const tsv = new Map(
        parseIrqsTsv(read('irqs.tsv'), `${name}/irqs.tsv`).map((r) => [r.irq, r]),
      );
      for (const row of pi.rows) {
        const t = tsv.get(row.irq);
        expect(t, `irq ${row.irq} of interrupts.txt is not in irqs.tsv`).toBeDefined();
        const where = `irq ${row.irq}`;
        expect(t!.chip, where).toBe(row.chip);
        expect(t!.hwirq, where).toBe(String(row.hwirq));
        expect(t!.handler, where).toBe(row.handler);
        // sysfs joins a shared line's actions with ",", /proc/interrupts with ", "
        expect(t!.actions, where).toBe(row.actions.join(','));
      }
      // /proc/interrupts lists every irq with a handler requested (irqs without one only
      // once they have counted something).
      const shown = new Set(pi.rows.map((r) => r.irq));
      const requested = [...tsv.values()].filter((t) => t.actions !== '').map((t) => t.irq);
      expect(requested.filter((irq) => !shown.has(irq))).toEqual([]);
    });
  });
});
