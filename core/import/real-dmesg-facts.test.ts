// What the import of each real dmesg in shared/fixtures/real/dmesg infers, and the line each fact
// came from, against SOURCES.md. Each machine's facts are data beside the words of SOURCES.md
// they check: the words are looked up in the file's section at test time (so the table cannot
// drift from SOURCES.md), the expected values must be written in those words, and the line the
// import names for the fact must hold the fact's text. What SOURCES.md states that a log cannot
// tell irqlab (or that irqlab does not model) is listed per machine, with the reason.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelEraFor } from '../kernel/profiles';
import type { Machine } from '../model/schema';
import { realFixtures, realPath, sourceFacts } from '../testing/sources';
import type { DmesgResult } from './dmesg';
import type { SourceLocation } from './errors';
import type { ImportResult } from './index';
import { importFiles } from './node/read';

interface Reading {
  r: ImportResult;
  m: Machine;
  d: DmesgResult;
  o: DmesgResult['observations'];
}

interface Fact {
  /** The words of SOURCES.md this fact checks (in the file's section, whitespace aside). */
  says: string;
  /** Values of `want` that SOURCES.md writes out: each must appear in `says`. */
  literals: (string | number)[];
  want: unknown;
  /** The import's reading: the value, and where it says it came from. */
  read: (x: Reading) => {
    value: unknown;
    at: SourceLocation | SourceLocation[] | null | undefined;
  };
  /** Text the line named by the import must contain (null: the fact is no line's, e.g. an absence). */
  line: string[] | null;
}

const hex = (n: number) => `0x${n.toString(16)}`;
const first = (at: SourceLocation | SourceLocation[] | null | undefined) =>
  Array.isArray(at) ? at[0] : (at ?? undefined);

// ---- fact builders: one per kind of fact ---------------------------------------------------------

const kernel = (says: string, release: string, line: string): Fact => ({
  says,
  literals: [release],
  // The profile the machine is simulated with is the one SOURCES.md's release maps to.
  want: { release, profile: kernelEraFor(release).profile.name },
  read: ({ m, r }) => ({
    value: {
      release: m.kernel.version.startsWith(release) ? release : m.kernel.version,
      profile: kernelEraFor(m.kernel.version).profile.name,
    },
    at: first(r.provenance['$.kernel.version']),
  }),
  line: [line],
});

const cpusAllowed = (says: string, n: number): Fact => ({
  says,
  literals: [n],
  want: n,
  read: ({ d }) => ({ value: d.part.cpus?.possible, at: first(d.provenance['$.cpus.possible']) }),
  line: [`Allowing ${n} `],
});

const cpusUp = (says: string, n: number): Fact => ({
  says,
  literals: [n],
  want: { up: n, machine: n },
  read: ({ d, m }) => ({
    value: { up: d.part.cpus?.online_count, machine: m.cpus.list.filter((c) => c.online).length },
    at: first(d.provenance['$.cpus.online_count']),
  }),
  line: [` up `, `, ${n} CPUs`],
});

/** "x2apic: enabled by BIOS": the firmware hands over in x2APIC mode. */
const x2apicByBios = (says: string): Fact => ({
  says,
  literals: [],
  want: 'x2apic',
  read: ({ m, r }) => ({ value: m.cpus.apic_mode, at: first(r.provenance['$.cpus.apic_mode']) }),
  line: ['x2apic: enabled by BIOS'],
});

/** A line only a CPU with x2APIC prints ("x2apic enabled", "doesn't support X2APIC mode"). */
const cpuHasX2apic = (says: string, line: string): Fact => ({
  says,
  literals: [],
  want: true,
  read: ({ m, r }) => ({
    value: m.cpus.cpu_has_x2apic,
    at: first(r.provenance['$.cpus.cpu_has_x2apic']),
  }),
  line: [line],
});

const routing = (says: string, name: string): Fact => ({
  says,
  literals: [name],
  want: name,
  read: ({ o }) => ({ value: o.apicRouting, at: o.lineOf.apicRouting }),
  line: [`APIC routing to`, name],
});

const ioapic = (
  says: string,
  id: number,
  lo: number,
  hi: number,
  address?: string,
  version?: number,
): Fact => ({
  says,
  literals: [
    id,
    `${lo}-${hi}`,
    ...(address ? [address] : []),
    ...(version ? [`version ${version}`] : []),
  ],
  want: {
    id,
    gsis: `${lo}-${hi}`,
    ...(address ? { address } : {}),
    ...(version ? { version } : {}),
  },
  read: ({ m, r }) => {
    const i = m.ioapics.findIndex((x) => x.id === id);
    const io = m.ioapics[i];
    return {
      value: io && {
        id: io.id,
        gsis: `${io.gsi_base}-${io.gsi_base + io.pins - 1}`,
        ...(address ? { address: io.address } : {}),
        ...(version ? { version: io.version } : {}),
      },
      at: first(r.provenance[`$.ioapics[${i}]`]),
    };
  },
  line: [
    `apic_id ${id},`,
    `GSI ${lo}-${hi}`,
    ...(address ? [address] : []),
    ...(version ? [`version ${version}`] : []),
  ],
});

const count = (
  says: string,
  n: number,
  what: string,
  of: (x: Reading) => { value: unknown; at: SourceLocation[] },
): Fact => ({
  says,
  literals: [n],
  want: n,
  read: (x) => {
    const { value, at } = of(x);
    return { value, at: at.length === n ? at : [] };
  },
  line: n === 0 ? null : [what],
});

const iso = (says: string, irq: number, gsi: number, trigger?: [string, string]): Fact => ({
  says,
  literals: [`IRQ${irq}`, `GSI ${gsi}`, ...(trigger ?? [])],
  want: { irq, gsi, ...(trigger ? { trigger } : {}) },
  read: ({ m, r }) => {
    const i = m.interrupt_source_overrides.findIndex((o) => o.bus_irq === irq);
    const o = m.interrupt_source_overrides[i];
    return {
      value: o && {
        irq: o.bus_irq,
        gsi: o.gsi,
        ...(trigger ? { trigger: [o.polarity, o.trigger] } : {}),
      },
      at: first(r.provenance[`$.interrupt_source_overrides[${i}]`]),
    };
  },
  line: [`bus_irq ${irq} global_irq ${gsi}`, ...(trigger ?? [])],
});

/** "HPET id 0x... base 0x...": the block's address, from the MADT-era "ACPI: HPET id" line. */
const hpet = (says: string, id: string): Fact => ({
  says,
  literals: [id],
  want: '0xfed00000',
  read: ({ m, r }) => ({ value: m.hpet?.address, at: first(r.provenance['$.hpet.address']) }),
  line: [`HPET id: ${id} base: 0xfed00000`],
});

const hpetTimers = (says: string, n: number): Fact => ({
  says,
  literals: [n],
  want: n,
  read: ({ m, r }) => ({ value: m.hpet?.timers, at: first(r.provenance['$.hpet.timers']) }),
  line: [`${n} comparators`],
});

const acpiTable = (says: string, sig: string, length: number | null): Fact => ({
  says,
  literals: [sig, ...(length === null ? [] : [hex(length)])],
  want: { sig, length },
  read: ({ o }) => ({
    value: { sig, length: o.acpiTables.get(sig) ?? null },
    at: o.acpiTableLines.get(sig),
  }),
  line: [`ACPI: ${sig} `],
});

/** The ACPI table list is there and has no `sig`: the firmware has none. */
const noAcpiTable = (says: string, sig: string): Fact => ({
  says,
  literals: [sig],
  want: { listed: true, has: false, ...(sig === 'DMAR' ? { dmar: null } : {}) },
  read: ({ o, m }) => ({
    value: {
      listed: o.acpiTables.size > 0,
      has: o.acpiTables.has(sig),
      ...(sig === 'DMAR' ? { dmar: m.dmar } : {}),
    },
    at: o.lineOf.acpiTables,
  }),
  line: ['ACPI: RSDP '],
});

const haw = (says: string, n: number): Fact => ({
  says,
  literals: [n],
  want: n,
  read: ({ m, r }) => ({
    value: m.dmar?.host_address_width,
    at: first(r.provenance['$.dmar.host_address_width']),
  }),
  line: [`DMAR: Host address width ${n}`],
});

const drhd = (says: string, base: string, includeAll: boolean): Fact => ({
  says,
  literals: [base],
  want: { base, includeAll },
  read: ({ m, r }) => {
    const i = m.iommus.findIndex((u) => u.register_base === base);
    const u = m.iommus[i];
    return {
      value: u && {
        base: u.register_base,
        includeAll: u.kind === 'intel-vtd' && u.include_pci_all,
      },
      at: first(r.provenance[`$.iommus[${i}]`]),
    };
  },
  line: ['DMAR: DRHD base: 0x', base.slice(2), `flags: 0x${includeAll ? 1 : 0}`],
});

const scope = (says: string, type: 'ioapic' | 'hpet', id: number, base: string): Fact => ({
  says,
  literals: [id, base],
  want: `${type} ${id} under ${base}`,
  read: ({ m, r }) => {
    const i = m.iommus.findIndex((u) => u.register_base === base);
    const u = m.iommus[i];
    const j =
      u?.kind === 'intel-vtd' ? u.scopes.findIndex((s) => s.type === type && s.id === id) : -1;
    return {
      value: j >= 0 ? `${type} ${id} under ${base}` : null,
      at: first(r.provenance[`$.iommus[${i}].scopes[${j}]`]),
    };
  },
  line: [`DMAR-IR: ${type === 'ioapic' ? 'IOAPIC' : 'HPET'} id ${id} under DRHD base`, base],
});

/** A DRHD's registers as the driver read them ("dmarN: reg_base_addr ... ver a:b cap ... ecap ..."). */
const drhdRegs = (
  says: string,
  base: string,
  regs: { version?: string; cap?: string; ecap?: string },
): Fact => ({
  says,
  literals: Object.values(regs),
  want: regs,
  read: ({ m, r }) => {
    const i = m.iommus.findIndex((u) => u.register_base === base);
    const u = m.iommus[i];
    const got = u?.kind === 'intel-vtd' ? u : undefined;
    return {
      value: Object.fromEntries(
        Object.keys(regs).map((k) => [
          k,
          k === 'version' ? got?.version : got?.[k as 'cap' | 'ecap']?.replace(/^0x/, ''),
        ]),
      ),
      at: first(r.provenance[`$.iommus[${i}].cap`]),
    };
  },
  line: [`reg_base_addr ${base.slice(2)} `, ...Object.values(regs)],
});

const rmrr = (says: string, base: string, end: string): Fact => ({
  says,
  literals: [base, end],
  want: { base, end },
  read: ({ m, r }) => {
    const i = m.dmar?.rmrr.findIndex((x) => x.base === base) ?? -1;
    const x = m.dmar?.rmrr[i];
    return {
      value: x && { base: x.base, end: x.end },
      at: first(r.provenance[`$.dmar.rmrr[${i}]`]),
    };
  },
  line: ['DMAR: RMRR base:', base.slice(2), end.slice(2)],
});

const optOut = (says: string): Fact => ({
  says,
  literals: [],
  want: true,
  read: ({ m, r }) => ({
    value: m.dmar?.x2apic_opt_out,
    at: first(r.provenance['$.dmar.x2apic_opt_out']),
  }),
  line: ['x2apic is disabled because BIOS sets x2apic opt out bit'],
});

/** Remapping on: VT-d in `mode`, or AMD-Vi. */
const ir = (says: string, mode: 'x2apic' | 'xapic' | 'amd'): Fact => ({
  says,
  literals: mode === 'amd' ? [] : [mode],
  want: mode,
  read: ({ o }) => ({ value: o.irqRemapping, at: o.lineOf.irqRemapping }),
  line: [
    mode === 'amd'
      ? 'AMD-Vi: Interrupt remapping enabled'
      : `DMAR-IR: Enabled IRQ remapping in ${mode} mode`,
  ],
});

/** Remapping off, and the import's reason (whose line must show it). */
const irOff = (says: string, why: string, line: string): Fact => ({
  says,
  literals: [],
  want: { mode: null, why },
  read: ({ o }) => ({
    value: {
      mode: o.irqRemapping,
      why: o.irqRemappingOff?.why.includes(why) ? why : o.irqRemappingOff?.why,
    },
    at: o.irqRemappingOff?.at,
  }),
  line: [line],
});

/** The log does not say whether remapping is on (the lines were cut): the import claims neither. */
const irNotStated = (says: string): Fact => ({
  says,
  literals: [],
  want: { mode: null, off: null },
  read: ({ o }) => ({ value: { mode: o.irqRemapping, off: o.irqRemappingOff }, at: null }),
  line: null,
});

/** An AMD-Vi line that is a feature of remapping (x2APIC destinations, guest virtual APIC). */
const amdFeature = (says: string, key: 'amdX2apic' | 'amdVapic', line: string): Fact => ({
  says,
  literals: [],
  want: true,
  read: ({ o }) => ({ value: o.lineOf[key] !== undefined, at: o.lineOf[key] }),
  line: [line],
});

const amdIommus = (says: string, buses: string[]): Fact => ({
  says,
  literals: buses,
  want: buses.map((b) => `0000:${b}:00.2`).sort(),
  read: ({ o }) => ({
    value: o.amdIommus.map((a) => a.bdf).sort(),
    at: o.amdIommus.every((a) => a.at.line) ? o.amdIommus.map((a) => a.at) : [],
  }),
  line: [': AMD-Vi: '],
});

const amdCap = (says: string, bdf: string, cap: string): Fact => ({
  says,
  literals: [bdf, cap],
  want: cap,
  read: ({ o }) => {
    const a = o.amdIommus.find((x) => x.bdf === bdf);
    return { value: a?.capOffset == null ? null : hex(a.capOffset), at: a?.capAt };
  },
  line: [`pci ${bdf}: AMD-Vi: Found IOMMU cap ${cap}`],
});

const amdEfr = (says: string, efr: string, efr2: string | null): Fact => ({
  says,
  literals: [efr, ...(efr2 ? [efr2] : [])],
  want: { efr, ...(efr2 ? { efr2 } : {}) },
  read: ({ o }) => ({
    value: { efr: o.amdEfr, ...(efr2 ? { efr2: o.amdEfr2 } : {}) },
    at: o.lineOf.amdEfr,
  }),
  line: [efr, ...(efr2 ? [efr2] : [])],
});

const acpiHids = (says: string, n: number, hid: string, rdevid: number): Fact => ({
  says,
  literals: [n, hid, rdevid],
  want: Array.from({ length: n }, () => `${hid} ${rdevid}`),
  read: ({ o }) => ({
    value: o.amdAcpiHids.map((h) => `${h.hid} ${h.rdevid}`),
    at: o.amdAcpiHids.map((h) => h.at),
  }),
  line: [`add hid:${hid}`, `rdevid:${rdevid}`],
});

/** A PCI function the log enumerated ("pci BDF: [vvvv:dddd] type 00 class 0x..."), with its class. */
const pci = (says: string, bdf: string, cls: string, id?: string): Fact => ({
  says,
  // The class is the one of what SOURCES.md calls the device (NVMe, AHCI, Ethernet, VGA).
  literals: [bdf.replace(/^0000:/, ''), ...(id ? [id] : [])],
  want: { bdf, cls, ...(id ? { id } : {}) },
  read: ({ m, r }) => {
    const i = m.pci.findIndex((f) => f.bdf === bdf);
    const f = m.pci[i];
    return {
      value: f && { bdf: f.bdf, cls: f.class, ...(id ? { id: f.vendor_device } : {}) },
      at: first(r.provenance[`$.pci[${i}]`]),
    };
  },
  line: [`pci ${bdf}: [`, `class ${cls}`, ...(id ? [id] : [])],
});

/** A pre-4.x "<drv> BDF: irq N for MSI/MSI-X" line. */
const msiIrq = (says: string, driver: string, bdf: string, irq: number): Fact => ({
  says,
  literals: [driver, bdf, irq],
  want: { driver, irq },
  read: ({ o }) => {
    const x = o.msiIrqs.find((y) => y.bdf === `0000:${bdf}`);
    return { value: x && { driver: x.driver.replace(/_hcd$/, ''), irq: x.irq }, at: x?.at };
  },
  line: [`0000:${bdf}: irq ${irq} for MSI`],
});

const vmd = (says: string, bdf: string, domain: string): Fact => ({
  says,
  literals: [bdf, domain],
  want: { bdf, domain },
  read: ({ o }) => {
    const v = o.vmdDomains.find((x) => x.bdf === bdf);
    return { value: v && { bdf: v.bdf, domain: v.domain.toString(16) }, at: v?.at };
  },
  line: [`vmd ${bdf}: Bound to PCI domain ${domain}`],
});

const fault = (says: string, device: string, reason: number): Fact => ({
  says,
  literals: [device, `0x0${reason}`],
  want: { device, reason },
  read: ({ o }) => {
    const f = o.faults.find((x) => x.fault.device === device);
    return { value: f && { device: f.fault.device, reason: f.fault.reason }, at: f?.at };
  },
  line: [`Request device [${device}]`],
});

// ---- the machines ----------------------------------------------------------------------------------

interface Machine_ {
  facts: Fact[];
  /** SOURCES.md's words the import cannot check, and why. */
  notRead: [says: string, why: string][];
}

const NO_NMI = 'NMI wiring (LAPIC_NMI/X2APIC_NMI) is not modeled';
const NO_GROUPS = 'iommu groups are DMA isolation, not interrupt topology: not modeled';

const MACHINES: Record<string, Machine_> = {
  'supermicro-as4125gs-h13dsg-2x-epyc9654-384cpu-amdvi.dmesg.txt': {
    facts: [
      kernel(
        'Rocky Linux 9.6 kernel 5.14.0-570.23.1.el9_6',
        '5.14.0-570.23.1.el9_6',
        'Linux version 5.14.0-570.23.1.el9_6',
      ),
      x2apicByBios('x2apic: enabled by BIOS, switching to x2apic ops'),
      routing('APIC: Switched APIC routing to: cluster x2apic', 'cluster x2apic'),
      cpusAllowed('CPU topo: Allowing 384 present CPUs plus 0 hotplug CPUs', 384),
      cpusUp('smp: Brought up 2 nodes, 384 CPUs', 384),
      ioapic('id 240 @0xfec00000 GSI 0-23', 240, 0, 23, '0xfec00000'),
      ioapic('241 @0xd1500000 24-55', 241, 24, 55, '0xd1500000'),
      ioapic('242 @0xf4180000 56-87', 242, 56, 87, '0xf4180000'),
      ioapic('243 @0xf5180000 88-119', 243, 88, 119, '0xf5180000'),
      ioapic('244 @0xd0180000 120-151', 244, 120, 151, '0xd0180000'),
      ioapic('245 @0xc3400000 152-183', 245, 152, 183, '0xc3400000'),
      ioapic('246 @0xc2180000 184-215', 246, 184, 215, '0xc2180000'),
      ioapic('247 @0xb5280000 216-247', 247, 216, 247, '0xb5280000'),
      ioapic('248 @0xb4180000 248-279', 248, 248, 279, '0xb4180000'),
      count('9 IOAPICs, all version 33', 9, 'version 33', ({ m, r }) => ({
        value: m.ioapics.filter((x) => x.version === 33).length,
        at: m.ioapics.map((_, i) => r.provenance[`$.ioapics[${i}]`]![0]!),
      })),
      hpet('HPET id 0x10228201 base 0xfed00000', '0x10228201'),
      hpetTimers('3 comparators', 3),
      acpiTable('ACPI has IVRS (len 0x370)', 'IVRS', 0x370),
      noAcpiTable('and no DMAR', 'DMAR'),
      amdIommus('8 AMD IOMMUs at PCI 0000:{00,20,40,60,80,a0,c0,e0}:00.2', [
        '00',
        '20',
        '40',
        '60',
        '80',
        'a0',
        'c0',
        'e0',
      ]),
      ir('AMD-Vi: Interrupt remapping enabled', 'amd'),
      amdFeature('AMD-Vi: X2APIC enabled', 'amdX2apic', 'AMD-Vi: X2APIC enabled'),
      amdFeature('AMD-Vi: Virtual APIC enabled', 'amdVapic', 'AMD-Vi: Virtual APIC enabled'),
      amdEfr('EFR 0x25bf732fa2295afe, EFR2 0x1d', '0x25bf732fa2295afe', '0x1d'),
      pci('Devices: i40e 0000:02:00.0/.1 (X710 family', '0000:02:00.0', '0x020000'),
      pci('NVMe 0000:21:00.0 and 22:00.0', '0000:21:00.0', '0x010802'),
      pci('NVMe 0000:21:00.0 and 22:00.0', '0000:22:00.0', '0x010802'),
      pci('AHCI 63:00.0, 65:00.0', '0000:63:00.0', '0x010601'),
      pci('AHCI 63:00.0, 65:00.0', '0000:65:00.0', '0x010601'),
    ],
    notRead: [
      ['ACPI: X2APIC_NMI (uid[0xffffffff] high edge lint[0x1])', NO_NMI],
      ['133 "Adding to iommu group" lines (highest group number 80)', NO_GROUPS],
      ['iommu: Default domain type: Translated', 'DMA translation mode: not interrupt topology'],
      [
        '"VFs: 64 ... QP: 119", "MSI-X vector limit reached"',
        "i40e driver messages: the MSI-X table size is lspci -vvv's to give",
      ],
      [
        '"255/0/0 default/read/poll queues"',
        'read only for the order nvme probes end (async_order), not as a queue count',
      ],
      [
        'hpet0: ... IRQs 2, 8, 0',
        "the IRQs of the legacy channels are the model's to derive; only channels past them (per-CPU HPET) are read",
      ],
    ],
  },

  'supermicro-x11dai-2x-xeon-gold5215-8drhd-9ioapic.dmesg.txt': {
    facts: [
      x2apicByBios('x2apic: enabled by BIOS, switching to x2apic ops'),
      routing('Setting APIC routing to cluster x2apic.', 'cluster x2apic'),
      cpusAllowed('smpboot: Allowing 40 CPUs, 0 hotplug CPUs', 40),
      cpusUp('smp: Brought up 2 nodes, 40 CPUs', 40),
      // Processors past NR_CPUS are counted; they are not CPUs of the machine.
      {
        says: '26 lines APIC: NR_CPUS/possible_cpus limit of 40 reached. Processor 40/0x7f00 ignored.',
        literals: [26, 40],
        want: 26,
        read: ({ o }) => ({ value: o.ignoredProcessors, at: o.lineOf.ignoredProcessors }),
        line: ['NR_CPUS/possible_cpus limit of 40 reached. Processor 40/0x7f00 ignored.'],
      },
      ioapic('9 IOAPICs (version 32): id 8 @0xfec00000 GSI 0-23', 8, 0, 23, '0xfec00000', 32),
      count('9 IOAPICs (version 32)', 9, 'version 32', ({ m, r }) => ({
        value: m.ioapics.filter((x) => x.version === 32).length,
        at: m.ioapics.map((_, i) => r.provenance[`$.ioapics[${i}]`]![0]!),
      })),
      ioapic('9 @0xfec01000 24-31', 9, 24, 31, '0xfec01000'),
      ioapic('10 @0xfec08000 32-39', 10, 32, 39, '0xfec08000'),
      ioapic('11 @0xfec10000 40-47', 11, 40, 47, '0xfec10000'),
      ioapic('12 @0xfec18000 48-55', 12, 48, 55, '0xfec18000'),
      ioapic('15 @0xfec20000 72-79', 15, 72, 79, '0xfec20000'),
      ioapic('16 @0xfec28000 80-87', 16, 80, 87, '0xfec28000'),
      ioapic('17 @0xfec30000 88-95', 17, 88, 95, '0xfec30000'),
      ioapic('18 @0xfec38000 96-103', 18, 96, 103, '0xfec38000'),
      hpet('HPET id 0x8086a701 base 0xfed00000', '0x8086a701'),
      acpiTable('ACPI DMAR table length 0x2D8', 'DMAR', 0x2d8),
      haw('DMAR: host address width 46', 46),
      count('8 DRHDs', 8, 'DMAR: DRHD base', ({ m, r }) => ({
        value: m.iommus.length,
        at: m.iommus.map((_, i) => r.provenance[`$.iommus[${i}]`]![0]!),
      })),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xd37fc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xe0ffc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xee7fc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xfbffc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xaaffc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xb87fc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0xc5ffc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhdRegs(
        'DMAR: host address width 46; 8 DRHDs (all cap 8d2078c106f0466 ecap f020df)',
        '0x9d7fc000',
        { cap: '8d2078c106f0466', ecap: 'f020df' },
      ),
      drhd('dmar0 0xd37fc000', '0xd37fc000', false),
      drhd('dmar1 0xe0ffc000', '0xe0ffc000', false),
      drhd('dmar2 0xee7fc000', '0xee7fc000', false),
      drhd('dmar3 0xfbffc000', '0xfbffc000', false),
      drhd('dmar4 0xaaffc000', '0xaaffc000', false),
      drhd('dmar5 0xb87fc000', '0xb87fc000', false),
      drhd('dmar6 0xc5ffc000', '0xc5ffc000', false),
      drhd('dmar7 0x9d7fc000 flags 0x1 = INCLUDE_PCI_ALL', '0x9d7fc000', true),
      rmrr('1 RMRR 0x6f60e000-0x6f61efff', '0x6f60e000', '0x6f61efff'),
      count('2 ATSR', 2, 'DMAR: ATSR flags', ({ m, r }) => ({
        value: m.dmar?.atsr.length,
        at: (m.dmar?.atsr ?? []).map((_, i) => r.provenance[`$.dmar.atsr[${i}]`]![0]!),
      })),
      scope('IOAPIC 12 -> 0xc5ffc000 (IOMMU 6)', 'ioapic', 12, '0xc5ffc000'),
      scope('11 -> 0xb87fc000 (5)', 'ioapic', 11, '0xb87fc000'),
      scope('10 -> 0xaaffc000 (4)', 'ioapic', 10, '0xaaffc000'),
      scope('18 -> 0xfbffc000 (3)', 'ioapic', 18, '0xfbffc000'),
      scope('17 -> 0xee7fc000 (2)', 'ioapic', 17, '0xee7fc000'),
      scope('16 -> 0xe0ffc000 (1)', 'ioapic', 16, '0xe0ffc000'),
      scope('15 -> 0xd37fc000 (0)', 'ioapic', 15, '0xd37fc000'),
      scope('IOAPIC 8 and 9 -> 0x9d7fc000 (IOMMU 7)', 'ioapic', 8, '0x9d7fc000'),
      scope('IOAPIC 8 and 9 -> 0x9d7fc000 (IOMMU 7)', 'ioapic', 9, '0x9d7fc000'),
      scope('HPET 0 -> 0x9d7fc000', 'hpet', 0, '0x9d7fc000'),
      ir('DMAR-IR: Enabled IRQ remapping in x2apic mode', 'x2apic'),
    ],
    notRead: [
      [
        'custom kernel 5.7.0-rc7',
        'the "Linux version" line was trimmed (it named the author) and no later line of this cut log names the release: the import says the version is missing',
      ],
      [
        '2 NUMA nodes (SRAT: APIC 0x00-0x19 odd/even -> node 0, 0x20-0x39 -> node 1)',
        'SRAT lines of the log are not read (an ACPI SRAT gives the nodes)',
      ],
      ['(RHSA proximity 1)', 'RHSA lines are read (dmar.rhsa) but their NUMA use is not modeled'],
      ['DMAR: IOMMU enabled', 'DMA translation: not interrupt topology'],
    ],
  },

  'huananzhi-x99-qd4-xeon-e5v3-2drhd-xapic-ir.dmesg.txt': {
    facts: [
      kernel('CachyOS kernel 6.4.7', '6.4.7', 'Linux version 6.4.7'),
      cpusAllowed('smpboot: Allowing 20 CPUs, 0 hotplug CPUs', 20),
      cpusUp('smp: Brought up 1 node, 20 CPUs', 20),
      ioapic('id 1 @0xfec00000 GSI 0-23', 1, 0, 23, '0xfec00000'),
      ioapic('id 2 @0xfec01000 GSI 24-47 (version 32)', 2, 24, 47, '0xfec01000', 32),
      iso('IRQ0 -> GSI 2', 0, 2),
      iso('IRQ9 -> GSI 9 high level', 9, 9, ['high', 'level']),
      hpet('HPET id 0x8086a701', '0x8086a701'),
      hpetTimers('8 comparators 64-bit', 8),
      haw('HAW 46', 46),
      drhd('DRHD 0xfbffd000 flags 0x0 (dmar0)', '0xfbffd000', false),
      drhd('DRHD 0xfbffc000 flags 0x1 (dmar1, INCLUDE_ALL)', '0xfbffc000', true),
      scope('IOAPIC 1 and IOAPIC 2 both under 0xfbffc000 (IOMMU 1)', 'ioapic', 1, '0xfbffc000'),
      scope('IOAPIC 1 and IOAPIC 2 both under 0xfbffc000 (IOMMU 1)', 'ioapic', 2, '0xfbffc000'),
      scope('HPET 0 under 0xfbffc000', 'hpet', 0, '0xfbffc000'),
      optOut('DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit.'),
      ir('DMAR-IR: Enabled IRQ remapping in xapic mode', 'xapic'),
      cpuHasX2apic(
        "x2apic: IRQ remapping doesn't support X2APIC mode",
        "x2apic: IRQ remapping doesn't support X2APIC mode",
      ),
      routing('Switched APIC routing to physical flat.', 'physical flat'),
    ],
    notRead: [['no "Adding to iommu group" lines (IR on, DMA remapping off)', NO_GROUPS]],
  },

  'ecs-h310ch5-m2-coffeelake-1drhd-x2apic-ir-dmafault.dmesg.txt': {
    facts: [
      kernel('Debian 12 kernel 6.1.0-20', '6.1.0-20', 'Linux version 6.1.0-20'),
      ioapic('1 IOAPIC id 2 @0xfec00000, GSI 0-119 (120 pins)', 2, 0, 119, '0xfec00000'),
      cpusAllowed('smpboot: Allowing 12 CPUs', 12),
      cpusUp('12 brought up', 12),
      haw('HAW 39', 39),
      drhd('single DRHD 0xfed90000 flags 0x1 (dmar0)', '0xfed90000', true),
      rmrr('RMRR 0xbf393000-0xbf5dcfff', '0xbf393000', '0xbf5dcfff'),
      scope('IOAPIC 2 and HPET 0 under 0xfed90000 (IOMMU 0)', 'ioapic', 2, '0xfed90000'),
      scope('IOAPIC 2 and HPET 0 under 0xfed90000 (IOMMU 0)', 'hpet', 0, '0xfed90000'),
      ir('Enabled IRQ remapping in x2apic mode', 'x2apic'),
      cpuHasX2apic('x2apic enabled', 'x2apic enabled'),
      routing('Switched APIC routing to cluster x2apic.', 'cluster x2apic'),
      fault(
        'DMAR: [DMA Read NO_PASID] Request device [01:00.0] fault addr 0x0 [fault reason 0x06]',
        '01:00.0',
        6,
      ),
      pci('(01:00.0 = NVIDIA GF116 per the paired lspci)', '0000:01:00.0', '0x030000'),
    ],
    notRead: [
      ['14 iommu groups', NO_GROUPS],
      ['DMAR: dmar0: Using Queued invalidation', 'invalidation queue: DMA remapping, not modeled'],
    ],
  },

  'amd-ryzen-5700u-minipc-proxmox-amdvi-headless.dmesg.txt': {
    facts: [
      // The log starts mid-boot: its kernel is named by the root hubs' manufacturer string.
      kernel(
        'Proxmox kernel 6.5.13-1-pve',
        '6.5.13-1-pve',
        'usb usb1: Manufacturer: Linux 6.5.13-1-pve',
      ),
      ioapic('2 IOAPICs (version 33): id 33 @0xfec00000 GSI 0-23', 33, 0, 23, '0xfec00000', 33),
      ioapic('id 34 @0xfec01000 GSI 24-55', 34, 24, 55, '0xfec01000'),
      iso('ISOs IRQ0 -> GSI 2', 0, 2),
      iso('IRQ9 -> GSI 9 low level', 9, 9, ['low', 'level']),
      hpet('HPET id 0x10228201', '0x10228201'),
      hpetTimers('3 comparators 32-bit', 3),
      cpusAllowed('smpboot: Allowing 16 CPUs, 0 hotplug CPUs', 16),
      cpusUp('16 brought up', 16),
      routing('Switched APIC routing to physical flat.', 'physical flat'),
      amdIommus('one IOMMU at 0000:00:00.2 (cap 0x40)', ['00']),
      amdCap('one IOMMU at 0000:00:00.2 (cap 0x40)', '0000:00:00.2', '0x40'),
      ir('AMD-Vi: Interrupt remapping enabled', 'amd'),
      amdFeature('AMD-Vi: X2APIC enabled', 'amdX2apic', 'AMD-Vi: X2APIC enabled'),
      amdFeature('Virtual APIC enabled', 'amdVapic', 'AMD-Vi: Virtual APIC enabled'),
      amdEfr('EFR 0x206d73ef22254ade', '0x206d73ef22254ade', null),
      acpiHids(
        '4 IVRS ACPI-HID entries AMDI0020 (UARTs \\_SB.FUR0-3, rdevid 160)',
        4,
        'AMDI0020',
        160,
      ),
    ],
    notRead: [
      [
        "AMD-Vi: Unknown option - 'on'",
        'a complaint about the command line (amd_iommu=on is no option): it changes nothing the model holds',
      ],
      [
        'iommu: Default domain type: Passthrough (set via kernel command line)',
        'DMA translation mode: not interrupt topology',
      ],
      ['33 iommu-group lines', NO_GROUPS],
    ],
  },

  'microsoft-surface-pro-7-icelake-2drhd-x2apic-optout.dmesg.txt': {
    facts: [
      kernel('Arch 5.3.7', '5.3.7', 'Linux version 5.3.7'),
      ioapic('1 IOAPIC id 2 @0xfec00000 GSI 0-119', 2, 0, 119, '0xfec00000'),
      cpusUp('8 CPUs', 8),
      hpetTimers('HPET 8 comparators', 8),
      haw('HAW 39', 39),
      drhd('DRHD 0xfed90000 flags 0x0 (dmar0, ver 4:0, ecap 49e2ff0505e)', '0xfed90000', false),
      drhdRegs('DRHD 0xfed90000 flags 0x0 (dmar0, ver 4:0, ecap 49e2ff0505e)', '0xfed90000', {
        version: '4:0',
        ecap: '49e2ff0505e',
      }),
      drhd('DRHD 0xfed91000 flags 0x1 (dmar1)', '0xfed91000', true),
      rmrr('RMRR 0x91000000-0x953fffff', '0x91000000', '0x953fffff'),
      scope('IOAPIC 2 and HPET 0 under 0xfed91000 (IOMMU 1)', 'ioapic', 2, '0xfed91000'),
      scope('IOAPIC 2 and HPET 0 under 0xfed91000 (IOMMU 1)', 'hpet', 0, '0xfed91000'),
      optOut('x2APIC opt-out -> IR in xapic mode'),
      ir('x2APIC opt-out -> IR in xapic mode', 'xapic'),
    ],
    notRead: [['19.2 MHz', 'the HPET counter frequency is not modeled']],
  },

  'alienware-m11x-core2-gm45-no-ir.dmesg.txt': {
    facts: [
      kernel('Debian kernel 3.16', '3.16', 'Linux version 3.16'),
      ioapic('1 IOAPIC id 2 GSI 0-23', 2, 0, 23),
      cpusAllowed('smpboot: Allowing 2 CPUs', 2),
      hpetTimers('HPET 4 comparators', 4),
      noAcpiTable('no DMAR table', 'DMAR'),
      {
        says: 'the two DMAR: lines are GM45 chipset quirks, not remapping hardware',
        literals: [],
        want: { dmar: null, iommus: 0 },
        read: ({ m }) => ({ value: { dmar: m.dmar, iommus: m.iommus.length }, at: null }),
        line: null,
      },
      irOff('no interrupt remapping', 'no DMAR or IVRS', 'ACPI: RSDP '),
    ],
    notRead: [
      ['old kernel format (fam: 06, model: 17)', 'CPU model lines: not interrupt topology'],
    ],
  },

  'hp-compaq-8000-elite-q45-4drhd-no-ir-journal.dmesg.txt': {
    facts: [
      kernel('custom Arch kernel 6.1.1-hpe8k', '6.1.1', 'Linux version 6.1.1-arch1-4-hpe8k'),
      ioapic('1 IOAPIC id 1 GSI 0-23', 1, 0, 23),
      cpusAllowed('smpboot: Allowing 4 CPUs, 2 hotplug CPUs', 4),
      cpusUp('2 CPUs brought up', 2),
      haw('HAW 36', 36),
      drhd('4 DRHDs 0xfed90000, 0xfed91000, 0xfed92000 (flags 0x0)', '0xfed90000', false),
      drhd('4 DRHDs 0xfed90000, 0xfed91000, 0xfed92000 (flags 0x0)', '0xfed91000', false),
      drhd('4 DRHDs 0xfed90000, 0xfed91000, 0xfed92000 (flags 0x0)', '0xfed92000', false),
      drhd('and 0xfed93000 (flags 0x1)', '0xfed93000', true),
      count('4 DRHDs', 4, 'DMAR: DRHD base', ({ m, r }) => ({
        value: m.iommus.length,
        at: m.iommus.map((_, i) => r.provenance[`$.iommus[${i}]`]![0]!),
      })),
      drhdRegs('ecap = 0x1000 on all four', '0xfed90000', { ecap: '1000' }),
      drhdRegs('ecap = 0x1000 on all four', '0xfed91000', { ecap: '1000' }),
      drhdRegs('ecap = 0x1000 on all four', '0xfed92000', { ecap: '1000' }),
      drhdRegs('ecap = 0x1000 on all four', '0xfed93000', { ecap: '1000' }),
      {
        says: 'no DMAR-IR lines at all',
        literals: [],
        want: [],
        read: ({ o }) => ({ value: o.irScopes, at: null }),
        line: null,
      },
      irOff(
        'ecap = 0x1000 on all four (ECAP.IR bit 3 = 0) -> no interrupt-remapping capability (no DMAR-IR lines at all)',
        'ECAP.IR, bit 3, clear',
        'ecap 1000',
      ),
      count('9 RMRRs', 9, 'DMAR: RMRR base', ({ m, r }) => ({
        value: m.dmar?.rmrr.length,
        at: (m.dmar?.rmrr ?? []).map((_, i) => r.provenance[`$.dmar.rmrr[${i}]`]![0]!),
      })),
      // The channels past the two legacy ones that got an irq (24-27) are the per-CPU ones.
      count(
        'hpet: 8 channels of 4 reserved for per-cpu timers',
        4,
        'IRQs 2, 8, 0, 24, 25, 26, 27, 0',
        ({ m, r }) => ({
          value: m.hpet?.msi_timers.length,
          at: (m.hpet?.msi_timers ?? []).map(() => r.provenance['$.hpet']![0]!),
        }),
      ),
      // Per-CPU HPET timers mean the local APIC timer stops in deep C-states: no ARAT.
      {
        says: 'hpet: 8 channels of 4 reserved for per-cpu timers',
        literals: [],
        want: false,
        read: ({ m, r }) => ({ value: m.cpus.arat, at: first(r.provenance['$.cpus.arat']) }),
        line: ['reserved for per-cpu timers'],
      },
    ],
    notRead: [
      [
        'DMAR: Disabling IOMMU for graphics on this chipset',
        'DMA translation of the graphics device: not interrupt topology',
      ],
    ],
  },

  'lenovo-ideapad-z510-haswell-no-dmar-kernel3.13.dmesg.txt': {
    facts: [
      kernel('Ubuntu 3.13.0-32', '3.13.0-32', 'Linux version 3.13.0-32'),
      ioapic('1 IOAPIC id 2 GSI 0-23', 2, 0, 23),
      cpusUp('8 CPUs', 8),
      noAcpiTable('no DMAR (VT-d not exposed)', 'DMAR'),
      irOff('no DMAR (VT-d not exposed)', 'no DMAR or IVRS', 'ACPI: RSDP '),
      msiIrq('pcieport 00:1c.0 irq 40', 'pcieport', '00:1c.0', 40),
      msiIrq('xhci 00:14.0 irq 42', 'xhci', '00:14.0', 42),
      msiIrq('ahci 00:1f.2 irq 43', 'ahci', '00:1f.2', 43),
      msiIrq('r8169 01:00.0 irq 44', 'r8169', '01:00.0', 44),
      msiIrq('i915 00:02.0 irq 46', 'i915', '00:02.0', 46),
      msiIrq('iwlwifi 02:00.0 irq 47', 'iwlwifi', '02:00.0', 47),
    ],
    notRead: [],
  },

  'google-craask-chromebook-alderlake-n-printk-levels.dmesg.txt': {
    facts: [
      kernel('ChromeOS kernel 6.6.119', '6.6.119', 'Linux version 6.6.119'),
      ioapic('1 IOAPIC id 2 @0xfec00000 GSI 0-119', 2, 0, 119, '0xfec00000'),
      hpet('HPET id 0x8086a701', '0x8086a701'),
      cpusAllowed('CPU topo: Allowing 4 present CPUs plus 0 hotplug CPUs', 4),
      haw('HAW 39', 39),
      drhd('DRHD 0xfed90000 flags 0x0 (dmar0 ver 4:0)', '0xfed90000', false),
      drhd('DRHD 0xfed91000 flags 0x1 (dmar1 ver 5:0)', '0xfed91000', true),
      drhdRegs('DRHD 0xfed90000 flags 0x0 (dmar0 ver 4:0)', '0xfed90000', { version: '4:0' }),
      drhdRegs('DRHD 0xfed91000 flags 0x1 (dmar1 ver 5:0)', '0xfed91000', { version: '5:0' }),
      rmrr('RMRR 0x7c000000-0x803fffff', '0x7c000000', '0x803fffff'),
      scope('IOAPIC 2 and HPET 0 under 0xfed91000 (IOMMU 1)', 'ioapic', 2, '0xfed91000'),
      scope('IOAPIC 2 and HPET 0 under 0xfed91000 (IOMMU 1)', 'hpet', 0, '0xfed91000'),
      ir('IR in x2apic mode', 'x2apic'),
      cpuHasX2apic('x2apic enabled', 'x2apic enabled'),
      routing('APIC: Switched APIC routing to: cluster x2apic', 'cluster x2apic'),
    ],
    notRead: [
      ['OEM "COREv4"', "the table header's OEM id: not modeled"],
      ['22 iommu groups', NO_GROUPS],
      ['"IOMMU feature ... inconsistent" lines', 'DMA-remapping capability warnings: not modeled'],
    ],
  },

  'asus-rog-zenith-ii-extreme-alpha-tr3960x-early-boot.dmesg.txt': {
    facts: [
      kernel('Fedora 33, 5.10.10', '5.10.10', 'Linux version 5.10.10'),
      acpiTable('ACPI table list includes IVRS (len 0x1F0)', 'IVRS', 0x1f0),
      acpiTable('APIC (len 0x482)', 'APIC', 0x482),
      noAcpiTable('no DMAR', 'DMAR'),
      ioapic('5 IOAPICs (version 33): id 128 @0xfec00000 GSI 0-23', 128, 0, 23, '0xfec00000', 33),
      ioapic('129 @0xb3200000 120-151', 129, 120, 151, '0xb3200000'),
      ioapic('130 @0xb2200000 88-119', 130, 88, 119, '0xb2200000'),
      ioapic('131 @0xfa680000 56-87', 131, 56, 87, '0xfa680000'),
      ioapic('132 @0xe2280000 24-55', 132, 24, 55, '0xe2280000'),
      iso('ISO IRQ9 -> GSI 9 low level', 9, 9, ['low', 'level']),
      hpet('HPET id 0x10228201', '0x10228201'),
      cpusAllowed('smpboot: Allowing 128 CPUs, 80 hotplug CPUs', 128),
      cpusUp('smp: Brought up 1 node, 48 CPUs', 48),
      routing('Switched APIC routing to physical flat.', 'physical flat'),
      // The AMD-Vi lines were cut: remapping is neither on nor off as far as the log goes.
      irNotStated('the PCI probe and all AMD-Vi: lines are not included'),
    ],
    notRead: [['ACPI: LAPIC_NMI (acpi_id[0xff] high edge lint[0x1])', NO_NMI]],
  },

  'bugzilla-215027-dell-g15-5521-vmd-nvme-excerpt.dmesg.txt': {
    facts: [
      vmd('Intel VMD at 0000:00:0e.0 creates PCI domain 10000', '0000:00:0e.0', '10000'),
      // Probed behind the VMD: the nvme instance line names it (the probe order's, kept without its line).
      {
        says: 'NVMe 10000:e1:00.0',
        literals: ['10000:e1:00.0'],
        want: true,
        read: ({ o }) => ({
          value: o.probeEvents.some((e) => 'bdf' in e && e.bdf === '10000:e1:00.0'),
          at: null,
        }),
        line: null,
      },
    ],
    notRead: [
      [
        'root port 10000:e0:06.0',
        'the excerpt has no enumeration line ("pci BDF: [id] type .. class ..") for it: no class, so not a function of the machine',
      ],
      [
        'NVMe 10000:e1:00.0 [144d:a80a]',
        'its id is only in an AER error dump, and its class in no line',
      ],
      [
        "legacy INTx unusable behind VMD (can't derive routing for PCI INT A, PCI INT A: not connected)",
        'the model derives this from the VMD domain; the log lines are not read',
      ],
      ['AER corrected errors from 10000:e1:00.0', 'AER error reports are not interrupt topology'],
      ['Firmware _OSC does not grant AER', '_OSC negotiation is not modeled'],
    ],
  },

  'lkml-2024-connectx6dx-sriov-vf-create-probe-excerpt.dmesg.txt': {
    facts: [pci('VF appears as 0000:6f:08.2 [15b3:101e]', '0000:6f:08.2', '0x020000', '15b3:101e')],
    notRead: [
      [
        'PF 0000:6f:00.1 enables SR-IOV (E-Switch: Enable: mode(LEGACY), nvfs(1))',
        'the PF has no enumeration line in the excerpt, and mlx5 E-Switch lines are not read',
      ],
      ['iommu group 115', NO_GROUPS],
      ['VF probe fails (CREATE_TIS bad parameter)', 'a driver failure without an interrupt error'],
    ],
  },

  'lkml-2021-connectx6-sriov-numvfs-console-excerpt.txt': {
    facts: [
      pci(
        'VFs 0000:01:00.1 and 01:00.2 [15b3:101c] class 0x020000',
        '0000:01:00.1',
        '0x020000',
        '15b3:101c',
      ),
      pci(
        'VFs 0000:01:00.1 and 01:00.2 [15b3:101c] class 0x020000',
        '0000:01:00.2',
        '0x020000',
        '15b3:101c',
      ),
    ],
    notRead: [
      [
        'PF 0000:01:00.0 ConnectX-6 [MT28908]',
        'named by the lspci output and shell lines of the transcript only, which the import skips',
      ],
      [
        'sriov_drivers_autoprobe=0; numvfs 0 -> 2',
        'shell commands of the transcript, not kernel lines',
      ],
    ],
  },
};

// ---- the checks ----------------------------------------------------------------------------------

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('each real dmesg: the facts SOURCES.md states, read with the line each came from', () => {
  it('covers every log in shared/fixtures/real/dmesg', () => {
    expect(Object.keys(MACHINES).sort()).toEqual(
      realFixtures('dmesg').map((f) => f.slice('dmesg/'.length)),
    );
  });

  for (const [file, machine] of Object.entries(MACHINES)) {
    describe(file, () => {
      const fixture = `dmesg/${file}`;
      const path = realPath(fixture);
      const lines = readFileSync(path, 'utf8').split('\n');
      const section = flat(sourceFacts(fixture));
      let x: Reading;
      beforeAll(async () => {
        const r = await importFiles([path]);
        expect(r.problems).toEqual([]);
        x = { r, m: r.machine!, d: r.dmesg[0]!, o: r.dmesg[0]!.observations };
      });

      it('quotes SOURCES.md, and every expected value is written there', () => {
        for (const f of machine.facts) {
          expect(section, f.says).toContain(flat(f.says));
          for (const v of f.literals)
            expect(f.says.toLowerCase(), `${f.says}: ${v}`).toContain(String(v).toLowerCase());
        }
        for (const [says] of machine.notRead) expect(section, says).toContain(flat(says));
      });

      for (const f of machine.facts)
        it(`${f.says}`, () => {
          const { value, at } = f.read(x);
          expect(value).toEqual(f.want);
          if (!f.line) return;
          const places = Array.isArray(at) ? at : at ? [at] : [];
          expect(places.length, 'the import names the line it read this from').toBeGreaterThan(0);
          for (const place of places) {
            expect(place.file).toBe(path);
            const text = lines[place.line! - 1] ?? '';
            for (const want of f.line) expect(text, `line ${place.line}`).toContain(want);
          }
        });

      it("the summary states the kernel era and the IR mode, each with its line's number", () => {
        const s = x.r.summary;
        const era = s.find((l) => l.startsWith('kernel era:'))!;
        const ver = first(x.r.provenance['$.kernel.version']);
        if (ver) expect(era).toContain(`line ${ver.line}]`);
        const irLine = s.find((l) => l.startsWith('interrupt remapping:'))!;
        const at = x.o.irqRemapping ? x.o.lineOf.irqRemapping : x.o.irqRemappingOff?.at;
        if (at) expect(irLine).toContain(`line ${at.line}]`);
        else expect(irLine).toMatch(/not stated/);
      });
    });
  }
});
