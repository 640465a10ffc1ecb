// The pseudo-source covers what the model traces: every traced function has its source, and
// every call, state change, fault and log line a function makes in a real run has its line there
// (the call graph is read from runs of the presets and the QEMU machines, with hotplug, affinity
// changes and interrupts fired), so the debugger always has a line to highlight. Each module sits
// at the path of the kernel file it mirrors.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulate, type SimulateOptions } from '../scenario';
import { FUNCTION_ARGS } from '../kernel/trace-symbols';
import { PRESETS } from '../model/presets';
import type { Machine } from '../model/schema';
import { qemuFixtureMachine } from '../testing/qemu';
import { TraceEmitter } from '../trace/emitter';
import { EventKind } from '../trace/events';
import { KERNEL_SOURCE_FILES, PSEUDO_SOURCE, sourceOf } from './index';

/** A machine with GPIO pins' consumers: one before the PCI drivers, two on one pin after them. */
function withGpioPins(m: Machine): Machine {
  const gpio = { controller: 'INT34C5:00', chip: 'intel-gpio', source: 'user' } as const;
  return {
    ...m,
    gpio_irqs: [
      { ...gpio, pin: 87, name: 'rt5682s', after: null },
      { ...gpio, pin: 12, name: 'elan_i2c' },
      { ...gpio, pin: 12, name: 'elan_i2c_wake' },
    ],
  };
}

/** Parent function -> what it made: callees, state:x, fault:x, log. */
function callGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const runs: [Machine, SimulateOptions][] = [
    [PRESETS.example!.make(), {}],
    [PRESETS['dmar-server']!.make(), {}],
    [PRESETS['dmar-server']!.make(), { profile: 'mainline', scenario: [{ op: 'fire' }] }],
    [withGpioPins(PRESETS.example!.make()), {}],
    [PRESETS['seed-dmar-null-callback']!.make(), {}],
    [PRESETS['seed-dmar-hwirq-fail']!.make(), {}],
    [PRESETS['seed-vf-compat-blocked']!.make(), {}],
    [PRESETS['seed-vf-compat-blocked']!.make(), { profile: 'v5.10' }],
    [
      qemuFixtureMachine('q35-ir-4cpu'),
      {
        profile: '6.1',
        scenario: [
          { op: 'cpu_down', cpu: 1 },
          { op: 'cpu_up', cpu: 1 },
          { op: 'set_affinity', irq: 25, cpus: [2] },
          { op: 'fire' },
        ],
      },
    ],
    [
      qemuFixtureMachine('q35-noir-2cpu'),
      { profile: '6.1', scenario: [{ op: 'cpu_down', cpu: 1 }] },
    ],
  ];
  for (const [machine, options] of runs) {
    const trace = new TraceEmitter();
    const stack: string[] = [];
    trace.pauseHook = () => {
      const l = trace.last;
      const name = trace.symbols[l.fn]?.name ?? '';
      const parent = stack[stack.length - 1];
      const made =
        l.kind === EventKind.call
          ? name
          : l.kind === EventKind.state
            ? `state:${name}`
            : l.kind === EventKind.fault
              ? `fault:${name}`
              : l.kind === EventKind.log
                ? 'log'
                : null;
      if (parent && made) {
        if (!graph.has(parent)) graph.set(parent, new Set());
        graph.get(parent)!.add(made);
      }
      if (l.kind === EventKind.call) stack.push(name);
      else if (l.kind === EventKind.ret) stack.pop();
    };
    simulate(machine, { ...options, trace });
  }
  return graph;
}

describe('pseudo-source of the traced kernel functions', () => {
  const graph = callGraph();

  it('has the source of every traced function', () => {
    const traced = new Set([...Object.keys(FUNCTION_ARGS), ...graph.keys()]);
    traced.delete('oops'); // a fault, not a function
    const missing = [...traced].filter((fn) => !sourceOf(fn));
    expect(missing).toEqual([]);
  });

  it('has a line for every call, state change, fault and log line each function makes', () => {
    const missing: string[] = [];
    for (const [parent, made] of graph)
      for (const what of made)
        if (!sourceOf(parent)?.marks.has(what)) missing.push(`${parent} -> ${what}`);
    expect(missing).toEqual([]);
  });

  it('marks only names the model traces', () => {
    const known = new Set([...Object.keys(FUNCTION_ARGS), ...graph.keys()]);
    for (const made of graph.values()) for (const w of made) known.add(w);
    const unknown: string[] = [];
    for (const fn of Object.keys(PSEUDO_SOURCE))
      for (const key of sourceOf(fn)!.marks.keys())
        if (!known.has(key) && !key.startsWith('state:')) unknown.push(`${fn}: @@${key}`);
    expect(unknown).toEqual([]);
  });

  it('shows the text without its markers, each marker kept as its line', () => {
    const src = sourceOf('dmar_alloc_hwirq')!;
    expect(src.file).toBe('arch/x86/kernel/apic/msi.c');
    expect(src.text).not.toContain('@@');
    const line = src.marks.get('__irq_domain_alloc_irqs')!;
    expect(src.text.split('\n')[line - 1]).toContain('irq_domain_alloc_irqs(domain');
    expect(src.text.split('\n')[src.entry - 1]).toContain('dmar_alloc_hwirq(');
  });
});

describe('the kernel-source tree', () => {
  const root = dirname(fileURLToPath(import.meta.url));
  const modules = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? modules(join(dir, e.name))
        : e.name.endsWith('.ts') && !/^(index|source-file)\.ts$|\.test\.ts$/.test(e.name)
          ? [relative(root, join(dir, e.name))]
          : [],
    );

  it('keeps each kernel file at its own path, and every module is in the index', () => {
    const placed = modules(root).map((path) => {
      const declared = /^ {2}file: '([^']+)',$/m.exec(readFileSync(join(root, path), 'utf8'))?.[1];
      return { path: path.replace(/\.ts$/, ''), declared };
    });
    // A kernel file (x.c.ts, x.h.ts) at its path; the device side and a patch series elsewhere.
    const misplaced = placed.filter((p) =>
      /\.[ch]$/.test(p.path)
        ? p.path !== p.declared
        : !/^(hardware|series)\//.test(p.path) || /^[\w/]+\.[ch]$/.test(p.declared ?? ''),
    );
    expect(misplaced).toEqual([]);
    const indexed = new Set(KERNEL_SOURCE_FILES.map((f) => f.file));
    expect(placed.filter((p) => !indexed.has(p.declared!))).toEqual([]);
    expect(KERNEL_SOURCE_FILES.length).toBe(placed.length);
  });
});
