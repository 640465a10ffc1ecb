// Laptop, desktop and platform drivers QEMU does not emulate (issue 15), checked against real
// /proc/interrupts files (read at test time, never copied): the rows each driver has on a
// machine of that CPU count. SOURCES.md in shared/fixtures/real says what each file is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../scenario';
import { importFiles } from '../../import/node/read';
import { parseProcInterrupts, type ProcInterrupts } from '../../import/interrupts';
import { realPath } from '../../testing/sources';
import type { Machine } from '../../model/schema';
import { PROFILES } from '../profiles';
import { driverFor, type DriverContext } from './catalogue';
import { iwlQueueName } from './iwlwifi';

const CRAASK_DMESG = 'dmesg/google-craask-chromebook-alderlake-n-printk-levels.dmesg.txt';
const CRAASK_LSPCI = 'lspci/google-craask-chromebook-alderlake-n.lspci-plain.txt';
const CRAASK_IRQS = 'interrupts/google-craask-chromebook-alderlake-n-newformat.interrupts.txt';
const SIXTEEN = 'interrupts/intel-16cpu-i915-nvme-2drhd-ir.interrupts.txt';
const SERVER8 = 'interrupts/intel-8cpu-server-ipmi-ir.interrupts.txt';
const MINING2 = 'interrupts/intel-2cpu-mining-rig-amdgpu-no-ir.interrupts.txt';
const LAPTOP8 = 'interrupts/pcp-qa-8cpu-x86_64-laptop.interrupts.txt';
const SANDY8 = 'interrupts/intel-i7-2600-sandybridge-legacy-format.interrupts.txt';

const real = (file: string): ProcInterrupts =>
  parseProcInterrupts(readFileSync(realPath(file), 'utf8'), file);

const rowsOf = (file: string, action: string) =>
  real(file).rows.filter((r) => r.actions.includes(action));

/** Each row as the comparison sees it (counts and irq numbers aside). */
const shape = (r: { chip: string; hwirq: number | null; actions: string[] }) =>
  `${r.chip} ${r.hwirq} ${r.actions.join(', ')}`;

const ctx = (cpus: number, bdf = '0000:00:00.0', msixTableSize: number | null = null) =>
  ({
    cpus,
    msixTableSize,
    msiMax: 1,
    hasIntx: true,
    bdf,
    instance: 0,
    netdev: '',
    vendorDevice: '0000:0000',
    vfs: 0,
    profile: PROFILES.mainline!,
  }) satisfies DriverContext;

/** The one-vector drivers: the single MSI round's mode and name. */
function single(vendorDevice: string, cls: string, cpus: number, bdf?: string) {
  const driver = driverFor(vendorDevice, cls);
  expect(driver).not.toBeNull();
  const plans = driver!.plan(ctx(cpus, bdf));
  return plans.map((p) => ({ first: p.modes[0], max: p.max, name: p.name(0, p.modes[0]!) }));
}

let craask: Promise<Machine> | null = null;
/** The Craask's log and plain lspci, as a user loads them (no /proc/interrupts). */
const craaskMachine = () =>
  (craask ??= importFiles([realPath(CRAASK_DMESG), realPath(CRAASK_LSPCI)]).then(
    (r) => r.machine!,
  ));

const predictedRows = (m: Machine, profile?: string) =>
  parseProcInterrupts(simulate(m, profile ? { profile } : {}).procInterrupts(), 'predicted').rows;

describe('iwlwifi (pcie/trans.c iwl_pcie_set_interrupt_capa)', () => {
  it('on the 4-CPU Craask takes 6 MSI-X vectors: default_queue, queue_1..4, exception, as the real rows', async () => {
    const rows = real(CRAASK_IRQS).rows.filter((r) => r.chip.endsWith('0000:00:14.3'));
    expect(real(CRAASK_IRQS).cpus).toHaveLength(4);
    expect(rows).toHaveLength(4 + 2);
    const predicted = predictedRows(await craaskMachine()).filter((r) =>
      r.chip.endsWith('0000:00:14.3'),
    );
    expect(predicted.map(shape)).toEqual(rows.map(shape));
  });

  it('hints RX queue n to CPU n-1 (iwl_pcie_irq_set_affinity), where the real counts landed', async () => {
    const rows = real(CRAASK_IRQS).rows.filter((r) => /iwlwifi:queue_\d/.test(r.actions[0]!));
    const plan = driverFor('8086:54f0', '0x028000')!.plan(ctx(4, '0000:00:14.3', 6))[0]!;
    for (const [i, row] of rows.entries()) {
      const busiest = row.counts.indexOf(Math.max(...row.counts));
      expect(plan.affinityHint!(i + 1)).toBe(busiest);
    }
    expect(plan.affinityHint!(0)).toBeNull();
    expect(plan.affinityHint!(5)).toBeNull();
  });

  it('asks for at most 16 vectors (IWL_MAX_RX_HW_QUEUES) whatever the CPU count', () => {
    const plan = driverFor('8086:2723', '0x028000')!.plan(ctx(64, '0000:02:00.0', 16))[0]!;
    expect([plan.modes, plan.max]).toEqual([['msix'], 16]);
  });

  it('with fewer vectors than asked names the first "iwlwifi:shared_IRQ" and no exception vector', async () => {
    // One short: the non-RX causes share vector 0 (queues 1..); two short: RSS 1 too (queues 2..).
    expect([0, 1, 2, 3, 4].map((i) => iwlQueueName(i, 5, 6, false))).toEqual([
      'iwlwifi:shared_IRQ',
      'iwlwifi:queue_1',
      'iwlwifi:queue_2',
      'iwlwifi:queue_3',
      'iwlwifi:queue_4',
    ]);
    const m = structuredClone(await craaskMachine());
    m.pci.find((f) => f.bdf === '0000:00:14.3')!.msix!.table_size = 4;
    const rows = predictedRows(m).filter((r) => r.chip.endsWith('0000:00:14.3'));
    expect(rows.map((r) => r.actions[0])).toEqual([
      'iwlwifi:shared_IRQ',
      'iwlwifi:queue_2',
      'iwlwifi:queue_3',
      'iwlwifi:queue_4',
    ]);
  });

  it('names its queues with spaces before 5.15 ("iwlwifi: pcie: remove spaces from queue names")', async () => {
    const rows = predictedRows(await craaskMachine(), '5.14').filter((r) =>
      r.chip.includes('PCI-MSI'),
    );
    expect(rows.flatMap((r) => r.actions)).toContain('iwlwifi: default queue');
    expect(rows.flatMap((r) => r.actions)).toContain('iwlwifi: queue 4');
  });

  it('families before 9000 take one MSI "iwlwifi", as on the 8-CPU laptop', () => {
    const rows = rowsOf(LAPTOP8, 'iwlwifi');
    expect(rows.map((r) => r.chip)).toEqual(['IR-PCI-MSI']);
    // 8086:24fd is an 8265 (8000 family, no multi-queue RX).
    expect(single('8086:24fd', '0x028000', 8)).toEqual([
      { first: 'msi', max: 1, name: rows[0]!.actions[0] },
    ]);
  });
});

describe('one-vector drivers, at each CPU count the real files have', () => {
  it('mei_me: one MSI "mei_me" on 4, 8 and 16 CPUs', () => {
    for (const [file, id] of [
      [CRAASK_IRQS, '8086:54e0'],
      [SIXTEEN, '8086:a0e0'],
      [LAPTOP8, '8086:9d3a'],
      [SANDY8, '8086:1c3a'],
    ] as const) {
      const rows = rowsOf(file, 'mei_me');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.chip).toMatch(/PCI-MSI/);
      const cpus = real(file).cpus.length;
      expect(single(id, '0x078000', cpus)).toEqual([{ first: 'msi', max: 1, name: 'mei_me' }]);
    }
  });

  it('mei_me binds by id: a Serial IO UART of the same class does not', () => {
    expect(driverFor('8086:54a8', '0x078000')).toBeNull();
  });

  it('i915: one MSI "i915" on function 0 (hwirq 32768 = 00:02.0 before 6.2); 00:02.1 gets none', () => {
    for (const file of [SIXTEEN, LAPTOP8]) {
      const rows = rowsOf(file, 'i915');
      expect(rows.map((r) => r.hwirq)).toEqual([(0x02 << 3) << 11]);
    }
    expect(single('8086:46d1', '0x030000', 4, '0000:00:02.0')).toEqual([
      { first: 'msi', max: 1, name: 'i915' },
    ]);
    expect(single('8086:46d1', '0x038000', 4, '0000:00:02.1')).toEqual([]);
  });

  it('amdgpu: one MSI "amdgpu" per GPU, six GPUs on the 2-CPU rig', () => {
    const rows = rowsOf(MINING2, 'amdgpu');
    expect(new Set(rows.map((r) => r.hwirq)).size).toBe(6);
    expect(single('1002:67df', '0x030000', 2)).toEqual([{ first: 'msi', max: 1, name: 'amdgpu' }]);
  });

  it('nvidia: one MSI "nvidia" on the 8-CPU server', () => {
    const rows = rowsOf(SERVER8, 'nvidia');
    expect(rows.map((r) => r.chip)).toEqual(['IR-PCI-MSI']);
    expect(single('10de:1b80', '0x030000', 8)).toEqual([{ first: 'msi', max: 1, name: 'nvidia' }]);
  });
});

describe('i801_smbus (i2c-i801.c i801_probe)', () => {
  it('requests the PCI interrupt (INTx, shared), never an MSI: IO-APIC fasteoi on 8 and 16 CPUs', () => {
    for (const file of [SIXTEEN, LAPTOP8]) {
      const rows = rowsOf(file, 'i801_smbus');
      expect(rows.map((r) => [r.chip, r.handler])).toEqual([['IR-IO-APIC', 'fasteoi']]);
    }
    expect(single('8086:a323', '0x0c0500', 16)).toEqual([
      { first: 'intx', max: 1, name: 'i801_smbus' },
    ]);
  });
});

describe('sdhci-pci: "mmc<N>" by host index', () => {
  it('on the Craask the GL9750 at 01:00.0 takes one MSI "mmc1": the Intel eMMC at 00:1a.0 (INTx) probed first', async () => {
    const rows = real(CRAASK_IRQS).rows.filter((r) => r.chip.endsWith('0000:01:00.0'));
    expect(rows.map((r) => r.actions)).toEqual([['mmc1']]);
    const predicted = predictedRows(await craaskMachine()).filter((r) =>
      r.chip.endsWith('0000:01:00.0'),
    );
    expect(predicted.map(shape)).toEqual(rows.map(shape));
  });

  it('other SD hosts use their INTx, shared (the 8-CPU laptop: "ehci_hcd:usb3, mmc0")', () => {
    expect(rowsOf(LAPTOP8, 'mmc0')[0]!.chip).toBe('IR-IO-APIC');
    const plan = driverFor('1180:e822', '0x080500')!.plan(ctx(8))[0]!;
    expect([plan.modes, plan.name(0, 'intx')]).toEqual([['intx'], 'mmc0']);
  });
});

describe('thunderbolt (nhi.c): MSI-X for every ring, requested as rings are allocated', () => {
  it("allocates 6 to 16 vectors and requests only the control channel's two at probe", async () => {
    // No real file here has an NHI: the Craask's 00:0a.0 (a PMT function) is made one.
    const m = structuredClone(await craaskMachine());
    const f = m.pci.find((x) => x.bdf === '0000:00:0a.0')!;
    Object.assign(f, {
      vendor_device: '8086:463e',
      class: '0x0c0340',
      msix: { table_size: 16, bar: 0, offset: '0x0' },
    });
    m.probe_order = [...(m.probe_order ?? []), f.bdf];
    const sim = simulate(m);
    const rows = parseProcInterrupts(sim.procInterrupts(), 'p').rows.filter((r) =>
      r.chip.endsWith(f.bdf),
    );
    expect(rows.map((r) => [r.chip, r.hwirq, r.actions])).toEqual([
      ['IR-PCI-MSIX-0000:00:0a.0', 0, ['thunderbolt']],
      ['IR-PCI-MSIX-0000:00:0a.0', 1, ['thunderbolt']],
    ]);
  });
});

describe('ioatdma and processor thermal', () => {
  it('ioatdma: one MSI-X vector per channel, "ioat-msix"; MSI "ioat-msi" without MSI-X', () => {
    const d = driverFor('8086:2f20', '0x088000')!;
    const [plan] = d.plan(ctx(8, '0000:00:04.0', 1));
    expect([plan!.modes, plan!.min, plan!.max, plan!.name(0, 'msix')]).toEqual([
      ['msix'],
      1,
      1,
      'ioat-msix',
    ]);
    expect(plan!.fallback!.name(0, 'msi')).toBe('ioat-msi');
  });

  it('processor_thermal_device_pci: Lunar Lake requests 4 MSI vectors from 6.11, its INTx before', () => {
    const d = driverFor('8086:641d', '0x118000')!;
    const at = (profile: string) => d.plan({ ...ctx(8), profile: PROFILES[profile]! })[0]!;
    expect([at('mainline').modes, at('mainline').max]).toEqual([['msix', 'msi'], 4]);
    expect(at('6.6').modes).toEqual(['intx']);
    expect(at('mainline').name(3, 'msi')).toBe('processor_thermal_device_pci');
  });
});
