// The changes of one section grouped by the device they belong to: a VF's 17 IRTEs that all
// appeared, or its 16 interrupts that all moved from PCI-MSI to IR-PCI-MSI, read as one line per
// device (what they have in common), each group opened to its rows on demand.

/** A change as the compare view holds it (core's Change, or the same flattened for the page). */
export interface ChangeLike {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  a?: object | null;
  b?: object | null;
  fields?: readonly string[];
}

export interface ChangeGroup<C extends ChangeLike> {
  /** The owner of the rows (a BDF, "dmar0", "hpet"), or their key when they carry none. */
  device: string;
  changes: C[];
  added: number;
  removed: number;
  changed: number;
  /** Changed fields with one old and one new value across the group ("chip PCI-MSI -> IR-PCI-MSI"). */
  same: { field: string; a: string; b: string }[];
  /** Changed fields whose values differ from row to row (each row shows its own). */
  varying: string[];
  /** The values every row only in B has alike ("vector 37 (0x25)", "source-id 42:00.2"). */
  addedSame: { field: string; value: string }[];
  /** The values every row only in A has alike. */
  removedSame: { field: string; value: string }[];
}

/** The fields (other than the device) with one value across these objects. */
function alike(values: (object | null | undefined)[]): { field: string; value: string }[] {
  if (values.length < 2) return [];
  const fields = Object.keys(values[0] ?? {}).filter((f) => f !== 'device');
  return fields.flatMap((f) => {
    const all = new Set(values.map((v) => field(v, f)));
    return all.size === 1 ? [{ field: f, value: [...all][0]! }] : [];
  });
}

const field = (v: object | null | undefined, f: string): string => {
  const x = (v as Record<string, unknown> | null | undefined)?.[f];
  return x === undefined || x === null ? '' : String(x);
};

export function deviceOfChange(c: ChangeLike): string {
  return field(c.a, 'device') || field(c.b, 'device') || c.key;
}

/** Groups in the order their first change comes; each group's changes keep their order. */
export function groupByDevice<C extends ChangeLike>(changes: readonly C[]): ChangeGroup<C>[] {
  const groups = new Map<string, C[]>();
  for (const c of changes) {
    const d = deviceOfChange(c);
    const g = groups.get(d);
    if (g) g.push(c);
    else groups.set(d, [c]);
  }
  return [...groups].map(([device, cs]) => {
    const changed = cs.filter((c) => c.kind === 'changed');
    const fields = [...new Set(changed.flatMap((c) => c.fields ?? []))];
    const same: ChangeGroup<C>['same'] = [];
    const varying: string[] = [];
    for (const f of fields) {
      const pairs = new Set(changed.map((c) => `${field(c.a, f)}\u0000${field(c.b, f)}`));
      const inAll = changed.every((c) => c.fields?.includes(f));
      if (pairs.size === 1 && inAll) {
        const [a, b] = [...pairs][0]!.split('\u0000') as [string, string];
        same.push({ field: f, a, b });
      } else varying.push(f);
    }
    return {
      device,
      changes: cs,
      added: cs.filter((c) => c.kind === 'added').length,
      removed: cs.filter((c) => c.kind === 'removed').length,
      changed: changed.length,
      same,
      varying,
      addedSame: alike(cs.filter((c) => c.kind === 'added').map((c) => c.b)),
      removedSame: alike(cs.filter((c) => c.kind === 'removed').map((c) => c.a)),
    };
  });
}

/** One line for a group: "17 only in B; 16 changed: chip PCI-MSI -> IR-PCI-MSI, vector varies". */
export function describeGroup(g: ChangeGroup<ChangeLike>, a = 'A', b = 'B'): string {
  const parts: string[] = [];
  if (g.changed) {
    const what = [
      ...g.same.map((s) => `${s.field} ${s.a || '—'} → ${s.b || '—'}`),
      ...g.varying.map((f) => `${f} varies`),
    ];
    parts.push(`${g.changed} changed${what.length ? `: ${what.join(', ')}` : ''}`);
  }
  const alikeText = (xs: { field: string; value: string }[]) =>
    xs.length ? `, all with ${xs.map((x) => `${x.field} ${x.value || '—'}`).join(', ')}` : '';
  if (g.removed) parts.push(`${g.removed} only in ${a}${alikeText(g.removedSame)}`);
  if (g.added) parts.push(`${g.added} only in ${b}${alikeText(g.addedSame)}`);
  return parts.join('; ');
}
