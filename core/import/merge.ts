// Several artefacts of one machine -> one machine model. Facts are matched by what identifies
// them (APIC id, IOAPIC id, ISA irq, DRHD register base, BDF); where two artefacts disagree the
// conflict is reported with both sources, and the value of the more authoritative artefact (the
// ACPI tables over the log, lspci over the log for PCI) is kept. Every fact keeps its provenance.
import { MachineSchema, type Machine, type MachineInput } from '../model/schema';
import { parseMachine, type Problem } from '../model/validate';
import { addProvenance, type Provenance, type SourceLocation } from './errors';
import type { IommuPart, MachinePart, PciPart } from './part';
import { parentOf } from './dmesg';
import { assumeCapabilities } from './observed';
import type { DmesgObservations } from './dmesg';

export interface Contribution {
  kind: 'acpi' | 'dmesg' | 'lspci';
  file: string;
  part: MachinePart;
  provenance: Provenance;
  observations?: DmesgObservations;
  /** Paths whose value is less precise than the same fact elsewhere (lspci -nn's 4-digit class). */
  imprecise?: Set<string>;
  /** Functions whose capability list this artefact showed (their missing MSI is a fact). */
  capabilitiesListed?: Set<string>;
}

export interface Conflict {
  /** JSON path in the machine. */
  path: string;
  what: string;
  values: { value: string; at: SourceLocation[] }[];
}

export interface MergeResult {
  /** null when the merged facts do not make a valid machine (see `problems`). */
  machine: Machine | null;
  provenance: Provenance;
  conflicts: Conflict[];
  /** Facts the artefacts did not give, and what was assumed instead. */
  missing: string[];
  problems: Problem[];
}

const RANK: Record<Contribution['kind'], number> = { acpi: 3, lspci: 2, dmesg: 1 };

const normHex = (s: string) => `0x${BigInt(s).toString(16)}`;
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

const ELEMENT = /^\$(?:\.[a-z_]+)+\[\d+\]/;
const elementIndex = new WeakMap<Provenance, Map<string, string[]>>();

/** The keys of a provenance map grouped by the list element they are under ("$.pci[3]"). */
function keysUnder(src: Provenance, element: string): string[] {
  let index = elementIndex.get(src);
  if (!index) {
    index = new Map();
    for (const k of Object.keys(src)) {
      const e = ELEMENT.exec(k)?.[0];
      if (!e) continue;
      const list = index.get(e) ?? [];
      list.push(k);
      index.set(e, list);
    }
    elementIndex.set(src, index);
  }
  return index.get(element) ?? [];
}

/** Copies the provenance entries of `from` (a prefix in a part) to `to` (the machine path). */
function moveProvenance(
  src: Provenance,
  fromPrefix: string,
  toPrefix: string,
  dst: Provenance,
): void {
  const keys =
    ELEMENT.exec(fromPrefix)?.[0] === fromPrefix ? keysUnder(src, fromPrefix) : Object.keys(src);
  for (const k of keys) {
    if (k === fromPrefix || k.startsWith(fromPrefix + '.') || k.startsWith(fromPrefix + '[')) {
      for (const at of src[k]!) addProvenance(dst, toPrefix + k.slice(fromPrefix.length), at);
    }
  }
}

/**
 * A value an artefact states less precisely than another gives way to the precise one: lspci
 * -nn's "[0c03]" (prog-if not shown, read as 00) to the kernel's "class 0x0c0330" of the same
 * base and sub class. A different base or sub class stays a conflict.
 */
function refineImprecise(contributions: Contribution[]): Contribution[] {
  const precise = new Map<string, string>();
  for (const c of contributions)
    c.part.pci?.forEach((f, i) => {
      if (f.class && !c.imprecise?.has(`$.pci[${i}].class`)) precise.set(f.bdf, f.class);
    });
  return contributions.map((c) => {
    if (!c.imprecise?.size || !c.part.pci) return c;
    const pci = c.part.pci.map((f, i) => {
      const better = precise.get(f.bdf);
      if (!c.imprecise!.has(`$.pci[${i}].class`) || !better || !f.class) return f;
      return better.slice(0, 6) === f.class.slice(0, 6) ? { ...f, class: better } : f;
    });
    return { ...c, part: { ...c.part, pci } };
  });
}

export function mergeParts(given: Contribution[]): MergeResult {
  const contributions = refineImprecise(given);
  const sorted = [...contributions].sort((a, b) => RANK[b.kind] - RANK[a.kind]);
  const provenance: Provenance = {};
  const conflicts: Conflict[] = [];
  const missing: string[] = [];

  /** Merges keyed objects field by field; the first (most authoritative) value wins, others conflict. */
  function mergeObjects<T extends object>(
    path: string,
    items: { value: T; c: Contribution; from: string }[],
  ): T {
    const out: Record<string, unknown> = {};
    const seen: Record<string, { value: string; at: SourceLocation[] }[]> = {};
    for (const { value, c, from } of items) {
      moveProvenance(c.provenance, from, path, provenance);
      const at = c.provenance[from] ?? [{ file: c.file }];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const s = show(v);
        const list = (seen[k] ??= []);
        const same = list.find((x) => x.value === s);
        if (same) same.at.push(...at);
        else list.push({ value: s, at: [...at] });
        if (!(k in out)) out[k] = v;
      }
    }
    for (const [k, list] of Object.entries(seen))
      if (list.length > 1)
        conflicts.push({
          path: `${path}.${k}`,
          what: `${k} differs between artefacts`,
          values: list,
        });
    return out as T;
  }

  /** Merges the lists of every contribution, matching elements by key. */
  function mergeList<T extends object>(
    name: string,
    get: (p: MachinePart) => T[] | undefined,
    key: (t: T) => string,
  ): T[] | undefined {
    const groups = new Map<string, { value: T; c: Contribution; from: string }[]>();
    let any = false;
    for (const c of sorted) {
      const list = get(c.part);
      if (!list) continue;
      any = true;
      list.forEach((value, i) => {
        const k = key(value);
        const g = groups.get(k) ?? [];
        g.push({ value, c, from: `$.${name}[${i}]` });
        groups.set(k, g);
      });
    }
    if (!any) return undefined;
    return [...groups.values()].map((items, i) => mergeObjects(`$.${name}[${i}]`, items));
  }

  const first = <T>(
    get: (p: MachinePart) => T | undefined,
  ): { value: T; c: Contribution } | undefined => {
    for (const c of sorted) {
      const v = get(c.part);
      if (v !== undefined) return { value: v, c };
    }
    return undefined;
  };

  // The order of elements follows the most authoritative artefact that lists them (the MADT
  // order of IOAPICs and CPUs is what Linux numbers them by).
  const ioapics = mergeList(
    'ioapics',
    (p) => p.ioapics,
    (io) => String(io.id),
  );
  const overrides = mergeList(
    'interrupt_source_overrides',
    (p) => p.interrupt_source_overrides,
    (o) => String(o.bus_irq),
  );
  const iommus = mergeList<IommuPart>(
    'iommus',
    (p) => p.iommus,
    (u) => `${u.kind}:${normHex(u.register_base)}`,
  );
  const pciMerged = mergeList<PciPart>(
    'pci',
    (p) => p.pci,
    (f) => f.bdf,
  );
  const cpuList = mergeList(
    'cpus.list',
    (p) => p.cpus?.list,
    (c) => String(c.apic_id),
  );

  // Kernel and name come from the log.
  const kernelItems = sorted
    .filter((c) => c.part.kernel)
    .map((c) => ({ value: c.part.kernel!, c, from: '$.kernel' }));
  const kernel = kernelItems.length ? mergeObjects('$.kernel', kernelItems) : {};
  if (!kernel.version)
    missing.push('kernel version: no "Linux version" line (mainline behaviour assumed)');
  const name = first((p) => p.name);
  if (name) moveProvenance(name.c.provenance, '$.name', '$.name', provenance);

  // CPUs.
  const cpuFlags = mergeObjects(
    '$.cpus',
    sorted
      .filter((c) => c.part.cpus)
      .map((c) => {
        const { list: _l, possible: _p, online_count: _o, ...flags } = c.part.cpus!;
        return { value: flags, c, from: '$.cpus' };
      }),
  );
  const possible = first((p) => p.cpus?.possible);
  const onlineCount = first((p) => p.cpus?.online_count);
  let cpus = (cpuList ?? []).map((c, i) => ({ ...c, cpu: i }));
  if (cpus.length === 0) {
    const n = onlineCount?.value ?? possible?.value ?? 0;
    if (n > 0) {
      cpus = Array.from({ length: n }, (_, i) => ({ cpu: i, apic_id: i }));
      missing.push(
        `CPU APIC ids: the log only counts ${n} CPUs (newer kernels print the MADT entries at debug level); numbered 0-${n - 1} with APIC id = CPU number. Give the ACPI MADT for the real ids`,
      );
      for (let i = 0; i < n; i++)
        addProvenance(
          provenance,
          `$.cpus.list[${i}]`,
          (onlineCount ?? possible)!.c.provenance['$.cpus.online_count']?.[0] ?? {
            file: (onlineCount ?? possible)!.c.file,
          },
        );
    } else missing.push('CPUs: no MADT and no CPU lines; one CPU assumed');
  }
  if (cpus.length === 0) cpus = [{ cpu: 0, apic_id: 0 }];
  if (possible && onlineCount && cpus.length > onlineCount.value) {
    // The kernel brings CPUs up in MADT order; those past the count stayed offline.
    cpus.forEach((c, i) => {
      if (i >= onlineCount.value) (c as { online?: boolean }).online = false;
    });
  }
  if (
    onlineCount &&
    cpuList &&
    cpuList.length !== onlineCount.value &&
    !(possible && cpuList.length > onlineCount.value)
  )
    conflicts.push({
      path: '$.cpus.list',
      what: `the MADT lists ${cpuList.length} enabled CPUs, the log brought up ${onlineCount.value}`,
      values: [
        { value: String(cpuList.length), at: provenance['$.cpus.list[0]'] ?? [] },
        {
          value: String(onlineCount.value),
          at: onlineCount.c.provenance['$.cpus.online_count'] ?? [],
        },
      ],
    });
  const hasX2 = cpuFlags.cpu_has_x2apic ?? cpus.some((c) => c.apic_id > 254);
  if (cpuFlags.cpu_has_x2apic === undefined)
    missing.push(`CPUID x2APIC support: not stated; assumed ${hasX2 ? 'present' : 'absent'}`);
  if (!cpuFlags.apic_mode) missing.push('APIC mode at hand-over: not stated; xAPIC assumed');

  // IOAPICs: pins and version are the IOAPIC's own registers, only the log shows them.
  for (const [i, io] of (ioapics ?? []).entries()) {
    if (io.pins === undefined)
      missing.push(
        `IOAPIC ${io.id} pins: not stated (only the log's "IOAPIC[n]: ... GSI a-b" line does); 24 assumed`,
      );
    void i;
  }

  // HPET.
  // The comparators are the hardware's capability register, which the driver's log line reads;
  // the ACPI table's copy of it is the firmware's word (and is wrong on some machines).
  const hpetItems = sorted
    .filter((c) => c.part.hpet)
    .sort((a, b) => (a.kind === 'dmesg' ? -1 : 0) - (b.kind === 'dmesg' ? -1 : 0))
    .map((c) => ({ value: c.part.hpet!, c, from: '$.hpet' }));
  const hpet = hpetItems.length ? mergeObjects('$.hpet', hpetItems) : first((p) => p.hpet)?.value;

  // DMAR: the table itself over what the log repeats of it.
  const dmarGiven = sorted.filter((c) => c.part.dmar !== undefined);
  let dmar: MachineInput['dmar'] = null;
  if (dmarGiven.length) {
    const tables = dmarGiven.filter((c) => c.part.dmar);
    const absent = dmarGiven.filter((c) => c.part.dmar === null);
    if (tables.length && absent.length)
      conflicts.push({
        path: '$.dmar',
        what: 'one artefact has a DMAR table, another says the firmware has none',
        values: [
          { value: 'present', at: tables.map((c) => ({ file: c.file })) },
          { value: 'absent', at: absent.map((c) => ({ file: c.file })) },
        ],
      });
    if (tables.length) {
      const top = tables[0]!;
      moveProvenance(top.provenance, '$.dmar', '$.dmar', provenance);
      dmar = { ...top.part.dmar! };
      for (const other of tables.slice(1)) {
        for (const k of ['host_address_width', 'x2apic_opt_out'] as const) {
          const a = top.part.dmar![k];
          const b = other.part.dmar![k];
          if (b !== undefined && a !== undefined && a !== b)
            conflicts.push({
              path: `$.dmar.${k}`,
              what: `${k} differs between artefacts`,
              values: [
                { value: String(a), at: top.provenance[`$.dmar.${k}`] ?? [{ file: top.file }] },
                { value: String(b), at: other.provenance[`$.dmar.${k}`] ?? [{ file: other.file }] },
              ],
            });
        }
        if (top.kind === 'dmesg' && other.kind === 'dmesg') continue;
        const ra = top.part.dmar!.rmrr?.length ?? 0;
        const rb = other.part.dmar!.rmrr?.length ?? 0;
        if (ra !== rb && rb > 0)
          conflicts.push({
            path: '$.dmar.rmrr',
            what: 'the number of RMRRs differs',
            values: [
              { value: String(ra), at: [{ file: top.file }] },
              { value: String(rb), at: [{ file: other.file }] },
            ],
          });
      }
    }
  } else
    missing.push(
      "DMAR table: not given and not ruled out (the log's ACPI table list or an ACPI dump tells)",
    );

  // IOMMUs: the log names the DRHDs and their cap/ecap, the table their scopes.
  const obs = sorted.map((c) => c.observations).filter((o): o is DmesgObservations => !!o);
  const units = (iommus ?? []).map((u) => ({ ...u }));
  const tableScopes = sorted.some((c) => c.kind === 'acpi' && c.part.iommus);
  if (!tableScopes) scopesFromLog(units, obs, provenance, missing);
  for (const o of obs) {
    for (const s of o.irScopes) {
      const u = units.find((x) => x.kind === 'intel-vtd' && normHex(x.register_base) === s.drhd);
      if (!u || u.kind !== 'intel-vtd' || !u.scopes || !tableScopes) continue;
      if (!u.scopes.some((x) => x.type === s.type && x.id === s.id))
        conflicts.push({
          path: `$.iommus[${units.indexOf(u)}].scopes`,
          what: `the log puts ${s.type.toUpperCase()} ${s.id} under DRHD ${s.drhd}, the table's scopes of that DRHD do not list it`,
          values: [{ value: `${s.type} ${s.id}`, at: [s.at] }],
        });
    }
    if (o.amdIommus.length && !units.some((u) => u.kind === 'amd-vi'))
      missing.push(
        `AMD IOMMU(s) at ${o.amdIommus.map((a) => a.bdf).join(', ')}: register base and device entries need the IVRS table`,
      );
  }
  // The boot log lists every DRHD the kernel found: one the table has and the log not (or the
  // reverse) means the two artefacts are not of the same firmware.
  const tableUnits = sorted.find((c) => c.kind === 'acpi' && c.part.iommus)?.part.iommus;
  for (const c of sorted.filter(
    (x) => x.kind === 'dmesg' && x.part.iommus?.some((u) => u.kind === 'intel-vtd'),
  )) {
    if (!tableUnits) break;
    const logBases = new Set(c.part.iommus!.map((u) => normHex(u.register_base)));
    const tableBases = new Set(tableUnits.map((u) => normHex(u.register_base)));
    for (const base of new Set([...logBases, ...tableBases])) {
      if (logBases.has(base) && tableBases.has(base)) continue;
      const i = units.findIndex((u) => normHex(u.register_base) === base);
      conflicts.push({
        path: `$.iommus[${i}]`,
        what: `DRHD ${base} is in ${logBases.has(base) ? 'the log' : 'the DMAR table'} only`,
        values: [{ value: base, at: provenance[`$.iommus[${i}]`] ?? [] }],
      });
    }
  }
  for (const u of units)
    if (u.kind === 'intel-vtd' && !u.cap)
      missing.push(
        `DRHD ${u.register_base}: cap/ecap not stated (the log's "dmar%d: reg_base_addr" line); defaults assumed`,
      );

  // PCI: only functions with ids and a class can go into the model.
  const pciAll = pciMerged ?? [];
  const pci: PciPart[] = [];
  const pciIndex = new Map<number, number>();
  pciAll.forEach((f, i) => {
    if (f.vendor_device && f.class) {
      pciIndex.set(i, pci.length);
      pci.push({ ...f });
    }
  });
  const dropped = pciAll.length - pci.length;
  if (dropped)
    missing.push(
      `${dropped} PCI function(s) without vendor:device or class (plain lspci without -n); lspci -nn or the boot log gives them`,
    );
  if (pciIndex.size !== pciAll.length) {
    // Re-key the provenance of the functions kept.
    const moved: Provenance = {};
    for (const [from, to] of pciIndex)
      moveProvenance(provenance, `$.pci[${from}]`, `$.pci[${to}]`, moved);
    elementIndex.delete(provenance);
    for (const k of Object.keys(provenance)) if (k.startsWith('$.pci[')) delete provenance[k];
    Object.assign(provenance, moved);
  }
  busClaims(pci, sorted, provenance, conflicts);
  for (const f of pci) f.parent = parentOf(f, pci);
  for (const o of obs)
    for (const [bdf, vfs] of o.sriovTotalVfs) {
      const f = pci.find((x) => x.bdf === bdf);
      if (f && !f.sriov)
        missing.push(
          `SR-IOV of ${bdf}: the log shows BARs for ${vfs} VFs; lspci -vvv gives the VF device id the model needs`,
        );
    }
  const noGsi = pci.filter((f) => f.intx_pin && f.intx_gsi === undefined).length;
  if (noGsi)
    missing.push(
      `INTx routing of ${noGsi} function(s): not shown (lspci -vvv's "routed to IRQ" with MSI off gives it)`,
    );
  if (pci.length === 0) missing.push('PCI devices: give lspci -nn -vvv or the boot log');

  // Platform irqs: the log's list in order; the FADT says the SCI's irq.
  const logPlatform = sorted.find((c) => c.kind === 'dmesg' && c.part.platform_irqs)?.part
    .platform_irqs;
  const sci = sorted.find((c) => c.kind === 'acpi' && c.part.platform_irqs)?.part
    .platform_irqs?.[0];
  let platform = logPlatform ? logPlatform.map((p) => ({ ...p })) : [];
  if (sci) {
    const s = platform.find((p) => p.name === 'acpi');
    if (s) s.irq = sci.irq;
    else platform = [sci, ...platform];
  }
  const platProv = sorted.find((c) => c.kind === 'dmesg' && c.part.platform_irqs);
  if (platProv)
    moveProvenance(platProv.provenance, '$.platform_irqs', '$.platform_irqs', provenance);

  // Probe order: the drivers' first lines and the INTx links they enabled, in log order.
  let probe: string[] | undefined;
  const events = obs.flatMap((o) => o.probeEvents);
  const enumeration = obs.find((o) => o.enumeration.length)?.enumeration ?? [];
  const enumIndex = new Map(enumeration.map((b, i) => [b, i]));
  const inEnumeration = [...pci].sort(
    (a, b) =>
      (enumIndex.get(a.bdf) ?? Infinity) - (enumIndex.get(b.bdf) ?? Infinity) ||
      (a.bdf < b.bdf ? -1 : 1),
  );
  const hdaFns = inEnumeration.filter((f) => f.class?.startsWith('0x0403')).map((f) => f.bdf);
  const virtioFns = inEnumeration
    .filter((f) => f.vendor_device?.startsWith('1af4:'))
    .map((f) => f.bdf);
  if (events.length) {
    const placed = new Set<string>();
    probe = [];
    const bdfByIndex = new Map(pci.map((f) => [f.bdf, f]));
    for (const [at, e] of events.entries()) {
      if ('bdf' in e) {
        if (!placed.has(e.bdf) && pci.some((f) => f.bdf === e.bdf)) {
          placed.add(e.bdf);
          probe.push(e.bdf);
        }
      } else if ('hdaCard' in e) {
        // Card N's controller: the N-th HD audio function in enumeration order (ALSA numbers cards
        // in probe order; other sound drivers taking numbers first are not modelled here).
        const f = hdaFns[e.hdaCard];
        if (f && !placed.has(f)) {
          placed.add(f);
          probe.push(f);
        }
      } else if ('virtio' in e) {
        // virtioN is the N-th virtio function virtio_pci bound, in enumeration order.
        const f = virtioFns[e.virtio];
        if (f && !placed.has(f)) {
          placed.add(f);
          probe.push(f);
        }
      } else {
        // pci_enable_device() prints "Enabled at IRQ" for the function its driver probes: when
        // the very next event is a driver line of a function on that GSI, it names the function
        // (several share a link); otherwise the lowest BDF on it.
        const after = events[at + 1];
        const next =
          after &&
          'bdf' in after &&
          !placed.has(after.bdf) &&
          bdfByIndex.get(after.bdf)?.intx_gsi === e.gsi
            ? after
            : undefined;
        // Before any driver has probed, a USB host controller's link no driver line follows was
        // enabled by a PCI fixup: quirk_usb_early_handoff (drivers/usb/host/pci-quirks.c, a final
        // fixup for every USB host controller) calls pci_enable_device() during enumeration.
        const driverSeen = events.slice(0, at).some((x) => !('gsi' in x));
        const f = next
          ? bdfByIndex.get(next.bdf)
          : [...pci]
              .sort((a, b) => (a.bdf < b.bdf ? -1 : 1))
              .find((x) => x.intx_gsi === e.gsi && !placed.has(x.bdf));
        if (!next && !driverSeen && f?.class?.startsWith('0x0c03')) continue;
        if (f) {
          placed.add(f.bdf);
          probe.push(f.bdf);
        }
      }
    }
    for (const f of pci)
      if (!f.driver) {
        const ev = events.find((e) => 'bdf' in e && e.bdf === f.bdf) as
          { driver: string } | undefined;
        if (ev) f.driver = ev.driver;
      }
    if (probe.length === 0) probe = undefined;
    // The rest probe in the order the kernel enumerated them (root buses in ACPI order), which
    // the log shows when it lists the functions.
    else if (enumeration.length)
      for (const f of inEnumeration) if (!placed.has(f.bdf)) probe.push(f.bdf);
  }

  // Where probes went on asynchronously (nvme), the order that work ended, as the log shows it.
  const asyncOrder = obs
    .flatMap((o) => o.asyncOrder)
    .filter((b, i, all) => all.indexOf(b) === i && pci.some((f) => f.bdf === b));
  portKinds(pci, obs);
  const machine: MachineInput = {
    name: name?.value ?? 'imported machine',
    description: `Imported from ${[...new Set(contributions.map((c) => c.file))].join(', ')}`,
    kernel: { version: kernel.version ?? 'mainline', cmdline: kernel.cmdline ?? '' },
    cpus: {
      apic_mode: cpuFlags.apic_mode ?? 'xapic',
      cpu_has_x2apic: hasX2,
      ...(cpuFlags.arat !== undefined ? { arat: cpuFlags.arat } : {}),
      ...(cpuFlags.fadt_apic_physical !== undefined
        ? { fadt_apic_physical: cpuFlags.fadt_apic_physical }
        : {}),
      list: cpus,
    },
    ioapics: (ioapics ?? []).map((io) => ({
      address: '0x0',
      gsi_base: 0,
      ...io,
    })) as MachineInput['ioapics'],
    interrupt_source_overrides: overrides as MachineInput['interrupt_source_overrides'],
    hpet: hpet && hpet.address ? (hpet as NonNullable<MachineInput['hpet']>) : null,
    dmar,
    iommus: units,
    pci: pci as MachineInput['pci'],
    platform_irqs: platform,
    ...(probe ? { probe_order: probe } : {}),
    ...(asyncOrder.length > 1 ? { async_order: asyncOrder } : {}),
    irq_requests: [],
  };
  if (!hpet) missing.push('HPET: not stated');
  const listed = new Set(contributions.flatMap((c) => [...(c.capabilitiesListed ?? [])]));
  assumeCapabilities(machine, listed, missing);
  const parsed = parseMachine(machine);
  return {
    machine: parsed.ok ? parsed.machine : null,
    provenance,
    conflicts,
    missing,
    problems: parsed.ok ? [] : parsed.errors,
  };
}

/**
 * One bus is behind one bridge. Two artefacts of different boots (or of two boards of one
 * family) can put a bus behind different bridges: the log's `00:1c.2: PCI bridge to [bus 08]`,
 * lspci's `00:1c.3 ... secondary=08`, each listing only its own bridge. The claim of the more
 * authoritative artefact stands (the same rank as every other PCI fact); the other bridge keeps
 * its identity but loses its bus range, and the clash is a conflict naming both, so the merged
 * tree is still one the kernel could have enumerated.
 */
function busClaims(
  pci: PciPart[],
  sorted: Contribution[],
  provenance: Provenance,
  conflicts: Conflict[],
): void {
  // The highest rank of an artefact stating each bridge's secondary bus as merged.
  const rankOf = (f: PciPart): number => {
    for (const c of sorted)
      if (c.part.pci?.some((x) => x.bdf === f.bdf && x.secondary_bus === f.secondary_bus))
        return RANK[c.kind];
    return 0;
  };
  const byBus = new Map<string, number[]>();
  pci.forEach((f, i) => {
    if (f.secondary_bus === undefined || f.kind === 'vmd') return;
    const key = `${f.bdf.slice(0, f.bdf.length - 8)}:${f.secondary_bus}`;
    byBus.set(key, [...(byBus.get(key) ?? []), i]);
  });
  for (const claims of byBus.values()) {
    if (claims.length < 2) continue;
    // Stable: equal ranks keep the merged (most authoritative artefact's) order.
    const ranked = [...claims].sort((a, b) => rankOf(pci[b]!) - rankOf(pci[a]!));
    const bus = pci[ranked[0]!]!.secondary_bus!.toString(16).padStart(2, '0');
    conflicts.push({
      path: `$.pci[${ranked[1]}].secondary_bus`,
      what: `bus ${bus} is the secondary bus of ${ranked.map((i) => pci[i]!.bdf).join(' and of ')} in different artefacts (of different boots or boards?); ${pci[ranked[0]!]!.bdf}'s is kept`,
      values: ranked.map((i) => ({
        value: pci[i]!.bdf,
        at: provenance[`$.pci[${i}].secondary_bus`] ?? provenance[`$.pci[${i}]`] ?? [],
      })),
    });
    for (const i of ranked.slice(1)) {
      delete pci[i]!.secondary_bus;
      delete pci[i]!.subordinate_bus;
    }
  }
}

/**
 * A bridge no artefact typed (lspci without -v, a log that does not name the port type) is a PCIe
 * port when the port driver started services on it: a root port on a root bus, else a switch
 * port below one. Services the log shows are kept for the port driver's model.
 */
function portKinds(pci: PciPart[], obs: DmesgObservations[]): void {
  const services = new Map<string, Set<string>>();
  for (const o of obs)
    for (const [bdf, s] of o.portServices) services.set(bdf, new Set(s.services));
  const byBdf = new Map(pci.map((f) => [f.bdf, f]));
  // Parents first: a switch port's type follows its parent's.
  const depth = (f: PciPart): number => {
    let d = 0;
    for (let p = f.parent; p && d < 256; p = byBdf.get(p)?.parent) d++;
    return d;
  };
  for (const f of [...pci].sort((a, b) => depth(a) - depth(b))) {
    const s = services.get(f.bdf);
    if (s && (!f.kind || f.kind === 'root-port' || f.kind.startsWith('pcie-switch'))) {
      const order = ['pme', 'aer', 'pciehp', 'dpc', 'bwctrl'] as const;
      f.port_services = order.filter((x) => s.has(x));
    }
    // A PCI-to-PCI bridge by class is one even when its bus range was lost to another artefact's.
    const bridge = f.secondary_bus !== undefined || /^0x0604/.test(f.class ?? '');
    if (!bridge || (f.kind && f.kind !== 'endpoint')) continue;
    if (!s && f.driver !== 'pcieport') {
      f.kind = 'pci-bridge';
      continue;
    }
    const parent = f.parent ? byBdf.get(f.parent) : undefined;
    f.kind = !parent
      ? 'root-port'
      : parent.kind === 'pcie-switch-upstream'
        ? 'pcie-switch-downstream'
        : 'pcie-switch-upstream';
  }
}

/**
 * Without the DMAR table, the log's `DMAR-IR: IOAPIC id 2 under DRHD base 0xfed91000 IOMMU 1`
 * lines (ir_parse_one_ioapic_scope / ir_parse_one_hpet_scope print them from the table's scopes)
 * are the IOAPIC and HPET scopes. The log omits the scope's bus and path (the source-id the
 * IOAPIC's messages carry), so Intel's PCH convention is assumed: IOAPIC F0:1F.0, HPET 00:1F.0.
 * Endpoint and bridge scopes are not logged: devices then fall to the INCLUDE_PCI_ALL unit.
 */
function scopesFromLog(
  units: IommuPart[],
  obs: DmesgObservations[],
  provenance: Provenance,
  missing: string[],
): void {
  const scopes = obs.flatMap((o) => o.irScopes);
  const vtd = units.filter((u) => u.kind === 'intel-vtd');
  if (vtd.length === 0) return;
  let assumed = false;
  for (const s of scopes) {
    const i = units.findIndex((x) => x.kind === 'intel-vtd' && normHex(x.register_base) === s.drhd);
    const u = units[i];
    if (!u || u.kind !== 'intel-vtd') continue;
    const list = (u.scopes ??= []);
    if (list.some((x) => x.type === s.type && x.id === s.id)) continue;
    addProvenance(provenance, `$.iommus[${i}].scopes[${list.length}]`, s.at);
    list.push({ type: s.type, id: s.id, bus: s.type === 'ioapic' ? 0xf0 : 0, path: [[0x1f, 0]] });
    assumed = true;
  }
  if (assumed)
    missing.push(
      "DRHD IOAPIC/HPET scopes: taken from the log's DMAR-IR lines; their source-ids are not logged (Intel's PCH convention assumed: IOAPIC F0:1F.0, HPET 00:1F.0)",
    );
  if (vtd.some((u) => !u.include_pci_all))
    missing.push(
      'DRHD endpoint/bridge scopes: not logged (the ACPI DMAR table has them); every device is placed under the INCLUDE_PCI_ALL unit',
    );
}

export { MachineSchema };
