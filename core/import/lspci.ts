// lspci output: plain, -n / -nn, -v / -vv / -vvv (any indentation: tabs, or spaces as in pasted
// docs), -D, and -x / -xxx / -xxxx config space dumps. Per function: ids, class, kind, bridge
// buses, INTx routing, MSI (count, 64-bit, maskable, enabled, the message decoded), MSI-X (table
// size, enabled), SR-IOV (TotalVFs, NumVFs, offset, stride, VF device), the driver in use.
import type { SourceLocation } from './errors';
import { decodeMsiMessage, type MsiMessage } from '../hw/msi-message';
import { PartBuilder, type MachinePart, type PciPart } from './part';
import { parentOf } from './dmesg';
import type { Provenance } from './errors';

export interface LspciFunction {
  bdf: string;
  at: SourceLocation;
  name: string | null;
  vendorDevice: string | null;
  class: string | null;
  kind: PciPart['kind'] | null;
  /** "Interrupt: pin A routed to IRQ 22": the Linux irq (the GSI for INTx, the first MSI irq when MSI is on). */
  pin: 'A' | 'B' | 'C' | 'D' | null;
  irq: number | null;
  msi: {
    enabled: boolean;
    count: number;
    max: number;
    maskable: boolean;
    is64bit: boolean;
    message: MsiMessage | null;
  } | null;
  msix: {
    enabled: boolean;
    tableSize: number;
    masked: boolean;
    bar: number | null;
    offset: string | null;
  } | null;
  sriov: {
    enabled: boolean;
    initialVfs: number;
    totalVfs: number;
    numVfs: number;
    vfOffset: number;
    vfStride: number;
    vfDevice: string;
  } | null;
  driver: string | null;
  numaNode: number | null;
  iommuGroup: number | null;
  secondaryBus: number | null;
  subordinateBus: number | null;
  /** Config space bytes from -x/-xxx/-xxxx, when dumped. */
  config: Uint8Array | null;
  /** Whether capabilities were listed (-v or config space), so a missing MSI capability is known. */
  capabilitiesListed: boolean;
  /** The class's prog-if was shown ("(prog-if 30 [XHCI])" or config space); else "00" stands in. */
  progIfKnown: boolean;
}

export interface LspciResult {
  file: string;
  functions: LspciFunction[];
  part: MachinePart;
  provenance: Provenance;
  notes: string[];
  /** What the output shows: names only, numeric ids, verbose capabilities, config space. */
  detail: { ids: boolean; verbose: boolean; config: boolean };
  /** `$.pci[i].class` paths whose prog-if was not shown: the kernel log's full class refines them. */
  imprecise: Set<string>;
}

const HEADER = /^(\s*)((?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]) (.+)$/i;
const HEX_ROW = /^\s*([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})(?=\s|$)/i;

function expressKind(text: string): PciPart['kind'] | null {
  if (/Root Port/.test(text)) return 'root-port';
  if (/Upstream Port/.test(text)) return 'pcie-switch-upstream';
  if (/Downstream Port/.test(text)) return 'pcie-switch-downstream';
  if (/PCI(-Express)? to PCI/i.test(text)) return 'pcie-to-pci-bridge';
  if (/Endpoint/.test(text)) return 'endpoint';
  return null;
}

function classKind(cls: string | null): PciPart['kind'] | null {
  if (!cls) return null;
  const base = cls.slice(0, 6);
  if (base === '0x0600') return 'host-bridge';
  if (base === '0x0601') return 'isa-bridge';
  if (base === '0x0604') return 'pci-bridge';
  return 'endpoint';
}

/**
 * The Express capability's port type makes a port only of a bridge (type 1 header, class
 * 06 04/06 09): Haswell-EP's DMI2 host bridge 00:00.0 (class 0x0600, type 0 header) reports
 * "Root Port", yet it has no secondary bus and portdrv (bound by class PCI_CLASS_BRIDGE_PCI)
 * never binds it.
 */
function portOnBridge(kind: PciPart['kind'], cls: string | null): PciPart['kind'] {
  const port =
    kind === 'root-port' || kind === 'pcie-to-pci-bridge' || kind?.startsWith('pcie-switch');
  if (!port || !cls || /^0x060[49]/.test(cls)) return kind;
  return classKind(cls) ?? kind;
}

export class LspciParser {
  private readonly functions: LspciFunction[] = [];
  private current: (LspciFunction & { indent: number; bytes: number[]; lastCap: string }) | null =
    null;
  private lineNo = 0;
  private readonly detail = { ids: false, verbose: false, config: false };
  private readonly notes: string[] = [];

  constructor(readonly file: string) {}

  push(raw: string): void {
    this.lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const at: SourceLocation = { file: this.file, line: this.lineNo };
    const cur = this.current;
    const hexRow = HEX_ROW.exec(line);
    if (cur && hexRow) {
      const offset = parseInt(hexRow[1]!, 16);
      const bytes = hexRow[2]!
        .trim()
        .split(/\s+/)
        .map((b) => parseInt(b, 16));
      if (offset < cur.bytes.length) {
        this.notes.push(
          `${this.file}: line ${this.lineNo}: config space row ${hexRow[1]} of ${cur.bdf} repeats bytes already read: ignored`,
        );
        return;
      }
      if (offset > cur.bytes.length) {
        // Other output (pcilib warnings on stderr) cut a row short: the bytes lost read as 0.
        this.notes.push(
          `${this.file}: line ${this.lineNo}: config space of ${cur.bdf} is missing bytes 0x${cur.bytes.length.toString(16)}-0x${(offset - 1).toString(16)} (read as 0)`,
        );
        while (cur.bytes.length < offset) cur.bytes.push(0);
      }
      cur.bytes.push(...bytes);
      this.detail.config = true;
      return;
    }
    const head = HEADER.exec(line);
    if (head && (!cur || head[1]!.length <= cur.indent)) {
      this.close();
      this.open(head[2]!.toLowerCase(), head[3]!, head[1]!.length, at);
      return;
    }
    if (!cur) return;
    this.detailLine(cur, line.trim(), at);
  }

  private open(bdfText: string, rest: string, indent: number, at: SourceLocation): void {
    const bdf = bdfText.length === 7 ? `0000:${bdfText}` : bdfText;
    let vendorDevice: string | null = null;
    let cls: string | null = null;
    let name: string | null = rest;
    let r: RegExpExecArray | null;
    if ((r = /^([0-9a-f]{4}): ([0-9a-f]{4}):([0-9a-f]{4})/i.exec(rest))) {
      // -n: "0600: 8086:1237 (rev 02)"
      cls = `0x${r[1]!.toLowerCase()}`;
      vendorDevice = `${r[2]}:${r[3]}`.toLowerCase();
      name = null;
    } else {
      const ids = [...rest.matchAll(/\[([0-9a-f]{4}):([0-9a-f]{4})\]/gi)].at(-1);
      if (ids) vendorDevice = `${ids[1]}:${ids[2]}`.toLowerCase();
      const c = /^[^:[]*\[([0-9a-f]{4})\]:/i.exec(rest);
      if (c) cls = `0x${c[1]!.toLowerCase()}`;
      name = deviceName(rest.replace(/^[^:]*: /, ''));
    }
    const progIf = /\(prog-if ([0-9a-f]{2})/i.exec(rest);
    if (cls) cls = cls + (progIf ? progIf[1]!.toLowerCase() : '00');
    if (vendorDevice) this.detail.ids = true;
    this.current = {
      bdf,
      at,
      name,
      vendorDevice,
      class: cls,
      kind: classKind(cls),
      pin: null,
      irq: null,
      msi: null,
      msix: null,
      sriov: null,
      driver: null,
      numaNode: null,
      iommuGroup: null,
      secondaryBus: null,
      subordinateBus: null,
      config: null,
      capabilitiesListed: false,
      progIfKnown: progIf !== null,
      indent,
      bytes: [],
      lastCap: '',
    };
  }

  private detailLine(f: LspciFunction & { lastCap: string }, t: string, at: SourceLocation): void {
    this.detail.verbose = true;
    let r: RegExpExecArray | null;
    const cap = /^Capabilities: \[[0-9a-f]+(?: v\d+)?\] (.*)$/i.exec(t);
    if (cap) {
      f.lastCap = cap[1]!;
      f.capabilitiesListed = true;
    }
    // "Status: Cap-": the function has no capability list at all (no MSI, no MSI-X): a fact too.
    if (/^Status: Cap-/.test(t)) f.capabilitiesListed = true;
    if ((r = /^Interrupt: pin ([A-D]) routed to IRQ (\d+)/.exec(t))) {
      f.pin = r[1] as LspciFunction['pin'];
      f.irq = Number(r[2]);
    } else if ((r = /^Interrupt: pin ([A-D])/.exec(t))) {
      f.pin = r[1] as LspciFunction['pin'];
    } else if (
      cap &&
      (r = /^MSI: Enable([+-]) Count=(\d+)\/(\d+) Maskable([+-]) 64bit([+-])/.exec(cap[1]!))
    ) {
      f.msi = {
        enabled: r[1] === '+',
        count: Number(r[2]),
        max: Number(r[3]),
        maskable: r[4] === '+',
        is64bit: r[5] === '+',
        message: null,
      };
    } else if (
      f.msi &&
      f.lastCap.startsWith('MSI:') &&
      (r = /^Address: ([0-9a-f]{8,16})\s+Data: ([0-9a-f]{4})/i.exec(t))
    ) {
      const addr = r[1]!;
      const lo = parseInt(addr.slice(-8), 16);
      const hi = addr.length > 8 ? parseInt(addr.slice(0, -8), 16) : 0;
      const data = parseInt(r[2]!, 16);
      f.msi.message = f.msi.enabled || lo !== 0 ? decodeMsiMessage(lo, data, hi) : null;
    } else if (cap && (r = /^MSI-X: Enable([+-]) Count=(\d+) Masked([+-])/.exec(cap[1]!))) {
      f.msix = {
        enabled: r[1] === '+',
        tableSize: Number(r[2]),
        masked: r[3] === '+',
        bar: null,
        offset: null,
      };
    } else if (
      f.msix &&
      f.lastCap.startsWith('MSI-X') &&
      (r = /^Vector table: BAR=(\d) offset=([0-9a-f]+)/i.exec(t))
    ) {
      f.msix.bar = Number(r[1]);
      f.msix.offset = `0x${parseInt(r[2]!, 16).toString(16)}`;
    } else if (cap && /Single Root I\/O Virtualization/.test(cap[1]!)) {
      f.sriov = {
        enabled: false,
        initialVfs: 0,
        totalVfs: 0,
        numVfs: 0,
        vfOffset: 1,
        vfStride: 1,
        vfDevice: '0000',
      };
    } else if (f.sriov && f.lastCap.includes('SR-IOV')) {
      if ((r = /^IOVCtl:\s*Enable([+-])/.exec(t))) f.sriov.enabled = r[1] === '+';
      else if ((r = /^Initial VFs: (\d+), Total VFs: (\d+), Number of VFs: (\d+)/.exec(t))) {
        f.sriov.initialVfs = Number(r[1]);
        f.sriov.totalVfs = Number(r[2]);
        f.sriov.numVfs = Number(r[3]);
      } else if ((r = /^VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]{4})/i.exec(t))) {
        f.sriov.vfOffset = Number(r[1]);
        f.sriov.vfStride = Number(r[2]);
        f.sriov.vfDevice = r[3]!.toLowerCase();
      }
    } else if (cap && /^Express/.test(cap[1]!)) {
      const k = expressKind(cap[1]!);
      if (k) f.kind = k;
    } else if (
      (r = /^Bus: primary=([0-9a-f]{2}), secondary=([0-9a-f]{2}), subordinate=([0-9a-f]{2})/i.exec(
        t,
      ))
    ) {
      f.secondaryBus = parseInt(r[2]!, 16);
      f.subordinateBus = parseInt(r[3]!, 16);
    } else if ((r = /^Kernel driver in use: (\S+)/.exec(t))) {
      f.driver = r[1]!;
    } else if ((r = /^NUMA node: (\d+)/.exec(t))) {
      f.numaNode = Number(r[1]);
    } else if ((r = /^IOMMU group: (\d+)/.exec(t))) {
      f.iommuGroup = Number(r[1]);
    }
    void at;
  }

  private close(): void {
    const c = this.current;
    if (!c) return;
    this.current = null;
    if (c.bytes.length >= 64) {
      c.config = Uint8Array.from(c.bytes);
      c.capabilitiesListed = true;
      fromConfigSpace(c, c.config);
      if (c.config.length >= 12) c.progIfKnown = true;
    }
    const { indent: _i, bytes: _b, lastCap: _l, ...f } = c;
    this.functions.push(f);
  }

  finish(): LspciResult {
    this.close();
    const b = new PartBuilder();
    const imprecise = new Set<string>();
    const pci: PciPart[] = this.functions.map((f, i) => {
      b.note(`$.pci[${i}]`, f.at);
      const part: PciPart = { bdf: f.bdf };
      if (f.vendorDevice) part.vendor_device = f.vendorDevice;
      if (f.class) part.class = f.class;
      if (f.class && !f.progIfKnown) imprecise.add(`$.pci[${i}].class`);
      // A bridge's class alone does not tell a PCIe port from a PCI bridge: the Express
      // capability (-v) does, or the kernel log's port services.
      if (f.kind && !(f.kind === 'pci-bridge' && !f.capabilitiesListed))
        part.kind = portOnBridge(f.kind, f.class);
      if (f.name) part.name = f.name;
      if (f.secondaryBus !== null) part.secondary_bus = f.secondaryBus;
      if (f.subordinateBus !== null) part.subordinate_bus = f.subordinateBus;
      if (f.pin) part.intx_pin = f.pin;
      if (f.driver) part.driver = f.driver;
      if (f.msi && [1, 2, 4, 8, 16, 32].includes(f.msi.max))
        part.msi = {
          vectors_max: f.msi.max,
          is_64bit: f.msi.is64bit,
          per_vector_mask: f.msi.maskable,
        };
      else if (f.capabilitiesListed) part.msi = null;
      if (f.msix && f.msix.tableSize >= 1 && f.msix.tableSize <= 2048)
        part.msix = {
          table_size: f.msix.tableSize,
          ...(f.msix.bar !== null ? { bar: f.msix.bar } : {}),
          ...(f.msix.offset !== null ? { offset: f.msix.offset } : {}),
        };
      else if (f.capabilitiesListed) part.msix = null;
      if (f.sriov && f.sriov.totalVfs >= 1)
        part.sriov = {
          total_vfs: f.sriov.totalVfs,
          num_vfs: f.sriov.numVfs,
          vf_device: f.sriov.vfDevice,
          first_vf_offset: Math.max(1, f.sriov.vfOffset),
          vf_stride: Math.max(1, f.sriov.vfStride),
        };
      return part;
    });
    // A function whose INTx the kernel routed (no MSI on) shows its GSI; functions of the same
    // slot with the same pin share that _PRT entry, so one such line tells the others' too.
    const gsiOf = new Map<string, number>();
    this.functions.forEach((f) => {
      if (f.pin && f.irq !== null && !f.msi?.enabled && f.irq > 0 && f.irq < 255)
        gsiOf.set(`${f.bdf.slice(0, -2)}/${f.pin}`, f.irq);
    });
    this.functions.forEach((f, i) => {
      if (!f.pin) return;
      const gsi = gsiOf.get(`${f.bdf.slice(0, -2)}/${f.pin}`);
      if (gsi !== undefined) {
        pci[i]!.intx_gsi = gsi;
        b.note(`$.pci[${i}].intx_gsi`, f.at);
      }
    });
    if (this.detail.verbose || this.detail.config) for (const f of pci) f.parent = parentOf(f, pci);
    b.part.pci = pci;
    return {
      file: this.file,
      functions: this.functions,
      part: b.part,
      provenance: b.provenance,
      notes: this.notes,
      detail: this.detail,
      imprecise,
    };
  }
}

/** What -x/-xxx/-xxxx config space adds: ids, class, bridge buses, MSI/MSI-X/SR-IOV capabilities. */
function fromConfigSpace(f: LspciFunction, cfg: Uint8Array): void {
  const u16 = (o: number) => (o + 1 < cfg.length ? cfg[o]! | (cfg[o + 1]! << 8) : 0);
  const u32 = (o: number) => (o + 3 < cfg.length ? (u16(o) | (u16(o + 2) << 16)) >>> 0 : 0);
  const hx = (n: number) => n.toString(16).padStart(4, '0');
  f.vendorDevice ??= `${hx(u16(0))}:${hx(u16(2))}`;
  if (cfg.length >= 12)
    f.class = `0x${[cfg[11]!, cfg[10]!, cfg[9]!].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  const headerType = cfg[14]! & 0x7f;
  if (headerType === 1) {
    f.secondaryBus ??= cfg[0x19]!;
    f.subordinateBus ??= cfg[0x1a]!;
  }
  f.kind ??= classKind(f.class);
  const pin = cfg[0x3d]!;
  if (pin >= 1 && pin <= 4) f.pin ??= 'ABCD'[pin - 1] as LspciFunction['pin'];
  if (!(u16(6) & 0x10)) return;
  const seen = new Set<number>();
  for (
    let p = cfg[0x34]! & 0xfc;
    p >= 0x40 && p < Math.min(cfg.length, 256) && !seen.has(p);
    p = cfg[p + 1]! & 0xfc
  ) {
    seen.add(p);
    const id = cfg[p]!;
    const ctrl = u16(p + 2);
    if (id === 0x05 && !f.msi) {
      const is64 = (ctrl & 0x80) !== 0;
      const lo = u32(p + 4);
      const hi = is64 ? u32(p + 8) : 0;
      const data = u16(p + (is64 ? 0xc : 0x8));
      const enabled = (ctrl & 1) === 1;
      f.msi = {
        enabled,
        count: 1 << ((ctrl >> 4) & 7),
        max: 1 << ((ctrl >> 1) & 7),
        maskable: (ctrl & 0x100) !== 0,
        is64bit: is64,
        message: enabled ? decodeMsiMessage(lo, data, hi) : null,
      };
    } else if (id === 0x11 && !f.msix) {
      const table = u32(p + 4);
      f.msix = {
        enabled: (ctrl & 0x8000) !== 0,
        tableSize: (ctrl & 0x7ff) + 1,
        masked: (ctrl & 0x4000) !== 0,
        bar: table & 7,
        offset: `0x${(table & (~7 >>> 0)).toString(16)}`,
      };
    } else if (id === 0x10) {
      const k = ((ctrl >> 4) & 0xf) as number;
      const kinds: Record<number, PciPart['kind']> = {
        0: 'endpoint',
        1: 'endpoint',
        4: 'root-port',
        5: 'pcie-switch-upstream',
        6: 'pcie-switch-downstream',
        7: 'pcie-to-pci-bridge',
        9: 'endpoint',
      };
      if (kinds[k] && (f.kind === null || f.kind === 'pci-bridge' || f.kind === 'endpoint'))
        f.kind = kinds[k]!;
    }
  }
  // Extended capabilities (-xxxx): SR-IOV is ID 0x0010.
  const seenX = new Set<number>();
  for (let p = 0x100; p >= 0x100 && p + 4 <= cfg.length && !seenX.has(p);) {
    seenX.add(p);
    const hdr = u32(p);
    if (hdr === 0 || hdr === 0xffffffff) break;
    if ((hdr & 0xffff) === 0x10 && !f.sriov && p + 0x1c <= cfg.length) {
      f.sriov = {
        enabled: (u16(p + 8) & 1) === 1,
        initialVfs: u16(p + 0xc),
        totalVfs: u16(p + 0xe),
        numVfs: u16(p + 0x10),
        vfOffset: u16(p + 0x14),
        vfStride: u16(p + 0x16),
        vfDevice: hx(u16(p + 0x1a)),
      };
    }
    p = (hdr >>> 20) & 0xffc;
  }
}

export function parseLspci(text: string, file: string): LspciResult {
  const p = new LspciParser(file);
  for (const line of text.split('\n')) p.push(line);
  return p.finish();
}

/**
 * Vendors as pci.ids names them, longest first: lspci prints "<vendor> <device>" with nothing
 * between the two, so a known vendor is how the device part is found.
 */
const VENDORS = [
  'Advanced Micro Devices, Inc. [AMD/ATI]',
  'Advanced Micro Devices, Inc. [AMD]',
  'Broadcom Inc. and subsidiaries',
  'Realtek Semiconductor Co., Ltd.',
  'Samsung Electronics Co Ltd',
  'Marvell Technology Group Ltd.',
  'JMicron Technology Corp.',
  'Mellanox Technologies',
  'ASMedia Technology Inc.',
  'Micron Technology Inc',
  'NVIDIA Corporation',
  'Intel Corporation',
  'Qualcomm Atheros',
  'Broadcom / LSI',
  'Red Hat, Inc.',
  'AMD Solarflare',
  'Amazon.com, Inc.',
  'Xilinx Corporation',
  'Huawei Technologies Co., Ltd.',
  'VMware',
].sort((a, b) => b.length - a.length);

/**
 * A device's name from lspci's line: the device first and its vendor after it ("Renoir/Cezanne
 * Root Complex (Advanced Micro Devices, Inc. [AMD])"), so a name shown cut to fit still says what
 * the device is; the ids, revision and prog-if lspci appends are facts of their own and dropped.
 */
export function deviceName(text: string): string {
  const name = text
    .replace(/\s*\(prog-if [0-9a-f]{2}(?: \[[^\]]*\])?\)/i, '')
    .replace(/\s*\(rev [0-9a-f]{2}\)/i, '')
    .replace(/\s*\[[0-9a-f]{4}:[0-9a-f]{4}\]\s*$/i, '')
    .trim();
  const vendor = VENDORS.find((v) => name.startsWith(`${v} `));
  if (!vendor) return name;
  // A device pci.ids does not name ("Intel Corporation Device [8086:3e30]") keeps its id.
  const ids = /\[([0-9a-f]{4}:[0-9a-f]{4})\]/i.exec(text)?.[1];
  const device = name.slice(vendor.length + 1);
  return `${device === 'Device' && ids ? `Device ${ids.toLowerCase()}` : device} (${vendor})`;
}
