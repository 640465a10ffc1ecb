// Kernel releases -> behaviour profiles: every release from 4.4 to the newest follows its era, and
// each era starts where the commit that changed its behaviour landed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleMachine } from '../model/presets/example';
import { MachineSchema, type Machine } from '../model/schema';
import { qemuFixtureMachine } from '../testing/qemu';
import { sharedPath } from '../testing/shared';
import { simulate } from '../scenario';
import {
  KERNEL_ERAS,
  KernelProfileSchema,
  PROFILES,
  kernelEraFor,
  profileForKernel,
  type KernelProfile,
} from './profiles';

/** Every mainline release from 4.4 to the 6.19 era, in order. */
const RELEASES = [
  ...Array.from({ length: 17 }, (_, i) => `4.${i + 4}`), // 4.4 .. 4.20
  ...Array.from({ length: 20 }, (_, i) => `5.${i}`), // 5.0 .. 5.19
  ...Array.from({ length: 20 }, (_, i) => `6.${i}`), // 6.0 .. 6.19
];

/** Which profile each range of releases follows (first, last, profile), written out by hand. */
const RANGES: [string, string, string][] = [
  ['4.4', '4.19', '4.4'],
  ['4.20', '5.2', '4.20'],
  ['5.3', '5.9', 'v5.9'],
  ['5.10', '5.10', 'v5.10'],
  ['5.11', '5.13', '5.11'],
  ['5.14', '5.14', '5.14'],
  ['5.15', '5.18', '5.15'],
  ['5.19', '6.1', '6.1'],
  ['6.2', '6.3', '6.2'],
  ['6.4', '6.5', '6.4'],
  ['6.6', '6.7', '6.6'],
  ['6.8', '6.9', '6.8'],
  ['6.10', '6.11', '6.10'],
  ['6.12', '6.12', '6.12'],
  ['6.13', '6.19', 'mainline'],
];

const index = (r: string) => RELEASES.indexOf(r);

describe('kernel releases map to the profile of their era', () => {
  it('every release from 4.4 to 6.19 has a profile, the one of its range', () => {
    let covered = 0;
    for (const [first, last, profile] of RANGES) {
      for (const r of RELEASES.slice(index(first), index(last) + 1)) {
        const era = kernelEraFor(r);
        expect(era.profile.name, r).toBe(profile);
        expect(era.note, r).toBeNull();
        expect(PROFILES[era.profile.name], r).toBe(era.profile);
        covered++;
      }
    }
    expect(covered).toBe(RELEASES.length);
  });

  it('releases past the table (7.x) follow mainline', () => {
    expect(profileForKernel('7.0.0-rc1').name).toBe('mainline');
  });

  it.each([
    ['5.14.0-570.23.1.el9_6.x86_64', '5.14'],
    ['6.1.0-20-amd64', '6.1'],
    ['6.1.0-56-amd64', '6.1'],
    ['6.6.119', '6.6'],
    ['6.12.117+deb12-amd64', '6.12'],
    ['Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)', '6.1'],
    ['4.19.0-27-amd64', '4.4'],
    ['5.10', 'v5.10'],
  ])('distribution release %s follows %s', (version, profile) => {
    const era = kernelEraFor(version);
    expect(era.profile.name).toBe(profile);
    expect(era.note).toBeNull();
  });

  it('a release before 4.4 takes the oldest profile, and says so', () => {
    const era = kernelEraFor('3.16.0-4-amd64');
    expect(era.profile.name).toBe('4.4');
    expect(era.release).toBe('3.16');
    expect(era.note).toMatch(/3\.16 is older than the oldest profile \(4\.4\)/);
  });

  it('a string without a release takes mainline, and says so', () => {
    const era = kernelEraFor('custom-kernel');
    expect(era.profile.name).toBe('mainline');
    expect(era.note).toMatch(/no kernel release in "custom-kernel"/);
  });

  it('every profile is valid under the schema (cloneable)', () => {
    for (const p of Object.values(PROFILES)) expect(KernelProfileSchema.parse(p)).toEqual(p);
  });
});

type Flag = keyof KernelProfile | 'vector.firstSystemVector' | 'vector.hasMoveCleanupVector';
const flag = (p: KernelProfile, f: Flag): unknown =>
  f.startsWith('vector.')
    ? p.vector[f.slice(7) as keyof KernelProfile['vector']]
    : p[f as keyof KernelProfile];

/**
 * Each era boundary: the release its commit landed in, the commit, and what the release before
 * and the release itself do differently.
 */
const BOUNDARIES: {
  release: string;
  commit: string;
  flags: [Flag, unknown, unknown][];
}[] = [
  {
    release: '4.20',
    commit: 'c29de84149ab',
    flags: [['portServiceActionNames', ['aerdrv', 'PCIe PME'], ['PCIe PME', 'aerdrv']]],
  },
  {
    release: '5.3',
    commit: '3e5bedc2c258',
    flags: [['firstDynamicIrqRule', 'ioapic-initialized', 'dynirq-base-or-from']],
  },
  { release: '5.10', commit: '2c681e6b3767', flags: [] },
  {
    release: '5.11',
    commit: 'f36a74b9345a',
    flags: [
      ['ioapicDomainNameById', false, true],
      ['msiHighDestAlways', true, false],
    ],
  },
  { release: '5.14', commit: '719a19335692', flags: [['faultLogFormat', 'decimal', '0x']] },
  { release: '5.15', commit: '0b482d0c75bf', flags: [['faultLogFormat', '0x', 'hex']] },
  { release: '5.19', commit: '886e67100b90', flags: [['vmdAssignsIrqDomain', false, true]] },
  {
    release: '6.2',
    commit: 'b6d5fc3a5245',
    flags: [
      ['perDeviceMsiDomains', false, true],
      ['pciIms', false, true],
      ['igbSriovReinitFirst', false, true],
    ],
  },
  {
    release: '6.4',
    commit: '5af507bef93c',
    flags: [['firstDynamicIrqRule', 'dynirq-base-or-from', 'never-zero']],
  },
  {
    release: '6.6',
    commit: 'bdc1dad299bb',
    flags: [
      ['vector.hasMoveCleanupVector', true, false],
      ['apicRoutingLogStyle', 'old', 'new'],
    ],
  },
  {
    release: '6.8',
    commit: 'f977f4c9301c',
    flags: [['xhciPrimaryInterrupterOnly', false, true]],
  },
  {
    release: '6.10',
    commit: 'f5a3562ec9dd',
    flags: [
      ['vector.firstSystemVector', 0xec, 0xeb],
      ['pciIms', true, false],
    ],
  },
  { release: '6.12', commit: '838ba7733e4e', flags: [['xapicFlatLogical', true, false]] },
  {
    release: '6.13',
    commit: '665745f27487',
    flags: [
      ['portServiceActionNames', ['PCIe PME', 'aerdrv'], ['PCIe PME', 'aerdrv', 'PCIe bwctrl']],
    ],
  },
];

const FLAGS: Flag[] = [
  ...(Object.keys(KernelProfileSchema.shape) as Flag[]).filter(
    (f) => !['name', 'description', 'vector'].includes(f),
  ),
  'vector.firstSystemVector',
  'vector.hasMoveCleanupVector',
];

describe('era boundaries fall where their commits landed', () => {
  it('the era table lists exactly these boundaries, each with its commit', () => {
    expect(KERNEL_ERAS.slice(1).map((e) => [e.from, e.commit?.id])).toEqual(
      BOUNDARIES.map((b) => [b.release, b.commit]),
    );
    expect(KERNEL_ERAS[0]).toMatchObject({ from: '4.4', commit: null });
    for (const e of KERNEL_ERAS.slice(1))
      expect(e.commit!.title.length, e.from).toBeGreaterThan(10);
  });

  it.each(BOUNDARIES)('$release ($commit): the flags change there and nowhere else', (b) => {
    const before = profileForKernel(RELEASES[index(b.release) - 1]!);
    const at = profileForKernel(b.release);
    for (const [f, was, is] of b.flags) {
      expect(flag(before, f), `${f} before ${b.release}`).toEqual(was);
      expect(flag(at, f), `${f} in ${b.release}`).toEqual(is);
    }
    // Every other flag is the same on both sides of the boundary.
    const listed = new Set(b.flags.map(([f]) => f));
    for (const f of FLAGS.filter((f) => !listed.has(f)))
      expect(flag(at, f), `${f} in ${b.release}`).toEqual(flag(before, f));
  });

  it("each changed flag's description names the commit that changed it", () => {
    const describe = (f: Flag): string => {
      const shape = KernelProfileSchema.shape;
      return (
        (f.startsWith('vector.')
          ? shape.vector.shape[f.slice(7) as 'firstSystemVector'].description
          : shape[f as 'pciIms'].description) ?? ''
      );
    };
    const named: Record<string, string> = {
      c29de84149ab: 'portServiceActionNames',
      '665745f27487': 'portServiceActionNames',
      '3e5bedc2c258': 'firstDynamicIrqRule',
      '5af507bef93c': 'firstDynamicIrqRule',
      f36a74b9345a: 'ioapicDomainNameById',
      '47bea873cf80': 'msiHighDestAlways',
      '719a19335692': 'faultLogFormat',
      '0b482d0c75bf': 'faultLogFormat',
      '886e67100b90': 'vmdAssignsIrqDomain',
      b6d5fc3a5245: 'perDeviceMsiDomains',
      '6e24c8877329': 'pciIms',
      '850aae933c4b': 'pciIms',
      bdc1dad299bb: 'vector.hasMoveCleanupVector',
      '3af1e415e4d4': 'apicRoutingLogStyle',
      f5a3562ec9dd: 'vector.firstSystemVector',
      '838ba7733e4e': 'xapicFlatLogical',
      f977f4c9301c: 'xhciPrimaryInterrupterOnly',
      '50f303496d92': 'igbSriovReinitFirst',
    };
    for (const [commit, f] of Object.entries(named))
      expect(describe(f as Flag), `${f} names ${commit}`).toContain(commit);
  });
});

const fixture = (name: string, file: string) =>
  readFileSync(sharedPath('fixtures', 'qemu', name, file), 'utf8');

/** chip and hwirq of the /proc/interrupts line whose actions are `action`. */
function chipOf(procInterrupts: string, action: string): { chip: string; hwirq: number } | null {
  for (const line of procInterrupts.split('\n')) {
    const m = /^\s*\d+:(?:\s+\d+)+\s+(\S+)\s+(\d+)-\w+\s+(.*)$/.exec(line);
    if (m && m[3]!.trim() === action) return { chip: m[1]!, hwirq: Number(m[2]) };
  }
  return null;
}

describe('the QEMU captures follow the profile their kernel release maps to', () => {
  it('6.1.0-56 (q35-ir-4cpu): global IR-PCI-MSI domain, hwirq = pci_dev_id << 11, as captured', () => {
    const machine = qemuFixtureMachine('q35-ir-4cpu');
    const release = JSON.parse(fixture('q35-ir-4cpu', 'machine.json')).kernel.release as string;
    expect(release).toBe('6.1.0-56-amd64');
    machine.kernel.version = release;
    const real = chipOf(fixture('q35-ir-4cpu', 'interrupts.txt'), 'virtio0-config');
    expect(real).toEqual({ chip: 'IR-PCI-MSI', hwirq: 32768 });
    const r = simulate(machine);
    expect(r.profile).toBe('6.1');
    expect(chipOf(r.procInterrupts(), 'virtio0-config')).toEqual(real);
  });

  it('6.12.117+deb12 (the oracle README): per-device IR-PCI-MSIX-<bdf> domain, hwirq = index', () => {
    const readme = readFileSync(sharedPath('oracle', 'README.md'), 'utf8');
    const release = /linux-image-(6\.12\.[\w.+-]+)`/.exec(readme)?.[1];
    expect(release).toBe('6.12.117+deb12-amd64');
    const said = /`(IR-PCI-MSIX?-[0-9a-f:.]+)\s+(\d+)-edge`/.exec(readme);
    expect(said).not.toBeNull();
    const machine = qemuFixtureMachine('q35-ir-4cpu');
    machine.kernel.version = release!;
    const r = simulate(machine);
    expect(r.profile).toBe('6.12');
    // The README's line is virtio-net's first vector (00:02.0, MSI-X entry 0).
    expect(chipOf(r.procInterrupts(), 'virtio0-config')).toEqual({
      chip: said![1],
      hwirq: Number(said![2]),
    });
  });
});

/** The example machine (root ports 00:01.0 and 00:1c.0 with one MSI vector) under a release. */
function exampleUnder(version: string): Machine {
  const m = MachineSchema.parse(exampleMachine());
  m.kernel.version = version;
  return m;
}

describe("pcieport: the port services' actions on the shared vector, by era", () => {
  // pci_dev_id(00:01.0) << 11 = 0x08 << 11: the hwirq of the global PCI-MSI domain.
  it.each([
    ['4.19.0-27-amd64', 'aerdrv, PCIe PME'],
    ['5.14.0-570.23.1.el9_6.x86_64', 'PCIe PME, aerdrv'],
    ['6.1.0-56-amd64', 'PCIe PME, aerdrv'],
  ])('%s: global domain, hwirq 16384, actions "%s"', (version, actions) => {
    const r = simulate(exampleUnder(version));
    const line = chipOf(r.procInterrupts(), actions);
    expect(line).not.toBeNull();
    expect(line!.chip).toMatch(/^(IR-)?PCI-MSI$/);
    expect(r.procInterrupts()).toMatch(new RegExp(`PCI-MSI 16384-edge\\s+${actions}\\n`));
  });

  it.each([
    ['6.6.119', 'PCIe PME, aerdrv'],
    ['6.12.117+deb12-amd64', 'PCIe PME, aerdrv'],
    ['6.18.0', 'PCIe PME, aerdrv, PCIe bwctrl'],
  ])('%s: per-device domain of 00:01.0, hwirq 0, actions "%s"', (version, actions) => {
    const text = simulate(exampleUnder(version)).procInterrupts();
    expect(text).toMatch(new RegExp(`(IR-)?PCI-MSI-0000:00:01\\.0\\s+0-edge\\s+${actions}\\n`));
    expect(text).not.toMatch(/PCI-MSI 16384-edge/);
  });

  it('each service is its own action (sysfs actions lists them apart)', () => {
    const r = simulate(exampleUnder('6.1.0-56-amd64'));
    const port = r.irqs.find((i) => i.actions.includes('aerdrv'));
    expect(port?.actions).toEqual(['PCIe PME', 'aerdrv']);
  });
});

describe('a profile saved before the era flags existed', () => {
  it('still simulates: the missing flags get their defaults (4.20+ port services)', () => {
    const { portServiceActionNames: _p, firstDynamicIrqRule: _f, ...old } = PROFILES['6.1']!;
    const r = simulate(exampleUnder('6.1.0-56-amd64'), {
      profile: { ...old, name: '6.1+edit' } as KernelProfile,
    });
    expect(r.profile).toBe('6.1+edit');
    expect(r.procInterrupts()).toMatch(/PCI-MSI 16384-edge\s+PCIe PME, aerdrv\n/);
  });

  it('a damaged one is refused with the flag that is wrong', () => {
    expect(() =>
      simulate(exampleUnder('6.1.0-56-amd64'), {
        profile: { ...PROFILES['6.1']!, portServiceActionNames: ['PCIe PME', 'aer'] } as never,
      }),
    ).toThrow(/portServiceActionNames/);
  });
});
