// Issue 15's drivers (USB host controllers, storage, virtio-scsi, sound) against what real kernels
// reported: every QEMU oracle capture that has one of them (the device's rows: irq, chip, hwirq,
// actions, and the mode lspci shows enabled), and real /proc/interrupts for hardware QEMU lacks.
// Expectations are read from the captures at test time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts, type InterruptRow } from '../../import/interrupts';
import { importFiles } from '../../import/node/read';
import { msiRowsByDevice } from '../../import/observed';
import { repoRoot } from '../../testing/shared';
import { realPath } from '../../testing/sources';
import { simulate } from '../../scenario';
import { profileForKernel } from '../profiles';
import { ahciEntry } from './ahci';
import { driverFor } from './catalogue';
import { nvmeEntry } from './nvme';
import { pvscsiEntry } from './pvscsi';
import { ens1370Entry, hdaIntelEntry, intel8x0Entry, sofEntry } from './sound';
import type { DriverContext, DriverModel } from './types';
import { ehciEntry, ohciEntry, uhciEntry } from './usb-hcd';
import { virtioScsiEntry } from './virtio-scsi';
import { xhciEntry } from './xhci';

const BATCH = new Set<DriverModel>(
  [
    ahciEntry,
    xhciEntry,
    ehciEntry,
    ohciEntry,
    uhciEntry,
    pvscsiEntry,
    virtioScsiEntry,
    hdaIntelEntry,
    sofEntry,
    intel8x0Entry,
    ens1370Entry,
  ].map((e) => e.model),
);

const ROOT = path.join(repoRoot, 'fixtures', 'qemu');
const CAPTURES = existsSync(ROOT)
  ? readdirSync(ROOT)
      .filter((d) => existsSync(path.join(ROOT, d, 'machine.json')))
      .sort()
  : [];
const INPUTS = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt', 'interrupts.txt'];

/** The capability `lspci -vv` shows enabled on a function: the mode its driver ended up in. */
function lspciMode(lspci: string, bdf: string): 'msix' | 'msi' | 'intx' {
  const block = lspci.split(/\n(?=\S)/).find((b) => b.startsWith(bdf)) ?? '';
  if (/MSI-X: Enable\+/.test(block)) return 'msix';
  if (/MSI: Enable\+/.test(block)) return 'msi';
  return 'intx';
}

const view = (r: InterruptRow) => ({
  irq: r.irq,
  chip: r.chip,
  hwirq: r.hwirq,
  actions: r.actions,
});

interface Case {
  capture: string;
  bdf: string;
  driver: string;
}

async function run(capture: string) {
  const dir = path.join(ROOT, capture);
  const r = await importFiles(INPUTS.map((f) => path.join(dir, f)));
  const machine = r.machine!;
  // The capture's own kernel (machine.json), whatever the log import made of it.
  machine.kernel.version = JSON.parse(readFileSync(path.join(dir, 'machine.json'), 'utf8')).kernel
    .release as string;
  const sim = simulate(machine);
  const real = parseProcInterrupts(readFileSync(path.join(dir, 'interrupts.txt'), 'utf8'), 'real');
  const predicted = parseProcInterrupts(sim.procInterrupts(), 'predicted');
  const lspci = readFileSync(path.join(dir, 'lspci.txt'), 'utf8');
  return { machine, sim, real, predicted, lspci };
}

const cases: Case[] = [];
for (const capture of CAPTURES) {
  const oracle = JSON.parse(readFileSync(path.join(ROOT, capture, 'machine.json'), 'utf8')) as {
    pci: { bdf: string; vendor_device: string; class: string; driver: string | null }[];
  };
  for (const f of oracle.pci) {
    const model = driverFor(f.vendor_device, f.class);
    if (model && BATCH.has(model) && f.driver)
      cases.push({ capture, bdf: f.bdf, driver: f.driver });
  }
}

describe('each QEMU capture with one of these drivers: the device rows are the real ones', () => {
  it('the captures have ahci, xhci, ehci, uhci, pvscsi, virtio-scsi, hda, intel8x0 and ens1370', () => {
    expect(new Set(cases.map((c) => c.driver))).toEqual(
      new Set([
        'ahci',
        'xhci_hcd',
        'ehci-pci',
        'uhci_hcd',
        'vmw_pvscsi',
        'virtio-pci',
        'snd_hda_intel',
        'snd_intel8x0',
        'snd_ens1370',
      ]),
    );
  });

  it.each(cases)('$capture $bdf ($driver)', async ({ capture, bdf }) => {
    const { machine, sim, real, predicted, lspci } = await run(capture);
    const mode = lspciMode(lspci, bdf);
    expect(sim.devices.find((d) => d.bdf === bdf)?.mode).toBe(mode);
    if (mode === 'intx') {
      // The pin's row: its actions, this driver's among the others sharing it, in their order.
      const gsi = machine.pci.find((f) => f.bdf === bdf)?.intx_gsi;
      expect(gsi).toBeTypeOf('number');
      const pin = (p: typeof real) =>
        p.rows.filter((r) => /IO-APIC/.test(r.chip) && r.hwirq === gsi).map(view);
      expect(pin(real)).toHaveLength(1);
      expect(pin(predicted)).toEqual(pin(real));
    } else {
      const rows = (p: typeof real) =>
        [...(msiRowsByDevice(p).get(bdf)?.entries.values() ?? [])].map(view);
      expect(rows(real).length).toBeGreaterThan(0);
      expect(rows(predicted)).toEqual(rows(real));
    }
  });
});

const CRAASK = {
  dmesg: 'dmesg/google-craask-chromebook-alderlake-n-printk-levels.dmesg.txt',
  lspci: 'lspci/google-craask-chromebook-alderlake-n.lspci-plain.txt',
  interrupts: 'interrupts/google-craask-chromebook-alderlake-n-newformat.interrupts.txt',
};

/** The Craask Chromebook (real, ChromeOS 6.6.119, 4 CPUs, IR on): its xHCI and SOF rows. */
describe('Craask (interrupts/google-craask-chromebook-alderlake-n-newformat.interrupts.txt)', () => {
  async function craask(kernel?: string) {
    const r = await importFiles(Object.values(CRAASK).map(realPath));
    const machine = r.machine!;
    // Intel PCH xHCIs have MSI (8 messages) and no MSI-X; the plain lspci does not list it, and
    // the import would size it from the one row in use, which would decide the answer.
    for (const f of machine.pci.filter((f) => f.class === '0x0c0330')) {
      f.msix = null;
      f.msi = { vectors_max: 8, is_64bit: true, per_vector_mask: false };
    }
    if (kernel) machine.kernel.version = kernel;
    const sim = simulate(machine);
    const real = parseProcInterrupts(readFileSync(realPath(CRAASK.interrupts), 'utf8'), 'real');
    const predicted = parseProcInterrupts(sim.procInterrupts(), 'predicted');
    const rows = (p: typeof real, bdf: string) =>
      [...(msiRowsByDevice(p).get(bdf)?.entries.values() ?? [])].map((x) => ({
        chip: x.chip,
        hwirq: x.hwirq,
        actions: x.actions,
      }));
    return { machine, sim, real, predicted, rows };
  }

  it('6.6: each xHCI (MSI only) falls back from MSI-X to one MSI vector, "xhci_hcd", as on the machine', async () => {
    const { machine, sim, real, predicted, rows } = await craask();
    expect(profileForKernel(machine.kernel.version).name).toBe('6.6');
    for (const bdf of ['0000:00:0d.0', '0000:00:14.0']) {
      expect(rows(real, bdf)).toEqual([
        { chip: `IR-PCI-MSI-${bdf}`, hwirq: 0, actions: ['xhci_hcd'] },
      ]);
      expect(rows(predicted, bdf)).toEqual(rows(real, bdf));
      const dev = sim.devices.find((d) => d.bdf === bdf)!;
      // One vector allocated, not 5 with one requested: the two rows are consecutive irqs.
      expect([dev.mode, dev.messages.length]).toEqual(['msi', 1]);
    }
    const irqOf = (p: typeof real, bdf: string) => msiRowsByDevice(p).get(bdf)!.firstIrq;
    expect(irqOf(real, '0000:00:14.0') - irqOf(real, '0000:00:0d.0')).toBe(1);
    expect(irqOf(predicted, '0000:00:14.0') - irqOf(predicted, '0000:00:0d.0')).toBe(1);
  });

  it('the SOF DSP at 00:1f.3 takes one MSI vector named "AudioDSP", as on the machine', async () => {
    const { real, predicted, rows } = await craask();
    expect(rows(real, '0000:00:1f.3')).toHaveLength(1);
    expect(rows(predicted, '0000:00:1f.3')).toEqual(rows(real, '0000:00:1f.3'));
  });

  it('from 6.8 the same xHCIs take MSI for min(CPUs + 1, ...) and still request only vector 0', async () => {
    const { sim, predicted, rows } = await craask('6.8.0');
    for (const bdf of ['0000:00:0d.0', '0000:00:14.0']) {
      expect(rows(predicted, bdf)).toEqual([
        { chip: `IR-PCI-MSI-${bdf}`, hwirq: 0, actions: ['xhci_hcd'] },
      ]);
      const dev = sim.devices.find((d) => d.bdf === bdf)!;
      expect(dev.mode).toBe('msi');
      // Multi-MSI under remapping: 5 vectors wanted, the power-of-two block of 8 bounds it.
      expect(dev.messages.length).toBeGreaterThan(1);
    }
  });
});

/** The xHCI's requests by era, on a QEMU qemu-xhci (16 MSI-X entries). */
describe('xhci_hcd vectors by era', () => {
  const ctx = (cpus: number, kernel: string): DriverContext => ({
    cpus,
    msixTableSize: 16,
    msiMax: null,
    hasIntx: true,
    bdf: '0000:00:03.0',
    instance: 1,
    usbBus: 1,
    netdev: '',
    vendorDevice: '0000:0000',
    vfs: 0,
    profile: profileForKernel(kernel),
  });

  it.each([
    [4, 5],
    [2, 3],
    [16, 16],
    [64, 16],
  ])(
    '6.1 on %i CPUs: MSI-X for min(CPUs + 1, 16) = %i vectors, each requested "xhci_hcd"',
    (cpus, n) => {
      const [plan] = xhciEntry.model.plan(ctx(cpus, '6.1'));
      expect([plan!.modes, plan!.min, plan!.max]).toEqual([['msix'], n, n]);
      expect(plan!.requested).toBeUndefined();
      expect(plan!.fallback!.modes).toEqual(['msi']);
      expect(plan!.fallback!.fallback!.name(0, 'intx')).toBe('xhci_hcd:usb1');
    },
  );

  it('6.12 on 4 CPUs: 1..5 vectors MSI-X or MSI, only vector 0 requested', () => {
    const [plan] = xhciEntry.model.plan(ctx(4, '6.12'));
    expect([plan!.modes, plan!.min, plan!.max]).toEqual([['msix', 'msi'], 1, 5]);
    expect([0, 1, 4].map((i) => plan!.requested!(i, 'msix'))).toEqual([true, false, false]);
  });
});

describe('nvme takes the queue count its log states', () => {
  it('"nvme nvme0: 4/0/0 default/read/poll queues" on 16 CPUs: 1 admin + 4 I/O vectors', () => {
    const base = {
      cpus: 16,
      msixTableSize: 65,
      msiMax: null,
      hasIntx: true,
      bdf: '0000:01:00.0',
      instance: 0,
      netdev: '',
      vendorDevice: '0000:0000',
      vfs: 0,
      profile: profileForKernel('6.12'),
    };
    expect(nvmeEntry.model.plan({ ...base, statedQueues: 4 })[1]!.max).toBe(5);
    expect(nvmeEntry.model.plan(base)[1]!.max).toBe(17);
  });
});

describe('ahci vectors', () => {
  const ctx = (over: Partial<DriverContext>): DriverContext => ({
    cpus: 4,
    msixTableSize: null,
    msiMax: 8,
    hasIntx: true,
    bdf: '0000:00:17.0',
    instance: 0,
    netdev: '',
    vendorDevice: '0000:0000',
    vfs: 0,
    profile: profileForKernel('6.12'),
    ...over,
  });

  it('6 ports stated, 8 MSI messages: one vector per port "ahci0".."ahci5", the rest unrequested', () => {
    const [plan] = ahciEntry.model.plan(ctx({ ahciPorts: 6 }));
    expect([plan!.modes, plan!.min, plan!.max]).toEqual([['msix', 'msi'], 6, 8]);
    expect([0, 5].map((i) => plan!.name(i, 'msi'))).toEqual(['ahci0', 'ahci5']);
    expect([5, 6].map((i) => plan!.requested!(i, 'msi'))).toEqual([true, false]);
    // Fewer vectors than ports (QEMU's ICH9: MSI 1/1): one MSI for the host, then one MSI-X.
    expect(plan!.fallback!.modes).toEqual(['msi']);
    expect(plan!.fallback!.fallback!.modes).toEqual(['msix']);
    expect(plan!.fallback!.name(0, 'msi')).toBe('ahci[0000:00:17.0]');
  });

  it('ports not stated: the single-vector path, MSI before MSI-X, named "ahci[<bdf>]"', () => {
    const plans = ahciEntry.model.plan(ctx({}));
    expect(plans).toHaveLength(1);
    expect([plans[0]!.modes, plans[0]!.max, plans[0]!.name(0, 'msi')]).toEqual([
      ['msi'],
      1,
      'ahci[0000:00:17.0]',
    ]);
  });
});
