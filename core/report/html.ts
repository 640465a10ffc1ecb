// The HTML report: one self-contained page (inline CSS and SVG; no scripts, no external
// requests), readable when opened from a mail or a bug tracker. Sections, each with an id: summary,
// machine, topology, interrupts, devices, vectors, remapping, faults, calltrees, trace, dmesg.
// Long lists are capped (collect.ts LIMITS) and each says how much it shows.
import {
  chipFamily,
  LIMITS,
  LOG_LEVELS,
  noRemappingText,
  remapRoutes,
  type CallNode,
  type ReportModel,
} from './collect';
import { describeSourceCheck, formatIrteDest, formatSid, hex } from './run-data';
import { esc, heatmapSvg, topologySvg } from './svg';

export const HTML_SECTIONS = [
  ['summary', 'Summary'],
  ['machine', 'Machine'],
  ['topology', 'Topology'],
  ['interrupts', 'Interrupts'],
  ['devices', 'Devices'],
  ['vectors', 'Vector usage'],
  ['remapping', 'Interrupt remapping'],
  ['faults', 'Faults'],
  ['calltrees', 'Allocations'],
  ['trace', 'Trace'],
  ['dmesg', 'dmesg'],
] as const;

const n = (v: number) => v.toLocaleString('en-US');
const plural = (count: number, one: string, many = `${one}s`) =>
  `${n(count)} ${count === 1 ? one : many}`;

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;background:#f8fafc}
header{background:#1e293b;color:#f8fafc;padding:20px 32px 16px}
header h1{margin:0 0 4px;font-size:22px;font-weight:650}
header .sub{color:#cbd5e1;font-size:13px}
header .sub b{color:#f8fafc;font-weight:600}
nav{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #e2e8f0;padding:8px 32px;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
nav a{color:#2563eb;text-decoration:none}
main{max-width:1180px;margin:0 auto;padding:8px 32px 40px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px 20px;margin:18px 0}
h2{margin:0 0 10px;font-size:17px}
h3{margin:16px 0 6px;font-size:14px}
p{margin:6px 0}
.note{color:#64748b;font-size:12.5px}
.none{color:#64748b;font-style:italic}
table{border-collapse:collapse;width:auto;min-width:40%;font-size:12.5px;margin:6px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef2f7;vertical-align:top}
th{background:#f1f5f9;font-weight:600;color:#334155;white-space:nowrap}
tr:nth-child(even) td{background:#fafcfe}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px;margin:8px 0}
.fact{border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px;background:#f8fafc}
.fact .v{font-size:19px;font-weight:650}
.fact .k{color:#64748b;font-size:12px}
.bad{color:#b91c1c}
.ok{color:#15803d}
.warn{background:#fffbeb;border:1px solid #fde68a;border-radius:6px;padding:6px 10px;margin:6px 0;font-size:13px}
.err{background:#fef2f2;border:1px solid #fecaca;border-radius:6px;padding:6px 10px;margin:6px 0}
pre{background:#0f172a;color:#e2e8f0;padding:10px 12px;border-radius:6px;overflow-x:auto;max-height:520px;margin:6px 0;line-height:1.4}
pre .lv0,pre .lv1,pre .lv2,pre .lv3{color:#fca5a5}
pre .lv4{color:#fcd34d}
pre .lv7{color:#94a3b8}
.tree,.tree ul{list-style:none;margin:0;padding-left:18px}
.tree{padding-left:0}
.tree li{position:relative;padding:1px 0}
.tree ul{border-left:1px dotted #cbd5e1;margin-left:6px}
.tree .fn{font-weight:600}
.tree .rep{color:#7c3aed;font-weight:600}
.tree .st{color:#0f766e}
.tree .flt{color:#b91c1c;font-weight:600}
.tree .lg{color:#64748b}
.tree .more{color:#94a3b8;font-style:italic}
details>summary{cursor:pointer;margin:4px 0;font-weight:600}
.explain{border-left:3px solid #fca5a5;padding:2px 0 2px 12px;margin:8px 0}
.explain ul{margin:2px 0 6px;padding-left:20px}
.scroll{overflow-x:auto}
footer{color:#64748b;font-size:12px;text-align:center;padding:0 0 30px}
`;

function table(
  head: readonly (string | [string, 'num'])[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const numeric = head.map((h) => Array.isArray(h));
  const th = head
    .map((h) => (Array.isArray(h) ? `<th class="num">${esc(h[0])}</th>` : `<th>${esc(h)}</th>`))
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${typeof c === 'number' ? n(c) : c}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const shownOf = (shown: number, total: number, what: string) =>
  shown < total
    ? `<p class="note">Showing the first ${n(shown)} of ${n(total)} ${what}; the JSON and CSV reports have them all.</p>`
    : '';

function args(a: Record<string, number | string>): string {
  return Object.entries(a)
    .map(([k, v]) => `${esc(k)}=${esc(String(v))}`)
    .join(', ');
}

function treeNode(node: CallNode): string {
  let label: string;
  const rep = node.repeat > 1 ? ` <span class="rep">×${n(node.repeat)}</span>` : '';
  const where = [node.irq >= 0 ? `irq ${node.irq}` : '', node.cpu >= 0 ? `cpu ${node.cpu}` : '']
    .filter(Boolean)
    .join(' ');
  switch (node.kind) {
    case 'call': {
      const result =
        node.result === null
          ? ' <span class="bad">(did not return)</span>'
          : node.result < 0
            ? ` = <span class="bad">${node.result}</span>`
            : ` = ${node.result}`;
      label = `<span class="fn">${esc(node.name)}</span>(${args(node.args)})${result}${rep}`;
      break;
    }
    case 'state':
      label = `<span class="st">${esc(node.name)}</span> ${args(node.args)}${rep}`;
      break;
    case 'fault':
      label = `<span class="flt">${esc(node.name)}: ${esc(node.text)}</span>`;
      break;
    case 'log':
      label = `<span class="lg">log: ${esc(node.text)}</span>`;
      break;
    case 'group':
      label = `<span class="rep">×${n(node.repeat)}</span> <span class="note">the ${node.children.length} calls below, repeated in this order (the first time shown)</span>`;
      break;
  }
  const meta = `${where ? ` <span class="note">${where}</span>` : ''} <span class="note">#${node.seq}</span>`;
  const kids =
    node.children.length || node.omitted
      ? `<ul>${node.children.map(treeNode).join('')}${node.omitted ? `<li class="more">… ${n(node.omitted)} more events not shown</li>` : ''}</ul>`
      : '';
  return `<li><span class="mono">${label}</span>${meta}${kids}</li>`;
}

function fact(value: string | number, key: string, cls = ''): string {
  return `<div class="fact"><div class="v ${cls}">${typeof value === 'number' ? n(value) : esc(value)}</div><div class="k">${esc(key)}</div></div>`;
}

/** A sub-section: its table inline when short, folded (click to open; no script) when long. */
function part(title: string, content: string, rows: number, openUpTo = 24): string {
  return rows <= openUpTo
    ? `<h3>${title}</h3>${content}`
    : `<details><summary>${title}</summary>${content}</details>`;
}

const MODE_NAMES: Record<string, string> = { msix: 'MSI-X', msi: 'MSI', intx: 'INTx' };

export function writeHtmlReport(model: ReportModel, write: (text: string) => void): void {
  const { run, machine: m, outputs: o } = model;
  const title = `irqlab report · ${m.name} · run ${run.id}`;
  write(`<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">`);
  write(`<meta name="viewport" content="width=device-width,initial-scale=1">`);
  write(`<title>${esc(title)}</title><style>${CSS}</style></head><body>\n`);
  write(
    `<header><h1>${esc(title)}</h1><div class="sub">status <b>${esc(run.status)}</b> · profile <b>${esc(o.profile ?? run.profile)}</b> · scenario <b>${esc(run.scenario)}</b> · ${n(run.eventCount)} trace events · started ${esc(run.createdAt)}${run.finishedAt ? ` · finished ${esc(run.finishedAt)}` : ''}</div></header>\n`,
  );
  write(
    `<nav>${HTML_SECTIONS.map(([id, label]) => `<a href="#${id}">${esc(label)}</a>`).join('')}</nav><main>\n`,
  );

  // Summary.
  const faultCount = (o.faults?.length ?? 0) + model.trace.faultsTotal;
  const vectors = (o.vectorUsage ?? []).reduce((s, u) => s + u.allocated, 0);
  write(`<section id="summary"><h2>Summary</h2><div class="facts">`);
  write(
    fact(
      m.cpus.total,
      `CPUs (${n(m.cpus.online)} online, ${plural(m.cpus.packages.length, 'package')})`,
    ),
  );
  write(fact(m.ioapics.length, 'IO-APICs'));
  write(
    fact(
      m.iommus.length,
      o.remapping ? `IOMMU units (remapping ${o.remapping.mode})` : 'IOMMU units',
    ),
  );
  write(fact(m.pci.total, 'PCI functions'));
  write(fact(model.irqs?.total ?? '—', 'irqs'));
  write(fact(o.vectorUsage ? vectors : '—', 'vectors allocated'));
  write(fact(faultCount, 'faults', faultCount ? 'bad' : 'ok'));
  write(fact(run.eventCount, 'trace events'));
  write(`</div>`);
  if (run.error) write(`<div class="err">Run error: ${esc(run.error)}</div>`);
  if (run.status === 'incomplete')
    write(
      `<div class="warn">This run was interrupted (the process writing it was killed); what follows is what was stored.</div>`,
    );
  if (o.oops) write(`<div class="err">Kernel oops: ${esc(o.oops.text)} — see Faults.</div>`);
  if (o.panic) write(`<div class="err">Kernel panic: ${esc(o.panic)}</div>`);
  const d = o.deliveries;
  if (d && d.delivered + d.faulted + d.spurious > 0)
    write(
      `<p>Interrupt messages sent by the run: ${n(d.delivered)} delivered, <span class="${d.faulted ? 'bad' : ''}">${n(d.faulted)} faulted</span>, ${n(d.spurious)} spurious.</p>`,
    );
  for (const w of o.warnings) write(`<div class="warn">${esc(w)}</div>`);
  if (o.shape === 'none')
    write(
      `<p class="none">This run stored no outputs (what follows comes from its trace only).</p>`,
    );
  write(`</section>\n`);

  // Machine.
  write(`<section id="machine"><h2>Machine</h2>`);
  if (m.problem) write(`<div class="err">${esc(m.problem)}</div>`);
  write(
    table(
      ['', ''],
      [
        ['name', esc(m.name)],
        ...(m.description ? [['description', esc(m.description)]] : []),
        ['kernel', esc(m.kernelVersion) + (m.cmdline ? ` · <code>${esc(m.cmdline)}</code>` : '')],
        ['APIC mode', `${esc(m.apicMode)}${m.x2apic ? ' (CPU has x2APIC)' : ''}`],
        ['hypervisor', esc(m.hypervisor ?? 'none (bare metal)')],
        [
          'CPUs',
          `${n(m.cpus.total)} (${n(m.cpus.online)} online) in ${plural(m.cpus.packages.length, 'package')}, ${plural(m.cpus.nodes, 'NUMA node')}`,
        ],
        ['HPET', m.hpet ? `${esc(m.hpet.address)}, ${m.hpet.timers} timers` : 'none'],
        [
          'PCI functions',
          `${n(m.pci.total)}: ${Object.entries(m.pci.byKind)
            .map(([k, c]) => `${n(c)} ${esc(k)}`)
            .join(', ')}`,
        ],
      ],
    ).replace('<thead><tr><th></th><th></th></tr></thead>', ''),
  );
  const packages = m.cpus.packages.slice(0, 64);
  write(
    part(
      `CPU packages (${m.cpus.packages.length})`,
      table(
        ['package', 'NUMA node', ['CPUs', 'num'], ['online', 'num'], 'CPU numbers'],
        packages.map((p) => [
          p.package,
          p.nodes.join(','),
          p.cpus,
          p.online,
          `<span class="mono">${esc(p.cpuList)}</span>`,
        ]),
      ) + shownOf(packages.length, m.cpus.packages.length, 'packages'),
      packages.length,
      8,
    ),
  );
  const ioapics = m.ioapics.slice(0, 64);
  write(
    part(
      `IO-APICs (${m.ioapics.length})`,
      ioapics.length
        ? table(
            ['#', 'id', 'address', 'GSIs'],
            ioapics.map((io, i) => [
              i,
              io.id,
              esc(io.address),
              `${io.gsiBase}-${io.gsiBase + io.pins - 1}`,
            ]),
          ) + shownOf(ioapics.length, m.ioapics.length, 'IO-APICs')
        : `<p class="none">none</p>`,
      ioapics.length,
      8,
    ),
  );
  write(
    part(
      `IOMMU units (${m.iommus.length})`,
      m.iommus.length
        ? table(
            ['#', 'kind', 'register base', 'segment', 'details'],
            m.iommus.map((u, i) => [i, esc(u.kind), esc(u.base), u.segment, esc(u.detail)]),
          )
        : `<p class="none">none</p>`,
      m.iommus.length,
      8,
    ),
  );
  write(`</section>\n`);

  // Topology.
  write(
    `<section id="topology"><h2>Topology</h2><p class="note">Interrupts flow upwards: from the PCI devices and interrupt controllers${m.iommus.length ? ' through the remapping units' : ''} to the vector domain and the CPUs. Long rows end in a dashed "+N more" box.</p>${topologySvg(model)}</section>\n`,
  );

  // Interrupts.
  write(`<section id="interrupts"><h2>Interrupts</h2>`);
  if (!model.irqs) write(`<p class="none">not recorded by this run</p>`);
  else {
    const chips = model.irqs.byChip.slice(0, 20);
    write(
      `<h3>By chip</h3>` +
        table(
          [
            'chip',
            ['domains', 'num'],
            ['irqs', 'num'],
            ['requested', 'num'],
            ['vector assigned', 'num'],
            ['managed', 'num'],
            ['MSI', 'num'],
            ['MSI-X', 'num'],
          ],
          chips.map((c) => [
            esc(c.chip),
            c.chips,
            c.irqs,
            c.withActions,
            c.assigned,
            c.managed,
            c.msi,
            c.msix,
          ]),
        ) +
        shownOf(chips.length, model.irqs.byChip.length, 'chips'),
    );
    const shown = model.irqs.shown;
    write(
      part(
        shown.length < model.irqs.total
          ? `Irqs: the first ${n(shown.length)} of ${n(model.irqs.total)}`
          : `Irqs (${n(shown.length)})`,
        table(
          [
            ['irq', 'num'],
            'chip',
            'domain',
            ['hwirq', 'num'],
            'trigger',
            'mode',
            'device',
            'actions',
            ['vector', 'num'],
            ['CPU', 'num'],
            'affinity',
            'managed',
          ],
          shown.map((i) => [
            i.irq,
            esc(chipFamily(i.chip)),
            esc(i.domain),
            `<span class="mono">${hex(i.hwirq)}</span>`,
            esc(i.trigger),
            esc(i.mode),
            `<span class="mono">${esc(i.owner)}</span>`,
            esc(i.actions.join(', ')) || '<span class="none">none</span>',
            i.vector || '—',
            i.vector ? i.cpu : '—',
            `<span class="mono">${esc(i.affinity)}</span>`,
            i.managed ? 'yes' : '',
          ]),
        ) + shownOf(shown.length, model.irqs.total, 'irqs'),
        shown.length,
        40,
      ),
    );
  }
  write(`</section>\n`);

  // Devices.
  write(`<section id="devices"><h2>Devices</h2>`);
  const devices = o.devices;
  if (!devices) write(`<p class="none">not recorded by this run</p>`);
  else {
    const names = new Map(m.pci.groups.flatMap((g) => g.functions.map((f) => [f.bdf, f.name])));
    const drivers = new Map<string, { devices: number; modes: Set<string>; vectors: number }>();
    for (const dev of devices) {
      const key = dev.driver ?? '(no driver)';
      const e = drivers.get(key) ?? { devices: 0, modes: new Set<string>(), vectors: 0 };
      e.devices++;
      if (dev.mode) e.modes.add(MODE_NAMES[dev.mode] ?? dev.mode);
      e.vectors += dev.vectors;
      drivers.set(key, e);
    }
    write(
      `<h3>By driver</h3>` +
        table(
          ['driver', ['devices', 'num'], 'interrupt mode', ['vectors', 'num']],
          [...drivers]
            .sort((a, b) => b[1].vectors - a[1].vectors || a[0].localeCompare(b[0]))
            .map(([driver, e]) => [
              esc(driver),
              e.devices,
              esc([...e.modes].join(', ') || '—'),
              e.vectors,
            ]),
        ),
    );
    const shown = devices.slice(0, LIMITS.deviceRows);
    write(
      part(
        shown.length < devices.length
          ? `Devices: the first ${n(shown.length)} of ${n(devices.length)}`
          : `Devices (${n(devices.length)})`,
        table(
          [
            'device',
            'name',
            'driver',
            'mode',
            ['vectors', 'num'],
            'first message (address / data)',
          ],
          shown.map((dev) => [
            `<span class="mono">${esc(dev.bdf)}</span>`,
            esc(dev.name || names.get(dev.bdf) || ''),
            esc(dev.driver ?? '—'),
            esc(dev.mode ? (MODE_NAMES[dev.mode] ?? dev.mode) : '—'),
            dev.vectors,
            dev.firstMessage
              ? `<span class="mono">${esc(dev.firstMessage.address)} / ${esc(dev.firstMessage.data)}</span>`
              : '',
          ]),
        ) + shownOf(shown.length, devices.length, 'devices'),
        shown.length,
        40,
      ),
    );
  }
  write(`</section>\n`);

  // Vector usage.
  write(`<section id="vectors"><h2>Vector usage per CPU</h2>`);
  const usage = o.vectorUsage;
  if (!usage || usage.length === 0) write(`<p class="none">not recorded by this run</p>`);
  else {
    const { svg, perCell } = heatmapSvg(usage);
    const alloc = usage.map((u) => u.allocated).sort((a, b) => a - b);
    write(
      `<p>${n(usage.length)} online CPUs; vectors allocated per CPU: min ${alloc[0]}, median ${alloc[Math.floor(alloc.length / 2)]}, max ${alloc[alloc.length - 1]}.${perCell > 1 ? ` Each cell is ${perCell} consecutive CPUs.` : ''}</p>`,
    );
    write(`<div class="scroll">${svg}</div>`);
    const busiest = [...usage]
      .sort((a, b) => b.allocated - a.allocated || a.cpu - b.cpu)
      .slice(0, 8);
    write(
      part(
        'Busiest CPUs',
        table(
          [
            ['CPU', 'num'],
            ['allocated', 'num'],
            ['available', 'num'],
            ['managed reserved', 'num'],
            ['managed allocated', 'num'],
          ],
          busiest.map((u) => [u.cpu, u.allocated, u.available, u.managed, u.managedAllocated]),
        ),
        busiest.length,
      ),
    );
  }
  write(`</section>\n`);

  // Interrupt remapping.
  write(`<section id="remapping"><h2>Interrupt remapping</h2>`);
  const remap = o.remapping;
  if (!remap || remap.units.length === 0) {
    write(`<p class="none">${esc(noRemappingText(model))}</p>`);
  } else {
    write(
      `<p>Remapping ${esc(remap.mode)}${remap.driver ? ` (${esc(remap.driver)} driver)` : ''}, ${plural(remap.units.length, 'unit')}. SVT 1: the requester id must match the SID (SQ masks function bits); SVT 2: the requester bus must be in the SID's bus range; SVT 0: not checked.</p>`,
    );
    const routes = remapRoutes(model);
    if (routes.length)
      write(`<ul class="routes">${routes.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`);
    write(
      table(
        [
          'unit',
          'mode',
          ['IRTEs', 'num'],
          ['present', 'num'],
          ['distinct vectors', 'num'],
          ['destinations', 'num'],
        ],
        remap.units.map((u) => {
          const present = u.irtes.filter((e) => e.present);
          return [
            esc(u.name),
            esc(u.mode),
            u.irtes.length,
            present.length,
            new Set(present.map((e) => e.vector)).size,
            new Set(present.map((e) => e.dest)).size,
          ];
        }),
      ),
    );
    const units = remap.units.slice(0, LIMITS.irteUnits);
    for (const u of units) {
      const shown = u.irtes.slice(0, LIMITS.irteRowsPerUnit);
      write(
        part(
          `${esc(u.name)}: ${shown.length < u.irtes.length ? `the first ${shown.length} of ${n(u.irtes.length)} IRTEs` : `${plural(u.irtes.length, 'IRTE')}`}`,
          shown.length
            ? table(
                [
                  ['index', 'num'],
                  ['irq', 'num'],
                  'present',
                  ['vector', 'num'],
                  'dest',
                  'SID',
                  'SQ',
                  'SVT',
                  'source check',
                ],
                shown.map((e) => [
                  `<span class="mono">${hex(e.index)}</span>`,
                  e.irq ?? '—',
                  e.present ? 'yes' : '<span class="bad">no</span>',
                  e.vector === null ? '—' : `${e.vector} (${hex(e.vector)})`,
                  e.dest === null ? '—' : `<span class="mono">${formatIrteDest(e.dest)}</span>`,
                  e.sid === null ? '—' : `<span class="mono">${formatSid(e.sid)}</span>`,
                  e.sq ?? '—',
                  e.svt ?? '—',
                  esc(describeSourceCheck(e)),
                ]),
              ) + shownOf(shown.length, u.irtes.length, 'IRTEs')
            : `<p class="none">no IRTEs</p>`,
          units.length === 1 ? shown.length : Infinity,
          32,
        ),
      );
    }
    if (remap.units.length > units.length)
      write(
        `<p class="note">IRTE tables of the other ${remap.units.length - units.length} units are in the JSON report.</p>`,
      );
  }
  write(`</section>\n`);

  // Faults.
  write(`<section id="faults"><h2>Faults</h2>`);
  const faults = o.faults ?? [];
  if (!faults.length && !o.oops && !o.panic && !model.trace.faults.length)
    write(`<p class="none">none</p>`);
  if (o.oops)
    write(
      `<h3>Kernel oops</h3><pre>${esc([o.oops.text, 'Call Trace:', ...o.oops.callTrace].join('\n'))}</pre>`,
    );
  if (o.panic) write(`<h3>Kernel panic</h3><pre>${esc(o.panic)}</pre>`);
  if (faults.length) {
    const shown = faults.slice(0, LIMITS.faultRows);
    const recorded = faults.some((f) => f.explanation);
    write(
      part(
        `IOMMU faults (${n(faults.length)})`,
        table(
          [
            'reason',
            'meaning',
            'requester',
            ['index', 'num'],
            'unit',
            'log line',
            ...(recorded ? ['explanation'] : []),
          ],
          shown.map((f) => [
            f.reason === null ? '—' : `<span class="mono">${hex(f.reason)}</span> (${f.reason})`,
            f.reason === null ? '' : `${esc(f.reasonType)}: ${esc(f.reasonText)}`,
            f.source ? `<span class="mono">${esc(f.source)}</span>` : '—',
            f.index === null ? '—' : `<span class="mono">${hex(f.index)}</span>`,
            esc(f.unit),
            `<span class="mono">${esc(f.line)}</span>`,
            ...(recorded ? [esc(f.explanation ?? '')] : []),
          ]),
        ) + shownOf(shown.length, faults.length, 'faults'),
        shown.length,
      ),
    );
    if (model.faultExplanations.length) {
      write(`<h3>What they mean</h3>`);
      for (const e of model.faultExplanations) {
        const list = (title: string, items: string[]) =>
          items.length
            ? `<p><b>${title}</b></p><ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`
            : '';
        write(
          `<details open class="explain"><summary>${esc(e.title)}${e.count > 1 ? ` — ${n(e.count)} faults` : ''}</summary><p class="mono">${esc(e.line)}</p>${list('What it means', e.meaning)}${list('Likely causes', e.causes)}${list('What to check', e.check)}</details>`,
        );
      }
    }
  }
  if (model.trace.faults.length) {
    write(
      part(
        `Fault events in the trace (${n(model.trace.faultsTotal)})`,
        table(
          [['step', 'num'], 'fault', 'summary', ['irq', 'num'], ['CPU', 'num'], 'values'],
          model.trace.faults.map((f) => [
            f.seq,
            esc(f.name),
            esc(f.text),
            f.irq >= 0 ? f.irq : '—',
            f.cpu >= 0 ? f.cpu : '—',
            esc(args(f.args)),
          ]),
        ) + shownOf(model.trace.faults.length, model.trace.faultsTotal, 'fault events'),
        model.trace.faults.length,
      ),
    );
  }
  write(`</section>\n`);

  // Call trees.
  write(`<section id="calltrees"><h2>Allocations</h2>`);
  write(
    `<p>${n(model.trace.allocations)} calls to <code>pci_alloc_irq_vectors_affinity</code>${model.trace.failedAllocations ? `, <span class="bad">${n(model.trace.failedAllocations)} failed</span>` : ''}. Shown: the failed or unfinished ones (up to ${LIMITS.failedTrees}), then the largest allocation of each driver, largest first (${LIMITS.callTrees} trees in all). Identical successful calls in a row are shown once, with <span class="rep">×N</span>; a tree keeps ${LIMITS.treeNodes} nodes.</p>`,
  );
  if (!model.callTrees.length) write(`<p class="none">none</p>`);
  model.callTrees.forEach((t, i) => {
    const who = t.device ? `${t.device}${t.driver ? ` (${t.driver})` : ''}` : t.root.name;
    write(
      `<details${i < 2 ? ' open' : ''}><summary>${esc(who)} — ${esc(t.why)}${t.root.result !== null && t.root.result >= 0 && t.root.name === 'pci_alloc_irq_vectors_affinity' ? `, ${plural(t.root.result, 'vector')}` : ''}, ${n(t.events)} events from step ${n(t.root.seq)}</summary><ul class="tree">${treeNode(t.root)}</ul></details>`,
    );
  });
  write(`</section>\n`);

  // Trace.
  write(`<section id="trace"><h2>Trace</h2>`);
  write(
    `<p>${n(model.trace.events)} events: ${Object.entries(model.trace.byKind)
      .map(([k, c]) => `${n(c)} ${esc(k)}`)
      .join(', ')}. The CSV and Perfetto reports have every event.</p>`,
  );
  write(
    part(
      'Most called functions',
      table(
        ['function', ['calls', 'num'], ['errors returned', 'num']],
        model.trace.functions.map((f) => [
          `<span class="mono">${esc(f.name)}</span>`,
          f.calls,
          f.errors ? `<span class="bad">${n(f.errors)}</span>` : 0,
        ]),
      ),
      model.trace.functions.length,
    ),
  );
  write(`</section>\n`);

  // dmesg: the trace's log lines carry their level; the stored dmesg is used when there are none.
  write(
    `<section id="dmesg"><h2>dmesg</h2><p class="note">The kernel log of the run, as the trace recorded it (errors in red, warnings in yellow).</p>`,
  );
  const lines: { level: number | null; text: string }[] = model.trace.logs.length
    ? model.trace.logs
    : (o.dmesg ?? []).slice(0, LIMITS.logLines).map((text) => ({ level: null, text }));
  const total = model.trace.logs.length ? model.trace.logsTotal : (o.dmesg?.length ?? 0);
  if (!lines.length) write(`<p class="none">none</p>`);
  else {
    write(
      `<pre>${lines
        .map((l) =>
          l.level === null
            ? esc(l.text)
            : `<span class="lv${l.level}" title="${LOG_LEVELS[l.level] ?? l.level}">${esc(l.text)}</span>`,
        )
        .join('\n')}</pre>`,
    );
    write(shownOf(lines.length, total, 'lines'));
  }
  write(`</section>\n`);
  write(
    `</main><footer>Made by irqlab from run ${run.id} of the session. Self-contained: no scripts, no external resources. Folded parts open with a click.</footer></body></html>\n`,
  );
}
