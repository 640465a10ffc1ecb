// The importer's front door: artefacts (already parsed, or text/bytes in memory) -> one machine,
// its provenance, the conflicts between artefacts, and a summary of what was found and what is
// missing. core/import/node/ streams files from disk into the same parsers.
import type { Machine } from '../model/schema';
import { acpiToMachineParts, parseAcpiTables, type ParsedAcpi } from './acpi';
import { DmesgParser, type DmesgResult } from './dmesg';
import { ImportError, formatLocation, type Provenance, type SourceLocation } from './errors';
import { LspciParser, type LspciResult } from './lspci';
import { ProcInterruptsParser, type ProcInterrupts } from './interrupts';
import { mergeParts, type Conflict, type Contribution } from './merge';
import { applyObservedInterrupts } from './observed';
import { kernelEraFor } from '../kernel/profiles';
import { sniffArtefact, type ArtefactKind } from './sniff';
import { SysfsIrqsParser, type SysfsIrqs } from './sysfs-irqs';

export type ParsedArtefact =
  | { kind: 'acpi'; file: string; acpi: ParsedAcpi }
  | { kind: 'dmesg'; file: string; dmesg: DmesgResult }
  | { kind: 'lspci'; file: string; lspci: LspciResult }
  | { kind: 'proc-interrupts'; file: string; interrupts: ProcInterrupts }
  | { kind: 'sysfs-irqs'; file: string; sysfsIrqs: SysfsIrqs };

/** A line-fed parser for each text kind: the Node entry streams files through these. */
export function lineParserFor(
  kind: ArtefactKind,
  file: string,
): { push(line: string): void; finish(): ParsedArtefact } | null {
  switch (kind) {
    case 'dmesg': {
      const p = new DmesgParser(file);
      return { push: (l) => p.push(l), finish: () => ({ kind: 'dmesg', file, dmesg: p.finish() }) };
    }
    case 'lspci': {
      const p = new LspciParser(file);
      return { push: (l) => p.push(l), finish: () => ({ kind: 'lspci', file, lspci: p.finish() }) };
    }
    case 'proc-interrupts': {
      const p = new ProcInterruptsParser(file);
      return {
        push: (l) => p.push(l),
        finish: () => ({ kind: 'proc-interrupts', file, interrupts: p.finish() }),
      };
    }
    case 'sysfs-irqs': {
      const p = new SysfsIrqsParser(file);
      return {
        push: (l) => p.push(l),
        finish: () => ({ kind: 'sysfs-irqs', file, sysfsIrqs: p.finish() }),
      };
    }
    default:
      return null;
  }
}

const KIND_NAMES: Record<ArtefactKind, string> = {
  'acpi-text': 'ACPI tables (acpidump text)',
  'acpi-binary': 'ACPI table (binary)',
  dmesg: 'kernel log (dmesg)',
  lspci: 'lspci output',
  'proc-interrupts': '/proc/interrupts',
  'sysfs-irqs': 'per-irq sysfs table (irqlab collect)',
  'machine-json': 'a machine file (JSON)',
  bzip2: 'bzip2-compressed data',
  gzip: 'gzip-compressed data',
  unknown: 'unknown',
};

export function describeKind(kind: ArtefactKind): string {
  return KIND_NAMES[kind];
}

/** Recognises and parses one artefact held in memory. Throws ImportError. */
export function parseArtefact(file: string, content: string | Uint8Array): ParsedArtefact {
  const bytes =
    typeof content === 'string' ? new TextEncoder().encode(content.slice(0, 65536)) : content;
  const kind = sniffArtefact(bytes.subarray(0, 65536));
  if (kind === 'acpi-binary')
    return {
      kind: 'acpi',
      file,
      acpi: parseAcpiTables(typeof content === 'string' ? bytes : content, file),
    };
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  if (kind === 'acpi-text') return { kind: 'acpi', file, acpi: parseAcpiTables(text, file) };
  const parser = lineParserFor(kind, file);
  if (!parser)
    throw new ImportError(
      { file },
      kind === 'unknown'
        ? 'not an artefact irqlab reads (dmesg, acpidump text or binary ACPI table, lspci, /proc/interrupts)'
        : `${describeKind(kind)}: not an artefact to import${kind === 'bzip2' || kind === 'gzip' ? ' (decompress it first)' : ''}`,
    );
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      if (start < text.length) parser.push(text.slice(start));
      break;
    }
    parser.push(text.slice(start, nl));
    start = nl + 1;
  }
  return parser.finish();
}

export interface ImportResult {
  machine: Machine | null;
  provenance: Provenance;
  conflicts: Conflict[];
  missing: string[];
  /** Validation problems of the merged machine (then `machine` is null). */
  problems: { path: string; message: string }[];
  artefacts: { file: string; kind: ParsedArtefact['kind']; detail: string }[];
  notes: string[];
  /** Kept for comparison with a simulation ("real vs predicted"). */
  interrupts: ProcInterrupts[];
  /** /sys/kernel/irq and /proc/irq per irq (irqlab collect): compared where it says more. */
  sysfsIrqs: SysfsIrqs[];
  dmesg: DmesgResult[];
  lspci: LspciResult[];
  summary: string[];
}

export function importArtefacts(parsed: ParsedArtefact[]): ImportResult {
  const contributions: Contribution[] = [];
  const notes: string[] = [];
  const artefacts: ImportResult['artefacts'] = [];
  const acpi = parsed.filter(
    (p): p is Extract<ParsedArtefact, { kind: 'acpi' }> => p.kind === 'acpi',
  );
  if (acpi.length) {
    // Tables from several files (one .dat each) make one set.
    const parts = acpiToMachineParts(...acpi.map((a) => a.acpi));
    contributions.push({
      kind: 'acpi',
      file: acpi.map((a) => a.file).join(', '),
      part: parts.part,
      provenance: parts.provenance,
    });
    notes.push(...parts.notes);
    for (const a of acpi)
      artefacts.push({
        file: a.file,
        kind: 'acpi',
        detail: `ACPI tables ${a.acpi.tables.map((t) => t.signature).join(', ')}`,
      });
  }
  const dmesg: DmesgResult[] = [];
  const lspci: LspciResult[] = [];
  const interrupts: ProcInterrupts[] = [];
  const sysfsIrqs: SysfsIrqs[] = [];
  for (const p of parsed) {
    if (p.kind === 'dmesg') {
      dmesg.push(p.dmesg);
      contributions.push({
        kind: 'dmesg',
        file: p.file,
        part: p.dmesg.part,
        provenance: p.dmesg.provenance,
        observations: p.dmesg.observations,
      });
      notes.push(...p.dmesg.notes.map((n) => `${p.file}: ${n}`));
      artefacts.push({
        file: p.file,
        kind: 'dmesg',
        detail: `kernel log: ${p.dmesg.format}; ${p.dmesg.kernelLines} of ${p.dmesg.lines} lines the kernel's${p.dmesg.boots > 1 ? `; the last of ${p.dmesg.boots} boots used, from line ${p.dmesg.bootLine}` : ''}`,
      });
    } else if (p.kind === 'lspci') {
      lspci.push(p.lspci);
      contributions.push({
        kind: 'lspci',
        file: p.file,
        part: p.lspci.part,
        provenance: p.lspci.provenance,
        imprecise: p.lspci.imprecise,
        capabilitiesListed: new Set(
          p.lspci.functions.filter((f) => f.capabilitiesListed).map((f) => f.bdf),
        ),
      });
      notes.push(...p.lspci.notes);
      const d = p.lspci.detail;
      artefacts.push({
        file: p.file,
        kind: 'lspci',
        detail: `lspci, ${p.lspci.functions.length} functions${d.ids ? ', ids' : ''}${d.verbose ? ', capabilities' : ''}${d.config ? ', config space' : ''}`,
      });
    } else if (p.kind === 'proc-interrupts') {
      interrupts.push(p.interrupts);
      artefacts.push({
        file: p.file,
        kind: 'proc-interrupts',
        detail: `/proc/interrupts, ${p.interrupts.cpus.length} CPUs, ${p.interrupts.rows.length} irqs (${p.interrupts.layout} layout)`,
      });
    } else if (p.kind === 'sysfs-irqs') {
      sysfsIrqs.push(p.sysfsIrqs);
      artefacts.push({
        file: p.file,
        kind: 'sysfs-irqs',
        detail: `per-irq sysfs table, ${p.sysfsIrqs.rows.length} irqs${p.sysfsIrqs.hasSysfs ? '' : ' (/proc/irq only)'}`,
      });
    }
  }
  if (contributions.some((c) => c.kind === 'acpi' && c.part.platform_irqs))
    for (let i = notes.length - 1; i >= 0; i--)
      if (notes[i]!.includes('ACPI SCI assumed')) notes.splice(i, 1);
  const merged = contributions.length
    ? mergeParts(contributions)
    : {
        machine: null,
        provenance: {},
        conflicts: [],
        missing: ['everything: no dmesg, ACPI tables or lspci given'],
        problems: [],
      };
  if (merged.machine && interrupts.length) {
    // The real /proc/interrupts: capabilities in use, and what no model explains, as observed.
    const capsListed = new Set(
      lspci.flatMap((l) => l.functions.filter((f) => f.capabilitiesListed).map((f) => f.bdf)),
    );
    const legacyMsi = new Map(
      dmesg.flatMap((d) => d.observations.msiIrqs.map((x) => [x.irq, x.bdf] as const)),
    );
    const seen = applyObservedInterrupts(
      merged.machine,
      interrupts[0]!,
      capsListed,
      merged.provenance,
      legacyMsi,
      dmesg.find((d) => d.observations.deviceProbes.length)?.observations,
    );
    merged.machine = seen.machine;
    notes.push(...seen.notes.map((n) => `${interrupts[0]!.file}: ${n}`));
  }
  const result: ImportResult = {
    ...merged,
    artefacts,
    notes,
    interrupts,
    sysfsIrqs,
    dmesg,
    lspci,
    summary: [],
  };
  result.summary = summarize(result);
  return result;
}

/**
 * Interrupt remapping as the log shows it: on (VT-d in x2APIC or xAPIC mode, and why xAPIC; or
 * AMD-Vi), off and why, or not stated; each with its line.
 */
function remappingLine(r: ImportResult, from: (path: string) => string): string {
  const at = (x: SourceLocation | null | undefined) => (x ? ` [${formatLocation(x)}]` : '');
  const d = r.dmesg.find((x) => x.observations.irqRemapping) ?? r.dmesg[0];
  const o = d?.observations;
  const m = r.machine;
  if (o?.irqRemapping === 'amd')
    return `interrupt remapping: AMD-Vi${at(o.lineOf.irqRemapping)}${o.lineOf.amdX2apic ? `, x2APIC mode${at(o.lineOf.amdX2apic)}` : ''}${o.lineOf.amdVapic ? `, virtual APIC${at(o.lineOf.amdVapic)}` : ''}`;
  if (o?.irqRemapping) {
    const why =
      o.irqRemapping === 'xapic' && m?.dmar?.x2apic_opt_out
        ? ` (the firmware's x2APIC opt-out${from('$.dmar.x2apic_opt_out')})`
        : '';
    return `interrupt remapping: VT-d, ${o.irqRemapping} mode${at(o.lineOf.irqRemapping)}${why}`;
  }
  const off = r.dmesg.map((x) => x.observations.irqRemappingOff).find((x) => x);
  if (off) return `interrupt remapping: off: ${off.why}${at(off.at)}`;
  return `interrupt remapping: ${r.dmesg.length ? 'not stated by the log' : 'not stated'}`;
}

function summarize(r: ImportResult): string[] {
  const out: string[] = [];
  for (const a of r.artefacts) out.push(`${a.file}: ${a.detail}`);
  const m = r.machine;
  if (m) {
    // Each inferred fact names where it came from (the first source of its provenance).
    const from = (path: string) => {
      const at = r.provenance[path]?.[0];
      return at ? ` [${formatLocation(at)}]` : '';
    };
    out.push(`machine: ${m.name}${from('$.name')}`);
    out.push(
      `kernel: ${m.kernel.version}${m.kernel.cmdline ? ` (${m.kernel.cmdline.length > 60 ? m.kernel.cmdline.slice(0, 57) + '...' : m.kernel.cmdline})` : ''}${from('$.kernel.version')}`,
    );
    const era = kernelEraFor(m.kernel.version);
    out.push(
      `kernel era: ${era.era.from}+ -> profile ${era.profile.name}${era.era.commit ? ` (from ${era.era.commit.id} "${era.era.commit.title}")` : ''}${era.note ? `; ${era.note}` : ''}${from('$.kernel.version')}`,
    );
    const online = m.cpus.list.filter((c) => c.online).length;
    out.push(
      `CPUs: ${m.cpus.list.length} (${online} online), ${m.cpus.apic_mode}${m.cpus.cpu_has_x2apic ? ', x2APIC capable' : ''}${from('$.cpus.list[0]') || from('$.cpus.online_count')}`,
    );
    out.push(
      `IOAPICs: ${m.ioapics.map((io, i) => `id ${io.id} GSI ${io.gsi_base}-${io.gsi_base + io.pins - 1}${from(`$.ioapics[${i}]`)}`).join('; ') || 'none'}`,
    );
    out.push(remappingLine(r, from));
    m.iommus.forEach((u, i) => {
      if (u.kind !== 'intel-vtd' || u.scopes.length === 0) return;
      const special = u.scopes.filter((s) => s.type === 'ioapic' || s.type === 'hpet');
      if (special.length)
        out.push(
          `  DRHD ${u.register_base} remaps ${special.map((s, n) => `${s.type === 'ioapic' ? 'IOAPIC' : 'HPET'} ${s.id}${from(`$.iommus[${i}].scopes[${u.scopes.indexOf(s) >= 0 ? u.scopes.indexOf(s) : n}]`)}`).join(', ')}`,
        );
    });
    out.push(
      `interrupt source overrides: ${m.interrupt_source_overrides.map((o) => `${o.bus_irq}->${o.gsi}`).join(', ') || 'none'}`,
    );
    out.push(
      `HPET: ${m.hpet ? `${m.hpet.address}, ${m.hpet.timers} comparators${m.hpet.msi_timers.length ? `, MSI channels ${m.hpet.msi_timers.join(',')}` : ''}${from('$.hpet') || from('$.hpet.address')}` : 'none'}`,
    );
    const intel = m.iommus.filter((u) => u.kind === 'intel-vtd');
    const amd = m.iommus.filter((u) => u.kind === 'amd-vi');
    if (m.dmar)
      out.push(
        `DMAR: host address width ${m.dmar.host_address_width}, INTR_REMAP ${m.dmar.intr_remap ? 'on' : 'off'}${from('$.dmar.intr_remap') || from('$.dmar') || ' (the table flag is not logged: assumed)'}${m.dmar.x2apic_opt_out ? ', x2APIC opt-out' : ''}; ${intel.length} DRHD(s), ${m.dmar.rmrr.length} RMRR(s)${from('$.dmar.host_address_width')}`,
      );
    m.iommus.forEach((u, i) => {
      if (u.kind === 'intel-vtd')
        out.push(
          `  DRHD ${u.register_base}${u.include_pci_all ? ' INCLUDE_PCI_ALL' : ''}${u.ecap ? ` ecap ${u.ecap}` : ''}${from(`$.iommus[${i}]`)}`,
        );
    });
    if (amd.length)
      out.push(`IVRS: ${amd.length} AMD IOMMU(s) (${amd.map((u) => u.register_base).join(', ')})`);
    if (!m.dmar && !amd.length)
      out.push(
        r.dmesg.some((d) => d.observations.amdIommus.length)
          ? 'IOMMU: AMD-Vi units named by the log, not in the machine (see missing)'
          : 'IOMMU: none',
      );
    for (const d of r.dmesg) {
      const o = d.observations;
      const at = (x: SourceLocation | undefined) => (x ? ` [${formatLocation(x)}]` : '');
      for (const a of o.amdIommus)
        out.push(
          `  AMD-Vi IOMMU ${a.bdf}${a.capOffset !== null ? ` (cap 0x${a.capOffset.toString(16)})` : ''}${at(a.at)}`,
        );
      if (o.amdEfr)
        out.push(
          `  AMD-Vi EFR ${o.amdEfr}${o.amdEfr2 !== null ? `, EFR2 ${o.amdEfr2}` : ''}${at(o.lineOf.amdEfr)}`,
        );
      for (const v of o.vmdDomains)
        out.push(`VMD ${v.bdf}: PCI domain ${v.domain.toString(16)}${at(v.at)}`);
      if (o.amdAcpiHids.length)
        out.push(
          `  IVRS ACPI-HID entries: ${o.amdAcpiHids.map((h) => `${h.hid} ${h.uid} rdevid ${h.rdevid}${at(h.at)}`).join('; ')}`,
        );
    }
    out.push(
      `PCI: ${m.pci.length} functions, ${m.pci.filter((f) => f.msix).length} with MSI-X, ${m.pci.filter((f) => f.msi).length} with MSI, ${m.pci.filter((f) => f.sriov).length} with SR-IOV`,
    );
    out.push(
      `platform irqs: ${m.platform_irqs.map((p) => `${p.irq} ${p.name}`).join(', ') || 'none'}`,
    );
    if (m.probe_order) out.push(`probe order (from the log): ${m.probe_order.length} functions`);
  } else if (r.problems.length) {
    out.push('no valid machine: the merged facts break the model:');
    for (const p of r.problems) out.push(`  ${p.path}: ${p.message}`);
  }
  const msis = r.lspci.flatMap((l) => l.functions.filter((f) => f.msi?.enabled && f.msi.message));
  if (msis.length) {
    const compat = msis.filter((f) => f.msi!.message!.format === 'compatibility');
    const remap = msis.filter((f) => f.msi!.message!.format === 'remappable');
    out.push(
      `MSI messages (lspci): ${remap.length} remappable, ${compat.length} compatibility format`,
    );
    const ir = r.dmesg.some(
      (d) => d.observations.irqRemapping === 'x2apic' || d.observations.irqRemapping === 'xapic',
    );
    if (ir && compat.length)
      out.push(
        `warning: interrupt remapping is on but ${compat.map((f) => f.bdf).join(', ')} ${compat.length === 1 ? 'has' : 'have'} a compatibility-format MSI: the IOMMU blocks it (fault reason 0x25)`,
      );
  }
  const faults = r.dmesg.flatMap((d) => d.observations.faults);
  if (faults.length)
    out.push(`DMAR faults: ${faults.length} (irqlab explain "<line>" says what they mean)`);
  const errors = r.dmesg.flatMap((d) => d.observations.errors);
  if (errors.length) out.push(`interrupt errors in the log: ${errors.length}`);
  for (const c of r.conflicts)
    out.push(
      `conflict: ${c.path}: ${c.what}: ${c.values.map((v) => `${v.value} (${v.at.map(formatLocation).join(', ') || '?'})`).join(' vs ')}`,
    );
  for (const x of r.missing) out.push(`missing: ${x}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out;
}

export { ImportError, sniffArtefact };
export type { ArtefactKind };
