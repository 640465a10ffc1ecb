// The Markdown report: the HTML report's sections as GitHub-flavoured Markdown, for pasting into
// an issue. Same caps as the HTML report; the heatmap becomes a table of CPU ranges.
import {
  LIMITS,
  LOG_LEVELS,
  noRemappingText,
  remapRoutes,
  type CallNode,
  type ReportModel,
} from './collect';
import { describeSourceCheck, formatIrteDest, formatSid, hex } from './run-data';

export const MARKDOWN_SECTIONS = [
  'Summary',
  'Machine',
  'Topology',
  'Interrupts',
  'Devices',
  'Vector usage per CPU',
  'Interrupt remapping',
  'Faults',
  'Allocations',
  'Trace',
  'dmesg',
] as const;

const n = (v: number) => v.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) =>
  `${n(count)} ${count === 1 ? one : many}`;
const cell = (v: string | number) =>
  (typeof v === 'number' ? n(v) : v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

const shownOf = (shown: number, total: number, what: string) =>
  shown < total
    ? `\n_Showing the first ${n(shown)} of ${n(total)} ${what}; the JSON and CSV reports have them all._\n`
    : '';

const fence = (lines: readonly string[]) =>
  ['```', ...lines.map((l) => l.replace(/```/g, '`\u200b``')), '```'].join('\n');

function args(a: Record<string, number | string>): string {
  return Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

function treeLines(node: CallNode, indent: string, out: string[]): void {
  const rep = node.repeat > 1 ? ` ×${node.repeat}` : '';
  const where = [node.irq >= 0 ? `irq ${node.irq}` : '', node.cpu >= 0 ? `cpu ${node.cpu}` : '']
    .filter(Boolean)
    .join(' ');
  let label: string;
  if (node.kind === 'call')
    label = `${node.name}(${args(node.args)}) = ${node.result === null ? '(did not return)' : node.result}${rep}`;
  else if (node.kind === 'state') label = `[${node.name}] ${args(node.args)}${rep}`;
  else if (node.kind === 'fault') label = `FAULT ${node.name}: ${node.text}`;
  else if (node.kind === 'group')
    label = `×${node.repeat}: the ${node.children.length} calls below, repeated in this order (the first time shown)`;
  else label = `log: ${node.text}`;
  out.push(`${indent}${label}${where ? `  (${where})` : ''}  #${node.seq}`);
  for (const c of node.children) treeLines(c, indent + '  ', out);
  if (node.omitted) out.push(`${indent}  … ${node.omitted} more events not shown`);
}

export function writeMarkdownReport(model: ReportModel, write: (text: string) => void): void {
  const { run, machine: m, outputs: o } = model;
  const w = (s: string) => write(s + '\n');
  w(`# irqlab report · ${m.name} · run ${run.id}`);
  w('');
  w(
    `Status **${run.status}** · profile **${o.profile ?? run.profile}** · scenario **${run.scenario}** · ${n(run.eventCount)} trace events · started ${run.createdAt}${run.finishedAt ? ` · finished ${run.finishedAt}` : ''}`,
  );

  w('\n## Summary\n');
  const faultCount = (o.faults?.length ?? 0) + model.trace.faultsTotal;
  w(
    table(
      ['', ''],
      [
        [
          'CPUs',
          `${n(m.cpus.total)} (${n(m.cpus.online)} online, ${plural(m.cpus.packages.length, 'package')})`,
        ],
        ['IO-APICs', m.ioapics.length],
        ['IOMMU units', m.iommus.length],
        ['PCI functions', m.pci.total],
        ['irqs', model.irqs ? model.irqs.total : 'not recorded'],
        [
          'vectors allocated',
          o.vectorUsage ? o.vectorUsage.reduce((s, u) => s + u.allocated, 0) : 'not recorded',
        ],
        ['faults', faultCount],
      ],
    ),
  );
  if (run.error) w(`\n> **Run error:** ${run.error}`);
  if (run.status === 'incomplete')
    w(`\n> This run was interrupted; what follows is what was stored.`);
  if (o.oops) w(`\n> **Kernel oops:** ${o.oops.text}`);
  if (o.panic) w(`\n> **Kernel panic:** ${o.panic}`);
  if (o.deliveries && o.deliveries.delivered + o.deliveries.faulted + o.deliveries.spurious > 0)
    w(
      `\nInterrupt messages sent by the run: ${n(o.deliveries.delivered)} delivered, ${n(o.deliveries.faulted)} faulted, ${n(o.deliveries.spurious)} spurious.`,
    );
  for (const warning of o.warnings) w(`\n> ${warning}`);

  w('\n## Machine\n');
  if (m.problem) w(`> ${m.problem}\n`);
  w(
    table(
      ['', ''],
      [
        ['name', m.name],
        ['kernel', `${m.kernelVersion}${m.cmdline ? ` (\`${m.cmdline}\`)` : ''}`],
        ['APIC mode', `${m.apicMode}${m.x2apic ? ' (CPU has x2APIC)' : ''}`],
        [
          'CPUs',
          `${n(m.cpus.total)} in ${plural(m.cpus.packages.length, 'package')}, ${plural(m.cpus.nodes, 'NUMA node')}`,
        ],
        ['HPET', m.hpet ? `${m.hpet.address}, ${m.hpet.timers} timers` : 'none'],
        [
          'PCI functions',
          `${n(m.pci.total)}: ${Object.entries(m.pci.byKind)
            .map(([k, c]) => `${n(c)} ${k}`)
            .join(', ')}`,
        ],
      ],
    ),
  );
  w('\n### IO-APICs\n');
  w(
    m.ioapics.length
      ? table(
          ['#', 'id', 'address', 'GSIs'],
          m.ioapics
            .slice(0, 64)
            .map((io, i) => [i, io.id, io.address, `${io.gsiBase}-${io.gsiBase + io.pins - 1}`]),
        ) + shownOf(Math.min(64, m.ioapics.length), m.ioapics.length, 'IO-APICs')
      : '_none_',
  );
  w('\n### IOMMU units\n');
  w(
    m.iommus.length
      ? table(
          ['#', 'kind', 'register base', 'details'],
          m.iommus.map((u, i) => [i, u.kind, u.base, u.detail]),
        )
      : '_none_',
  );

  w('\n## Topology\n');
  const lines: string[] = [];
  for (const p of m.cpus.packages.slice(0, LIMITS.pciGroups))
    lines.push(`package ${p.package} (node ${p.nodes.join(',')}): CPUs ${p.cpuList}`);
  if (m.cpus.packages.length > LIMITS.pciGroups)
    lines.push(`+${m.cpus.packages.length - LIMITS.pciGroups} more packages`);
  lines.push(`  ^ VECTOR domain, local APICs (${m.apicMode})`);
  for (const u of o.remapping?.units ?? [])
    lines.push(`  ^ ${u.name} (interrupt remapping, ${u.mode})`);
  if (!o.remapping)
    for (const [i, u] of m.iommus.entries()) lines.push(`  ^ IOMMU ${i}: ${u.kind} at ${u.base}`);
  for (const [i, io] of m.ioapics.slice(0, LIMITS.ioapics).entries())
    lines.push(`    ^ IO-APIC ${i} (id ${io.id}): GSI ${io.gsiBase}-${io.gsiBase + io.pins - 1}`);
  if (m.ioapics.length > LIMITS.ioapics)
    lines.push(`    ^ +${m.ioapics.length - LIMITS.ioapics} more IO-APICs`);
  for (const g of m.pci.groups.slice(0, LIMITS.pciGroups))
    lines.push(`    ^ PCI bus ${g.root}: ${g.functions.length} functions`);
  if (m.pci.groups.length > LIMITS.pciGroups)
    lines.push(`    ^ +${m.pci.groups.length - LIMITS.pciGroups} more root buses`);
  w(fence(lines));

  w('\n## Interrupts\n');
  if (!model.irqs) w('_not recorded by this run_');
  else {
    w(
      table(
        ['chip', 'irqs', 'requested', 'vector assigned', 'managed', 'MSI', 'MSI-X'],
        model.irqs.byChip.map((c) => [
          c.chip,
          c.irqs,
          c.withActions,
          c.assigned,
          c.managed,
          c.msi,
          c.msix,
        ]),
      ),
    );
    w('');
    w(
      table(
        [
          'irq',
          'chip',
          'hwirq',
          'mode',
          'device',
          'actions',
          'vector',
          'CPU',
          'affinity',
          'managed',
        ],
        model.irqs.shown.map((i) => [
          i.irq,
          i.chip,
          hex(i.hwirq),
          i.mode,
          i.owner,
          i.actions.join(', '),
          i.vector || '—',
          i.vector ? i.cpu : '—',
          i.affinity,
          i.managed ? 'yes' : '',
        ]),
      ),
    );
    w(shownOf(model.irqs.shown.length, model.irqs.total, 'irqs'));
  }

  w('\n## Devices\n');
  if (!o.devices) w('_not recorded by this run_');
  else {
    const shown = o.devices.slice(0, LIMITS.deviceRows);
    w(
      table(
        ['device', 'driver', 'mode', 'vectors', 'first message'],
        shown.map((d) => [
          d.bdf,
          d.driver ?? '—',
          d.mode ?? '—',
          d.vectors,
          d.firstMessage ? `${d.firstMessage.address} / ${d.firstMessage.data}` : '',
        ]),
      ),
    );
    w(shownOf(shown.length, o.devices.length, 'devices'));
  }

  w('\n## Vector usage per CPU\n');
  const usage = [...(o.vectorUsage ?? [])].sort((a, b) => a.cpu - b.cpu);
  if (!usage.length) w('_not recorded by this run_');
  else {
    const per = usage.length <= 32 ? 1 : Math.ceil(usage.length / 32);
    const rows: (string | number)[][] = [];
    for (let i = 0; i < usage.length; i += per) {
      const g = usage.slice(i, i + per);
      const alloc = g.map((u) => u.allocated);
      const cap = g.reduce((s, u) => s + u.allocated + u.available, 0);
      const sum = alloc.reduce((a, b) => a + b, 0);
      rows.push([
        g.length === 1 ? `${g[0]!.cpu}` : `${g[0]!.cpu}-${g[g.length - 1]!.cpu}`,
        Math.min(...alloc),
        Math.max(...alloc),
        `${cap ? Math.round((100 * sum) / cap) : 0}%`,
      ]);
    }
    w(table([per === 1 ? 'CPU' : 'CPUs', 'allocated (min)', 'allocated (max)', 'used'], rows));
  }

  w('\n## Interrupt remapping\n');
  if (!o.remapping || o.remapping.units.length === 0) w(`_${noRemappingText(model)}_`);
  else {
    const routes = remapRoutes(model);
    if (routes.length) w(routes.map((r) => `- ${r}`).join('\n') + '\n');
  }
  if (o.remapping)
    for (const u of o.remapping.units) {
      const present = u.irtes.filter((e) => e.present).length;
      w(`### ${u.name} (${u.mode}): ${n(u.irtes.length)} IRTEs, ${n(present)} present\n`);
      const shown = u.irtes.slice(0, LIMITS.irteRowsPerUnit);
      w(
        table(
          ['index', 'irq', 'present', 'vector', 'dest', 'SID', 'SQ', 'SVT', 'source check'],
          shown.map((e) => [
            hex(e.index),
            e.irq ?? '—',
            e.present ? 'yes' : 'no',
            e.vector ?? '—',
            e.dest === null ? '—' : formatIrteDest(e.dest),
            e.sid === null ? '—' : formatSid(e.sid),
            e.sq ?? '—',
            e.svt ?? '—',
            describeSourceCheck(e),
          ]),
        ),
      );
      w(shownOf(shown.length, u.irtes.length, 'IRTEs'));
    }

  w('\n## Faults\n');
  const faults = o.faults ?? [];
  if (!faults.length && !o.oops && !o.panic && !model.trace.faults.length) w('_none_');
  if (o.oops) w(fence([o.oops.text, 'Call Trace:', ...o.oops.callTrace]));
  if (o.panic) w(`**Kernel panic:** ${o.panic}\n`);
  if (faults.length) {
    const shown = faults.slice(0, LIMITS.faultRows);
    w(
      table(
        ['reason', 'meaning', 'requester', 'index', 'unit', 'log line'],
        shown.map((f) => [
          f.reason === null ? '—' : `${hex(f.reason)} (${f.reason})`,
          f.reason === null ? '' : `${f.reasonType}: ${f.reasonText}`,
          f.source || '—',
          f.index === null ? '—' : hex(f.index),
          f.unit,
          f.line,
        ]),
      ),
    );
    w(shownOf(shown.length, faults.length, 'faults'));
    for (const e of model.faultExplanations) {
      w(`\n### ${e.title}${e.count > 1 ? ` (${n(e.count)} faults)` : ''}\n`);
      w(`\`${e.line}\`\n`);
      for (const [title, items] of [
        ['What it means', e.meaning],
        ['Likely causes', e.causes],
        ['What to check', e.check],
      ] as const)
        if (items.length) w(`**${title}:**\n\n${items.map((i) => `- ${i}`).join('\n')}\n`);
    }
  }
  if (model.trace.faults.length) {
    w('');
    w(
      table(
        ['step', 'fault', 'summary', 'irq', 'CPU'],
        model.trace.faults.map((f) => [
          f.seq,
          f.name,
          f.text,
          f.irq >= 0 ? f.irq : '—',
          f.cpu >= 0 ? f.cpu : '—',
        ]),
      ),
    );
    w(shownOf(model.trace.faults.length, model.trace.faultsTotal, 'fault events'));
  }

  w('\n## Allocations\n');
  w(
    `${n(model.trace.allocations)} calls to \`pci_alloc_irq_vectors_affinity\`${model.trace.failedAllocations ? `, ${n(model.trace.failedAllocations)} failed` : ''}. Identical successful calls in a row are shown once with ×N.`,
  );
  if (!model.callTrees.length) w('\n_none_');
  for (const t of model.callTrees) {
    w(
      `\n### ${t.device ? `${t.device}${t.driver ? ` (${t.driver})` : ''}` : t.root.name}: ${t.why}\n`,
    );
    const out: string[] = [];
    treeLines(t.root, '', out);
    w(fence(out));
  }

  w('\n## Trace\n');
  w(
    `${n(model.trace.events)} events: ${Object.entries(model.trace.byKind)
      .map(([k, c]) => `${n(c)} ${k}`)
      .join(', ')}.\n`,
  );
  w(
    table(
      ['function', 'calls', 'errors returned'],
      model.trace.functions.map((f) => [`\`${f.name}\``, f.calls, f.errors]),
    ),
  );

  w('\n## dmesg\n');
  const logs = model.trace.logs.length
    ? model.trace.logs.map((l) => `<${LOG_LEVELS[l.level] ?? l.level}> ${l.text}`)
    : (o.dmesg ?? []).slice(0, LIMITS.logLines);
  const total = model.trace.logs.length ? model.trace.logsTotal : (o.dmesg?.length ?? 0);
  w(logs.length ? fence(logs) + shownOf(logs.length, total, 'lines') : '_none_');
}
