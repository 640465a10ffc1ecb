// A run's irqs, IRTEs and devices' messages are stored as columns, each in the narrowest type that
// holds it (irqlab-app-run/5); sessions saved before kept each device's message words as a list of
// numbers (irqlab-app-run/4), the IRTEs as one list of numbers per unit (irqlab-app-run/3), the
// irq columns all int32 or float64 (irqlab-app-run/2), or one object per irq (irqlab-app-run/1). Every view of a run, and its report, must read the same from each, and a
// stranger's columns that do not hold together are refused by name, never shown half-read.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/store/native-binding';
import { call } from './dispatch';
import { readIrqTable } from '../../core/scenario/irq-table';
import { readOutputs } from '../../core/report/run-data';
import {
  asAppRunV1,
  asAppRunV2,
  asAppRunV3,
  asAppRunV4,
  useServiceFixture,
} from './service-fixture';

const fx = useServiceFixture('stored-formats');
const h = () => fx.service.handlers;

/** A saved session with one run of `preset`, and a copy whose run is rewritten by `rewrite`. */
async function savedPair(
  preset: string,
  name: string,
  rewrite: (outputs: Record<string, unknown>) => unknown,
) {
  const machine = await call(h(), 'machine.fromPreset', { name: preset });
  const created = await call(h(), 'session.new', {
    machineName: machine.name,
    machineText: machine.text,
  });
  const { jobId } = await call(h(), 'run.start', {
    sessionId: created.sessionId,
    machineText: machine.text,
  });
  expect((await fx.finished(jobId)).state).toBe('done');
  await call(h(), 'session.saveAs', {
    sessionId: created.sessionId,
    machineName: machine.name,
    machineText: machine.text,
    name: `${name}.irqlab`,
  });
  await call(h(), 'session.close', { sessionId: created.sessionId });
  const dir = path.join(fx.dir, 'sessions');
  copyFileSync(path.join(dir, `${name}.irqlab`), path.join(dir, `${name}-copy.irqlab`));
  const db = openDatabase(path.join(dir, `${name}-copy.irqlab`));
  const outputs = JSON.parse(
    db.prepare('SELECT outputs_json FROM runs WHERE id = 1').pluck().get() as string,
  ) as Record<string, unknown>;
  db.prepare('UPDATE runs SET outputs_json = ? WHERE id = 1').run(JSON.stringify(rewrite(outputs)));
  db.close();
  const a = await call(h(), 'session.open', { name: `${name}.irqlab` });
  const b = await call(h(), 'session.open', { name: `${name}-copy.irqlab` });
  return { a: a.sessionId, b: b.sessionId, outputs };
}

describe('runs stored with their irqs and IRTEs as columns or as rows', () => {
  it.each([
    ["with devices' messages as lists (irqlab-app-run/4)", asAppRunV4],
    ['with IRTEs as rows (irqlab-app-run/3)', asAppRunV3],
    ['as rows (irqlab-app-run/1)', asAppRunV1],
    ['as int32 and float64 columns (irqlab-app-run/2)', asAppRunV2],
  ])('answer every view the same %s', async (_name, older) => {
    const { a, b, outputs } = await savedPair('dmar-server', `formats-${older.name}`, older);
    expect(outputs.format).toBe('irqlab-app-run/5');
    const irqs = Array.from(readIrqTable(outputs.irqTable).irq);
    expect(irqs.length).toBeGreaterThan(20);
    const both = async <C extends Parameters<typeof call>[1]>(
      channel: C,
      request: (sessionId: string) => Parameters<typeof call<C>>[2],
    ) => {
      const [x, y] = await Promise.all([
        call(h(), channel, request(a)),
        call(h(), channel, request(b)),
      ]);
      expect(y).toEqual(x);
      return x;
    };
    const run = (sessionId: string) => ({ sessionId, runId: 1 });
    const all = await both('run.irqs', (s) => ({ ...run(s), limit: 1000 }));
    expect(all.total).toBe(irqs.length);
    expect(all.irqs.map((i) => i.irq)).toEqual(irqs);
    const domains = await both('run.domains', run);
    for (const d of domains.domains)
      await both('run.irqs', (s) => ({ ...run(s), domain: d.name, limit: 1000 }));
    for (const filter of ['IR-PCI-MSI', 'nvme', '9', 'no such thing'])
      await both('run.irqs', (s) => ({ ...run(s), filter, offset: 1, limit: 5 }));
    for (const irq of irqs) await both('run.irqChain', (s) => ({ ...run(s), irq }));
    await both('run.vectorMatrix', run);
    await both('run.irqInfo', (s) => ({ ...run(s), irqs: irqs.slice(0, 64) }));
    const irtes = await both('run.irtes', (s) => ({ ...run(s), limit: 1000 }));
    expect(irtes.total).toBeGreaterThan(20);
    for (const unit of irtes.units)
      await both('run.irtes', (s) => ({ ...run(s), unit: unit.name, offset: 3, limit: 1000 }));
    await both('run.ioapics', run);
    await both('run.devices', (s) => ({ ...run(s), offset: 0, limit: 100, filter: '' }));
    const chain = await both('run.irqChain', (s) => ({ ...run(s), irq: irqs.at(-1)! }));
    const message = chain.messages[0];
    expect(message).toBeDefined();
    await both('msi.decode', (s) => ({
      ...run(s),
      address: message!.address,
      data: message!.data,
    }));
    await both('run.result', run);
    // The report reads the stored outputs itself: the same remapping tables from either.
    const remapping = readOutputs(outputs).remapping;
    expect(remapping?.units.some((u) => u.irtes.length > 20)).toBe(true);
    expect(readOutputs(older(outputs)).remapping).toEqual(remapping);
  });

  it('refuse columns that do not hold together, naming where', async () => {
    const { b } = await savedPair('example', 'broken', (outputs) => {
      // One CPU fewer than there are irqs (the column's last entry cut off).
      const table = outputs.irqTable as { cpu: Record<string, string> };
      const [type, base64] = Object.entries(table.cpu)[0]!;
      const bytes = Buffer.from(base64, 'base64');
      const size = { u8: 1, u16: 2, i32: 4, f64: 8 }[type as 'u8'];
      table.cpu[type] = bytes.subarray(0, bytes.length - size).toString('base64');
      return outputs;
    });
    await expect(
      call(h(), 'run.irqs', { sessionId: b, runId: 1, offset: 0, limit: 10, filter: '' }),
    ).rejects.toThrow(/run 1: its irq table is not valid: cpu: not a column of \d+ entries/);
    // What does not need the irqs still shows.
    const result = await call(h(), 'run.result', { sessionId: b, runId: 1 });
    expect(result.dmesg.length).toBeGreaterThan(0);
  });

  it('refuse an IRTE column that is not one, naming where', async () => {
    const { b } = await savedPair('dmar-server', 'broken-irtes', (outputs) => {
      const tables = outputs.tables as { irtes: { columns: Record<string, unknown> }[] };
      // The first unit's SIDs: not base64.
      tables.irtes[0]!.columns.sid = { u16: 'not base64!' };
      return outputs;
    });
    const run = { sessionId: b, runId: 1 };
    await expect(call(h(), 'run.irtes', { ...run, offset: 0, limit: 10 })).rejects.toThrow(
      /run 1: tables\.irtes\[0\]\.columns\.sid: not a column of uint8 or uint16 or int32 or float64 in base64/,
    );
    // The irqs, which do not need the IRTEs, still show.
    const irqs = await call(h(), 'run.irqs', { ...run, offset: 0, limit: 10, filter: '' });
    expect(irqs.total).toBeGreaterThan(20);
  });

  it("refuse a device's message words that are not triples, naming the device", async () => {
    let bdf = '';
    const { b } = await savedPair('dmar-server', 'broken-messages', (outputs) => {
      const devices = outputs.devices as { bdf: string; messageWords: Record<string, string> }[];
      const device = devices.find((d) => Object.values(d.messageWords)[0] !== '')!;
      bdf = device.bdf;
      // Its last entry's data word cut off.
      const [type, base64] = Object.entries(device.messageWords)[0]!;
      const bytes = Buffer.from(base64, 'base64');
      const size = { u8: 1, u16: 2, i32: 4, f64: 8 }[type as 'u8'];
      device.messageWords[type] = bytes.subarray(0, bytes.length - size).toString('base64');
      return outputs;
    });
    const run = { sessionId: b, runId: 1 };
    await expect(
      call(h(), 'run.devices', { ...run, offset: 0, limit: 100, filter: '' }),
    ).rejects.toThrow(`messageWords of ${bdf}: `);
    await expect(
      call(h(), 'run.devices', { ...run, offset: 0, limit: 100, filter: '' }),
    ).rejects.toThrow(/words, not \(address_hi, address_lo, data\) triples/);
    // The irqs, which do not need the messages, still show.
    const irqs = await call(h(), 'run.irqs', { ...run, offset: 0, limit: 10, filter: '' });
    expect(irqs.total).toBeGreaterThan(20);
  });

  it('refuse an IRTE column shorter than the others, naming it', async () => {
    const { b } = await savedPair('dmar-server', 'short-irtes', (outputs) => {
      const tables = outputs.tables as { irtes: { columns: Record<string, unknown> }[] };
      const vector = tables.irtes[0]!.columns.vector as Record<string, string>;
      const [type, base64] = Object.entries(vector)[0]!;
      const bytes = Buffer.from(base64, 'base64');
      const size = { u8: 1, u16: 2, i32: 4, f64: 8 }[type as 'u8'];
      vector[type] = bytes.subarray(0, bytes.length - size).toString('base64');
      return outputs;
    });
    await expect(
      call(h(), 'run.irtes', { sessionId: b, runId: 1, offset: 0, limit: 10 }),
    ).rejects.toThrow(
      /run 1: tables\.irtes\[0\]\.columns\.vector: not a column of \d+ entries \(as index\)/,
    );
  });
});
