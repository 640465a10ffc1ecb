// `irqlab explain`: what a kernel log line about interrupts means, what likely caused it on this
// machine (when one is given), and what to check. Fault reasons and their texts come from
// core/kernel/iommu/fault-reasons.ts; scenarios follow linux-irq-model.md §9.
import { simulate } from '../scenario';
import { errnoName } from '../kernel/errno';
import { FAULT_REASON } from '../kernel/iommu/fault-reasons';
import type { Machine, PciFunction } from '../model/schema';
import { kernelMessage } from './dmesg';
import { parseFaultLine, parseFaultStatus, type DmarFault } from './faults';

export interface Explanation {
  /** What the line is: "DMAR INTR-REMAP fault", "vector exhaustion", ... */
  title: string;
  meaning: string[];
  causes: string[];
  check: string[];
}

const hx = (n: number, w = 0) => `0x${n.toString(16).padStart(w, '0')}`;

function findDevice(machine: Machine | undefined, sourceId: number): PciFunction | undefined {
  if (!machine) return undefined;
  const bus = sourceId >> 8;
  const dev = (sourceId >> 3) & 31;
  const fn = sourceId & 7;
  const tail = `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`;
  // The requester id carries no PCI segment: segment 0 first (DMAR ignores VMD domains).
  return (
    machine.pci.find((f) => f.bdf === `0000:${tail}`) ??
    machine.pci.find((f) => f.bdf.endsWith(tail))
  );
}

/** The PF whose SR-IOV VF range holds this requester id, if any. */
function pfOf(machine: Machine, sourceId: number): { pf: PciFunction; vf: number } | undefined {
  for (const f of machine.pci) {
    if (!f.sriov) continue;
    const bus = parseInt(f.bdf.slice(-7, -5), 16);
    const devfn = (parseInt(f.bdf.slice(-4, -2), 16) << 3) | Number(f.bdf.slice(-1));
    const rid = (bus << 8) | devfn;
    for (let i = 0; i < f.sriov.total_vfs; i++) {
      if (rid + f.sriov.first_vf_offset + i * f.sriov.vf_stride === sourceId)
        return { pf: f, vf: i };
    }
  }
  return undefined;
}

function drhdFor(machine: Machine, f: PciFunction | undefined): string | null {
  if (!f) return null;
  const bus = parseInt(f.bdf.slice(-7, -5), 16);
  const dev = parseInt(f.bdf.slice(-4, -2), 16);
  const fn = Number(f.bdf.slice(-1));
  for (const u of machine.iommus) {
    if (u.kind !== 'intel-vtd') continue;
    if (
      u.scopes.some(
        (s) =>
          (s.type === 'endpoint' || s.type === 'bridge') &&
          s.bus === bus &&
          s.path.length === 1 &&
          s.path[0]![0] === dev &&
          s.path[0]![1] === fn,
      )
    )
      return u.register_base;
  }
  const all = machine.iommus.find((u) => u.kind === 'intel-vtd' && u.include_pci_all);
  return all ? `${all.register_base} (INCLUDE_PCI_ALL)` : null;
}

function deviceContext(machine: Machine | undefined, fault: DmarFault): string[] {
  const out: string[] = [];
  if (!machine) return out;
  const f = findDevice(machine, fault.sourceId);
  if (f) {
    out.push(
      `On this machine ${fault.device} is ${f.bdf} [${f.vendor_device}] ${f.name ?? ''}${f.driver ? ` (driver ${f.driver})` : ''}`.trim() +
        '.',
    );
    const unit = drhdFor(machine, f);
    out.push(
      unit
        ? `Its DRHD is ${unit}.`
        : 'No DRHD scope covers it and no DRHD has INCLUDE_PCI_ALL: interrupt remapping cannot set up its MSIs.',
    );
  } else {
    const vf = pfOf(machine, fault.sourceId);
    if (vf)
      out.push(
        `${fault.device} is SR-IOV VF ${vf.vf} of ${vf.pf.bdf} [${vf.pf.vendor_device}]${vf.pf.driver ? ` (${vf.pf.driver})` : ''} (first VF offset ${vf.pf.sriov!.first_vf_offset}, stride ${vf.pf.sriov!.vf_stride}).`,
      );
    else
      out.push(
        `${fault.device} is not a PCI function of this machine (a VF created later, a device behind a bridge using an alias, or a different machine).`,
      );
  }
  return out;
}

function explainFault(fault: DmarFault, machine: Machine | undefined): Explanation {
  const head = `reason ${hx(fault.reason, 2)} (${fault.reason}): ${fault.reasonText}`;
  if (fault.kind === 'DMA') {
    return {
      title: `DMAR DMA ${fault.access} fault from ${fault.device}`,
      meaning: [
        `The IOMMU blocked a DMA ${fault.access.toLowerCase()} by requester ${fault.device} at address ${fault.address}: ${head}.`,
        fault.pasid !== null
          ? `The request carried PASID ${hx(fault.pasid)}.`
          : 'The request carried no PASID.',
        `Log format: ${fault.format === 'decimal' ? '≤5.13 (reason in decimal)' : fault.format === '0x' ? '~5.14 (0x everywhere)' : 'later kernels (0x index/reason)'}.`,
      ],
      causes: [
        ...deviceContext(machine, fault),
        fault.reason === 5 || fault.reason === 6
          ? 'The page is not mapped for this device: a driver using an address it did not map (dma_map_*), firmware DMA into memory without an RMRR, or a device left running by the firmware or a previous kernel (kdump, kexec) before its driver took over.'
          : fault.reason === 1 || fault.reason === 2 || fault.reason === 3
            ? 'The device has no (valid) context entry: it is not attached to a DMA domain yet (DMA before the driver probed), or it uses a requester id the kernel does not know (a DMA alias, a bridge).'
            : 'A translation structure is malformed or points outside what the IOMMU accepts.',
      ],
      check: [
        'Whether the fault repeats (a storm: rate-limited "callbacks suppressed" lines) or happens once at boot, before the driver probes.',
        'The device\'s RMRRs in the DMAR table (irqlab import with the ACPI dump lists them), and "iommu=pt" or the driver\'s own DMA mapping.',
        'lspci -vvv of the device: BusMaster+ while no driver is bound means it was left running.',
      ],
    };
  }
  const meaning = [
    `The VT-d unit's interrupt remapping blocked an interrupt request from ${fault.device}: ${head}.`,
    `Log format: ${fault.format === 'decimal' ? '≤5.13: index in hex without 0x, reason in decimal' : fault.format === '0x' ? '~5.14: every number with 0x' : 'later kernels: index and reason with 0x, bus/device without'}.`,
  ];
  const causes: string[] = deviceContext(machine, fault);
  const check: string[] = [];
  switch (fault.reason) {
    case FAULT_REASON.IR_COMPAT_BLOCKED: {
      const dest = fault.index >> 7;
      meaning.push(
        `A compatibility-format message has no interrupt index; the "index" ${hx(fault.index)} is the message's address bits 19:5, i.e. destination APIC id ${hx(dest)} (address ${hx((0xfee00000 | (dest << 12)) >>> 0, 8)}).`,
      );
      if (machine) {
        const cpu = machine.cpus.list.find((c) => c.apic_id === dest);
        causes.push(
          cpu
            ? `APIC id ${hx(dest)} is CPU ${cpu.cpu}: a destination this kernel would have used without remapping.`
            : `No CPU of this machine has APIC id ${hx(dest)}: the message was not composed for this machine's kernel (a guest's, or stale).`,
        );
        if (!findDevice(machine, fault.sourceId) && pfOf(machine, fault.sourceId))
          causes.push(
            'A bare-metal SR-IOV VF writing a compatibility message is the 5.10-rc1..rc3 regression: VFs kept the default PCI-MSI domain instead of the IR one. Fixed in 5.10-rc4.' +
              (machine.kernel.version ? ` This machine's kernel: ${machine.kernel.version}.` : ''),
          );
        const vmd = machine.pci.find((f) => f.vmd);
        if (vmd)
          causes.push(
            `This machine has a VMD (${vmd.bdf}, domain ${vmd.vmd!.domain.toString(16)}): children of a VMD that bypasses MSI remapping without an IR domain assigned write compatibility messages (fixed by "PCI: vmd: Assign VMD IRQ domain before enumeration").`,
          );
      }
      causes.push(
        'With remapping on, every message must be remappable (address bit 4 set). Compatibility messages come from a device whose MSI was programmed by someone else: a vfio guest writing its own MSI into a passed-through function, firmware, a VF or VMD child that got the non-IR MSI domain, or a driver writing the message itself.',
      );
      check.push(
        'lspci -vvv of the device: "Address: fee0xxxx" with bit 4 clear (e.g. fee00000, fee0100c) is compatibility format; remappable ones look like fee00238 / fee00578 (irqlab import decodes them).',
        'Is the device passed through (vfio-pci driver) or a VF? Does /proc/interrupts show its vectors under IR-PCI-MSI (remapped) or PCI-MSI (not)?',
      );
      break;
    }
    case FAULT_REASON.IR_SID_MISMATCH:
      causes.push(
        'The IRTE for this index only accepts a different requester id (SVT/SQ/SID): the interrupt arrives with an alias id (a PCIe-to-PCI bridge, a DMA-alias quirk, an NTB), or an emulated IOMMU reports another id.',
      );
      check.push(
        'lspci -t: is the device behind a PCIe-to-PCI bridge?',
        'Workaround to confirm: intremap=nosid (SVT 0, no source check).',
      );
      meaning.push(`Interrupt index (IRTE) ${fault.index}.`);
      break;
    case FAULT_REASON.IR_NOT_PRESENT:
      meaning.push(`IRTE ${fault.index} is not present.`);
      causes.push(
        'The device fired after its interrupt was freed or deactivated (free_irq, driver unbind, CPU offline of a managed irq), or it uses a stale message after a reset.',
      );
      check.push(
        'Does the fault follow a driver unload, a reset or suspend? The driver should quiesce the device before free_irq().',
      );
      break;
    case FAULT_REASON.IR_INDEX_BEYOND_TABLE:
      meaning.push(
        `Index ${fault.index} is past the interrupt-remapping table (65536 entries in Linux).`,
      );
      causes.push('The message was not set up by this kernel (a corrupted or foreign handle).');
      check.push(
        "lspci -vvv: decode the device's MSI Address/Data; compare with the IRTE it should use.",
      );
      break;
    case FAULT_REASON.IR_RESERVED_REQUEST:
    case FAULT_REASON.IR_RESERVED_IRTE:
      causes.push(
        'A corrupted message or IRTE (reserved bits set), e.g. a device writing garbage or memory corruption.',
      );
      check.push(
        "Whether it recurs with the same index; the kernel's IRTE contents (CONFIG_INTEL_IOMMU_DEBUGFS ir_translation_struct).",
      );
      break;
    case FAULT_REASON.IR_TABLE_ACCESS:
      causes.push('The IOMMU could not read the table IRTA_REG points to (memory or bus error).');
      check.push('Machine check / memory errors around the same time.');
      break;
    default:
      causes.push('Not an interrupt-remapping reason the kernel knows.');
  }
  return { title: `DMAR INTR-REMAP fault from ${fault.device}`, meaning, causes, check };
}

type Rule = {
  test: RegExp;
  explain: (m: RegExpExecArray, machine: Machine | undefined, line: string) => Explanation;
};

function vectorUsage(machine: Machine | undefined): string[] {
  if (!machine) return [];
  try {
    const sim = simulate(machine);
    const worst = [...sim.vectorUsage].sort((a, b) => a.available - b.available)[0];
    const irqs = sim.irqs.length;
    return worst
      ? [
          `Simulated boot of this machine: ${irqs} irqs; the fullest CPU is CPU ${worst.cpu} with ${worst.allocated} vectors allocated, ${worst.available} available (${worst.managed} reserved for managed irqs).`,
        ]
      : [];
  } catch (err) {
    return [`(the simulation of this machine failed: ${(err as Error).message})`];
  }
}

const RULES: Rule[] = [
  {
    test: /DRHD: handling fault status reg ([0-9a-fA-F]+)/,
    explain: (m) => {
      const s = parseFaultStatus(m[0])!;
      return {
        title: 'DMAR fault interrupt',
        meaning: [
          `FSTS = ${hx(s.status)}: ${s.ppf ? 'primary fault pending (PPF)' : 'no primary fault pending'}${s.pfo ? ', fault overflow (PFO): records were lost' : ''}, first fault record index (FRI) ${s.fri}.`,
          'The fault record itself is the next "DMAR: [...] Request device" line.',
        ],
        causes: [],
        check: ['The following fault line (irqlab explain it).'],
      };
    },
  },
  {
    test: /No free IRQ vectors/,
    explain: (_m, machine) => ({
      title: 'DMAR fault interrupt could not be allocated',
      meaning: [
        "dmar_set_interrupt(): dmar_alloc_hwirq() returned no irq for a VT-d unit's fault interrupt.",
      ],
      causes: [
        'Every DRHD asked DMAR-MSI for the same hwirq and the second got -EEXIST (the 2020 V2 series regression): single-DRHD machines are unaffected.',
        'Vector space exhaustion at boot when all fault irqs land on CPU 0 (many DRHDs).',
        ...(machine
          ? [
              `This machine has ${machine.iommus.filter((u) => u.kind === 'intel-vtd').length} DRHD(s).`,
            ]
          : []),
      ],
      check: [
        'The "DRHD ...: failed to enable fault, interrupt, ret" line after it: -22 (EINVAL/EEXIST path) vs -28 (ENOSPC, vectors).',
      ],
    }),
  },
  {
    test: /DRHD (\S+): failed to enable fault, interrupt, ret (-\d+)/,
    explain: (m, machine) => ({
      title: `DMAR unit ${m[1]}: no fault interrupt (${errnoName(Number(m[2]))})`,
      meaning: [
        `dmar_set_interrupt() failed for DRHD ${m[1]}: its faults will not be reported, and with ${errnoName(Number(m[2]))} the IOMMU probe may stop there.`,
      ],
      causes: [
        Number(m[2]) === -28
          ? 'No vector left at boot: all DMAR fault irqs are set up while only CPU 0 is online (many DRHDs on a big machine; later kernels allocate them per node from a CPU hotplug callback).'
          : 'The DMAR-MSI allocation itself failed: every DRHD asking for hwirq 0 (the 2020 V2 series regression), or a NULL MSI domain callback.',
        ...(machine
          ? [
              `This machine has ${machine.iommus.filter((u) => u.kind === 'intel-vtd').length} DRHD(s) and ${machine.cpus.list.length} CPUs.`,
            ]
          : []),
        ...vectorUsage(machine),
      ],
      check: [
        'The lines before it: "Interrupt reservation exceeds available resources", "No free IRQ vectors", "Can\'t request irq".',
      ],
    }),
  },
  {
    test: /CPU (\d+) has (\d+) vectors, (\d+) available\. Cannot disable CPU/,
    explain: (m, machine) => ({
      title: `CPU ${m[1]} offline refused (lapic_can_unplug_cpu)`,
      meaning: [
        `CPU ${m[1]} holds ${m[2]} vectors that must move, but the other online CPUs have only ${m[3]} free: the offline fails with -ENOSPC.`,
      ],
      causes: [
        "Too many non-managed irqs (or irqs affine to a few CPUs) for the remaining CPUs' vector space (about 200 per CPU).",
        ...vectorUsage(machine),
      ],
      check: [
        '/proc/interrupts: which irqs have CPU ' +
          m[1] +
          ' as effective CPU; move some (smp_affinity) or use managed interrupts.',
      ],
    }),
  },
  {
    test: /(?:^|\s)(-28|ENOSPC)\b/,
    explain: (_m, machine, line) => ({
      title: 'vector space exhausted (-28, ENOSPC)',
      meaning: [`${errnoName(-28)}: an allocation found no free vector (or IRTE block).`],
      causes: [
        /request_irq|request_threaded_irq/.test(line)
          ? 'request_irq() of a reservation-mode irq: no online CPU had a free vector at activation.'
          : 'pci_alloc_irq_vectors(): managed vectors did not fit on some CPU of their mask, or no vector was left at early activation.',
        ...vectorUsage(machine),
      ],
      check: [
        'Earlier "Interrupt reservation exceeds available resources" lines',
        'How many vectors each driver asks (MSI-X table sizes, queues per CPU); /proc/interrupts per CPU.',
      ],
    }),
  },
  {
    test: /Interrupt reservation exceeds available resources/,
    explain: (_m, machine) => ({
      title: 'vector reservations exceed the vector space',
      meaning: [
        'irq_matrix_reserve(): more reservation-mode irqs than free vectors on the online CPUs. The irqs still exist; activation (request_irq) may fail later with -28.',
      ],
      causes: [
        'Many devices with many vectors on few online CPUs (at boot only CPU 0 is online when DMAR/HPET irqs are set up).',
        ...vectorUsage(machine),
      ],
      check: ['Later -28 errors from drivers; the count of irqs per CPU.'],
    }),
  },
  {
    test: /irq (\d+): Affinity broken due to vector space exhaustion/,
    explain: (m) => ({
      title: `irq ${m[1]}: affinity broken`,
      meaning: [
        `No CPU in irq ${m[1]}'s affinity mask had a free vector; the kernel put it on another online CPU.`,
      ],
      causes: ['The CPUs of that mask are full of other vectors.'],
      check: [`/proc/irq/${m[1]}/effective_affinity_list vs smp_affinity_list.`],
    }),
  },
  {
    test: /IR(\d+): can't allocate an IRTE|Failed to allocate IRTE/,
    explain: () => ({
      title: 'interrupt-remapping table full',
      meaning: [
        'alloc_irte() found no free aligned block of IRTEs (65536 per unit; multi-MSI needs 2^n aligned).',
      ],
      causes: ['Very many vectors behind one DRHD, or fragmentation by multi-MSI blocks.'],
      check: ['How many irqs the devices under that DRHD use.'],
    }),
  },
  {
    test: /Requested mask (\S+) exceeds the max invalidation handle mask value (\S+)/,
    explain: (m, machine) => ({
      title: 'multi-MSI block too large for this VT-d unit',
      meaning: [`A block of 2^${m[1]} IRTEs was asked; ECAP.MHMV allows 2^${m[2]}.`],
      causes: [
        'A device asked for more MSI (not MSI-X) vectors than the unit can invalidate at once.',
        ...(machine
          ? machine.iommus
              .filter((u) => u.kind === 'intel-vtd')
              .map(
                (u) =>
                  `DRHD ${u.register_base}: ecap ${u.kind === 'intel-vtd' ? u.ecap : ''} MHMV ${u.kind === 'intel-vtd' ? Number(BigInt(u.ecap) >> 20n) & 0xf : ''}.`,
              )
          : []),
      ],
      check: ['The device falls back to fewer vectors; MSI-X avoids the limit.'],
    }),
  },
  {
    test: /ioapic (\d+) has no mapping iommu/,
    explain: (m, machine) => {
      const id = Number(m[1]);
      const scoped =
        machine?.iommus.flatMap((u) =>
          u.kind === 'intel-vtd'
            ? u.scopes.filter((s) => s.type === 'ioapic').map((s) => s.id)
            : [],
        ) ?? [];
      return {
        title: `IOAPIC ${id} not in any DRHD scope`,
        meaning: [
          'parse_ioapics_under_ir(): interrupt remapping needs every IOAPIC under a DRHD; one is missing, so remapping is disabled.',
        ],
        causes: [
          'A firmware DMAR table without the IOAPIC device scope (or with the wrong enumeration id).',
          ...(machine
            ? [
                `This machine's MADT IOAPIC ids: ${machine.ioapics.map((i) => i.id).join(', ') || 'none'}; DRHD IOAPIC scopes: ${scoped.join(', ') || 'none'}.`,
              ]
            : []),
        ],
        check: [
          'The DMAR table (irqlab import of the ACPI dump shows the scopes); a firmware update; ivrs_ioapic-like overrides do not exist on Intel.',
        ],
      };
    },
  },
  {
    test: /x2apic is disabled because BIOS sets x2apic opt out bit/,
    explain: (_m, machine) => ({
      title: 'x2APIC opt-out (DMAR flags bit 1)',
      meaning: [
        'The firmware asks the OS not to use x2APIC with interrupt remapping: IR runs in xAPIC mode (8-bit destinations).',
      ],
      causes: machine
        ? [
            `Highest APIC id on this machine: ${Math.max(...machine.cpus.list.map((c) => c.apic_id))}${machine.cpus.list.some((c) => c.apic_id > 254) ? ' — above 254: those CPUs cannot be used' : ' — all reachable in xAPIC mode'}.`,
          ]
        : [],
      check: ["intremap=no_x2apic_optout overrides it (the kernel's own hint)."],
    }),
  },
  {
    test: /IRQ remapping doesn't support X2APIC mode/,
    explain: () => ({
      title: 'x2APIC without interrupt remapping',
      meaning: [
        'IR is off or in xAPIC mode, so the kernel keeps xAPIC (or, under a hypervisor, uses the extended destination id).',
      ],
      causes: ['No DMAR/IVRS, IR disabled (intremap=off, firmware bug), or x2APIC opt-out.'],
      check: ['APIC ids above 254 are unusable in this state: count CPUs brought up vs present.'],
    }),
  },
  {
    test: /can't enable MSI \(MSI-X already enabled\)|can't enable MSI-X \(MSI IRQ already assigned\)/,
    explain: () => ({
      title: 'driver mixed MSI and MSI-X',
      meaning: [
        'A device can use MSI or MSI-X, not both at once: the second enable fails with -EINVAL.',
      ],
      causes: ['A driver bug (enabling one without freeing the other).'],
      check: ["The driver's error path around pci_alloc_irq_vectors()."],
    }),
  },
  {
    test: /arch assigned 64-bit MSI address (\S+) but device only supports 32 bits/,
    explain: (m) => ({
      title: '64-bit MSI address for a 32-bit-only device',
      meaning: [
        `msi_verify_entries(): the message address ${m[1]} needs address_hi, the device's MSI is 32-bit: -EIO.`,
      ],
      causes: [
        'A destination needing address_hi (x2APIC ids above 255 without IR on a ≤5.10 kernel).',
      ],
      check: ['lspci -vvv: "MSI: ... 64bit-".'],
    }),
  },
  {
    test: /BUG: kernel NULL pointer dereference/,
    explain: () => ({
      title: 'NULL pointer oops',
      meaning: [
        'A kernel NULL dereference. In interrupt setup the known case is a NULL msi_domain_ops callback: RIP 0010:0x0 under msi_domain_alloc ← __irq_domain_alloc_irqs ← dmar_alloc_hwirq.',
      ],
      causes: [
        'An MSI domain created without MSI_FLAG_USE_DEF_DOM_OPS and without its own get_hwirq/msi_init.',
      ],
      check: ['The call trace: msi_domain_alloc and dmar_set_interrupt / hpet in it.'],
    }),
  },
  {
    test: /Managed startup irq (\d+), no vector available/,
    explain: (m, machine) => ({
      title: `managed irq ${m[1]} has no vector`,
      meaning: [
        'activate_managed(): a managed irq started on a CPU where its reserved vector could not be allocated.',
      ],
      causes: ["Managed reservations larger than the CPU's vector space.", ...vectorUsage(machine)],
      check: ["The device's queue count per CPU."],
    }),
  },
];

/** Explains one log line; null when irqlab does not know the line. */
export function explainLine(line: string, machine?: Machine): Explanation | null {
  const msg = (kernelMessage(line) ?? line).trim();
  const fault = parseFaultLine(msg);
  if (fault) return explainFault(fault, machine);
  for (const rule of RULES) {
    const m = rule.test.exec(msg);
    if (m) return rule.explain(m, machine, msg);
  }
  return null;
}

export function formatExplanation(e: Explanation): string {
  const sect = (name: string, items: string[]) =>
    items.length ? `${name}:\n${items.map((i) => `  - ${i}`).join('\n')}\n` : '';
  return `${e.title}\n${sect('what it means', e.meaning)}${sect('likely causes', e.causes)}${sect('what to check', e.check)}`;
}
