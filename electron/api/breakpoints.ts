// The session's breakpoints (the session file's `breakpoints` table): kept with the machine and
// the runs, so a session mailed to a colleague stops where it stopped for you. Conditions are
// checked before they are stored; a bad one is refused with its place and the reason.
import { parseCondition, type Breakpoint } from '../../core/step/breakpoints';
import type { Session } from '../../core/store/session';
import type { StoredBreakpoint } from './channels';

export function listBreakpoints(session: Session): StoredBreakpoint[] {
  const rows = session.db
    .prepare(`SELECT id, kind, spec, enabled FROM breakpoints ORDER BY id`)
    .all() as { id: number; kind: StoredBreakpoint['kind']; spec: string; enabled: number }[];
  return rows.map((r) => ({ ...r, enabled: r.enabled !== 0 }));
}

/** Checks every breakpoint; throws naming the first bad one (`breakpoints[2].spec: ...`). */
export function checkBreakpoints(list: readonly Breakpoint[]): void {
  list.forEach((b, i) => {
    const where = `breakpoints[${i}].spec`;
    if (b.kind === 'condition') {
      try {
        parseCondition(b.spec);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
    } else if ((b.kind === 'irq' || b.kind === 'cpu') && !/^\d+$/.test(b.spec.trim())) {
      throw new Error(`${where}: ${b.kind === 'irq' ? 'an irq' : 'a CPU'} is a number`);
    } else if (b.kind === 'function' && !/^[A-Za-z_]\w*$/.test(b.spec.trim())) {
      throw new Error(`${where}: a kernel function name (e.g. dmar_alloc_hwirq)`);
    }
  });
}

/** Replaces the session's breakpoints with these, in one transaction. */
export function saveBreakpoints(session: Session, list: readonly Breakpoint[]): StoredBreakpoint[] {
  checkBreakpoints(list);
  const insert = session.db.prepare(
    `INSERT INTO breakpoints (kind, spec, enabled) VALUES (?, ?, ?)`,
  );
  session.db.transaction(() => {
    session.db.prepare(`DELETE FROM breakpoints`).run();
    for (const b of list) insert.run(b.kind, b.spec.trim(), b.enabled === false ? 0 : 1);
  })();
  return listBreakpoints(session);
}

/** As the stepping engine takes them. */
export function engineBreakpoints(list: readonly StoredBreakpoint[]): Breakpoint[] {
  return list.map((b) => ({ kind: b.kind, spec: b.spec, enabled: b.enabled }));
}
