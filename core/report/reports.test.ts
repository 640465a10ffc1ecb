// Reports from runs stored in real session files: HTML (parsed by a small tag walker), Markdown,
// JSON (checked against its schema), Perfetto (checked against the trace-event format).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate } from '../scenario';
import { dmar_get_fault_reason } from '../kernel/iommu/fault-reasons';
import { PRESETS } from '../model/presets';
import { Session } from '../store/session';
import { TraceEmitter } from '../trace/emitter';
import { LIMITS } from './collect';
import { HTML_SECTIONS } from './html';
import { ReportJsonSchema, reportJsonSchema } from './json';
import { MARKDOWN_SECTIONS } from './markdown';
import { writeReport, type ReportFormat } from './report';
import { storedRunOutputs, type RunInput } from './run-data';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-reports-'));
const sessions: Session[] = [];
afterAll(() => {
  for (const s of sessions) s.close();
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;

/** A run stored in a new session file, read back as a report reads it. */
function stored(
  record: (t: TraceEmitter) => void,
  /** The outputs to store, or a function giving them once the trace is recorded. */
  outputs: unknown,
  machine: unknown = { name: 'test-machine', kernel: { version: '6.1' }, cpus: { list: [] } },
): RunInput {
  const session = Session.open(path.join(dir, `s${files++}.irqlab`), { create: true });
  sessions.push(session);
  const writer = session.beginRun({ profile: '6.1', machineJson: JSON.stringify(machine) });
  const trace = new TraceEmitter(4096);
  trace.addSink(writer);
  record(trace);
  trace.flush();
  writer.finish(typeof outputs === 'function' ? (outputs as () => unknown)() : outputs);
  const run = session.run(writer.runId)!;
  return { ...run, outputs: session.runOutputs(run.id), source: session.traceSource(run.id) };
}

/** The example preset booted, its trace and outputs stored as `irqlab simulate --out` does. */
function exampleRun(): { run: RunInput; result: ReturnType<typeof simulate> } {
  const machine = PRESETS.example!.make();
  let result!: ReturnType<typeof simulate>;
  const run = stored(
    (trace) => {
      result = simulate(machine, { trace });
    },
    () => storedRunOutputs(result),
    machine,
  );
  return { run, result };
}

function render(format: ReportFormat, run: RunInput): string {
  let text = '';
  writeReport(format, run, (s) => (text += s));
  return text;
}

// --- a small HTML tag walker ------------------------------------------------------------------

interface El {
  tag: string;
  attrs: Record<string, string>;
  children: (El | string)[];
}

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === '#39' ? "'" : '&',
  );

/** Parses the page into elements; throws on a tag closed out of order or left open. */
function parseHtml(html: string): El {
  const root: El = { tag: '#root', attrs: {}, children: [] };
  const stack = [root];
  const re =
    /<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let at = 0;
  const inStyle = () => stack[stack.length - 1]!.tag === 'style';
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const top = stack[stack.length - 1]!;
    if (m.index > at) top.children.push(decode(html.slice(at, m.index)));
    at = re.lastIndex;
    if (!m[2]) continue; // comment, doctype
    const [, closing, rawTag, rawAttrs, selfClosing] = m;
    const tag = rawTag!.toLowerCase();
    if (inStyle() && !(closing && tag === 'style')) continue;
    if (closing) {
      if (top.tag !== tag) throw new Error(`</${tag}> closes <${top.tag}> at byte ${m.index}`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g))
      attrs[a[1]!] = decode(a[2] ?? '');
    const el: El = { tag, attrs, children: [] };
    top.children.push(el);
    if (!selfClosing && !VOID.has(tag)) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.tag}> is never closed`);
  return root;
}

function* walk(el: El): Generator<El> {
  yield el;
  for (const c of el.children) if (typeof c !== 'string') yield* walk(c);
}
const all = (el: El, tag: string) => [...walk(el)].filter((e) => e.tag === tag);
const text = (el: El): string =>
  el.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
function section(page: El, id: string): El {
  const s = all(page, 'section').find((e) => e.attrs.id === id);
  if (!s) throw new Error(`no section #${id}`);
  return s;
}

// --- tests ----------------------------------------------------------------------------------

describe('the HTML report', () => {
  const { run, result } = exampleRun();
  const html = render('html', run);
  const page = parseHtml(html);

  it('is one well-formed page with every section, in order, each with its heading', () => {
    expect(all(page, 'section').map((s) => s.attrs.id)).toEqual(HTML_SECTIONS.map(([id]) => id));
    for (const [id, label] of HTML_SECTIONS) {
      const heading = all(section(page, id), 'h2')[0];
      expect(heading && text(heading), id).toContain(
        label === 'Allocations' ? 'Allocations' : label.split(' ')[0],
      );
    }
    const nav = all(page, 'nav')[0]!;
    expect(all(nav, 'a').map((a) => a.attrs.href)).toEqual(HTML_SECTIONS.map(([id]) => `#${id}`));
  });

  it('is self-contained: no scripts, no external resources, pictures as inline SVG', () => {
    expect(all(page, 'script')).toHaveLength(0);
    for (const el of walk(page)) {
      for (const name of ['src', 'href', 'xlink:href'])
        if (el.attrs[name] !== undefined) expect(el.attrs[name]).toMatch(/^#/);
    }
    expect(html).not.toMatch(/url\((?!#)/); // CSS and SVG fills only point inside the page
    expect(all(section(page, 'topology'), 'svg')).toHaveLength(1);
    expect(all(section(page, 'vectors'), 'svg')).toHaveLength(1);
  });

  it('lists every irq of the run, and its per-CPU vector usage as one heatmap cell per CPU', () => {
    const tables = all(section(page, 'interrupts'), 'table');
    const irqTable = tables[tables.length - 1]!;
    const rows = all(all(irqTable, 'tbody')[0]!, 'tr');
    expect(rows.map((r) => Number(text(all(r, 'td')[0]!).replace(/,/g, '')))).toEqual(
      result.irqs.map((i) => i.irq),
    );
    const cells = all(all(section(page, 'vectors'), 'svg')[0]!, 'rect').filter(
      (r) => all(r, 'title').length,
    );
    expect(cells).toHaveLength(result.vectorUsage.length);
    expect(text(all(cells[0]!, 'title')[0]!)).toBe(
      `CPU ${result.vectorUsage[0]!.cpu}: ${result.vectorUsage[0]!.allocated} of ${result.vectorUsage[0]!.allocated + result.vectorUsage[0]!.available} vectors allocated (${result.vectorUsage[0]!.managedAllocated} managed)`,
    );
  });

  it("shows the run's dmesg line for line, the machine, and the call trees of its allocations", () => {
    const pre = all(section(page, 'dmesg'), 'pre')[0]!;
    expect(text(pre).split('\n')).toEqual(result.dmesg);
    expect(text(section(page, 'machine'))).toContain(PRESETS.example!.make().description);
    const trees = all(section(page, 'calltrees'), 'details');
    expect(trees.length).toBeGreaterThan(0);
    expect(text(trees[0]!)).toContain('pci_alloc_irq_vectors_affinity(dev=');
  });

  it('says "not recorded" for interrupt remapping and "none" for faults when the run recorded none', () => {
    const plain = stored((t) => t.log(6, 'hello'), { format: 'irqlab-run/1', dmesg: ['hello'] });
    const p = parseHtml(render('html', plain));
    expect(text(section(p, 'remapping'))).toMatch(/Interrupt remapping\s*not recorded/);
    expect(text(section(p, 'faults'))).toMatch(/Faults\s*none/);
    expect(text(section(p, 'interrupts'))).toContain('not recorded by this run');
  });
});

// Outputs as the kernel will write them once it models remapping (hand-made: two faults, one
// with the requester as a number and an explanation, one as the kernel prints it).
const REMAPPED = {
  format: 'irqlab-run/1',
  profile: 'mainline',
  dmesg: ['DMAR-IR: Enabled IRQ remapping in x2apic mode'],
  remapping: {
    mode: 'x2apic',
    driver: 'intel',
    units: [
      {
        name: 'dmar0',
        irtes: [
          { index: 0, irq: 24, present: true, vector: 0x21, dest: 3, sid: 0x3b00, sq: 0, svt: 1 },
          { index: 1, irq: 25, present: true, vector: 0x22, dest: 4, sid: 0x3b3c, sq: 0, svt: 2 },
          { index: 2, irq: 26, present: false, vector: 0, dest: 0, sid: 0, sq: 0, svt: 0 },
        ],
      },
      { name: 'dmar1', mode: 'off', irtes: [] },
    ],
  },
  faults: [
    {
      line: 'DMAR: [INTR-REMAP] Request device [3b:00.1] fault index 0x1c [fault reason 0x26] Blocked an interrupt request due to source-id verification failure',
      reason: 0x26,
      sid: 0x3b01,
      index: 0x1c,
      explanation: 'The VF writes with its own requester id.',
    },
    {
      line: 'DMAR: [INTR-REMAP] Request device [3b:00.1] fault index 0x1d [fault reason 0x26] Blocked an interrupt request due to source-id verification failure',
      reason: 0x26,
      sid: '3b:00.1',
      index: 0x1d,
      unit: 'dmar0',
    },
    { line: 'DMAR: [INTR-REMAP] ... [fault reason 0x22] ...', reason: 0x22, sid: 0x0010, index: 3 },
  ],
};

describe('interrupt remapping and faults in the reports', () => {
  const run = stored((t) => t.log(6, 'DMAR-IR: Enabled IRQ remapping in x2apic mode'), REMAPPED);

  it('shows each unit with its IRTEs and what its source check accepts', () => {
    const page = parseHtml(render('html', run));
    const remap = section(page, 'remapping');
    const summary = all(remap, 'table')[0]!;
    expect(all(all(summary, 'tbody')[0]!, 'tr').map((r) => text(all(r, 'td')[0]!))).toEqual([
      'dmar0',
      'dmar1',
    ]);
    expect(text(all(all(summary, 'tbody')[0]!, 'tr')[1]!)).toContain('off'); // unit's own mode
    const irtes = all(all(remap, 'table')[1]!, 'tbody')[0]!;
    const rows = all(irtes, 'tr').map((r) => all(r, 'td').map(text));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('requester 3b:00.0');
    expect(rows[1]).toContain('bus 3b-3c');
    expect(rows[2]).toContain('not checked');
  });

  it("gives each fault the kernel's reason text, its requester, and what it means", () => {
    const page = parseHtml(render('html', run));
    const faults = section(page, 'faults');
    const rows = all(all(all(faults, 'table')[0]!, 'tbody')[0]!, 'tr').map((r) =>
      all(r, 'td').map(text),
    );
    expect(rows).toHaveLength(3);
    const reason = dmar_get_fault_reason(0x26);
    expect(rows[0]![1]).toBe(`${reason.type}: ${reason.text}`);
    expect(rows[0]![2]).toBe('3b:00.1');
    expect(rows[1]![2]).toBe('3b:00.1');
    expect(rows[0]).toContain('The VF writes with its own requester id.');
    expect(rows[2]![1]).toContain(dmar_get_fault_reason(0x22).text);
    // The two source-id faults of one requester are explained once, counted twice.
    const explained = all(faults, 'details').map(text);
    expect(explained.some((e) => /2 faults/.test(e))).toBe(true);
    expect(text(section(page, 'summary'))).toMatch(/3\s*faults/);
  });

  it('puts the same in the Markdown and the JSON report', () => {
    const md = render('md', run);
    expect(md).toContain('### dmar0 (x2apic): 3 IRTEs, 2 present');
    expect(md).toContain(dmar_get_fault_reason(0x26).text);
    const json = ReportJsonSchema.parse(JSON.parse(render('json', run)));
    expect(json.outputs.remapping?.units.map((u) => [u.name, u.mode, u.irtes.length])).toEqual([
      ['dmar0', 'x2apic', 3],
      ['dmar1', 'off', 0],
    ]);
    expect(json.outputs.faults?.map((f) => f.source)).toEqual(['3b:00.1', '3b:00.1', '00:02.0']);
  });
});

describe('a big machine', () => {
  const cpus = 1536;
  const irqs = 50_000;
  const run = stored(
    (t) => {
      const alloc = t.symbol({
        name: 'pci_alloc_irq_vectors_affinity',
        args: [{ name: 'dev', type: 'str' }],
      });
      const inner = t.symbol({
        name: '__irq_domain_alloc_irqs',
        args: [{ name: 'nr_irqs', type: 'int' }],
      });
      const activate = t.symbol({
        name: 'irq_domain_activate_irq',
        args: [{ name: 'virq', type: 'int' }],
      });
      const nomem = t.symbol({ name: 'msi_domain_alloc', args: [] });
      t.call(alloc, -1, -1, t.intern('0000:3b:00.0'));
      for (let i = 0; i < 2000; i++) {
        t.call(inner, 100 + i, -1, 1);
        t.ret(inner, 100 + i, 100 + i);
        t.call(activate, 100 + i, -1, 100 + i);
        t.ret(activate, 0, 100 + i, i % cpus);
      }
      t.ret(alloc, 2000);
      t.call(alloc, -1, -1, t.intern('0000:5e:00.0'));
      t.call(nomem);
      t.ret(nomem, -28);
      t.ret(alloc, -28);
    },
    {
      format: 'irqlab-run/1',
      vectorUsage: Array.from({ length: cpus }, (_, cpu) => ({
        cpu,
        available: 200 - (cpu % 200),
        allocated: cpu % 200,
        managed: 0,
        managedAllocated: 0,
      })),
      irqs: Array.from({ length: irqs }, (_, irq) => ({
        irq,
        chip: `IR-PCI-MSIX-0000:${(irq % 64).toString(16).padStart(2, '0')}:00.0`,
        hwirq: irq,
        actions: [`q${irq}`],
        owner: '0000:3b:00.0',
        msi: 'msix',
        vector: 33,
        cpu: irq % cpus,
      })),
      devices: [{ bdf: '0000:3b:00.0', driver: 'mlx5_core', mode: 'msix', messages: [] }],
    },
  );
  const html = render('html', run);
  const page = parseHtml(html);

  it('makes a page of readable size that says what it cut', () => {
    expect(html.length).toBeLessThan(1_500_000);
    const irqTable = all(section(page, 'interrupts'), 'table').at(-1)!;
    expect(all(all(irqTable, 'tbody')[0]!, 'tr')).toHaveLength(LIMITS.irqRows);
    expect(text(section(page, 'interrupts'))).toContain(`the first ${LIMITS.irqRows} of 50,000`);
    // 64 per-device chips are one row of the chip table.
    const chips = all(all(all(section(page, 'interrupts'), 'table')[0]!, 'tbody')[0]!, 'tr');
    expect(chips.map((r) => all(r, 'td').slice(0, 3).map(text))).toEqual([
      ['IR-PCI-MSIX', '64', '50,000'],
    ]);
    const cells = all(section(page, 'vectors'), 'rect').filter((r) => all(r, 'title').length);
    expect(cells).toHaveLength(cpus);
  });

  it('folds repeated calls in a call tree and shows a failed allocation first', () => {
    const json = ReportJsonSchema.parse(JSON.parse(render('json', run)));
    const [failed, big] = json.callTrees;
    expect(failed).toMatchObject({ why: 'failed', device: '0000:5e:00.0', root: { result: -28 } });
    expect(big).toMatchObject({
      why: 'largest of its driver',
      driver: 'mlx5_core',
      root: { result: 2000 },
    });
    const group = big!.root.children[0]!;
    expect(group).toMatchObject({ kind: 'group', repeat: 2000 });
    expect(group.children.map((c) => c.name)).toEqual([
      '__irq_domain_alloc_irqs',
      'irq_domain_activate_irq',
    ]);
    const tree = all(section(page, 'calltrees'), 'details').map(text);
    expect(tree[0]).toMatch(/0000:5e:00\.0 — failed/);
    expect(tree[1]).toContain('×2,000');
  });

  it('groups CPUs into heatmap cells beyond the cell limit, and says so', () => {
    const huge = stored(() => {}, {
      vectorUsage: Array.from({ length: 8192 }, (_, cpu) => ({
        cpu,
        available: 150,
        allocated: 50,
        managed: 0,
        managedAllocated: 0,
      })),
    });
    const p = parseHtml(render('html', huge));
    const cells = all(section(p, 'vectors'), 'rect').filter((r) => all(r, 'title').length);
    expect(cells).toHaveLength(LIMITS.heatmapCells);
    expect(text(section(p, 'vectors'))).toContain('Each cell is 4 consecutive CPUs');
  });
});

describe('the Markdown report', () => {
  const { run, result } = exampleRun();
  const md = render('md', run);

  it('has every section as a level-2 heading, in order', () => {
    const headings = md
      .split('\n')
      .filter((l) => l.startsWith('## '))
      .map((l) => l.slice(3));
    expect(headings).toEqual([...MARKDOWN_SECTIONS]);
  });

  it('writes tables with as many cells per row as headers, and balanced code fences', () => {
    const lines = md.split('\n');
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('| ') || !lines[i + 1]?.startsWith('| ---')) continue;
      const width = cells(lines[i]!);
      for (let j = i + 1; lines[j]?.startsWith('|'); j++)
        expect(cells(lines[j]!), lines[j]).toBe(width);
    }
    expect(lines.filter((l) => l.startsWith('```')).length % 2).toBe(0);
    for (const line of result.dmesg) expect(md).toContain(line);
  });
});

describe('the JSON report', () => {
  const { run, result } = exampleRun();
  const doc: unknown = JSON.parse(render('json', run));

  it('matches its schema, with every irq and CPU of the run', () => {
    const json = ReportJsonSchema.parse(doc);
    expect(json.outputs.irqs?.map((i) => i.irq)).toEqual(result.irqs.map((i) => i.irq));
    expect(json.outputs.vectorUsage).toEqual(result.vectorUsage);
    expect(json.trace.events).toBe(result.events);
    expect(json.run).toMatchObject({ id: run.id, status: 'complete' });
  });

  it('is described by a JSON Schema made from the same definition', () => {
    const schema = reportJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(doc as object));
    expect(schema.required).toContain('outputs');
  });
});

describe('the Perfetto report of a real boot', () => {
  const { run } = exampleRun();
  const trace = JSON.parse(render('perfetto', run)) as { traceEvents: Record<string, unknown>[] };

  it('follows the trace-event format: phases, timestamps, balanced slices per thread', () => {
    const open = new Map<unknown, number>();
    const lastTs = new Map<unknown, number>();
    for (const e of trace.traceEvents) {
      expect(['B', 'E', 'i', 'M']).toContain(e.ph);
      expect(e.pid).toBe(1);
      if (e.ph === 'M') {
        expect(['process_name', 'thread_name']).toContain(e.name);
        expect(typeof (e.args as { name?: unknown }).name).toBe('string');
        continue;
      }
      expect(Number.isInteger(e.ts) && (e.ts as number) >= 0).toBe(true);
      if (e.ph === 'i') {
        expect(['g', 'p', 't']).toContain(e.s);
        continue;
      }
      expect(e.tid).toBeDefined();
      expect(e.ts as number).toBeGreaterThanOrEqual(lastTs.get(e.tid) ?? 0);
      lastTs.set(e.tid, e.ts as number);
      const depth = (open.get(e.tid) ?? 0) + (e.ph === 'B' ? 1 : -1);
      expect(depth).toBeGreaterThanOrEqual(0);
      open.set(e.tid, depth);
      if (e.ph === 'B') expect(typeof e.name).toBe('string');
    }
    expect([...open.values()].every((d) => d === 0)).toBe(true);
  });
});
