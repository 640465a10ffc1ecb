// dmesg, line by line: a DmesgParser is fed one line at a time (the Node entry streams a file of
// any size through it) and keeps only the facts, never the log. The prefixes of every transport
// (dmesg, journalctl, syslog, serial console) are kernel-log.ts's; lines that are not the
// kernel's are skipped. A log of several boots describes the last one only.
import { ImportError, type SourceLocation } from './errors';
import { isIncompleteFault, parseFaultLine, parseFaultStatus, type DmarFault } from './faults';
import { PartBuilder, type CpuPart, type IoApicPart, type MachinePart, type PciPart } from './part';
import type { Provenance } from './errors';
import { KernelLogReader } from './kernel-log';

export { kernelMessage } from './kernel-log';

export interface DmesgFault {
  fault: DmarFault;
  at: SourceLocation;
  /** The preceding "handling fault status reg" value, if any. */
  status: number | null;
}

/** What the log shows that the machine model has no field for, but a summary or explain needs. */
export interface DmesgObservations {
  /** "Switched APIC routing to physical flat." -> "physical flat". */
  apicRouting: string | null;
  /** "DMAR-IR: Enabled IRQ remapping in x2apic mode" -> "x2apic"; AMD: "amd". */
  irqRemapping: 'x2apic' | 'xapic' | 'amd' | null;
  irqRemappingRefused: string | null;
  /**
   * Why interrupt remapping is off, when no line says it was enabled, and the line that shows it
   * (null when nothing in the log explains it).
   */
  irqRemappingOff: { why: string; at: SourceLocation | null } | null;
  /** The line each observation above that has no place of its own was read from. */
  lineOf: Partial<Record<ObservedLine, SourceLocation>>;
  /** "x2apic enabled", "enabled by BIOS", "IRQ remapping doesn't support X2APIC mode", ... */
  x2apicLines: string[];
  /** IOAPIC id / HPET id -> DRHD base, from the DMAR-IR scope lines. */
  irScopes: {
    type: 'ioapic' | 'hpet';
    id: number;
    drhd: string;
    iommu: number | null;
    at: SourceLocation;
  }[];
  /** AMD IOMMUs the log names (BDF, capability offset). */
  amdIommus: {
    bdf: string;
    capOffset: number | null;
    at: SourceLocation;
    /** The "Found IOMMU cap 0x40" line. */
    capAt?: SourceLocation;
  }[];
  amdEfr: string | null;
  /** EFR2, printed beside the EFR by 5.x+ ("EFR2:0x1d"). */
  amdEfr2: string | null;
  /** IVRS ACPI-HID device entries ("AMD-Vi: ivrs, add hid:AMDI0020, uid:\\_SB.FUR0, rdevid:160"). */
  amdAcpiHids: { hid: string; uid: string; rdevid: number; at: SourceLocation }[];
  /** ACPI tables the boot listed ("ACPI: DMAR 0x... 0002D8 (v01 ...)"), with their lengths. */
  acpiTables: Map<string, number>;
  /** The line that listed each of those tables. */
  acpiTableLines: Map<string, SourceLocation>;
  nrIrqs: number | null;
  /** "<drv> 0000:bb:dd.f: irq N for MSI/MSI-X" (pre-4.x kernels). */
  msiIrqs: { bdf: string; irq: number; driver: string; at: SourceLocation }[];
  /** VMD controllers and the PCI domain each made ("vmd 0000:00:0e.0: Bound to PCI domain 10000"). */
  vmdDomains: { bdf: string; domain: number; at: SourceLocation }[];
  /** In the order they happened: a driver's first line about a PCI function, or an INTx link enabled. */
  probeEvents: (
    { bdf: string; driver: string } | { gsi: number } | { virtio: number } | { hdaCard: number }
  )[];
  /**
   * A driver's first line about a device not on PCI (an I2C/SPI client "i2c-RTL5682:00", an ACPI
   * device "ELAN0000:00"), with how many probe events came before it.
   */
  deviceProbes: { driver: string; device: string; events: number; at: SourceLocation }[];
  /** PCI functions in the order the kernel enumerated them (root buses in ACPI order). */
  enumeration: string[];
  /** nvme controllers by instance ("nvme nvme1: pci function 0000:21:00.0"). */
  nvmeInstances: Map<number, string>;
  /**
   * Functions whose probe went on asynchronously, in the order that work ended: nvme's
   * "nvme nvme1: 4/0/0 default/read/poll queues", printed once its I/O vectors are allocated.
   */
  asyncOrder: string[];
  faults: DmesgFault[];
  /** Fault records past the ones kept (a fault storm is counted, not stored). */
  faultsDropped: number;
  /** Messages suppressed by the kernel's rate limit ("dmar_fault: 893 callbacks suppressed"). */
  faultsSuppressed: number;
  /** Interrupt errors worth explaining ("-28", "No free IRQ vectors", ...). */
  errors: { line: string; at: SourceLocation }[];
  ignoredProcessors: number;
  /** "VF(n) BAR0 space: ... (contains BAR0 for 7 VFs)": SR-IOV PFs and their TotalVFs. */
  sriovTotalVfs: Map<string, number>;
  /**
   * PCIe port services the port driver started on a bridge ("pcieport 0000:00:1c.0: PME:
   * Signaling with IRQ 122", "AER: enabled with IRQ 122", "pciehp: Slot #6", "DPC: enabled"),
   * with the irq the log names: only a PCIe port gets them.
   */
  portServices: Map<string, { services: Set<PortService>; irq: number | null }>;
}

/** Observations whose line is kept in `lineOf`. */
export type ObservedLine =
  | 'irqRemapping'
  | 'irqRemappingRefused'
  | 'apicRouting'
  | 'amdEfr'
  | 'amdX2apic'
  | 'amdVapic'
  | 'ignoredProcessors'
  | 'acpiTables';

export type PortService = 'pme' | 'aer' | 'pciehp' | 'dpc' | 'bwctrl';

export interface DmesgResult {
  file: string;
  lines: number;
  /** Lines that carried kernel messages (after prefixes were removed). */
  kernelLines: number;
  /** The log's format as recognised ("journalctl -o short (months: août)", "dmesg -T", ...). */
  format: string;
  /** Boots the log holds; the facts are the last one's. */
  boots: number;
  /** The first line of the boot the facts come from. */
  bootLine: number | null;
  part: MachinePart;
  provenance: Provenance;
  observations: DmesgObservations;
  notes: string[];
}

const MAX_FAULTS = 1000;
const MAX_ERRORS = 200;

const PORT_BDF = '([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7])';
const PORT_SERVICE = new RegExp(`^pcieport ${PORT_BDF}: (PME|AER|pciehp|DPC|bwctrl): (.*)$`, 'i');
const PORT_PME_4X = new RegExp(
  `^pcieport ${PORT_BDF}: Signaling PME (?:through PCIe PME interrupt|with IRQ (\\d+))`,
  'i',
);
const PORT_SERVICE_4X = new RegExp(`^(aer|pciehp|dpc) ${PORT_BDF}:pcie0\\d\\d: `, 'i');
/** "r8169 0000:02:00.0 enp2s0: renamed from eth0" (udev's rename, logged by the kernel). */
const RENAMED =
  /^([\w-]+) ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]) ([A-Za-z0-9_.:-]{1,15}): renamed from \S+$/i;
/** "<driver> <bdf> <ifname>: " (netdev_printk) or "<driver> <bdf>: ethN: " (dev_info naming it). */
const NETDEV_LINE =
  /^[\w-]+ [0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7](?: ((?:[A-Za-z][\w.-]{0,14})|\(uninitialized\)):|: (eth\d+):) /i;
const BDF_RE = /^((?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])$/i;
// The starts of the lines that the runs of anchored patterns in message() read (case aside): a
// line that starts otherwise skips the run (a pattern's first run compiles it).
const MESSAGE_A = /^(?:DMI: |Linux version |usb usb|Kernel c|Command line: |ACPI: )/i;
const MESSAGE_B = /^(?:ACPI: |IOAPIC\[|smpboot: |CPU topo: |smp: |x86: |x2apic|Enabled x2apic)/i;
const MESSAGE_C = /^(?:NR_IRQS|ACPI: |hpet)/i;
const DMAR_LINE = /^dmar/i;
const AMD_VI_LINE = /^(?:pci |amd-vi: )/i;

function normBdf(s: string): string {
  const b = s.toLowerCase();
  return b.length === 7 ? `0000:${b}` : b;
}

const int = (s: string) =>
  s.startsWith('0x') || s.startsWith('0X') ? parseInt(s, 16) : parseInt(s, 10);

export class DmesgParser {
  private b = new PartBuilder();
  private sawBoot = false;
  /** Kernel lines of the current boot. */
  private bootLines = 0;
  private lineNo = 0;
  /** The line of the message being read (a held line is read later than it was fed). */
  private msgLine = 0;
  private kernelLines = 0;
  /** What outlives a boot boundary: the reader of the transport, and the boots seen. */
  private log = { reader: new KernelLogReader(), boots: 1, bootLine: null as number | null };
  private readonly notes: string[] = [];
  private readonly obs: DmesgObservations = {
    apicRouting: null,
    irqRemapping: null,
    irqRemappingRefused: null,
    irqRemappingOff: null,
    lineOf: {},
    x2apicLines: [],
    irScopes: [],
    amdIommus: [],
    amdEfr: null,
    amdEfr2: null,
    amdAcpiHids: [],
    acpiTables: new Map(),
    acpiTableLines: new Map(),
    nrIrqs: null,
    msiIrqs: [],
    vmdDomains: [],
    probeEvents: [],
    deviceProbes: [],
    enumeration: [],
    nvmeInstances: new Map(),
    asyncOrder: [],
    faults: [],
    faultsDropped: 0,
    faultsSuppressed: 0,
    errors: [],
    ignoredProcessors: 0,
    sriovTotalVfs: new Map(),
    portServices: new Map(),
  };
  private cpus: CpuPart[] = [];

  /**
   * Forgets everything the previous boot said: the machine, faults and errors alike. Every field
   * comes back as a new parser has it (so one added later is reset too; `#private` fields would
   * not be), except the line count and the reader; a log of 10 M lines of repeated boots holds
   * one boot's facts at a time.
   */
  private newBoot(): void {
    const keep = {
      lineNo: this.lineNo,
      msgLine: this.msgLine,
      kernelLines: this.kernelLines,
      log: this.log,
      sink: this.sink, // bound to this parser, not to the new one
    };
    Object.assign(this, new DmesgParser(this.file), keep);
    this.log.boots++;
    this.log.bootLine = null;
  }
  private madtIoapics: IoApicPart[] = [];
  private ioapics: IoApicPart[] = [];
  private readonly pci = new Map<string, PciPart>();
  private readonly bound = new Set<string>();
  private readonly virtioSeen = new Set<number>();
  private readonly hdaSeen = new Set<number>();
  private readonly deviceSeen = new Set<string>();
  /** Functions whose interface a "renamed from" line named: its own lines no longer rename it. */
  private readonly renamed = new Set<string>();
  private drhds: { base: string; flags: number; at: SourceLocation }[] = [];
  private drhdRegs = new Map<
    string,
    { version: string; cap: string; ecap: string; at: SourceLocation }
  >();
  private pendingFault: { text: string; at: SourceLocation } | null = null;
  private lastStatus: number | null = null;
  private platform: { irq: number; name: string; at: SourceLocation }[] = [];
  private serial: { irq: number; name: string; at: SourceLocation }[] = [];
  private sawAcpiInterpreter: SourceLocation | null = null;
  private hpetChannels: { irqs: number[]; reserved: number | null } = { irqs: [], reserved: null };

  constructor(readonly file: string) {}

  private at(): SourceLocation {
    return { file: this.file, line: this.msgLine };
  }

  private readonly sink = (msg: string, line: number, bootStart: boolean): void => {
    // A boundary before the boot's first kernel line (a "-- Boot --" line, then the clock back
    // at 0) is the same boundary.
    if (bootStart && this.bootLines > 0) this.newBoot();
    this.msgLine = line;
    this.kernelLines++;
    this.bootLines++;
    this.log.bootLine ??= line;
    this.kernelLine(msg);
  };

  /** Feeds one line (without its "\n"). Never throws for content: unknown lines are skipped. */
  push(line: string): void {
    this.lineNo++;
    if (line.length > 65536) line = line.slice(0, 65536);
    this.log.reader.feed(line, this.lineNo, this.sink);
  }

  private kernelLine(msg: string): void {
    if (this.pendingFault) {
      // A fault record wrapped over several lines continues with indented text.
      if (/^\s+\S/.test(msg) || /^\s*(DMAR: ?)?\[fault reason/.test(msg)) {
        this.pendingFault.text += ' ' + msg.trim().replace(/^DMAR: ?/, '');
        // Complete once it has its reason and the reason's text.
        if (
          !isIncompleteFault(this.pendingFault.text) &&
          /\[fault reason [^\]]+\]\s*\S/.test(this.pendingFault.text)
        )
          this.flushFault();
        return;
      }
      this.flushFault();
    }
    this.message(msg.trimStart());
  }

  private flushFault(): void {
    const p = this.pendingFault;
    this.pendingFault = null;
    if (!p) return;
    const fault = parseFaultLine(p.text);
    if (!fault) return;
    if (this.obs.faults.length < MAX_FAULTS)
      this.obs.faults.push({ fault, at: p.at, status: this.lastStatus });
    else this.obs.faultsDropped++;
    this.lastStatus = null;
  }

  private message(m: string): void {
    const at = this.at();
    const b = this.b;
    const p = b.part;
    let r: RegExpExecArray | null;

    if (m.includes('Request device [')) {
      this.pendingFault = { text: m, at };
      if (!isIncompleteFault(m)) this.flushFault();
      return;
    }
    const status = parseFaultStatus(m);
    if (status) {
      this.lastStatus = status.status;
      return;
    }
    if ((r = /dmar_fault: (\d+) callbacks suppressed/.exec(m))) {
      this.obs.faultsSuppressed += Number(r[1]);
      return;
    }
    if (MESSAGE_A.test(m)) {
      if ((r = /^DMI: (.+?)(?:, BIOS .*)?$/.exec(m))) {
        p.name = r[1]!.trim();
        b.note('$.name', at);
        return;
      }
      if ((r = /^Linux version (\S+)/.exec(m))) {
        // A log of several boots (journalctl -k across reboots): the last boot describes the machine.
        if (this.sawBoot) {
          this.newBoot();
          this.log.bootLine = this.msgLine;
          this.bootLines = 1;
        }
        this.sawBoot = true;
        (this.b.part.kernel ??= {}).version = r[1]!;
        this.b.note('$.kernel.version', at);
        return;
      }
      if ((r = /^usb usb\d+: Manufacturer: Linux (\d+\.\d+\S*) \S+$/.exec(m))) {
        // A root hub's manufacturer string is the running kernel's release (usb_init_root_hub
        // prints "<sysname> <release> <hcd>"): a log cut before its "Linux version" line still
        // names its kernel. Only root hubs: a device's own string ("usb 3-1.1: Manufacturer: Linux
        // 5.4.62 with aspeed_vhub", a BMC's gadget) is another kernel's.
        const k = (p.kernel ??= {});
        if (k.version === undefined) {
          k.version = r[1]!;
          b.note('$.kernel.version', at);
        }
        return;
      }
      if ((r = /^(?:Kernel c|C)ommand line: (.*)$/.exec(m))) {
        const k = (p.kernel ??= {});
        // "Command line:" comes first and is what /proc/cmdline shows.
        if (k.cmdline === undefined) {
          k.cmdline = r[1]!.trim();
          b.note('$.kernel.cmdline', at);
        }
        return;
      }
      // "ACPI: DMAR 0x00000000DD7C5B5F 0001C8 (v01 ...": 3.x kernels print the address without 0x.
      if ((r = /^ACPI: ([A-Z0-9_!$]{4}) (?:0x)?[0-9A-Fa-f]{8,16} ([0-9A-Fa-f]{6,8}) \(v/.exec(m))) {
        this.obs.acpiTables.set(r[1]!, parseInt(r[2]!, 16));
        if (!this.obs.acpiTableLines.has(r[1]!)) this.obs.acpiTableLines.set(r[1]!, at);
        this.obs.lineOf.acpiTables ??= at;
        return;
      }
      if (
        (r =
          /^ACPI: (LAPIC|X2APIC) \((?:acpi_id|apic_id)\[(0x[0-9a-f]+)\] (?:lapic_id|uid)\[(0x[0-9a-f]+)\] (enabled|disabled)\)/i.exec(
            m,
          ))
      ) {
        if (r[4] !== 'enabled') return;
        const apicId = r[1] === 'LAPIC' ? int(r[3]!) : int(r[2]!);
        if ((r[1] === 'LAPIC' && apicId === 0xff) || this.cpus.some((c) => c.apic_id === apicId))
          return;
        this.b.note(`$.cpus.list[${this.cpus.length}]`, at);
        this.cpus.push({ cpu: this.cpus.length, apic_id: apicId });
        return;
      }
    }
    if (/NR_CPUS\/possible_cpus limit of \d+ reached\. Processor \S+ ignored/.test(m)) {
      this.obs.ignoredProcessors++;
      this.obs.lineOf.ignoredProcessors ??= this.at();
      return;
    }
    if (MESSAGE_B.test(m)) {
      if (
        (r =
          /^ACPI: IOAPIC \(id\[(0x[0-9a-f]+)\] address\[(0x[0-9a-f]+)\] gsi_base\[(\d+)\]\)/i.exec(
            m,
          ))
      ) {
        this.madtIoapics.push({
          id: int(r[1]!),
          address: r[2]!.toLowerCase(),
          gsi_base: Number(r[3]),
        });
        return;
      }
      if (
        (r =
          /^IOAPIC\[(\d+)\]: apic_id (\d+), version (\d+), address (0x[0-9a-f]+), GSI (\d+)-(\d+)/i.exec(
            m,
          ))
      ) {
        const pins = Number(r[6]) - Number(r[5]) + 1;
        const n = Number(r[1]);
        if (n !== this.ioapics.length) return; // out of order or repeated: the first list stands
        b.note(`$.ioapics[${n}]`, at);
        this.ioapics.push({
          id: Number(r[2]),
          version: Number(r[3]),
          address: r[4]!.toLowerCase(),
          gsi_base: Number(r[5]),
          ...(pins >= 1 && pins <= 240 ? { pins } : {}),
        });
        return;
      }
      if (
        (r =
          /^ACPI: INT_SRC_OVR \(bus (\d+) bus_irq (\d+) global_irq (\d+) (dfl|high|res|low) (dfl|edge|res|level)\)/.exec(
            m,
          ))
      ) {
        if (r[1] !== '0' || Number(r[2]) > 15) return;
        const list = (p.interrupt_source_overrides ??= []);
        const word = (w: string) => (w === 'dfl' || w === 'res' ? 'conforms' : w);
        b.note(`$.interrupt_source_overrides[${list.length}]`, at);
        list.push({
          bus_irq: Number(r[2]),
          gsi: Number(r[3]),
          polarity: word(r[4]!) as 'conforms' | 'high' | 'low',
          trigger: word(r[5]!) as 'conforms' | 'edge' | 'level',
        });
        return;
      }
      if (
        (r =
          /^(?:smpboot: Allowing (\d+) CPUs, (\d+) hotplug CPUs|CPU topo: Allowing (\d+) present CPUs plus (\d+) hotplug CPUs)/.exec(
            m,
          ))
      ) {
        const c = (p.cpus ??= {});
        c.possible = r[1] !== undefined ? Number(r[1]) : Number(r[3]) + Number(r[4]);
        b.note('$.cpus.possible', at);
        return;
      }
      // "x86: Booted up 1 node, 2 CPUs" is the same line before 4.x renamed it (3.x kernels).
      if ((r = /^(?:smp: Brought|x86: Booted) up (\d+) nodes?, (\d+) CPUs/.exec(m))) {
        (p.cpus ??= {}).online_count = Number(r[2]);
        b.note('$.cpus.online_count', at);
        return;
      }
      if (/^x2apic: enabled by BIOS, switching to x2apic ops/.test(m)) {
        const c = (p.cpus ??= {});
        c.apic_mode = 'x2apic';
        c.cpu_has_x2apic = true;
        b.note('$.cpus.apic_mode', at);
        b.note('$.cpus.cpu_has_x2apic', at);
        this.obs.x2apicLines.push(m);
        return;
      }
      if (
        /^x2apic (enabled|disabled)|^x2apic: (IRQ remapping doesn't support X2APIC mode|disabled)|^Enabled x2apic/.test(
          m,
        )
      ) {
        const c = (p.cpus ??= {});
        // Only a CPU that has x2APIC gets these lines about switching to it.
        if (/enabled|doesn't support/i.test(m)) {
          c.cpu_has_x2apic = true;
          b.note('$.cpus.cpu_has_x2apic', at);
        }
        c.apic_mode ??= 'xapic';
        this.obs.x2apicLines.push(m);
        return;
      }
    }
    if ((r = /(?:Switched APIC routing to(?::)? |Setting APIC routing to )(.+?)\.?$/.exec(m))) {
      this.obs.apicRouting = r[1]!;
      this.obs.lineOf.apicRouting = at;
      return;
    }
    if (MESSAGE_C.test(m)) {
      if ((r = /^NR_IRQS: ?(\d+),? nr_irqs: ?(\d+)/.exec(m))) {
        this.obs.nrIrqs = Number(r[2]);
        return;
      }
      if ((r = /^ACPI: HPET id: (0x[0-9a-f]+) base: (0x[0-9a-f]+)/i.exec(m))) {
        p.hpet = { ...(p.hpet ?? {}), address: r[2]!.toLowerCase() };
        b.note('$.hpet.address', at);
        return;
      }
      if ((r = /^hpet(\d+): at MMIO (0x[0-9a-f]+), IRQs ([\d, ]+)/i.exec(m))) {
        const irqs = r[3]!.split(',').map((s) => Number(s.trim()));
        this.hpetChannels.irqs = irqs;
        p.hpet = { ...(p.hpet ?? {}), id: Number(r[1]), address: r[2]!.toLowerCase() };
        if (irqs.length >= 3 && irqs.length <= 32) p.hpet.timers = irqs.length;
        b.note('$.hpet', at);
        return;
      }
      if ((r = /^hpet\d*: (\d+) comparators?, /.exec(m))) {
        const n = Number(r[1]);
        if (n >= 3 && n <= 32) {
          p.hpet = { ...(p.hpet ?? {}), timers: n };
          b.note('$.hpet.timers', at);
        }
        return;
      }
      if ((r = /^hpet: (\d+) channels of (\d+) reserved for per-cpu timers/.exec(m))) {
        this.hpetChannels.reserved = Number(r[2]);
        if (Number(r[2]) > 0) {
          // Per-CPU HPET timers are set up only when the local APIC timer stops in deep C-states.
          (p.cpus ??= {}).arat = false;
          b.note('$.cpus.arat', at);
        }
        return;
      }
    }
    // Each of intelIommu's patterns starts with "DMAR", each of amdIommu's with "pci " or
    // "AMD-Vi: " (case aside): the other lines skip them (a pattern's first run compiles it).
    if (
      (DMAR_LINE.test(m) && this.intelIommu(m, at)) ||
      (AMD_VI_LINE.test(m) && this.amdIommu(m, at)) ||
      this.pciLine(m, at) ||
      this.platformLine(m, at)
    )
      return;
    if (
      /(-28\b|No free IRQ vectors|Cannot disable CPU|Interrupt reservation exceeds|Affinity broken due to vector space exhaustion|can't allocate an IRTE|Failed to allocate IRTE|failed to enable fault, interrupt|has no mapping iommu|Not enabling interrupt remapping|can't enable MSI|BUG: kernel NULL pointer dereference|no vector available)/.test(
        m,
      )
    ) {
      if (this.obs.errors.length < MAX_ERRORS) this.obs.errors.push({ line: m, at });
    }
  }

  private intelIommu(m: string, at: SourceLocation): boolean {
    const p = this.b.part;
    let r: RegExpExecArray | null;
    if ((r = /^DMAR: Host address width (\d+)/.exec(m))) {
      p.dmar = { ...(p.dmar ?? emptyDmar()), host_address_width: Number(r[1]) };
      this.b.note('$.dmar.host_address_width', at);
      return true;
    }
    if ((r = /^DMAR: DRHD base: (0x[0-9a-f]+) flags: (0x[0-9a-f]+|0)/i.exec(m))) {
      this.drhds.push({ base: `0x${BigInt(r[1]!).toString(16)}`, flags: int(r[2]!), at });
      return true;
    }
    if (
      (r =
        /^DMAR: dmar(\d+): reg_base_addr ([0-9a-f]+) ver (\d+):(\d+) cap ([0-9a-f]+) ecap ([0-9a-f]+)/i.exec(
          m,
        ))
    ) {
      this.drhdRegs.set(`0x${BigInt('0x' + r[2]!).toString(16)}`, {
        version: `${r[3]}:${r[4]}`,
        cap: `0x${r[5]!.toLowerCase()}`,
        ecap: `0x${r[6]!.toLowerCase()}`,
        at,
      });
      return true;
    }
    if ((r = /^DMAR: RMRR base: (0x[0-9a-f]+) end: (0x[0-9a-f]+)/i.exec(m))) {
      const d = (p.dmar = p.dmar ?? emptyDmar());
      this.b.note(`$.dmar.rmrr[${d.rmrr!.length}]`, at);
      d.rmrr!.push({
        base: `0x${BigInt(r[1]!).toString(16)}`,
        end: `0x${BigInt(r[2]!).toString(16)}`,
        segment: 0,
        scopes: [],
      });
      return true;
    }
    if ((r = /^DMAR: ATSR flags: (0x[0-9a-f]+|0)/i.exec(m))) {
      const d = (p.dmar = p.dmar ?? emptyDmar());
      this.b.note(`$.dmar.atsr[${d.atsr!.length}]`, at);
      d.atsr!.push({ all_ports: (int(r[1]!) & 1) === 1, segment: 0, scopes: [] });
      return true;
    }
    if ((r = /^DMAR: RHSA base: (0x[0-9a-f]+) proximity domain: (0x[0-9a-f]+|\d+)/i.exec(m))) {
      const d = (p.dmar = p.dmar ?? emptyDmar());
      this.b.note(`$.dmar.rhsa[${d.rhsa!.length}]`, at);
      d.rhsa!.push({
        register_base: `0x${BigInt(r[1]!).toString(16)}`,
        proximity_domain: int(r[2]!),
      });
      return true;
    }
    if ((r = /^DMAR: ANDD device: ([0-9a-f]+) name: (\S+)/i.exec(m))) {
      const d = (p.dmar = p.dmar ?? emptyDmar());
      this.b.note(`$.dmar.andd[${d.andd!.length}]`, at);
      d.andd!.push({ device_number: parseInt(r[1]!, 16) & 0xff, name: r[2]! });
      return true;
    }
    if (
      (r =
        /^DMAR-IR: (IOAPIC|HPET) id (\d+) under DRHD base\s+(0x[0-9a-f]+)(?: IOMMU (\d+))?/i.exec(
          m,
        ))
    ) {
      this.obs.irScopes.push({
        type: r[1] === 'IOAPIC' ? 'ioapic' : 'hpet',
        id: Number(r[2]),
        drhd: `0x${BigInt(r[3]!).toString(16)}`,
        iommu: r[4] === undefined ? null : Number(r[4]),
        at,
      });
      return true;
    }
    if ((r = /^DMAR-IR: Enabled IRQ remapping in (x2apic|xapic) mode/.exec(m))) {
      this.obs.irqRemapping = r[1] as 'x2apic' | 'xapic';
      this.obs.lineOf.irqRemapping = at;
      const d = (p.dmar = p.dmar ?? emptyDmar());
      d.intr_remap = true;
      this.b.note('$.dmar.intr_remap', at);
      return true;
    }
    if (/^DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit/.test(m)) {
      const d = (p.dmar = p.dmar ?? emptyDmar());
      d.x2apic_opt_out = true;
      this.b.note('$.dmar.x2apic_opt_out', at);
      return true;
    }
    if (
      /^DMAR-IR: (Not enabling interrupt remapping|\[Firmware Bug\].*interrupt remapping will be disabled)/.test(
        m,
      )
    ) {
      if (this.obs.irqRemappingRefused === null) {
        this.obs.irqRemappingRefused = m;
        this.obs.lineOf.irqRemappingRefused = at;
      }
      this.obs.errors.push({ line: m, at });
      return true;
    }
    return false;
  }

  private amdIommu(m: string, at: SourceLocation): boolean {
    let r: RegExpExecArray | null;
    if (
      (r =
        /^pci ([0-9a-f:.]+): AMD-Vi: (?:Found IOMMU cap (0x[0-9a-f]+)|IOMMU performance counters supported)/i.exec(
          m,
        ))
    ) {
      const bdf = normBdf(r[1]!);
      const cap = r[2] ? { capOffset: int(r[2]), capAt: at } : null;
      const known = this.obs.amdIommus.find((a) => a.bdf === bdf);
      if (known) {
        if (known.capOffset === null && cap) Object.assign(known, cap);
      } else this.obs.amdIommus.push({ bdf, capOffset: null, at, ...cap });
      return true;
    }
    if (
      (r =
        /^AMD-Vi: (?:Extended features \(|Using global IVHD EFR:)(0x[0-9a-f]+)(?:, (?:EFR2:)?(0x[0-9a-f]+))?/i.exec(
          m,
        ))
    ) {
      if (this.obs.amdEfr === null) {
        this.obs.amdEfr = r[1]!.toLowerCase();
        this.obs.amdEfr2 = r[2]?.toLowerCase() ?? null;
        this.obs.lineOf.amdEfr = at;
      }
      return true;
    }
    if ((r = /^AMD-Vi: ivrs, add hid:(\S+), uid:(\S*), rdevid:(\d+)/.exec(m))) {
      this.obs.amdAcpiHids.push({ hid: r[1]!, uid: r[2]!, rdevid: Number(r[3]), at });
      return true;
    }
    if (/^AMD-Vi: Virtual APIC enabled/.test(m)) {
      this.obs.lineOf.amdVapic = at;
      return true;
    }
    if (/^AMD-Vi: Interrupt remapping enabled/.test(m)) {
      this.obs.irqRemapping = 'amd';
      this.obs.lineOf.irqRemapping = at;
      return true;
    }
    if (/^AMD-Vi: X2APIC enabled/.test(m)) {
      // The IOMMU takes x2APIC destinations (128-bit IRTEs): remapping in x2APIC mode.
      this.obs.lineOf.amdX2apic = at;
      return true;
    }
    return false;
  }

  private pciFn(bdf: string): PciPart {
    let f = this.pci.get(bdf);
    if (!f) this.pci.set(bdf, (f = { bdf }));
    return f;
  }

  private pciLine(m: string, at: SourceLocation): boolean {
    let r: RegExpExecArray | null;
    if (
      (r =
        /^pci ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]): \[([0-9a-f]{4}):([0-9a-f]{4})\] type ([0-9a-f]{2}) class (0x[0-9a-f]{6})(.*)$/i.exec(
          m,
        ))
    ) {
      const bdf = normBdf(r[1]!);
      if (!this.pci.has(bdf)) this.obs.enumeration.push(bdf);
      const f = this.pciFn(bdf);
      f.vendor_device = `${r[2]}:${r[3]}`.toLowerCase();
      f.class = r[5]!.toLowerCase();
      const kind = pciKindFromClass(f.class, r[4]!, r[6]!);
      if (kind) f.kind = kind;
      this.b.note(`pci:${bdf}`, at);
      return true;
    }
    if (
      (r =
        /^pci ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]): PCI bridge to \[bus ([0-9a-f]{2})(?:-([0-9a-f]{2}))?\]/i.exec(
          m,
        ))
    ) {
      const f = this.pciFn(normBdf(r[1]!));
      f.secondary_bus = parseInt(r[2]!, 16);
      f.subordinate_bus = parseInt(r[3] ?? r[2]!, 16);
      return true;
    }
    if (
      (r =
        /^pci ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]): VF\(n\) BAR\d space: .*\(contains BAR\d for (\d+) VFs\)/i.exec(
          m,
        ))
    ) {
      this.obs.sriovTotalVfs.set(normBdf(r[1]!), Number(r[2]));
      return true;
    }
    if (
      (r =
        /^vmd ([0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]): Bound to PCI domain ([0-9a-f]+)/i.exec(
          m,
        ))
    ) {
      const f = this.pciFn(normBdf(r[1]!));
      const domain = parseInt(r[2]!, 16);
      if (domain >= 0x10000 && domain <= 0xfffff) {
        f.vmd = { domain };
        f.kind = 'vmd';
        // Kept apart too: the line names no class, so a log alone does not make it a function.
        this.obs.vmdDomains.push({ bdf: f.bdf, domain, at });
      }
      this.bindEvent(normBdf(r[1]!), 'vmd');
      return true;
    }
    if (this.portServiceLine(m)) return true;
    if ((r = RENAMED.exec(m))) {
      const f = this.pciFn(normBdf(r[2]!));
      f.netdev = r[3]!;
      this.renamed.add(f.bdf);
      this.b.note(`pci:${normBdf(r[2]!)}`, at);
      this.bindEvent(normBdf(r[2]!), r[1]!);
      return true;
    }
    if ((r = /^snd_hda_codec_\w+ hdaudioC(\d+)D\d+: /.exec(m))) {
      // A codec of sound card N: azx_probe_continue found it, so its controller has probed (and
      // taken its MSI) just before. The controller prints nothing with its BDF.
      const n = Number(r[1]);
      if (!this.hdaSeen.has(n)) {
        this.hdaSeen.add(n);
        this.obs.probeEvents.push({ hdaCard: n });
      }
      return false;
    }
    if ((r = /^virtio_\w+ virtio(\d+): /.exec(m))) {
      // virtio devices are named by their index (virtio_pci's probe order), not their BDF.
      const n = Number(r[1]);
      if (!this.virtioSeen.has(n)) {
        this.virtioSeen.add(n);
        this.obs.probeEvents.push({ virtio: n });
      }
      return false;
    }
    if (
      (r = /^nvme nvme(\d+): pci function ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])/i.exec(
        m,
      ))
    ) {
      this.obs.nvmeInstances.set(Number(r[1]), normBdf(r[2]!));
      this.bindEvent(normBdf(r[2]!), 'nvme');
      return true;
    }
    if ((r = /^nvme nvme(\d+): \d+\/\d+\/\d+ default\/read\/poll queues/.exec(m))) {
      const bdf = this.obs.nvmeInstances.get(Number(r[1]));
      if (bdf && !this.obs.asyncOrder.includes(bdf)) this.obs.asyncOrder.push(bdf);
      return true;
    }
    if ((r = /^ACPI: (?:PCI Interrupt Link )?\\?\S*: Enabled at IRQ (\d+)/.exec(m))) {
      this.obs.probeEvents.push({ gsi: Number(r[1]) });
      return true;
    }
    if (
      (r =
        /^(\S+) ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]): irq (\d+) for MSI(?:\/MSI-X)?/i.exec(
          m,
        ))
    ) {
      this.obs.msiIrqs.push({ bdf: normBdf(r[2]!), irq: Number(r[3]), driver: r[1]!, at });
      this.bindEvent(normBdf(r[2]!), r[1]!);
      return true;
    }
    if ((r = /^([\w-]+) ([0-9a-f]{4,5}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])(?::| )/i.exec(m))) {
      const driver = r[1]!;
      if (!NOT_DRIVERS.has(driver)) {
        this.bindEvent(normBdf(r[2]!), driver);
        // The interface a NIC driver registered, in its own lines: netdev_info's "e1000e BDF
        // eth0: ..." or igb's dev_info "igb BDF: eth2: ...". Interface names follow probe order,
        // which the import does not always know (INTx-only NICs); a later rename wins.
        const n = NETDEV_LINE.exec(m);
        const name = n?.[1] ?? n?.[2];
        if (name && name !== '(uninitialized)' && !BDF_RE.test(name)) {
          const f = this.pciFn(normBdf(r[2]!));
          if (!this.renamed.has(f.bdf)) f.netdev = name;
        }
      }
      return false;
    }
    if ((r = DEVICE_LINE.exec(m)) && !NOT_DRIVERS.has(r[1]!)) {
      // A driver's first line about an I2C/SPI client or an ACPI device: where it probed among
      // the PCI drivers (a GPIO pin's consumer has its pin mapped to an irq there).
      const device = r[2]!;
      if (!this.deviceSeen.has(device) && this.deviceSeen.size < MAX_DEVICE_PROBES) {
        this.deviceSeen.add(device);
        this.obs.deviceProbes.push({
          driver: r[1]!,
          device,
          events: this.obs.probeEvents.length,
          at,
        });
      }
    }
    return false;
  }

  /**
   * The port services' lines, in every era's wording: 5.x+ "pcieport BDF: PME: Signaling with
   * IRQ n" / "AER: enabled with IRQ n" / "pciehp: Slot #..." / "DPC: enabled with IRQ n" /
   * "bwctrl: enabled with IRQ n"; 4.x "pcieport BDF: Signaling PME with IRQ n",
   * "aer BDF:pcie002: service driver aer loaded", "pciehp BDF:pcie004: Slot #...",
   * "dpc BDF:pcie010: DPC error containment capabilities".
   */
  private portServiceLine(m: string): boolean {
    let r: RegExpExecArray | null;
    let service: PortService | null = null;
    let bdf: string | null = null;
    let irq: number | null = null;
    if ((r = PORT_SERVICE.exec(m))) {
      bdf = r[1]!;
      service = r[2]!.toLowerCase() as PortService;
      const n = /with IRQ (\d+)/.exec(r[3]!);
      if (n) irq = Number(n[1]);
      // "AER: Corrected error received" and the like come later and are not the service start.
      if (service === 'aer' && !/enabled with IRQ/.test(r[3]!)) service = null;
    } else if ((r = PORT_PME_4X.exec(m))) {
      bdf = r[1]!;
      service = 'pme';
      if (r[2]) irq = Number(r[2]);
    } else if ((r = PORT_SERVICE_4X.exec(m))) {
      bdf = r[2]!;
      service = r[1]!.toLowerCase() as PortService;
    }
    if (!bdf || !service) return false;
    const key = normBdf(bdf);
    const entry = this.obs.portServices.get(key) ?? { services: new Set<PortService>(), irq: null };
    entry.services.add(service);
    entry.irq ??= irq;
    this.obs.portServices.set(key, entry);
    this.bindEvent(key, 'pcieport');
    return true;
  }

  private bindEvent(bdf: string, driver: string): void {
    if (this.bound.has(bdf) || !BDF_RE.test(bdf)) return;
    this.bound.add(bdf);
    this.obs.probeEvents.push({ bdf, driver });
  }

  private platformLine(m: string, at: SourceLocation): boolean {
    let r: RegExpExecArray | null;
    if (/^\.\.TIMER: vector=/.test(m)) {
      this.platform.push({ irq: 0, name: 'timer', at });
      return true;
    }
    if (/^ACPI: Interpreter enabled/.test(m)) {
      this.sawAcpiInterpreter = at;
      return true;
    }
    if ((r = /^serio: i8042 (KBD|AUX) port at \S+ irq (\d+)/.exec(m))) {
      // i8042_setup_aux() runs before i8042_setup_kbd(): the AUX port requests its irq first.
      const entry = { irq: Number(r[2]), name: 'i8042', at };
      if (r[1] === 'AUX') {
        const kbd = this.platform.findIndex((x) => x.name === 'i8042');
        if (kbd >= 0) this.platform.splice(kbd, 0, entry);
        else this.platform.push(entry);
      } else this.platform.push(entry);
      return true;
    }
    if ((r = /^rtc_cmos \S+: registered as (rtc\d+)/.exec(m))) {
      // The PC CMOS RTC's interrupt is ISA IRQ 8 (RTC_IRQ).
      this.platform.push({ irq: 8, name: r[1]!, at });
      return true;
    }
    if ((r = /(ttyS\d+) at (?:I\/O|MMIO) \S+ \(irq = (\d+), base_baud/.exec(m))) {
      this.serial.push({ irq: Number(r[2]), name: r[1]!, at });
      return true;
    }
    return false;
  }

  /**
   * Why no line says interrupt remapping was enabled, when the log shows it: the kernel refused
   * it, the command line turned it off, a DRHD lacks the capability (intel_irq_remapping's
   * prepare needs ECAP.IR on every unit, and says nothing when one lacks it), or the firmware
   * has no IOMMU table at all. Null when the log does not say (an excerpt).
   */
  private whyNoRemapping(): DmesgObservations['irqRemappingOff'] {
    const obs = this.obs;
    const cmdline = this.b.part.kernel?.cmdline ?? '';
    if (obs.irqRemappingRefused)
      return { why: obs.irqRemappingRefused, at: obs.lineOf.irqRemappingRefused ?? null };
    const off = /(?:^|\s)(intremap=off|nointremap)(?=\s|$)/.exec(cmdline);
    if (off)
      return {
        why: `${off[1]} on the command line`,
        at: this.b.provenance['$.kernel.cmdline']?.[0] ?? null,
      };
    const noIr = [...this.drhdRegs.entries()].filter(([, r]) => (BigInt(r.ecap) & 8n) === 0n);
    if (noIr.length)
      return {
        why: `no interrupt-remapping capability (ECAP.IR, bit 3, clear) in ${noIr.map(([base, r]) => `DRHD ${base} (ecap ${r.ecap})`).join(', ')}`,
        at: noIr[0]![1].at,
      };
    if (
      obs.acpiTables.size > 0 &&
      !obs.acpiTables.has('DMAR') &&
      !obs.acpiTables.has('IVRS') &&
      !obs.amdIommus.length
    )
      return {
        why: 'the ACPI table list has no DMAR or IVRS table: no IOMMU to remap interrupts',
        at: obs.lineOf.acpiTables ?? null,
      };
    return null;
  }

  /** Ends the input and returns the facts. */
  finish(): DmesgResult {
    this.log.reader.end(this.sink);
    this.flushFault();
    const b = this.b;
    const p = b.part;
    const obs = this.obs;
    if (this.cpus.length) {
      p.cpus = { ...(p.cpus ?? {}), list: this.cpus };
      if (this.cpus.some((c) => c.apic_id > 254)) {
        p.cpus.cpu_has_x2apic = true;
      }
    }
    // The IOAPIC[n] lines carry everything the ACPI IOAPIC lines do, and the pins.
    const ioapics = this.ioapics.length ? this.ioapics : this.madtIoapics;
    if (ioapics.length) p.ioapics = ioapics;
    if (this.drhds.length) {
      p.iommus = this.drhds.map((d, i) => {
        b.note(`$.iommus[${i}]`, d.at);
        const regs = this.drhdRegs.get(d.base);
        if (regs) b.note(`$.iommus[${i}].cap`, regs.at);
        return {
          kind: 'intel-vtd' as const,
          register_base: d.base,
          include_pci_all: (d.flags & 1) === 1,
          ...(regs ? { version: regs.version, cap: regs.cap, ecap: regs.ecap } : {}),
        };
      });
    }
    if (obs.acpiTables.size > 0) {
      // The boot lists every ACPI table: no DMAR there means the firmware has none.
      if (!obs.acpiTables.has('DMAR') && p.dmar === undefined) p.dmar = null;
    }
    if (!obs.irqRemapping) obs.irqRemappingOff = this.whyNoRemapping();
    if (this.pci.size) {
      const fns = [...this.pci.values()].filter((f) => f.vendor_device && f.class);
      for (const f of fns) {
        const src = b.provenance[`pci:${f.bdf}`];
        delete b.provenance[`pci:${f.bdf}`];
        if (src) b.provenance[`$.pci[${fns.indexOf(f)}]`] = src;
      }
      for (const f of fns) f.parent = parentOf(f, fns);
      p.pci = fns;
    }
    for (const k of Object.keys(b.provenance)) if (k.startsWith('pci:')) delete b.provenance[k];
    const platform = [...this.platform];
    if (this.sawAcpiInterpreter) {
      // The SCI is requested when the interpreter is enabled, right after the timer; its GSI is
      // the FADT's (9 on PCs), which an ACPI dump gives.
      const t = platform.findIndex((x) => x.name === 'timer');
      platform.splice(t + 1, 0, { irq: 9, name: 'acpi', at: this.sawAcpiInterpreter });
      this.notes.push('ACPI SCI assumed on IRQ 9 (the FADT, in an ACPI dump, says which)');
    }
    // A serial port's irq is requested when it is opened: the console one is, at boot.
    const consoles = [...(p.kernel?.cmdline ?? '').matchAll(/(?:^|\s)console=(ttyS\d+)/g)].map(
      (x) => x[1],
    );
    for (const s of this.serial) if (consoles.includes(s.name)) platform.push(s);
    if (platform.length) {
      p.platform_irqs = platform.map(({ irq, name }, i) => {
        b.note(`$.platform_irqs[${i}]`, platform[i]!.at);
        return { irq, name };
      });
    }
    if (this.hpetChannels.reserved && p.hpet) {
      // Channels past the two legacy ones that got an irq are the per-CPU (MSI) ones.
      const msi = this.hpetChannels.irqs
        .map((irq, ch) => (ch >= 2 && irq !== 0 ? ch : -1))
        .filter((c) => c >= 0);
      if (msi.length) p.hpet.msi_timers = msi;
    }
    if (obs.amdIommus.length && !p.iommus)
      this.notes.push(
        `${obs.amdIommus.length} AMD IOMMU(s) named (${obs.amdIommus.map((a) => a.bdf).join(', ')}); their register bases and device entries are in the IVRS table`,
      );
    const { boots, bootLine } = this.log;
    if (boots > 1)
      this.notes.push(
        `the log holds ${boots} boots: the machine and its faults are the last one's (from line ${bootLine}); the ${boots - 1} earlier boot${boots > 2 ? 's' : ''} dropped`,
      );
    if (obs.faultsDropped)
      this.notes.push(`${obs.faultsDropped} further fault records counted, not kept`);
    return {
      file: this.file,
      lines: this.lineNo,
      kernelLines: this.kernelLines,
      format: this.log.reader.describe(),
      boots,
      bootLine,
      part: p,
      provenance: b.provenance,
      observations: obs,
      notes: this.notes,
    };
  }
}

/** "rt5682s i2c-RTL5682:00: ...", "cros_ec_lpcs GOOG0004:00: ...": a driver and its device. */
const DEVICE_LINE =
  /^([\w-]+) ((?:i2c|spi)-[A-Za-z0-9_]+:[0-9a-f]{2}|[A-Z0-9_]{4,8}:[0-9a-f]{2}): /;
const MAX_DEVICE_PROBES = 4096;

const NOT_DRIVERS = new Set([
  'pci',
  'pci_bus',
  'PCI',
  'acpi',
  'ACPI',
  'iommu',
  'DMAR',
  'system',
  'resource',
]);

function emptyDmar(): NonNullable<MachinePart['dmar']> {
  return { rmrr: [], atsr: [], rhsa: [], satc: [], andd: [] } as unknown as NonNullable<
    MachinePart['dmar']
  >;
}

/** Kind from class code and header type; newer kernels name the PCIe port type at the end of the line. */
export function pciKindFromClass(
  cls: string,
  headerType: string,
  tail = '',
): PciPart['kind'] | undefined {
  if (/Root Port/i.test(tail)) return 'root-port';
  if (/Switch Upstream/i.test(tail)) return 'pcie-switch-upstream';
  if (/Switch Downstream/i.test(tail)) return 'pcie-switch-downstream';
  if (/PCIe to PCI/i.test(tail)) return 'pcie-to-pci-bridge';
  const base = cls.slice(0, 6);
  if (base === '0x0600') return 'host-bridge';
  if (base === '0x0601') return 'isa-bridge';
  // A bridge the line does not name: root port, switch port or PCI bridge is lspci's to say.
  if (base === '0x0604' || headerType === '01') return undefined;
  return 'endpoint';
}

/** The bridge whose secondary bus a function sits on (same segment). */
export function parentOf(f: PciPart, all: PciPart[]): string | null {
  const seg = f.bdf.slice(0, f.bdf.length - 8);
  const bus = parseInt(f.bdf.slice(-7, -5), 16);
  const up = all.find(
    (b) => b !== f && b.secondary_bus === bus && b.bdf.slice(0, b.bdf.length - 8) === seg,
  );
  return up ? up.bdf : null;
}

/** Parses a whole dmesg held in memory (the Node entry streams big files instead). */
export function parseDmesg(text: string, file: string): DmesgResult {
  if (typeof text !== 'string') throw new ImportError({ file }, 'dmesg is not text');
  const p = new DmesgParser(file);
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      if (start < text.length) p.push(text.slice(start));
      break;
    }
    p.push(text.slice(start, nl));
    start = nl + 1;
  }
  return p.finish();
}
