// Fuzzing what a machine file can make irqlab do. Machines are valid-looking ones (the presets)
// changed by a list of mutations — wrong parents, loops, BDFs and bus numbers anywhere, extreme
// numbers in every count and register, SR-IOV/VMD/IMS where they make no sense, long arrays of a
// bounded size — and the property is the trust model of docs/architecture.md: the validator
// refuses the machine with JSON paths, or `simulate()` boots it to the end (an oops, a panic or a
// kernel log line is an outcome; an exception is not). Used by core/model/machine.fuzz.test.ts
// (a bounded count) and scripts/fuzz-machine.ts (long runs).
/* eslint-disable @typescript-eslint/no-explicit-any -- mutations write anything anywhere in a JSON value */
import fc from 'fast-check';
import { simulate, type ScenarioStep } from '../scenario';
import { PROFILES } from '../kernel/profiles';
import { PRESETS } from '../model/presets';
import { PCI_KINDS } from '../model/schema';
import { parseMachine, parseMachineJson } from '../model/validate';

/** The machines mutations start from (small ones: each run boots one; the last has 128 CPUs). */
export const FUZZ_BASES = [
  'example',
  'dmar-server',
  'seed-vf-compat-blocked',
  'seed-dmar-hwirq-fail',
] as const;
type Base = (typeof FUZZ_BASES)[number];
const baseMachines = new Map<Base, unknown>();

/** Numbers where limits are: register widths, table sizes, vector counts, 32/53-bit edges. */
const extreme: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      0,
      1,
      2,
      3,
      7,
      8,
      15,
      16,
      23,
      24,
      31,
      32,
      33,
      64,
      127,
      128,
      223,
      224,
      238,
      239,
      254,
      255,
      256,
      257,
      511,
      512,
      1023,
      1024,
      2047,
      2048,
      2049,
      4095,
      4096,
      8191,
      8192,
      32767,
      32768,
      65535,
      65536,
      0x7fffffff,
      0x80000000,
      0xffffffff,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -(2 ** 31),
      0.5,
    ),
  },
  { weight: 1, arbitrary: fc.nat() },
);
/** A value or null. */
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(a, fc.constant(null));
/** Mostly a value the schema takes (so the kernel gets to run), sometimes an extreme one. */
const mostly = (valid: fc.Arbitrary<number>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: extreme });
const byte: fc.Arbitrary<number> = fc.oneof(fc.integer({ min: 0, max: 255 }), extreme);
const any: fc.Arbitrary<unknown> = fc.oneof(
  extreme,
  fc.constantFrom(null, true, false, '', 'x', '0x0', '0000:00:00.0', [], {}, [1, 2], { a: 1 }),
  fc.string({ maxLength: 12 }),
);
const h = (n: number, w: number) => (n >>> 0).toString(16).padStart(w, '0');

/** One change to a machine; indices are taken modulo what is there. */
export type Mutation =
  | { op: 'parent'; target: number; to: number; how: 'other' | 'self' | 'missing' | 'null' }
  | { op: 'loop'; members: number[] }
  | { op: 'bdf'; target: number; seg: number; bus: number; dev: number; fn: number; copy: boolean }
  | { op: 'buses'; target: number; secondary: number | null; subordinate: number | null }
  | { op: 'kind'; target: number; kind: (typeof PCI_KINDS)[number] }
  | {
      op: 'sriov';
      target: number;
      total: number;
      num: number;
      offset: number;
      stride: number;
      msix: number | null;
    }
  | { op: 'msix'; target: number; size: number }
  | { op: 'msi'; target: number; vectors: number }
  | { op: 'intx'; target: number; gsi: number | null }
  | { op: 'vmd'; target: number; domain: number; vectors: number }
  | { op: 'ims'; target: number; slots: number; queue: boolean }
  | { op: 'cpus'; count: number; apicStride: number; first: number; x2apic: boolean[] }
  | { op: 'cpu'; target: number; apic: number; cpu: number; online: boolean }
  | { op: 'ioapic'; target: number; id: number; gsiBase: number; pins: number; add: boolean }
  | { op: 'iso'; busIrq: number; gsi: number }
  | { op: 'hpet'; timers: number; msi: number[]; drop: boolean }
  | { op: 'platform'; irq: number; count: number }
  | { op: 'gpio'; pin: number; count: number; after: number | null; chip: number }
  | {
      op: 'request';
      target: number;
      missing: boolean;
      min: number;
      max: number;
      pre: number;
      post: number;
      managed: boolean;
      prefer: ('ims' | 'msix' | 'msi' | 'intx')[];
    }
  | { op: 'probe'; picks: number[] }
  | { op: 'profile'; name: string | null }
  | { op: 'cmdline'; words: string[] }
  | { op: 'iommu'; target: number; drop: boolean; bus: number; path: [number, number][] }
  | { op: 'many-functions'; count: number; bus: number; msix: number }
  | { op: 'field'; path: number[]; value: unknown };

const index = fc.nat({ max: 10_000 });
const mutations: fc.Arbitrary<Mutation>[] = [
  fc.record({
    op: fc.constant('parent' as const),
    target: index,
    to: index,
    how: fc.constantFrom('other' as const, 'self' as const, 'missing' as const, 'null' as const),
  }),
  fc.record({
    op: fc.constant('loop' as const),
    members: fc.array(index, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    op: fc.constant('bdf' as const),
    target: index,
    seg: fc.constantFrom(0, 0, 1, 0x10000, 0xfffff),
    bus: byte,
    dev: fc.integer({ min: 0, max: 31 }),
    fn: fc.integer({ min: 0, max: 7 }),
    copy: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('buses' as const),
    target: index,
    secondary: maybe(byte),
    subordinate: maybe(byte),
  }),
  fc.record({
    op: fc.constant('kind' as const),
    target: index,
    kind: fc.constantFrom(...PCI_KINDS),
  }),
  fc.record({
    op: fc.constant('sriov' as const),
    target: index,
    total: extreme,
    num: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.constantFrom(64, 255, 256, 300)),
    offset: mostly(fc.integer({ min: 1, max: 0xffff })),
    stride: mostly(fc.integer({ min: 1, max: 0x300 })),
    msix: maybe(extreme),
  }),
  fc.record({
    op: fc.constant('msix' as const),
    target: index,
    size: mostly(fc.integer({ min: 1, max: 2048 })),
  }),
  fc.record({
    op: fc.constant('msi' as const),
    target: index,
    vectors: mostly(fc.constantFrom(1, 2, 4, 8, 16, 32)),
  }),
  fc.record({ op: fc.constant('intx' as const), target: index, gsi: maybe(extreme) }),
  fc.record({
    op: fc.constant('vmd' as const),
    target: index,
    domain: fc.constantFrom(0x10000, 0x10001, 0xfffff, 0x100000, 0),
    vectors: extreme,
  }),
  fc.record({
    op: fc.constant('ims' as const),
    target: index,
    slots: extreme,
    queue: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('cpus' as const),
    count: fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constantFrom(64, 255, 256, 257)),
    apicStride: fc.integer({ min: 0, max: 64 }),
    first: fc.constantFrom(0, 1, 250, 255, 0xff00, 0xfffffff0),
    x2apic: fc.tuple(fc.boolean(), fc.boolean()).map(([a, b]) => [a, b]),
  }),
  fc.record({
    op: fc.constant('cpu' as const),
    target: index,
    apic: extreme,
    cpu: extreme,
    online: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('ioapic' as const),
    target: index,
    id: byte,
    gsiBase: extreme,
    pins: extreme,
    add: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('iso' as const),
    busIrq: mostly(fc.integer({ min: 0, max: 15 })),
    gsi: mostly(fc.integer({ min: 0, max: 23 })),
  }),
  fc.record({
    op: fc.constant('hpet' as const),
    timers: extreme,
    msi: fc.array(extreme, { maxLength: 6 }),
    drop: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('platform' as const),
    irq: extreme,
    count: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(1000)),
  }),
  fc.record({
    op: fc.constant('gpio' as const),
    pin: extreme,
    count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(600)),
    after: maybe(index),
    chip: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({
    op: fc.constant('request' as const),
    target: index,
    missing: fc.boolean(),
    min: mostly(fc.integer({ min: 1, max: 8 })),
    max: mostly(fc.integer({ min: 1, max: 256 })),
    pre: mostly(fc.integer({ min: 0, max: 4 })),
    post: mostly(fc.integer({ min: 0, max: 4 })),
    managed: fc.boolean(),
    prefer: fc.array(
      fc.constantFrom('ims' as const, 'msix' as const, 'msi' as const, 'intx' as const),
      {
        maxLength: 5,
      },
    ),
  }),
  fc.record({ op: fc.constant('probe' as const), picks: fc.array(index, { maxLength: 30 }) }),
  fc.record({
    op: fc.constant('profile' as const),
    name: maybe(
      fc.constantFrom<string>(
        ...Object.keys(PROFILES),
        'v2.6',
        '',
        'constructor',
        '__proto__',
        'toString',
      ),
    ),
  }),
  fc.record({
    op: fc.constant('cmdline' as const),
    words: fc.array(
      fc.constantFrom(
        'intremap=off',
        'intremap=nosid',
        'intremap=no_x2apic_optout',
        'nox2apic',
        'x2apic_phys',
        'noapic',
        'pci=nomsi',
        'irqaffinity=0-3',
        'irqaffinity=9999',
        'nr_cpus=1',
        'maxcpus=0',
        'intel_iommu=off',
        'amd_iommu=off',
        'iommu=pt',
        'intremap=',
        'irqaffinity=',
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    op: fc.constant('iommu' as const),
    target: index,
    drop: fc.boolean(),
    bus: byte,
    path: fc.array(fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 7 })), {
      maxLength: 3,
    }),
  }),
  fc.record({
    op: fc.constant('many-functions' as const),
    count: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(255, 256, 257)),
    bus: byte,
    msix: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(2048)),
  }),
];
// Any value anywhere is mostly refused by the schema's types: rarer, so the kernel gets to run.
const anyField: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constant('field' as const),
  path: fc.array(index, { minLength: 1, maxLength: 6 }),
  value: any,
});
const mutation = fc.oneof(...mutations.map((arbitrary) => ({ arbitrary, weight: 4 })), {
  arbitrary: anyField,
  weight: 1,
});

type Json = Record<string, any>;

/** The array (or object) at `m[key]`, made one if a 'field' mutation put something else there. */
const list = (m: Json, key: string): any[] => (Array.isArray(m[key]) ? m[key] : (m[key] = []));
const record = (m: Json, key: string): Json =>
  m[key] !== null && typeof m[key] === 'object' && !Array.isArray(m[key]) ? m[key] : (m[key] = {});

/** Applies one mutation to a machine's JSON value (in place). */
export function mutate(m: Json, mu: Mutation): void {
  const pci: Json[] = list(m, 'pci').filter((f) => f !== null && typeof f === 'object');
  const pick = (n: number) => (pci.length ? pci[n % pci.length]! : undefined);
  switch (mu.op) {
    case 'parent': {
      const f = pick(mu.target);
      if (!f) return;
      f.parent =
        mu.how === 'self'
          ? f.bdf
          : mu.how === 'missing'
            ? '0000:7f:1f.7'
            : mu.how === 'null'
              ? null
              : (pick(mu.to)?.bdf ?? null);
      return;
    }
    case 'loop': {
      const members = mu.members.map(pick).filter((f): f is Json => !!f);
      members.forEach((f, i) => (f.parent = members[(i + 1) % members.length]!.bdf));
      return;
    }
    case 'bdf': {
      const f = pick(mu.target);
      if (!f) return;
      const bdf = `${h(mu.seg, mu.seg > 0xffff ? 5 : 4)}:${h(mu.bus & 0xff, 2)}:${h(mu.dev, 2)}.${mu.fn}`;
      if (mu.copy) list(m, 'pci').push({ ...f, bdf, sriov: null });
      else f.bdf = bdf;
      return;
    }
    case 'buses': {
      const f = pick(mu.target);
      if (!f) return;
      if (mu.secondary === null) delete f.secondary_bus;
      else f.secondary_bus = mu.secondary;
      if (mu.subordinate === null) delete f.subordinate_bus;
      else f.subordinate_bus = mu.subordinate;
      return;
    }
    case 'kind': {
      const f = pick(mu.target);
      if (f) f.kind = mu.kind;
      return;
    }
    case 'sriov': {
      const f = pick(mu.target);
      if (!f) return;
      f.sriov = {
        total_vfs: mu.total,
        num_vfs: mu.num,
        vf_device: '10ed',
        first_vf_offset: mu.offset,
        vf_stride: mu.stride,
        ...(mu.msix === null ? {} : { vf_msix_table_size: mu.msix }),
      };
      return;
    }
    case 'msix': {
      const f = pick(mu.target);
      if (f) f.msix = { table_size: mu.size, bar: 0, offset: '0x0' };
      return;
    }
    case 'msi': {
      const f = pick(mu.target);
      if (f) f.msi = { vectors_max: mu.vectors, is_64bit: true, per_vector_mask: false };
      return;
    }
    case 'intx': {
      const f = pick(mu.target);
      if (f) {
        f.intx_pin = mu.gsi === null ? null : 'A';
        f.intx_gsi = mu.gsi;
      }
      return;
    }
    case 'vmd': {
      const f = pick(mu.target);
      if (f) {
        f.kind = 'vmd';
        f.vmd = { domain: mu.domain, msix_vectors: mu.vectors };
      }
      return;
    }
    case 'ims': {
      const f = pick(mu.target);
      if (f) f.ims = { storage: mu.queue ? 'queue' : 'array', slots: mu.slots };
      return;
    }
    case 'cpus': {
      const cpus = record(m, 'cpus');
      cpus.apic_mode = mu.x2apic[0] ? 'x2apic' : 'xapic';
      cpus.cpu_has_x2apic = mu.x2apic[1];
      cpus.list = Array.from({ length: mu.count }, (_, cpu) => ({
        cpu,
        apic_id: mu.first + cpu * mu.apicStride,
        package: cpu >> 4,
        core: cpu & 15,
        node: cpu >> 5,
        online: true,
      }));
      return;
    }
    case 'cpu': {
      const cpus = list(record(m, 'cpus'), 'list');
      const c = cpus.length ? cpus[mu.target % cpus.length] : undefined;
      if (c !== null && typeof c === 'object')
        Object.assign(c, { apic_id: mu.apic, cpu: mu.cpu, online: mu.online });
      return;
    }
    case 'ioapic': {
      const ioapics = list(m, 'ioapics');
      const io = {
        id: mu.id,
        address: '0xfec10000',
        gsi_base: mu.gsiBase,
        pins: mu.pins,
        version: 0x20,
      };
      if (mu.add || ioapics.length === 0) ioapics.push(io);
      else ioapics[mu.target % ioapics.length] = io;
      return;
    }
    case 'iso':
      list(m, 'interrupt_source_overrides').push({ bus_irq: mu.busIrq, gsi: mu.gsi });
      return;
    case 'hpet':
      m.hpet = mu.drop
        ? null
        : { id: 0, address: '0xfed00000', timers: mu.timers, msi_timers: mu.msi };
      return;
    case 'platform':
      for (let i = 0; i < mu.count; i++)
        list(m, 'platform_irqs').push({
          irq: mu.count > 1 ? (mu.irq + i) % 300 : mu.irq,
          name: `p${i}`,
        });
      return;
    case 'gpio':
      // Consumers of GPIO pins (one pin shared by several, or hundreds of pins), placed anywhere
      // among the PCI probes.
      for (let i = 0; i < mu.count; i++)
        list(m, 'gpio_irqs').push({
          controller: `INT34C${mu.chip}:00`,
          chip: mu.chip ? 'amd_gpio' : 'intel-gpio',
          pin: mu.count > 3 ? (mu.pin + i) % 4096 : mu.pin,
          name: `g${i}`,
          after: mu.after === null ? null : (pick(mu.after)?.bdf ?? '0000:7c:00.0'),
        });
      return;
    case 'request': {
      const f = pick(mu.target);
      list(m, 'irq_requests').push({
        device: mu.missing || !f ? '0000:7e:00.0' : f.bdf,
        ...(mu.prefer.length ? { prefer: mu.prefer } : {}),
        min_vecs: mu.min,
        max_vecs: mu.max,
        managed: mu.managed,
        pre_vectors: mu.pre,
        post_vectors: mu.post,
      });
      return;
    }
    case 'probe':
      m.probe_order = mu.picks.map((n) => pick(n)?.bdf ?? '0000:7d:00.0');
      return;
    case 'profile':
      if (mu.name === null) delete record(m, 'kernel').profile;
      else record(m, 'kernel').profile = mu.name;
      return;
    case 'cmdline':
      record(m, 'kernel').cmdline = mu.words.join(' ');
      return;
    case 'iommu': {
      const units = list(m, 'iommus');
      if (!units.length) return;
      const n = mu.target % units.length;
      const unit = units[n];
      if (mu.drop) units.splice(n, 1);
      else if (unit === null || typeof unit !== 'object') return;
      else if (unit.kind === 'intel-vtd')
        list(unit, 'scopes').push({ type: 'endpoint', bus: mu.bus, path: mu.path });
      else
        list(unit, 'devices').push({
          type: 'select',
          devid: ((mu.bus & 0xff) << 8) | ((mu.path[0]?.[0] ?? 0) << 3),
        });
      return;
    }
    case 'many-functions':
      for (let i = 0; i < mu.count; i++)
        list(m, 'pci').push({
          bdf: `0000:${h(mu.bus & 0xff, 2)}:${h((i >> 3) & 31, 2)}.${i & 7}`,
          vendor_device: '8086:0b60',
          class: '0x010802',
          msix: { table_size: mu.msix, bar: 0, offset: '0x2000' },
        });
      return;
    case 'field': {
      // Any value anywhere: walk existing keys by index, replace the last one reached.
      let v: any = m;
      for (let i = 0; i < mu.path.length; i++) {
        if (v === null || typeof v !== 'object') return;
        const keys = Object.keys(v);
        if (!keys.length) return;
        const key = keys[mu.path[i]! % keys.length]!;
        if (i === mu.path.length - 1 || v[key] === null || typeof v[key] !== 'object') {
          v[key] = mu.value;
          return;
        }
        v = v[key];
      }
      return;
    }
  }
}

export interface FuzzCase {
  base: Base;
  mutations: Mutation[];
  /** A boot scenario after it: CPUs taken down, every vector fired. */
  cpuDown: number | null;
  fire: boolean;
}

/** Cases starting from `bases` (all of them by default; fewer, smaller ones for a quick run). */
export function fuzzCases(bases: readonly Base[] = FUZZ_BASES): fc.Arbitrary<FuzzCase> {
  return fc.record({
    base: fc.constantFrom(...bases),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }),
    cpuDown: maybe(fc.integer({ min: 0, max: 300 })),
    fire: fc.boolean(),
  });
}

/** The machine JSON value of a case. */
export function machineOf(c: FuzzCase): Json {
  if (!baseMachines.has(c.base)) baseMachines.set(c.base, PRESETS[c.base]!.make());
  const m = structuredClone(baseMachines.get(c.base)) as Json;
  for (const mu of c.mutations) mutate(m, mu);
  return m;
}

export type Outcome =
  | { kind: 'refused'; paths: string[] }
  | { kind: 'booted'; oops: boolean; panic: boolean; log: number };

/**
 * The property: the machine is refused with a JSON path for every problem, or it boots to the
 * end. Throws (the fuzzer's failure) otherwise.
 */
export function checkCase(c: FuzzCase): Outcome {
  const value = machineOf(c);
  const parsed = parseMachine(value);
  if (!parsed.ok) {
    if (!parsed.errors.length) throw new Error('refused without a problem');
    for (const e of parsed.errors)
      if (!/^\$/.test(e.path) || !e.message)
        throw new Error(`a problem without a JSON path: ${JSON.stringify(e)}`);
    return { kind: 'refused', paths: parsed.errors.map((e) => e.path) };
  }
  const machine = parsed.machine;
  // A profile name the app does not know is refused where the machine is loaded, with its path.
  const profile = machine.kernel.profile;
  if (profile !== undefined && !PROFILES[profile])
    return { kind: 'refused', paths: ['$.kernel.profile'] };
  const scenario: ScenarioStep[] = [];
  if (c.cpuDown !== null) scenario.push({ op: 'cpu_down', cpu: c.cpuDown });
  if (c.fire) scenario.push({ op: 'fire', count: 1 });
  const r = simulate(machine, { scenario });
  // What `irqlab simulate` prints: /proc/interrupts is built lazily, line by line.
  let lines = 0;
  r.writeProcInterrupts(() => void lines++);
  return { kind: 'booted', oops: r.oops !== null, panic: r.panic !== null, log: r.dmesg.length };
}

/** Text a machine file could hold: the case's JSON cut, spliced or nested deep. */
export const fuzzText: fc.Arbitrary<string> = fc
  .record({
    c: fuzzCases(),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    insert: fc.constantFrom('', ',', '}', ']', '[', '{', '"', '\\', '\u0000', 'nul', '-', '1e9999'),
    depth: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.constant(100_000)),
    close: fc.boolean(),
  })
  .map(({ c, cut, insert, depth, close }) => {
    const text = JSON.stringify(machineOf(c), null, 1);
    const at = Math.floor(text.length * cut);
    const nested = '['.repeat(depth) + (close ? ']'.repeat(depth) : '');
    return text.slice(0, at) + insert + nested + text.slice(at);
  });

/** parseMachineJson never throws; what it refuses has a JSON path or a line:column. */
export function checkText(text: string): void {
  const r = parseMachineJson(text);
  if (r.ok) return;
  for (const e of r.errors)
    if (!/^(\$|\d+:\d+$)/.test(e.path) || !e.message)
      throw new Error(`a problem without a location: ${JSON.stringify(e)}`);
}
