// A real service for API tests: its sessions, scratch files and exports in a temporary folder
// removed after the file's tests; `finished` waits for a job the way the app polls it, and
// `runInNewSession` opens a session on a machine and runs its boot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { JobStatus, RequestOf, SessionState } from './channels';
import { call } from './dispatch';
import { createService, type Service } from './service';
import { IRQ_COLUMNS, readIrqTable, StoredIrqs } from '../../core/scenario/irq-table';
import { readIrteTable } from '../../core/scenario/irte-table';
import { readMessageWords } from '../../core/scenario/device-messages';
import { deviceMessages, type StoredRunOutputs } from './job-work';

export interface ServiceFixture {
  readonly service: Service;
  /** The temporary folder the service keeps its files in. */
  readonly dir: string;
  finished(jobId: string): Promise<JobStatus>;
  /**
   * A new session on `machine` (and a real /proc/interrupts, if given) with its boot run through
   * the API: the session as it was created, and the run's job as it ended.
   */
  runInNewSession(
    machine: { name: string; text: string },
    realInterrupts?: RequestOf<'session.new'>['realInterrupts'],
  ): Promise<{ session: SessionState; status: JobStatus }>;
}

export function useServiceFixture(name: string): ServiceFixture {
  let dir = '';
  let service: Service | null = null;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), `irqlab-${name}-test-`));
    service = createService({
      mode: 'browser',
      version: 'test',
      platform: 'linux',
      sessions: {
        sessionsDir: path.join(dir, 'sessions'),
        scratchDir: path.join(dir, 'scratch'),
        configDir: path.join(dir, 'config'),
      },
      exportsDir: path.join(dir, 'exports'),
    });
  });
  afterAll(() => {
    service?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fixture: ServiceFixture = {
    get service() {
      if (!service) throw new Error('the service exists once the tests run');
      return service;
    },
    get dir() {
      return dir;
    },
    finished: (jobId) => jobFinished(fixture.service.handlers, jobId),
    async runInNewSession(machine, realInterrupts) {
      const { handlers } = fixture.service;
      const session = await call(handlers, 'session.new', {
        machineName: machine.name,
        machineText: machine.text,
        ...(realInterrupts ? { realInterrupts } : {}),
      });
      const { jobId } = await call(handlers, 'run.start', {
        sessionId: session.sessionId,
        machineText: machine.text,
      });
      return { session, status: await jobFinished(handlers, jobId) };
    },
  };
  return fixture;
}

/** Waits for a job to end, polling its status the way the app does. */
export async function jobFinished(
  handlers: Service['handlers'],
  jobId: string,
): Promise<JobStatus> {
  for (;;) {
    const status = await call(handlers, 'job.status', { jobId });
    if (status.state !== 'running') return status;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A run's outputs as irqlab-app-run/4 stored them (each device's message words as a list of
 * numbers, the addresses unsigned, -1s for an entry not written), made from a newer run's.
 */
export function asAppRunV4(outputs: Record<string, unknown>): Record<string, unknown> {
  const devices = (outputs.devices as StoredRunOutputs['devices']).map((d) => {
    const words = readMessageWords('messageWords', d.messageWords);
    const list: number[] = [];
    for (let w = 0; w < words.length; w += 3) {
      const [hi, lo, data] = [words[w]!, words[w + 1]!, words[w + 2]!];
      if (data < 0) list.push(-1, -1, -1);
      else list.push(hi >>> 0, lo >>> 0, data);
    }
    return { ...d, messageWords: list };
  });
  return { ...outputs, format: 'irqlab-app-run/4', devices };
}

/**
 * A run's outputs as irqlab-app-run/3 stored them (each unit's IRTEs as one list of numbers,
 * IRTE_FIELDS a row; the devices as /4), made from a newer run's.
 */
export function asAppRunV3(newer: Record<string, unknown>): Record<string, unknown> {
  const outputs = asAppRunV4(newer);
  const tables = outputs.tables as Record<string, unknown>;
  const irtes = (tables.irtes as unknown[]).map((u, i) => {
    const { unit, irq, rows } = readIrteTable(u, `tables.irtes[${i}]`);
    return { unit, irq, rows: Array.from(rows) };
  });
  return { ...outputs, format: 'irqlab-app-run/3', tables: { ...tables, irtes } };
}

/**
 * A run's outputs as irqlab-app-run/2 stored them (every irq column int32 but hwirq and the
 * chain, float64; the chain's triples interleaved in one column; the IRTEs as /3), made from a
 * newer run's.
 */
export function asAppRunV2(newer: Record<string, unknown>): Record<string, unknown> {
  const outputs = asAppRunV3(newer);
  const t = readIrqTable(outputs.irqTable);
  const table: Record<string, unknown> = { strings: t.strings, actionNames: t.actionNames };
  for (const name of [...IRQ_COLUMNS, 'chain'] as const) {
    const wide = name === 'hwirq' || name === 'chain';
    const column = wide ? Float64Array.from(t[name]) : Int32Array.from(t[name]);
    table[name] = { [wide ? 'f64' : 'i32']: Buffer.from(column.buffer).toString('base64') };
  }
  return { ...outputs, format: 'irqlab-app-run/2', irqTable: table };
}

/**
 * A run's outputs as irqlab-app-run/1 stored them (one object per irq, chains' chips indexes into
 * tables.chips; the IRTEs as /3), made from a newer run's: to check that sessions saved by earlier
 * versions still read the same.
 */
export function asAppRunV1(newer: Record<string, unknown>): Record<string, unknown> {
  const outputs = asAppRunV3(newer);
  const irqs = StoredIrqs.fromTable(outputs.irqTable);
  const chips: string[] = [];
  const chipIndex = (name: string) => {
    const at = chips.indexOf(name);
    return at >= 0 ? at : chips.push(name) - 1;
  };
  const rows = Array.from({ length: irqs.length }, (_, i) => {
    const { chain, ...row } = irqs.row(i);
    return { ...row, chain: chain.flatMap((l) => [l.domain, l.hwirq, chipIndex(l.chip)]) };
  });
  const { irqTable: _table, ...rest } = outputs;
  const devices = (outputs.devices as StoredRunOutputs['devices']).map((d) => {
    const { messageWords: _words, ...device } = d;
    return { ...device, messages: deviceMessages(d).messages };
  });
  return {
    ...rest,
    format: 'irqlab-app-run/1',
    irqs: rows,
    devices,
    tables: { ...(outputs.tables as object), chips },
  };
}
