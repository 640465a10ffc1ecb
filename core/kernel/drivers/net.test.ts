// The network driver models (issue 15) as specifications: what each driver asks for, checked
// against the QEMU captures that have the NIC (every row of every interface: chip, hwirq,
// actions, count; irq numbers depend on the rest of the machine and are not compared here) and,
// for hardware QEMU lacks, against a real /proc/interrupts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts, type InterruptRow } from '../../import/interrupts';
import { importFiles } from '../../import/node/read';
import { simulate } from '../../scenario';
import { profileForKernel } from '../profiles';
import { repoRoot, sharedPath } from '../../testing/shared';
import { driverFor, type DriverContext, type IrqMode } from './catalogue';
import { E1000E_IDS } from './e1000e';
import { igbQueues } from './igb';

const ctx = (over: Partial<DriverContext>): DriverContext => ({
  cpus: 4,
  msixTableSize: 64,
  msiMax: 1,
  hasIntx: true,
  bdf: '0000:01:00.0',
  vendorDevice: '8086:10c9',
  vfs: 0,
  instance: 0,
  netdev: 'eth0',
  profile: profileForKernel('6.12'),
  ...over,
});

/** The first round's modes down the fallback chain, and its vector names in the first mode. */
function request(vendorDevice: string, over: Partial<DriverContext> = {}) {
  const driver = driverFor(vendorDevice, '020000');
  if (!driver) throw new Error(`no driver binds ${vendorDevice}`);
  const c = ctx({ vendorDevice, ...over });
  const plan = driver.plan(c)[0]!;
  const modes: IrqMode[] = [];
  for (let p: typeof plan | undefined = plan; p; p = p.fallback) modes.push(...p.modes);
  const names = Array.from({ length: plan.max }, (_, i) => plan.name(i, plan.modes[0]!));
  return {
    driver: driver.name,
    modes,
    min: plan.min,
    max: plan.max,
    names,
    requestAt: driver.requestAt,
  };
}

describe('e1000e', () => {
  it('binds every id of e1000_pci_tbl, and only 82574 (board_82574: 10d3, 10f6) asks for MSI-X', () => {
    for (const id of E1000E_IDS) {
      const r = request(`8086:${id}`);
      expect(r.driver, id).toBe('e1000e');
      expect(r.modes[0], id).toBe(['10d3', '10f6'].includes(id) ? 'msix' : 'msi');
    }
  });

  it('82574 takes 3 MSI-X vectors "<if>-rx-0", "<if>-tx-0", "<if>", else one MSI, then INTx', () => {
    expect(request('8086:10d3')).toMatchObject({
      modes: ['msix', 'msi', 'intx'],
      min: 3,
      max: 3,
      names: ['eth0-rx-0', 'eth0-tx-0', 'eth0'],
      requestAt: 'open',
    });
  });

  it('an ICH/PCH LAN (I217 153a, I219 15b8) takes one MSI vector named after its interface', () => {
    // Real: pcp-qa-8cpu-x86_64-laptop (00:19.0 "enp0s25") and intel-2cpu-mining-rig (00:1f.6
    // "enp0s31f6") each show exactly one MSI row for their PCH LAN, named after the interface.
    for (const id of ['153a', '15b8', '15d7', '10de', '10f5', '15bb']) {
      expect(request(`8086:${id}`, { netdev: 'enp0s31f6' }), id).toMatchObject({
        modes: ['msi', 'intx'],
        max: 1,
        names: ['enp0s31f6'],
      });
    }
    const real = (file: string) =>
      parseProcInterrupts(
        readFileSync(sharedPath('fixtures', 'real', 'interrupts', file), 'utf8'),
        file,
      ).rows.filter((r) => r.actions.some((a) => /^enp0s(25|31f6)/.test(a)));
    expect(
      real('pcp-qa-8cpu-x86_64-laptop.interrupts.txt').map((r) => [r.hwirq, r.actions]),
    ).toEqual([[409600, ['enp0s25']]]);
    expect(
      real('intel-2cpu-mining-rig-amdgpu-no-ir.interrupts.txt').map((r) => [r.hwirq, r.actions]),
    ).toEqual([[520192, ['enp0s31f6']]]);
  });
});

describe('INTx-only NICs', () => {
  it('e1000 (QEMU 8086:100e), 8139cp and 8139too (10ec:8139) request the INTx line at open', () => {
    for (const id of ['8086:100e', '10ec:8139'])
      expect(request(id), id).toMatchObject({
        modes: ['intx'],
        names: ['eth0'],
        requestAt: 'open',
      });
    // Both RealTek drivers claim 10ec:8139: the one loaded first (8139cp in the captures), or the
    // one the machine names as bound.
    expect(driverFor('10ec:8139', '020000')?.name).toBe('8139cp');
    expect(driverFor('10ec:8139', '020000', '8139too')?.name).toBe('8139too');
    expect(driverFor('1186:1300', '020000')?.name).toBe('8139too');
  });
});

describe('igb', () => {
  it('82576 on 4 CPUs without VFs: 4 Rx and 4 Tx q_vectors (no pairing at 4 of 8), 9 vectors', () => {
    const q = igbQueues({ cpus: 4, vendorDevice: '8086:10c9', vfs: 0 });
    expect(q).toMatchObject({ rx: 4, tx: 4, pairs: false });
    expect(request('8086:10c9').names).toEqual([
      'eth0',
      ...['rx-0', 'rx-1', 'rx-2', 'rx-3', 'tx-0', 'tx-1', 'tx-2', 'tx-3'].map((n) => `eth0-${n}`),
    ]);
  });

  it('82576 with VFs drops to 2 RSS queues and 1 Tx queue: 3 vectors "<if>", TxRx-0, rx-1', () => {
    expect(request('8086:10c9', { vfs: 2 }).names).toEqual(['eth0', 'eth0-TxRx-0', 'eth0-rx-1']);
    // An I350 cannot do RSS and SR-IOV at once: one queue.
    expect(request('8086:1521', { vfs: 2 }).names).toEqual(['eth0', 'eth0-TxRx-0']);
  });

  it('I210 pairs its 4 queues, I211 keeps 2 Rx + 2 Tx unpaired, 82575 at most 4 queues', () => {
    expect(request('8086:1533').names.slice(1)).toEqual([0, 1, 2, 3].map((i) => `eth0-TxRx-${i}`));
    expect(request('8086:1539').names.slice(1)).toEqual(
      ['rx-0', 'rx-1', 'tx-0', 'tx-1'].map((n) => `eth0-${n}`),
    );
    expect(request('8086:10a7', { cpus: 16 }).max).toBe(9);
  });

  it('an I350 on 8 CPUs: "<if>" + TxRx-0..7, as intel-8cpu-server-ipmi-ir shows for eno1', () => {
    const file = 'intel-8cpu-server-ipmi-ir.interrupts.txt';
    const rows = parseProcInterrupts(
      readFileSync(sharedPath('fixtures', 'real', 'interrupts', file), 'utf8'),
      file,
    ).rows.filter((r) => r.actions.some((a) => /^eno1(-|$)/.test(a)));
    expect(request('8086:1521', { cpus: 8, netdev: 'eno1' }).names).toEqual(
      rows.map((r) => r.actions.join(', ')),
    );
  });
});

describe('igbvf, vmxnet3', () => {
  it('igbvf takes exactly 3 MSI-X vectors, Tx first: "<if>-tx-0", "<if>-rx-0", "<if>"', () => {
    expect(request('8086:10ca')).toMatchObject({
      modes: ['msix'],
      min: 3,
      max: 3,
      names: ['eth0-tx-0', 'eth0-rx-0', 'eth0'],
    });
  });

  it('vmxnet3 on 16 CPUs: 8 buddy-shared queue vectors "<if>-rxtx-i" and "<if>-event-8"', () => {
    expect(request('15ad:07b0', { cpus: 16, netdev: 'eth1' }).names).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `eth1-rxtx-${i}`),
      'eth1-event-8',
    ]);
    // rounddown_pow_of_two(min(8, CPUs)): 6 CPUs give 4 queues.
    expect(request('15ad:07b0', { cpus: 6 }).max).toBe(5);
  });
});

describe('ixgbevf, iavf', () => {
  it('ixgbevf: min(CPUs, 2) queue pairs "<if>-TxRx-i", then the mailbox vector "<if>"', () => {
    expect(request('8086:10ed', { cpus: 4, msixTableSize: 3 })).toMatchObject({
      modes: ['msix'],
      min: 2,
      names: ['eth0-TxRx-0', 'eth0-TxRx-1', 'eth0'],
    });
    expect(request('8086:1515', { cpus: 1 }).names).toEqual(['eth0-TxRx-0', 'eth0']);
  });

  it('iavf: "iavf-<bdf>:mbx" first, then a vector per queue pair up to its MSI-X table', () => {
    // Under i40e a VF has 4 queue pairs and a 5-entry table.
    expect(request('8086:154c', { cpus: 8, msixTableSize: 5, bdf: '0000:03:02.0' }).names).toEqual([
      'iavf-0000:03:02.0:mbx',
      ...[0, 1, 2, 3].map((i) => `iavf-eth0-TxRx-${i}`),
    ]);
    expect(request('8086:1889', { cpus: 2, msixTableSize: 17 }).max).toBe(3);
  });
});

/** Every capture folder (the repo's oracle zoo and the two older shared ones). */
function captures(): string[] {
  const roots = [path.join(repoRoot, 'fixtures', 'qemu'), sharedPath('fixtures', 'qemu')];
  return roots.flatMap((root) =>
    existsSync(root)
      ? readdirSync(root)
          .map((d) => path.join(root, d))
          .filter((d) => existsSync(path.join(d, 'interrupts.txt')))
      : [],
  );
}

const NIC = /^eth\d+(-|$)/;
const nicRows = (rows: InterruptRow[]) =>
  rows
    .filter((r) => r.actions.some((a) => NIC.test(a)))
    .map((r) => `${r.chip} ${r.hwirq} ${r.actions.join(', ')}`)
    .sort();

describe('every QEMU capture: each interface row predicted (chip, hwirq, actions, count)', () => {
  for (const dir of captures()) {
    const real = readFileSync(path.join(dir, 'interrupts.txt'), 'utf8');
    if (!/\seth\d+/.test(real)) continue;
    it(path.basename(dir), async () => {
      const imported = await importFiles(
        ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt', 'interrupts.txt'].map((f) =>
          path.join(dir, f),
        ),
      );
      const release = JSON.parse(readFileSync(path.join(dir, 'machine.json'), 'utf8')).kernel
        .release as string;
      // The capture's own kernel: this checks the drivers, not the import's version detection.
      const sim = simulate(imported.machine!, { profile: profileForKernel(release) });
      const predicted = parseProcInterrupts(sim.procInterrupts(), 'predicted').rows;
      const rows = imported.interrupts[0]!.rows;
      expect(nicRows(rows).length).toBeGreaterThan(0);
      expect(nicRows(predicted)).toEqual(nicRows(rows));
    });
  }
});
