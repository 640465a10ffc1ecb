// The trace explorer's SQL box through the API, on an untitled session (a scratch file): SQLite's
// own errors come back as SQLite gave them and never name the scratch file, a write is refused
// naming the statement, the views answer with names, and the schema the box shows is the one
// SQL sees.
import { describe, expect, it } from 'vitest';
import { call, dispatch } from './dispatch';
import { useServiceFixture } from './service-fixture';

const fx = useServiceFixture('trace-sql');
const h = () => fx.service.handlers;

async function untitledWithRun() {
  const m = await call(h(), 'machine.fromPreset', { name: 'seed-vf-compat-blocked' });
  const session = await call(h(), 'session.new', { machineName: m.name, machineText: m.text });
  const { jobId } = await call(h(), 'run.start', {
    sessionId: session.sessionId,
    machineText: m.text,
  });
  const status = await fx.finished(jobId);
  expect(status.state, status.error ?? '').toBe('done');
  return { sessionId: session.sessionId, runId: status.runId! };
}

async function failure(sessionId: string, sql: string): Promise<string> {
  const r = await dispatch(h(), 'trace.query', { sessionId, sql });
  expect(r.ok, sql).toBe(false);
  return r.ok ? '' : r.error.message;
}

describe('the SQL box', () => {
  it("passes SQLite's error through, refuses writes by name, and resolves names in its views", async () => {
    const { sessionId, runId } = await untitledWithRun();
    const typo = await failure(sessionId, 'SELECT name FROM runs');
    expect(typo).toBe('trace.query failed: no such column: name');
    expect(typo).not.toContain(fx.dir);
    const write = await failure(sessionId, 'DELETE FROM runs');
    expect(write).toMatch(/^trace\.query failed: DELETE statement refused: .*read-only/);
    expect(write).not.toContain(fx.dir);
    expect(await failure(sessionId, 'PRAGMA journal_mode = DELETE')).toContain(
      'PRAGMA statement refused',
    );
    expect((await call(h(), 'runs.list', { sessionId })).map((r) => r.status)).toEqual([
      'complete',
    ]);

    // The VF's blocked compatibility-format interrupts: by name, device and summary, as the
    // trace explorer's own reader names them.
    const faults = await call(h(), 'trace.query', {
      sessionId,
      sql: `SELECT seq, name, device, text FROM events_named WHERE run = ${runId} AND kind = 'fault' ORDER BY seq`,
    });
    const page = await call(h(), 'trace.page', {
      sessionId,
      runId,
      fromSeq: 0,
      limit: 1000,
      filter: { kind: 'fault' },
    });
    expect(faults.rows.length).toBeGreaterThan(0);
    expect(faults.rows).toEqual(
      page.events.map((e) => [e.seq, e.name, e.device || null, e.text || null]),
    );
    expect(faults.rows.some((r) => String(r[3]).includes('fault reason 0x25'))).toBe(true);
    const calls = await call(h(), 'trace.query', {
      sessionId,
      sql: `SELECT name, args FROM events_named WHERE run = ${runId} AND name = 'pci_alloc_irq_vectors_affinity' AND kind = 'call' LIMIT 1`,
    });
    const args = JSON.parse(String(calls.rows[0]![1])) as Record<string, unknown>;
    expect(args.dev).toMatch(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/);
  });

  it('shows the schema SQL sees: the events virtual table and the views, with their columns', async () => {
    const { sessionId } = await untitledWithRun();
    const { relations } = await call(h(), 'trace.schema', {});
    for (const r of relations) {
      const cols = await call(h(), 'trace.query', {
        sessionId,
        sql: `SELECT name FROM pragma_table_info('${r.name}') WHERE name <> 'run'`,
      });
      expect(
        cols.rows.map((c) => c[0]),
        r.name,
      ).toEqual(r.columns.map((c) => c.name));
    }
    expect(relations.find((r) => r.name === 'events')?.type).toBe('virtual table');
    expect(relations.find((r) => r.name === 'events_named')?.type).toBe('view');
  });
});
