// What a real /proc/interrupts adds to an imported machine. Two kinds of fact, kept apart:
// - capabilities the other artefacts did not show (plain `lspci` lists no MSI/MSI-X): a device
//   with PCI-MSI rows has the capability, with at least that many vectors;
// - behaviour irqlab has no model for: the rows of a device whose driver is not modelled become
//   an *observed* request (mode, count, action names), and IO-APIC rows no modelled device or
//   platform line explains become observed platform irqs; rows on a GPIO controller's chip
//   (intel-gpio, amd_gpio) become observed GPIO irqs, mapped where their consumer probed. The
//   simulation then allocates them in the kernel's way, so a what-if (more CPUs, IR off, another
//   kernel) still runs on them.
// Modelled drivers are never overridden: their rows are the prediction the comparison checks.
import { driverFor } from '../kernel/drivers/catalogue';
import { simulate } from '../scenario';
import { profileForKernel } from '../kernel/profiles';
import type { Machine, MachineInput } from '../model/schema';
import { parseMachine } from '../model/validate';
import type { DmesgObservations } from './dmesg';
import { addProvenance, type Provenance } from './errors';
import {
  decodePciMsiHwirq,
  gpioChipOf,
  parseProcInterrupts,
  type GpioChip,
  type InterruptRow,
  type ProcInterrupts,
} from './interrupts';

const PER_DEVICE_CHIP =
  /^(?:IR-)?PCI-MSI(X)?-((?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])$/i;
const GLOBAL_MSI_CHIP = /^(?:IR-|AMD-IR-)?PCI-MSI(?:-\d+)?$/;
const IOAPIC_CHIP = /^(?:IR-)?IO-APIC$/;

interface DeviceRows {
  /** MSI-X or MSI when the chip name says (6.2+); null when the global domain hides it. */
  mode: 'msi' | 'msix' | null;
  /** Vector index -> the row. */
  entries: Map<number, InterruptRow>;
  firstIrq: number;
}

/** The PCI function each MSI row belongs to, by its per-device chip name or its global hwirq. */
export function msiRowsByDevice(
  interrupts: ProcInterrupts,
  legacyMsiIrqs: Map<number, string> = new Map(),
): Map<string, DeviceRows> {
  const out = new Map<string, DeviceRows>();
  const add = (bdf: string, mode: DeviceRows['mode'], index: number, row: InterruptRow) => {
    const d = out.get(bdf) ?? { mode, entries: new Map(), firstIrq: row.irq };
    d.entries.set(index, row);
    d.firstIrq = Math.min(d.firstIrq, row.irq);
    out.set(bdf, d);
  };
  for (const row of interrupts.rows) {
    let r: RegExpExecArray | null;
    if ((r = PER_DEVICE_CHIP.exec(row.chip))) {
      const bdf = r[2]!.length === 7 ? `0000:${r[2]}` : r[2]!.toLowerCase();
      add(bdf, r[1] ? 'msix' : 'msi', row.hwirq ?? 0, row);
    } else if (GLOBAL_MSI_CHIP.test(row.chip) && row.hwirq !== null) {
      const { bdf, index } = decodePciMsiHwirq(row.hwirq);
      add(bdf, null, index, row);
    } else if (GLOBAL_MSI_CHIP.test(row.chip) && legacyMsiIrqs.has(row.irq)) {
      // Pre-4.x layout: no hwirq column; the log's "irq N for MSI/MSI-X" names the device.
      const bdf = legacyMsiIrqs.get(row.irq)!;
      add(bdf, null, out.get(bdf)?.entries.size ?? 0, row);
    }
  }
  return out;
}

export interface ObservedResult {
  machine: Machine;
  /** What was taken from the real /proc/interrupts, one line each, for the summary. */
  notes: string[];
  /** BDFs whose interrupts follow an observed behaviour (not a driver model). */
  observedDevices: string[];
}

/**
 * Adds what `interrupts` shows to `machine`: capabilities, observed requests and platform irqs,
 * and the order drivers allocated in (each device's first dynamic irq). `capsListed` are the
 * functions whose capability list an artefact showed (their missing MSI is a fact).
 */
export function applyObservedInterrupts(
  machine: Machine,
  interrupts: ProcInterrupts,
  capsListed: Set<string>,
  provenance: Provenance,
  legacyMsiIrqs: Map<number, string> = new Map(),
  /** The log's probe order (where a GPIO pin's consumer probed), when a log was given. */
  log?: Pick<DmesgObservations, 'probeEvents' | 'deviceProbes'>,
): ObservedResult {
  const notes: string[] = [];
  const observedDevices: string[] = [];
  const m = structuredClone(machine) as MachineInput & Machine;
  const rows = msiRowsByDevice(interrupts, legacyMsiIrqs);
  const at = (row: InterruptRow) => row.at;

  m.pci.forEach((f, i) => {
    const d = rows.get(f.bdf);
    if (!d) return;
    const count = Math.max(...d.entries.keys()) + 1;
    const mode = d.mode ?? (f.msix ? 'msix' : f.msi ? 'msi' : count > 1 ? 'msix' : 'msi');
    if (!capsListed.has(f.bdf)) {
      // The per-device chip name says which capability is in use: an assumed other one goes.
      if (d.mode === 'msi') f.msix = null;
      if (d.mode === 'msix') f.msi = null;
      if (mode === 'msix' && (!f.msix || f.msix.table_size < count)) {
        f.msix = { table_size: count, bar: 0, offset: '0x0' };
        notes.push(`${f.bdf}: MSI-X capability with at least ${count} vectors (seen in use)`);
      } else if (mode === 'msi' && (!f.msi || f.msi.vectors_max < count)) {
        let max = 1;
        while (max < count) max <<= 1;
        f.msi = { vectors_max: max, is_64bit: true, per_vector_mask: false };
        notes.push(`${f.bdf}: MSI capability with ${count} vector(s) (seen in use)`);
      }
      for (const row of d.entries.values())
        addProvenance(provenance, `$.pci[${i}].${mode === 'msix' ? 'msix' : 'msi'}`, at(row));
    }
    const modelled =
      (f.kind === 'endpoint' || f.kind === 'root-port') && driverFor(f.vendor_device, f.class);
    if (modelled || m.irq_requests.some((r) => r.device === f.bdf)) return;
    const names = Array.from({ length: count }, (_, n) => d.entries.get(n)?.actions[0] ?? '');
    // A driver no artefact named goes by its action (most drivers request under their name).
    if (!f.driver && names[0]) f.driver = names[0].replace(/[:\s].*$/, '');
    m.irq_requests.push({
      device: f.bdf,
      prefer: [mode],
      min_vecs: 1,
      max_vecs: count,
      managed: false,
      pre_vectors: 0,
      post_vectors: 0,
      names,
      source: 'observed',
    });
    for (const row of d.entries.values())
      addProvenance(provenance, `$.irq_requests[${m.irq_requests.length - 1}]`, at(row));
    observedDevices.push(f.bdf);
    notes.push(
      `${f.bdf}${f.driver ? ` (${f.driver})` : ''}: driver not modelled; ${count} ${mode === 'msix' ? 'MSI-X' : 'MSI'} vector(s) as observed`,
    );
  });

  // Probe order: drivers allocate their dynamic irqs as they probe, so each device's first irq
  // orders it among the log's; devices without MSI rows keep their place in the log's order (an
  // INTx-only sdhci probed between two MSI users took its mmc index there).
  const seen = [...rows.entries()]
    .filter(([bdf]) => m.pci.some((f) => f.bdf === bdf))
    .sort((a, b) => a[1].firstIrq - b[1].firstIrq)
    .map(([bdf]) => bdf);
  if (seen.length) {
    const queue = [...seen];
    const order = (m.probe_order ?? []).map((b) => (seen.includes(b) ? queue.shift()! : b));
    m.probe_order = [...order, ...queue];
  }

  // IO-APIC rows nothing modelled requests: observed platform users of that pin.
  const first = parseMachine(m);
  if (!first.ok) return { machine, notes, observedDevices };
  const predicted = parseProcInterrupts(simulate(first.machine).procInterrupts(), 'predicted');
  const explained = new Set(predicted.rows.flatMap((r) => r.actions.map((a) => `${r.hwirq}/${a}`)));
  for (const row of interrupts.rows) {
    if (!IOAPIC_CHIP.test(row.chip) || row.hwirq === null) continue;
    const gsi = gsiOfRow(m, row);
    if (gsi === null) continue;
    for (const action of row.actions) {
      if (explained.has(`${row.hwirq}/${action}`)) continue;
      addProvenance(provenance, `$.platform_irqs[${m.platform_irqs.length}]`, at(row));
      m.platform_irqs.push({
        irq: gsi,
        name: action,
        source: 'observed',
        ...(row.trigger ? { trigger: row.trigger } : {}),
      });
      notes.push(`GSI ${gsi} ${action}: requested by a driver irqlab does not model (as observed)`);
    }
  }
  addGpioIrqs(m, interrupts, rows, provenance, notes, log);
  const done = parseMachine(m);
  return { machine: done.ok ? done.machine : first.machine, notes, observedDevices };
}

/** IO-APIC actions of GPIO controllers: pinctrl-intel's ACPI devices, pinctrl-amd's module. */
const GPIO_CONTROLLER: Record<GpioChip, RegExp> = {
  'intel-gpio': /^(?:INT3[0-9A-F]{3}|INTC\d{4}):[0-9a-f]{2}$/,
  amd_gpio: /^(?:pinctrl_amd|AMDI?0030:[0-9a-f]{2})$/,
};

/**
 * Rows on a GPIO controller's chip: each action is a consumer whose pin (the hwirq) is mapped to
 * the next free irq when it probes. Where it probed: after the PCI functions whose drivers
 * printed before its driver's first line about it, when the log shows one; else after the
 * device whose dynamic irqs come just below the row's.
 */
function addGpioIrqs(
  m: MachineInput & Machine,
  interrupts: ProcInterrupts,
  rows: Map<string, DeviceRows>,
  provenance: Provenance,
  notes: string[],
  log?: Pick<DmesgObservations, 'probeEvents' | 'deviceProbes'>,
): void {
  const order = m.probe_order ?? [...m.pci].map((f) => f.bdf).sort();
  for (const row of interrupts.rows) {
    const chip = gpioChipOf(row);
    if (!chip) continue;
    const pin = row.hwirq!;
    const controller =
      interrupts.rows
        .filter((r) => /IO-APIC/.test(r.chip))
        .flatMap((r) => r.actions)
        .find((a) => GPIO_CONTROLLER[chip].test(a)) ?? chip;
    for (const name of row.actions) {
      if (m.gpio_irqs.some((g) => g.chip === chip && g.pin === pin && g.name === name)) continue;
      const line = log?.deviceProbes.find(
        (d) => d.driver === name || d.device.replace(/^(?:i2c|spi)-/, '') === name,
      );
      let after: string | null;
      if (line) {
        const before = new Set(
          log!.probeEvents.slice(0, line.events).flatMap((e) => ('bdf' in e ? [e.bdf] : [])),
        );
        after = order.filter((b) => before.has(b)).pop() ?? null;
      } else {
        const below = [...rows.entries()]
          .filter(([bdf, d]) => d.firstIrq < row.irq && m.pci.some((f) => f.bdf === bdf))
          .sort((a, b) => a[1].firstIrq - b[1].firstIrq);
        after = below.pop()?.[0] ?? null;
      }
      addProvenance(provenance, `$.gpio_irqs[${m.gpio_irqs.length}]`, row.at);
      if (line) addProvenance(provenance, `$.gpio_irqs[${m.gpio_irqs.length}].after`, line.at);
      m.gpio_irqs.push({
        controller,
        chip,
        pin,
        name,
        ...(line ? { device: line.device } : {}),
        ...(row.trigger ? { trigger: row.trigger } : {}),
        after,
        source: 'observed',
      });
      notes.push(
        `${controller} pin ${pin} ${name}: a GPIO interrupt, mapped when ${line ? line.device : 'its consumer'} probed, ${after ? `after ${after}'s driver` : 'before the PCI drivers'} (${line ? 'the log' : 'its irq number'} says where)`,
      );
    }
  }
}

/**
 * Functions whose capabilities no artefact listed (plain `lspci`, a log alone) and whose driver
 * irqlab models get the capability that driver asks for first, sized for what it would request
 * on this machine: without it the model could only fall back to INTx, which the real driver did
 * not. Each assumption is said in `missing`.
 */
export function assumeCapabilities(
  machine: MachineInput,
  capsListed: Set<string>,
  missing: string[],
): void {
  const cpus = machine.cpus.list.filter((c) => c.online !== false).length || 1;
  const assumed: string[] = [];
  for (const f of machine.pci ?? []) {
    if (capsListed.has(f.bdf) || f.msi || f.msix) continue;
    if (f.kind !== undefined && f.kind !== 'endpoint' && f.kind !== 'root-port') continue;
    const driver = driverFor(f.vendor_device, f.class, f.driver);
    if (!driver) continue;
    // Asked with a table larger than any device's, the plan says what the driver would use here.
    const plans = driver.plan({
      cpus,
      msixTableSize: 2048,
      msiMax: 32,
      hasIntx: true,
      bdf: f.bdf,
      vendorDevice: f.vendor_device.toLowerCase(),
      vfs: 0,
      instance: 0,
      netdev: 'eth0',
      profile: profileForKernel(machine.kernel.version),
    });
    const plan = plans[0];
    if (!plan) continue;
    const usual = driver.assumedCapability?.(f.vendor_device);
    if (usual) {
      if (usual.kind === 'msix') f.msix = { table_size: usual.vectors, bar: 0, offset: '0x0' };
      else f.msi = { vectors_max: usual.vectors, is_64bit: true, per_vector_mask: false };
      assumed.push(`${f.bdf} ${usual.kind === 'msix' ? 'MSI-X' : 'MSI'} (${driver.name})`);
      continue;
    }
    const want = Math.max(1, ...plans.map((p) => p.max));
    // Every PCIe function has MSI, MSI-X is optional: one vector is assumed to be MSI.
    const first =
      want === 1 && plan.modes.includes('msi')
        ? 'msi'
        : plan.modes.find((x) => x === 'msix' || x === 'msi');
    if (first === 'msix') f.msix = { table_size: Math.min(2048, want), bar: 0, offset: '0x0' };
    else if (first === 'msi') {
      let max = 1;
      while (max < Math.min(32, want)) max <<= 1;
      f.msi = { vectors_max: max, is_64bit: true, per_vector_mask: false };
    } else continue;
    assumed.push(`${f.bdf} ${first === 'msix' ? 'MSI-X' : 'MSI'} (${driver.name})`);
  }
  if (assumed.length)
    missing.push(
      `MSI/MSI-X capabilities: not listed (lspci -vvv lists them); assumed what each modelled driver asks for first: ${assumed.join(', ')}`,
    );
}

/** The GSI of an IO-APIC row: its pin on the IOAPIC whose range holds the irq (irq = GSI there). */
function gsiOfRow(m: Machine, row: InterruptRow): number | null {
  const pin = row.hwirq!;
  const holding = m.ioapics.find(
    (io) =>
      row.irq >= io.gsi_base && row.irq < io.gsi_base + io.pins && row.irq - io.gsi_base === pin,
  );
  if (holding) return row.irq;
  const any = m.ioapics.find((io) => pin < io.pins);
  return any ? any.gsi_base + pin : null;
}
