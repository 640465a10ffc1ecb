// The pictures of the HTML report, as inline SVG strings (no scripts, no external requests): the
// machine's interrupt topology and the per-CPU vector usage heatmap. Both stay readable on a
// 1536-CPU machine: boxes are capped with a "+N more" box, heatmap cells group CPUs when there
// are more than LIMITS.heatmapCells.
import { LIMITS, type ChipSummary, type ReportModel } from './collect';
import type { VectorUsageRow } from './run-data';

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

const CHAR = 6.3; // width of a character of the box lines (10.5px monospace)
const fit = (text: string, width: number) => {
  const max = Math.max(1, Math.floor((width - 12) / CHAR));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  title: string;
  lines: string[];
  tone: 'cpu' | 'apic' | 'ir' | 'ioapic' | 'msi' | 'pci' | 'more';
  /** A remapping unit's names (dmar1, its register base): what a route names it by. */
  keys?: string[];
  /**
   * Where this box's interrupts go, as the run recorded it: the remapping units named, and/or
   * straight to the vector domain (`direct`). Absent: not recorded, drawn to the nearest box.
   */
  route?: { units: string[]; direct: boolean };
}

const TONES: Record<Box['tone'], [string, string]> = {
  cpu: ['#e8f1fb', '#5b8bd0'],
  apic: ['#eef6ee', '#5a9a5a'],
  ir: ['#fdf3e6', '#d08a2e'],
  ioapic: ['#f4eefb', '#8a63c0'],
  msi: ['#eaf7f7', '#3e9a9a'],
  pci: ['#f6f6f6', '#8a8a8a'],
  more: ['#ffffff', '#b0b0b0'],
};

function box(b: Box): string {
  const [fill, stroke] = TONES[b.tone];
  const lines = b.lines
    .map(
      (l, i) =>
        `<text x="${b.x + 8}" y="${b.y + 34 + i * 14}" class="t">${esc(fit(l, b.w))}</text>`,
    )
    .join('');
  return `<g><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${fill}" stroke="${stroke}"${b.tone === 'more' ? ' stroke-dasharray="4 3"' : ''}/><text x="${b.x + 8}" y="${b.y + 17}" class="h">${esc(fit(b.title, b.w))}</text>${lines}</g>`;
}

const WIDTH = 1100;
const LEFT = 104; // the band labels' column

/** Lays out boxes in one row from x = `left` over `width`, at most `max` (then a "+N more" box). */
function row<T>(
  items: readonly T[],
  max: number,
  y: number,
  h: number,
  span: { left: number; width: number },
  make: (item: T) => Omit<Box, 'x' | 'y' | 'w' | 'h'>,
  more: (rest: readonly T[]) => Omit<Box, 'x' | 'y' | 'w' | 'h'>,
): Box[] {
  const shown = items.length > max ? items.slice(0, max - 1) : items;
  const parts = shown.map(make);
  if (items.length > shown.length) parts.push(more(items.slice(shown.length)));
  const gap = 10;
  const n = Math.max(1, parts.length);
  const w = Math.min(230, (span.width - gap * (n - 1)) / n);
  return parts.map((p, i) => ({ ...p, x: span.left + i * (w + gap), y, w, h }));
}

/** Splits a comma list ("0-95,768-863") over at most `lines` lines of `chars` characters. */
function wrapList(prefix: string, list: string, chars: number, lines: number): string[] {
  const out: string[] = [];
  let line = prefix;
  for (const part of list.split(',')) {
    const next = line === prefix ? `${line}${part}` : `${line},${part}`;
    if (next.length > chars && line !== prefix) {
      out.push(`${line},`);
      line = part;
    } else line = next;
  }
  out.push(line);
  return out.length > lines ? [...out.slice(0, lines - 1), `${out[lines - 1]}…`] : out;
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const MODE_NAMES: Record<string, string> = { msix: 'MSI-X', msi: 'MSI', intx: 'INTx' };

export function topologySvg(model: ReportModel): string {
  const m = model.machine;
  const full = { left: LEFT + 16, width: WIDTH - LEFT - 26 };
  const out: string[] = [];
  const bands: Box[][] = [];
  const labels: { y: number; text: string }[] = [];
  let y = 10;
  const band = (label: string, items: Box[], h: number) => {
    labels.push({ y: y + h / 2 + 4, text: label });
    bands.push(items);
    y += h + 36;
  };
  const chars = (w: number) => Math.floor((w - 14) / CHAR);

  // CPUs, by package (the usual case, one NUMA node per package, is said once, in the label).
  const nodePerPackage = m.cpus.packages.every(
    (p) => p.nodes.length === 1 && p.nodes[0] === p.package,
  );
  const perPackage = Math.min(
    230,
    (full.width - 10 * (Math.min(8, m.cpus.packages.length) - 1)) /
      Math.min(8, Math.max(1, m.cpus.packages.length)),
  );
  band(
    nodePerPackage && m.cpus.nodes > 1 ? 'CPUs · 1 node per · package' : 'CPUs',
    row(
      m.cpus.packages,
      8,
      y,
      76,
      full,
      (p) => ({
        title: `package ${p.package}`,
        lines: [
          ...wrapList('CPUs ', p.cpuList, chars(perPackage), 2),
          nodePerPackage
            ? plural(p.cpus, 'CPU')
            : `${plural(p.cpus, 'CPU')}, node ${p.nodes.join(',')}`,
        ],
        tone: 'cpu',
      }),
      (rest) => ({
        title: `+${rest.length} more`,
        lines: [
          plural(
            rest.reduce((n, p) => n + p.cpus, 0),
            'CPU',
          ),
        ],
        tone: 'more',
      }),
    ),
    76,
  );

  // The vector domain and local APICs: one bar.
  const usage = model.outputs.vectorUsage ?? [];
  const allocated = usage.reduce((n, u) => n + u.allocated, 0);
  band(
    'vectors',
    [
      {
        x: full.left,
        y,
        w: full.width,
        h: 48,
        title: `VECTOR domain · local APICs in ${m.apicMode} mode`,
        lines: [
          usage.length
            ? `${plural(allocated, 'vector')} allocated on ${plural(usage.length, 'online CPU')}`
            : 'vector usage not recorded',
        ],
        tone: 'apic',
      },
    ],
    48,
  );

  // Interrupt remapping units, when the machine has IOMMUs or the run recorded remapping.
  const remapping = model.outputs.remapping;
  const units = remapping?.units ?? [];
  if (m.iommus.length > 0 || units.length > 0) {
    const items = units.length
      ? units.map((u) => ({
          title: u.name,
          lines: [`mode ${u.mode}`, plural(u.irtes.filter((e) => e.present).length, 'IRTE')],
          tone: 'ir' as const,
          keys: [u.name],
        }))
      : m.iommus.map((u, i) => ({
          title: `${u.kind === 'intel-vtd' ? 'DMAR' : 'IVHD'} ${i}`,
          lines: [u.base, 'remapping not recorded'],
          tone: 'ir' as const,
          keys: [u.base.toLowerCase()],
        }));
    band(
      'remapping',
      row(
        items,
        7,
        y,
        62,
        full,
        (b) => b,
        (rest) => ({
          title: `+${rest.length} more units`,
          lines: units.length
            ? [
                plural(
                  units
                    .slice(-rest.length)
                    .reduce((n, u) => n + u.irtes.filter((e) => e.present).length, 0),
                  'IRTE',
                ),
              ]
            : [],
          tone: 'more',
        }),
      ),
      62,
    );
  }

  // Interrupt controllers (left) and MSI domains (right).
  const chips = model.irqs?.byChip ?? [];
  // An IO-APIC's unit, from the run's IR scope lines (or its irqs' chains); none recorded: when
  // the run remapped nothing, its pins go straight to the vector domain.
  const routeOf = new Map(model.ioapicRoutes.map((r) => [r.id, r]));
  const noRemapping = remapping !== null && (remapping.mode === 'off' || units.length === 0);
  const ioapicRoute = (ids: number[]): Box['route'] => {
    const named = ids.map((id) => routeOf.get(id)).filter((r) => r !== undefined);
    const unitsOf = [...new Set(named.flatMap((r) => [r.unit, r.base.toLowerCase()]))].filter(
      Boolean,
    );
    if (named.length === ids.length) return { units: unitsOf, direct: false };
    if (noRemapping || named.length > 0) return { units: unitsOf, direct: true };
    return undefined;
  };
  const chipRoute = (cs: ChipSummary[]): Box['route'] =>
    cs.some((c) => c.chained > 0)
      ? {
          units: [...new Set(cs.flatMap((c) => c.remapUnits))],
          direct: cs.some((c) => c.direct > 0),
        }
      : undefined;
  const split = full.left + full.width * 0.45;
  const ioapicBoxes = row(
    m.ioapics.map((io, i) => ({ io, i })),
    LIMITS.ioapics,
    y,
    76,
    { left: full.left, width: split - full.left - 16 },
    ({ io, i }) => ({
      title: `IO-APIC ${i} · id ${io.id}`,
      lines: [
        `GSI ${io.gsiBase}-${io.gsiBase + io.pins - 1}`,
        io.address,
        ...(routeOf.has(io.id) ? [`remapped by ${routeOf.get(io.id)!.unit}`] : []),
      ],
      tone: 'ioapic',
      route: ioapicRoute([io.id]),
    }),
    (rest) => ({
      title: `+${rest.length} more IO-APICs`,
      lines: [
        `GSI ${rest[0]!.io.gsiBase}-${rest[rest.length - 1]!.io.gsiBase + rest[rest.length - 1]!.io.pins - 1}`,
      ],
      tone: 'more',
      route: ioapicRoute(rest.map((r) => r.io.id)),
    }),
  );
  const msiChips = chips.filter(
    (c) => !c.chip.startsWith('IO-APIC') && !c.chip.startsWith('IR-IO-APIC'),
  );
  const msiBoxes = row(
    msiChips.length ? msiChips : [null],
    3,
    y,
    76,
    { left: split, width: full.left + full.width - split },
    (c) =>
      c
        ? {
            title: c.chip,
            lines: [
              ...(c.chips > 1 ? [`${c.chips} domains`] : []),
              plural(c.irqs, 'irq'),
              `${plural(c.assigned, 'vector')} assigned`,
              ...(c.chained === 0
                ? []
                : c.remapUnits.length === 0
                  ? ['not remapped']
                  : c.direct > 0
                    ? [`${c.chained - c.direct} via ${c.remapUnits.join(', ')}`]
                    : [`via ${c.remapUnits.join(', ')}`]),
            ],
            tone: 'msi',
            route: chipRoute([c]),
          }
        : { title: 'MSI domains', lines: ['irqs not recorded'], tone: 'msi' },
    (rest) => ({
      title: `+${rest.length} more chips`,
      lines: [
        plural(
          rest.reduce((n, c) => n + (c?.irqs ?? 0), 0),
          'irq',
        ),
      ],
      tone: 'more',
      route: chipRoute(rest.filter((c) => c !== null)),
    }),
  );
  band('controllers', [...ioapicBoxes, ...msiBoxes], 76);

  // PCI: functions grouped by root bus, and per bus its drivers and how they got interrupts.
  const devices = new Map((model.outputs.devices ?? []).map((d) => [d.bdf, d]));
  // Few root buses: room for more lines each.
  const perGroup =
    m.pci.groups.length <= 2 ? 2 * LIMITS.functionsPerGroup : LIMITS.functionsPerGroup;
  const pciH = 30 + 14 * perGroup;
  band(
    'PCI',
    row(
      m.pci.groups,
      LIMITS.pciGroups,
      y,
      pciH,
      full,
      (g) => {
        const byDriver = new Map<string, { count: number; mode: string; vectors: number }>();
        for (const f of g.functions) {
          if (f.kind === 'host-bridge') continue;
          const d = devices.get(f.bdf);
          const driver = d?.driver ?? (f.name ? `${f.name} (no driver)` : `${f.kind} (no driver)`);
          const mode = d?.mode ? (MODE_NAMES[d.mode] ?? d.mode) : '';
          const key = `${driver}|${mode}`;
          const e = byDriver.get(key) ?? { count: 0, mode, vectors: 0 };
          e.count++;
          e.vectors += d?.vectors ?? 0;
          byDriver.set(key, e);
        }
        const lines = [...byDriver].map(([key, e]) => {
          const driver = key.slice(0, key.lastIndexOf('|'));
          const how = e.mode
            ? ` · ${e.mode}${e.vectors ? ` ${e.vectors.toLocaleString('en-US')}` : ''}`
            : '';
          return `${e.count}× ${driver}${how}`;
        });
        return {
          title: `bus ${g.root} · ${plural(g.functions.length, 'function')}`,
          lines:
            lines.length > perGroup
              ? [...lines.slice(0, perGroup - 1), `+${lines.length - perGroup + 1} more`]
              : lines,
          tone: 'pci',
        };
      },
      (rest) => ({
        title: `+${rest.length} more root buses`,
        lines: [
          plural(
            rest.reduce((n, g) => n + g.functions.length, 0),
            'function',
          ),
        ],
        tone: 'more',
      }),
    ),
    pciH,
  );

  const height = y - 26;
  // Arrows: interrupts flow up, band by band. The vector bar takes arrows up to every CPU box;
  // PCI buses point at the MSI domains; other boxes at the nearest box above (or the bar).
  const arrow = (d: string, stroke = '#9aa4b2') =>
    out.push(
      `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="1.2" marker-end="url(#up)"/>`,
    );
  // Lines into a remapping unit take the unit's colour, so crossing lines still say which is which.
  const UNIT_COLOURS = [
    '#c77a1e',
    '#3f6fb5',
    '#3e8e5a',
    '#a2457f',
    '#6d5bb8',
    '#8a6d3b',
    '#2f8a94',
  ];
  // A routed box: one arrow to each unit its interrupts go through, and a dashed one around the
  // remapping row, straight to the vector domain, for those that are not remapped.
  const vectorBar = () => bands[1]![0]!;
  let lanes = 0;
  let routed: Box[] = [];
  const routeArrows = (bx: Box, route: NonNullable<Box['route']>, above: Box[]) => {
    let targets = above.filter(
      (a) => a.tone === 'ir' && a.keys?.some((k) => route.units.includes(k)),
    );
    // Units folded into the row's "+N more units" box.
    if (targets.length < route.units.length / 2 && route.units.length)
      targets = [...targets, ...above.filter((a) => a.tone === 'more')].slice(
        0,
        1 + targets.length,
      );
    const n = targets.length + (route.direct ? 1 : 0);
    // Each routed box its own level and its own x on the unit: lines that share a level or an
    // end would not say which box goes to which unit.
    const k = routed.indexOf(bx);
    const mid = bx.y - 8 - (k % 5) * 4;
    targets.forEach((target, i) => {
      const sx = bx.x + (bx.w * (i + 1)) / (n + 1);
      const tx = target.x + (target.w * (k + 1)) / (routed.length + 1);
      const colour = UNIT_COLOURS[above.indexOf(target) % UNIT_COLOURS.length];
      arrow(`M${sx},${bx.y} V${mid} H${tx} V${target.y + target.h + 6}`, colour);
    });
    if (!route.direct) return;
    const vec = vectorBar();
    const sx = bx.x + (bx.w * n) / (n + 1);
    const irBoxes = above.filter((a) => a.tone === 'ir' || a.tone === 'more');
    const last = irBoxes[irBoxes.length - 1];
    // A lane right of the remapping row (or the box's own x when nothing is in the way).
    const lane =
      above === bands[1] || !last ? sx : Math.min(WIDTH - 8, last.x + last.w + 18 + lanes++ * 10);
    out.push(
      `<path d="M${sx},${bx.y} V${mid} H${lane} V${vec.y + vec.h + 6}" fill="none" stroke="#9aa4b2" stroke-width="1.2" stroke-dasharray="5 3" marker-end="url(#up)"><title>not remapped: straight to the vector domain</title></path>`,
    );
  };
  for (let b = 1; b < bands.length; b++) {
    const above = bands[b - 1]!;
    const here = bands[b]!;
    routed = here.filter((x) => x.route);
    if (here.length === 1 && here[0]!.tone === 'apic') {
      for (const a of above) arrow(`M${a.x + a.w / 2},${here[0]!.y} V${a.y + a.h + 6}`);
      continue;
    }
    for (const bx of here) {
      const cx = bx.x + bx.w / 2;
      if (bx.route) {
        routeArrows(bx, bx.route, above);
        continue;
      }
      if (above.length === 1) {
        const a = above[0]!;
        const x = Math.max(a.x + 12, Math.min(a.x + a.w - 12, cx));
        arrow(`M${x},${bx.y} V${a.y + a.h + 6}`);
        continue;
      }
      // PCI devices signal through the PCI MSI domains (not DMAR-MSI, the IOMMU's own fault irq).
      const msi = above.filter((a) => a.tone === 'msi');
      const pciMsi = msi.filter((a) => a.title.includes('PCI'));
      const preferred =
        bx.tone === 'pci' || (bx.tone === 'more' && b === bands.length - 1)
          ? pciMsi.length
            ? pciMsi
            : msi
          : [];
      const targets = preferred.length ? preferred : above;
      const target = targets.reduce((best, a) =>
        Math.abs(a.x + a.w / 2 - cx) < Math.abs(best.x + best.w / 2 - cx) ? a : best,
      );
      const tx = target.x + target.w / 2;
      const mid = bx.y - 14;
      arrow(
        Math.abs(tx - cx) < 1
          ? `M${cx},${bx.y} V${target.y + target.h + 6}`
          : `M${cx},${bx.y} V${mid} H${tx} V${target.y + target.h + 6}`,
      );
    }
  }
  for (const items of bands) for (const b of items) out.push(box(b));
  for (const l of labels) {
    const lines = l.text.split(' · ');
    const first = l.y - ((lines.length - 1) * 13) / 2;
    out.push(
      `<text x="8" y="${first}" class="band">${lines.map((t, i) => `<tspan x="8" dy="${i ? 13 : 0}">${esc(t)}</tspan>`).join('')}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="interrupt topology of ${esc(m.name)}"><defs><marker id="up" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#9aa4b2"/></marker><style>.h{font:600 12px system-ui,sans-serif;fill:#1f2937}.t{font:10.5px ui-monospace,monospace;fill:#374151}.band{font:600 11px system-ui,sans-serif;fill:#6b7280;text-transform:uppercase;letter-spacing:.05em}</style></defs>${out.join('')}</svg>`;
}

const STOPS: [number, [number, number, number]][] = [
  [0, [241, 245, 249]],
  [0.1, [198, 219, 239]],
  [0.3, [107, 174, 214]],
  [0.6, [33, 113, 181]],
  [0.85, [241, 105, 19]],
  [1, [203, 24, 29]],
];

export function heatColor(fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i]!;
    const [x0, c0] = STOPS[i - 1]!;
    if (f <= x1) {
      const t = (f - x0) / (x1 - x0 || 1);
      const c = c0.map((v, k) => Math.round(v + (c1[k]! - v) * t));
      return `rgb(${c.join(',')})`;
    }
  }
  return 'rgb(203,24,29)';
}

/** Vector usage per CPU: allocated / (allocated + available), one cell per CPU (or group). */
export function heatmapSvg(usage: readonly VectorUsageRow[]): { svg: string; perCell: number } {
  const sorted = [...usage].sort((a, b) => a.cpu - b.cpu);
  const perCell = Math.max(1, Math.ceil(sorted.length / LIMITS.heatmapCells));
  const cells: {
    first: number;
    last: number;
    allocated: number;
    capacity: number;
    managed: number;
  }[] = [];
  for (let i = 0; i < sorted.length; i += perCell) {
    const group = sorted.slice(i, i + perCell);
    cells.push({
      first: group[0]!.cpu,
      last: group[group.length - 1]!.cpu,
      allocated: group.reduce((n, u) => n + u.allocated, 0),
      capacity: group.reduce((n, u) => n + u.allocated + u.available, 0),
      managed: group.reduce((n, u) => n + u.managedAllocated, 0),
    });
  }
  // Small machines get big cells with their count written in; big ones a 64-wide grid.
  const small = cells.length <= 64;
  const cols = small ? Math.min(16, Math.max(1, cells.length)) : 64;
  const size = small ? 40 : 13;
  const left = small ? 64 : 96;
  const top = 8;
  const rows = Math.ceil(cells.length / cols);
  const parts: string[] = [];
  cells.forEach((c, i) => {
    const x = left + (i % cols) * size;
    const y = top + Math.floor(i / cols) * (small ? size + 14 : size);
    const what = c.first === c.last ? `CPU ${c.first}` : `CPUs ${c.first}-${c.last}`;
    const fraction = c.capacity ? c.allocated / c.capacity : 0;
    parts.push(
      `<rect x="${x}" y="${y}" width="${size - 1}" height="${size - 1}" fill="${heatColor(fraction)}"><title>${what}: ${c.allocated} of ${c.capacity} vectors allocated (${c.managed} managed)</title></rect>`,
    );
    if (small)
      parts.push(
        `<text x="${x + size / 2 - 0.5}" y="${y + size / 2 + 4}" text-anchor="middle" class="c"${fraction > 0.45 ? ' fill="#fff"' : ''}>${c.allocated}</text>`,
      );
  });
  // Small grids: each cell's CPU under it (a row label alone would name only the first CPU).
  // Big grids: each row labelled with its first CPU.
  const rowH = small ? size + 14 : size;
  cells.forEach((c, i) => {
    if (!small) return;
    const x = left + (i % cols) * size + size / 2 - 0.5;
    const y = top + Math.floor(i / cols) * rowH + size + 9;
    parts.push(
      `<text x="${x}" y="${y}" text-anchor="middle" class="n">${c.first === c.last ? c.first : `${c.first}-${c.last}`}</text>`,
    );
  });
  for (let r = 0; r < rows; r++) {
    const c = cells[r * cols]!;
    const last = cells[Math.min(cells.length, (r + 1) * cols) - 1]!;
    parts.push(
      small
        ? `<text x="${left - 6}" y="${top + r * rowH + size / 2 + 4}" text-anchor="end" class="l">vectors</text><text x="${left - 6}" y="${top + r * rowH + size + 9}" text-anchor="end" class="l">CPU</text>`
        : `<text x="${left - 6}" y="${top + r * size + size / 2 + 4}" text-anchor="end" class="l">CPU ${c.first}${last.last !== c.first ? `-${last.last}` : ''}</text>`,
    );
  }
  const gridW = cols * size;
  const legendY = top + rows * rowH + 16;
  const stops = STOPS.map(
    ([x]) => `<stop offset="${x * 100}%" stop-color="${heatColor(x)}"/>`,
  ).join('');
  parts.push(
    `<rect x="${left}" y="${legendY}" width="300" height="10" fill="url(#heat)"/>` +
      `<text x="${left}" y="${legendY + 23}" class="l">0%</text>` +
      `<text x="${left + 150}" y="${legendY + 23}" text-anchor="middle" class="l">50%</text>` +
      `<text x="${left + 300}" y="${legendY + 23}" text-anchor="end" class="l">100%</text>` +
      `<text x="${left}" y="${legendY + 38}" class="l">vectors allocated ÷ (allocated + available) on each CPU${small ? '; the number in a cell: vectors allocated' : '; hover a cell for its numbers'}</text>`,
  );
  const width = Math.max(left + gridW + 10, left + 560);
  const height = legendY + 46;
  return {
    svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="vector usage per CPU"><defs><linearGradient id="heat">${stops}</linearGradient><style>.l{font:10px system-ui,sans-serif;fill:#4b5563}.c{font:600 11px system-ui,sans-serif;fill:#1f2937}.n{font:9.5px system-ui,sans-serif;fill:#4b5563}</style></defs>${parts.join('')}</svg>`,
    perCell,
  };
}
