// Issue 15's further drivers (ata_piix, megaraid_sas, mpt3sas, r8169, tg3, bnxt_en) as
// specifications: what each asks for by CPU count, table size and era, and the names it gives;
// and, for the two QEMU emulates (ata_piix on pc/i440fx, megaraid_sas as megasas-gen2), the
// rows the real kernel reported, read from the captures at test time.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts } from '../../import/interrupts';
import { importFiles } from '../../import/node/read';
import { msiRowsByDevice } from '../../import/observed';
import { repoRoot } from '../../testing/shared';
import { realPath } from '../../testing/sources';
import { simulate } from '../../scenario';
import { profileForKernel } from '../profiles';
import { ataPiixLegacyEntry, ataPiixNativeEntry } from './ata-piix';
import { bnxtEntry } from './bnxt';
import { driverFor, type DriverContext, type IrqMode, type IrqRequestPlan } from './catalogue';
import { megaraidSasEntry } from './megaraid-sas';
import { mpt2sasEntry, mpt3sasEntry } from './mpt3sas';
import { r8169Entry } from './r8169';
import { tg3Entry } from './tg3';

const ctx = (over: Partial<DriverContext>): DriverContext => ({
  cpus: 4,
  msixTableSize: 16,
  msiMax: 1,
  hasIntx: true,
  bdf: '0000:01:00.0',
  vendorDevice: '0000:0000',
  vfs: 0,
  instance: 0,
  netdev: 'eth0',
  profile: profileForKernel('6.12'),
  ...over,
});

/** Each round of the fallback chain: its modes, min, max and its first vectors' names. */
function chain(plan: IrqRequestPlan | undefined, names = 3) {
  const out: { modes: IrqMode[]; min: number; max: number; names: string[] }[] = [];
  for (let p = plan; p; p = p.fallback)
    out.push({
      modes: p.modes,
      min: p.min,
      max: p.max,
      names: Array.from({ length: Math.min(names, p.max) }, (_, i) => p.name(i, p.modes[0]!)),
    });
  return out;
}

const QEMU = path.join(repoRoot, 'fixtures', 'qemu');
const INPUTS = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'];

async function capture(name: string) {
  const dir = path.join(QEMU, name);
  const r = await importFiles(INPUTS.map((f) => path.join(dir, f)));
  const sim = simulate(r.machine!);
  const real = parseProcInterrupts(readFileSync(path.join(dir, 'interrupts.txt'), 'utf8'), 'r');
  const predicted = parseProcInterrupts(sim.procInterrupts(), 'predicted');
  return { sim, real, predicted };
}

describe('ata_piix', () => {
  it('binds PIIX3 IDE (8086:7010) by its prog-if: 0x80 legacy, 0x8f native; AHCI-class ids do not bind', () => {
    expect(driverFor('8086:7010', '0x010180')).toBe(ataPiixLegacyEntry.model);
    expect(driverFor('8086:2920', '0x01018f')).toBe(ataPiixNativeEntry.model);
    expect(driverFor('8086:2652', '0x010601')?.name).toBe('ahci');
  });

  it('legacy mode: ISA irqs 14 and 15 named "ata_piix", no vectors; native: the pin; 2 SCSI hosts', () => {
    const legacy = ataPiixLegacyEntry.model;
    expect(legacy.isaIrqs!(ctx({}))).toEqual([
      { irq: 14, name: 'ata_piix' },
      { irq: 15, name: 'ata_piix' },
    ]);
    expect(legacy.plan(ctx({}))).toEqual([]);
    const native = ataPiixNativeEntry.model;
    expect(native.isaIrqs!(ctx({}))).toEqual([]);
    expect(chain(native.plan(ctx({}))[0])).toEqual([
      { modes: ['intx'], min: 1, max: 1, names: ['ata_piix'] },
    ]);
    expect([legacy.scsiHosts!(ctx({})), native.scsiHosts!(ctx({}))]).toEqual([2, 2]);
  });

  it.each(['pc-i440fx-legacy@6.1.0-57-amd64', 'pc-i440fx-legacy@6.12.117+deb12-amd64'])(
    '%s: rows 14 and 15 as the kernel reported them',
    async (name) => {
      const { real, predicted } = await capture(name);
      const rows = (p: typeof real) =>
        p.rows
          .filter((r) => r.actions.includes('ata_piix'))
          .map((r) => ({ irq: r.irq, chip: r.chip, hwirq: r.hwirq, actions: r.actions }));
      expect(rows(real)).toHaveLength(2);
      expect(rows(predicted)).toEqual(rows(real));
    },
  );
});

describe('megaraid_sas', () => {
  const gen2 = (over: Partial<DriverContext>) =>
    ctx({ vendorDevice: '1000:0079', msixTableSize: 15, scsiHost: 7, ...over });
  const invader = (over: Partial<DriverContext>) =>
    ctx({ vendorDevice: '1000:005d', msixTableSize: 16, scsiHost: 2, ...over });

  it.each([1, 4, 16, 64])('an MFI adapter (gen2 0079) on %i CPUs takes one vector', (cpus) => {
    const [plan] = megaraidSasEntry.model.plan(gen2({ cpus }));
    expect(chain(plan)).toEqual([
      { modes: ['msix', 'msi', 'intx'], min: 1, max: 1, names: ['megasas7-msix0'] },
    ]);
  });

  it.each([
    [1, 2],
    [4, 5],
    [15, 16],
    [64, 16],
  ])(
    'a Fusion adapter (Invader 005d, 16 entries) on %i CPUs: min(CPUs + 1, table) = %i',
    (cpus, n) => {
      const [plan] = megaraidSasEntry.model.plan(invader({ cpus }));
      expect([plan!.max, plan!.preVectors, plan!.managed]).toEqual([n, 1, true]);
      expect(chain(plan, 2)[0]!.names).toEqual(['megasas2-msix0', 'megasas2-msix1']);
      // A smaller table bounds it.
      expect(megaraidSasEntry.model.plan(invader({ cpus, msixTableSize: 4 }))[0]!.max).toBe(
        Math.min(n, 4),
      );
    },
  );

  it('no MSI-X: the pin, "megasas<host>"; before 5.4 every vector is "megasas", MSI-X then the pin', () => {
    expect(chain(megaraidSasEntry.model.plan(invader({ msixTableSize: null }))[0])).toEqual([
      { modes: ['intx'], min: 1, max: 1, names: ['megasas2'] },
    ]);
    const old = megaraidSasEntry.model.plan(
      invader({ cpus: 2, profile: profileForKernel('4.19') }),
    );
    expect(chain(old[0])).toEqual([
      { modes: ['msix'], min: 1, max: 3, names: ['megasas', 'megasas', 'megasas'] },
      { modes: ['intx'], min: 1, max: 1, names: ['megasas'] },
    ]);
  });

  it.each(['q35-ir-x2apic-16cpu@6.1.0-57-amd64', 'q35-ir-x2apic-16cpu@6.12.117+deb12-amd64'])(
    '%s: megasas-gen2 00:05.0 is SCSI host 7 (virtio-scsi 0, ahci 1-6): "megasas7-msix0"',
    async (name) => {
      const { real, predicted } = await capture(name);
      const rows = (p: typeof real) =>
        [...(msiRowsByDevice(p).get('0000:00:05.0')?.entries.values() ?? [])].map((r) => ({
          irq: r.irq,
          chip: r.chip,
          hwirq: r.hwirq,
          actions: r.actions,
        }));
      expect(rows(real).map((r) => r.actions)).toEqual([['megasas7-msix0']]);
      expect(rows(predicted)).toEqual(rows(real));
    },
  );
});

describe('mpt3sas', () => {
  it.each([
    [1, 1],
    [4, 4],
    [16, 16],
    [64, 16],
  ])('SAS3008 (1000:0097, 16 entries) on %i CPUs: %i managed MSI-X reply queues', (cpus, n) => {
    const [plan] = mpt3sasEntry.model.plan(ctx({ vendorDevice: '1000:0097', cpus }));
    expect([plan!.modes, plan!.max, plan!.managed]).toEqual([['msix'], n, true]);
    expect(chain(plan, 2)[0]!.names.slice(0, 1)).toEqual(['mpt3sas0-msix0']);
    expect(chain(plan)[1]).toEqual({ modes: ['intx'], min: 1, max: 1, names: ['mpt3sas0'] });
  });

  it('a SAS2008 HBA (1000:0072) is "mpt2sas<id>"; no MSI-X: the pin only; a table of 8 bounds 16 CPUs', () => {
    const sas2 = mpt2sasEntry.model.plan(ctx({ vendorDevice: '1000:0072', instance: 1 }));
    expect(driverFor('1000:0072', '0x010700')).toBe(mpt2sasEntry.model);
    expect(mpt2sasEntry.model.instanceKind).not.toBe(mpt3sasEntry.model.instanceKind);
    expect(chain(sas2[0], 1)[0]!.names).toEqual(['mpt2sas1-msix0']);
    const noMsix = mpt3sasEntry.model.plan(ctx({ vendorDevice: '1000:0097', msixTableSize: null }));
    expect(chain(noMsix[0])).toEqual([{ modes: ['intx'], min: 1, max: 1, names: ['mpt3sas0'] }]);
    const small = mpt3sasEntry.model.plan(
      ctx({ vendorDevice: '1000:0097', cpus: 16, msixTableSize: 8 }),
    );
    expect(small[0]!.max).toBe(8);
  });
});

describe('r8169', () => {
  it('an RTL8168 (10ec:8168) takes one vector, MSI-X, MSI or the pin, named after its interface, at open', () => {
    const model = r8169Entry.model;
    expect([model.requestAt, model.netdev]).toEqual(['open', true]);
    for (const cpus of [1, 4, 64])
      expect(
        chain(model.plan(ctx({ vendorDevice: '10ec:8168', cpus, netdev: 'enp2s0' }))[0]),
      ).toEqual([{ modes: ['msix', 'msi', 'intx'], min: 1, max: 1, names: ['enp2s0'] }]);
  });

  it('the PCI 8169 takes the pin only; before 4.20 a PCIe chip tries MSI, then the pin', () => {
    expect(chain(r8169Entry.model.plan(ctx({ vendorDevice: '10ec:8169' }))[0])).toEqual([
      { modes: ['intx'], min: 1, max: 1, names: ['eth0'] },
    ]);
    const old = r8169Entry.model.plan(
      ctx({ vendorDevice: '10ec:8168', profile: profileForKernel('4.9') }),
    );
    expect(chain(old[0]).map((r) => r.modes)).toEqual([['msi'], ['intx']]);
    expect(driverFor('10ec:8125', '0x020000')).toBe(r8169Entry.model);
    expect(driverFor('10ec:8139', '0x020000')).not.toBe(r8169Entry.model);
  });

  it('the ECS H310 (real, 6.1, RTL8168h with 4 MSI-X entries) is predicted on MSI-X, as lspci shows it enabled', async () => {
    const r = await importFiles([
      realPath('dmesg/ecs-h310ch5-m2-coffeelake-1drhd-x2apic-ir-dmafault.dmesg.txt'),
      realPath('lspci/ecs-h310ch5-m2-coffeelake.lspci-nnvvvxxxx.txt'),
    ]);
    const sim = simulate(r.machine!);
    const dev = sim.devices.find((d) => d.bdf === '0000:02:00.0')!;
    expect([dev.mode, dev.messages.length]).toEqual(['msix', 1]);
  });
});

describe('tg3', () => {
  const names = (vendorDevice: string, over: Partial<DriverContext> = {}) => {
    const [plan] = tg3Entry.model.plan(ctx({ vendorDevice, ...over }));
    return chain(plan, 5);
  };

  it.each([
    [1, 1, ['eth0']],
    [2, 3, ['eth0-tx-0', 'eth0-rx-1', 'eth0-rx-2']],
    [4, 5, ['eth0-tx-0', 'eth0-rx-1', 'eth0-rx-2', 'eth0-rx-3', 'eth0-rx-4']],
    [32, 5, ['eth0-tx-0', 'eth0-rx-1', 'eth0-rx-2', 'eth0-rx-3', 'eth0-rx-4']],
  ])('a 5720 (14e4:165f) on %i CPUs: %i MSI-X vectors %j', (cpus, n, expected) => {
    const [first, ...rest] = names('14e4:165f', { cpus });
    expect([first!.modes, first!.max, first!.names]).toEqual([['msix'], n, expected]);
    expect(rest.map((r) => r.modes)).toEqual([['msi'], ['intx']]);
  });

  it('a 2-entry table gives 2 vectors, "tx-0" and "rx-1"; a 1-entry table one named after the interface', () => {
    expect(names('14e4:165f', { cpus: 8, msixTableSize: 2 })[0]!.names.slice(0, 2)).toEqual([
      'eth0-tx-0',
      'eth0-rx-1',
    ]);
    expect(names('14e4:165f', { cpus: 8, msixTableSize: 1 })[0]!.names[0]).toBe('eth0');
  });

  it('a 5721 (1659) has no MSI-X: one MSI, then the pin; a 5700 (1644) the pin only', () => {
    expect(names('14e4:1659').map((r) => [r.modes, r.names])).toEqual([
      [['msi'], ['eth0']],
      [['intx'], ['eth0']],
    ]);
    expect(names('14e4:1644').map((r) => r.modes)).toEqual([['intx']]);
  });
});

describe('bnxt_en', () => {
  it.each([
    [4, '6.12', 4],
    [64, '6.12', 64],
    [64, '5.15', 8],
    [128, '6.12', 74],
  ])(
    'BCM57414 (14e4:16d7, 74 entries) on %i CPUs, %s: every entry allocated, %i "TxRx" rings requested',
    (cpus, kernel, rings) => {
      const [plan] = bnxtEntry.model.plan(
        ctx({
          vendorDevice: '14e4:16d7',
          cpus,
          msixTableSize: 74,
          profile: profileForKernel(kernel),
        }),
      );
      expect([plan!.modes, plan!.max]).toEqual([['msix'], 74]);
      const requested = Array.from({ length: 74 }, (_, i) => plan!.requested!(i, 'msix'));
      expect(requested.filter(Boolean)).toHaveLength(rings);
      expect(requested.indexOf(false)).toBe(rings === 74 ? -1 : rings);
      expect([plan!.name(0, 'msix'), plan!.name(3, 'msix')]).toEqual([
        'eth0-TxRx-0',
        'eth0-TxRx-3',
      ]);
    },
  );

  it('without MSI-X a PF takes the pin ("<if>-TxRx-0"), a VF nothing', () => {
    expect(
      chain(bnxtEntry.model.plan(ctx({ vendorDevice: '14e4:16d7', msixTableSize: null }))[0]),
    ).toEqual([{ modes: ['intx'], min: 1, max: 1, names: ['eth0-TxRx-0'] }]);
    expect(bnxtEntry.model.plan(ctx({ vendorDevice: '14e4:16dc', msixTableSize: null }))).toEqual(
      [],
    );
  });
});
