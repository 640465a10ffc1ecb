import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/store/native-binding';
import { call, dispatch } from './dispatch';
import { asAppRunV1, useServiceFixture } from './service-fixture';

const fx = useServiceFixture('service');

async function example() {
  return call(fx.service.handlers, 'machine.fromPreset', { name: 'example' });
}

describe('sessions through the API', () => {
  it('stores a run in a new session as it happens, then saves it under a name with its runs', async () => {
    const machine = await example();
    const { session: created, status } = await fx.runInNewSession(machine);
    expect(created.titled).toBe(false);
    expect(status.state).toBe('done');
    expect(status.runId).toBe(1);
    const result = await call(fx.service.handlers, 'run.result', {
      sessionId: created.sessionId,
      runId: 1,
    });
    expect(result.irqCount).toBeGreaterThan(0);
    expect(result.dmesg.length).toBeGreaterThan(0);
    expect(result.procInterrupts.split('\n')[0]).toMatch(/CPU0/);

    const saved = await call(fx.service.handlers, 'session.saveAs', {
      sessionId: created.sessionId,
      machineName: machine.name,
      machineText: machine.text,
      name: 'bring-up.irqlab',
    });
    expect(saved).toMatchObject({ title: 'bring-up.irqlab', titled: true });
    expect(saved!.runs.map((r) => r.status)).toEqual(['complete']);
    await call(fx.service.handlers, 'session.close', { sessionId: created.sessionId });

    const reopened = await call(fx.service.handlers, 'session.open', { name: 'bring-up.irqlab' });
    expect(reopened.machine?.text).toBe(machine.text);
    expect(reopened.runs).toHaveLength(1);
    const recent = await call(fx.service.handlers, 'session.recent', {});
    expect(recent[0]?.title).toBe('bring-up.irqlab');
  });

  it('shows the same results kept from the job, read back after a reopen, and of an older run', async () => {
    const machine = await example();
    const { session: created, status } = await fx.runInNewSession(machine);
    expect(status.state).toBe('done');
    const ask = (sessionId: string) =>
      call(fx.service.handlers, 'run.result', { sessionId, runId: 1 });
    const fromJob = await ask(created.sessionId);
    await call(fx.service.handlers, 'session.saveAs', {
      sessionId: created.sessionId,
      machineName: machine.name,
      machineText: machine.text,
      name: 'results.irqlab',
    });
    await call(fx.service.handlers, 'session.close', { sessionId: created.sessionId });
    const reopened = await call(fx.service.handlers, 'session.open', { name: 'results.irqlab' });
    const fromFile = await ask(reopened.sessionId);
    const { run: _a, ...jobParts } = fromJob;
    const { run: _b, ...fileParts } = fromFile;
    expect(fileParts).toEqual(jobParts);
    expect(fromFile.run).toMatchObject({ id: 1, status: 'complete' });
    await call(fx.service.handlers, 'session.close', { sessionId: reopened.sessionId });

    // A run stored before faultLines and the counts were (and before the irqs were kept as
    // columns): found from dmesg and the arrays.
    const file = path.join(fx.dir, 'sessions', 'results.irqlab');
    const db = openDatabase(file);
    const outputs = asAppRunV1(
      JSON.parse(
        db.prepare('SELECT outputs_json FROM runs WHERE id = 1').pluck().get() as string,
      ) as Record<string, unknown>,
    );
    delete outputs.faultLines;
    delete outputs.irqCount;
    delete outputs.deviceCount;
    db.prepare('UPDATE runs SET outputs_json = ? WHERE id = 1').run(JSON.stringify(outputs));
    db.close();
    const older = await call(fx.service.handlers, 'session.open', { name: 'results.irqlab' });
    const { run: _c, ...olderParts } = await ask(older.sessionId);
    expect(olderParts).toEqual(jobParts);
    await call(fx.service.handlers, 'session.close', { sessionId: older.sessionId });
  });

  it('saves as a whole file while another connection keeps the WAL from being folded in: it waits for that one', async () => {
    // As the store of a run just stored may still be folding it into the file when "save as" is
    // asked (electron/node/run-store.ts): only one checkpoint runs at a time, and closing the
    // session folds nothing in while another connection has the file. Here a reader on an older
    // snapshot holds the WAL for a while.
    const machine = await example();
    const { session: created, status } = await fx.runInNewSession(machine);
    expect(status.state).toBe('done');
    const scratch = path.join(fx.dir, 'scratch');
    const [file] = readdirSync(scratch).filter((f) => f.endsWith('.irqlab'));
    // The reader is another thread: this one's checkpoint may wait for it (SQLite's busy timeout).
    const reader = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const Database = require(workerData.module);
       const db = new Database(workerData.file, { readonly: true });
       db.prepare('BEGIN').run();
       db.prepare('SELECT count(*) FROM runs').pluck().get();
       parentPort.postMessage('holding');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.prepare('COMMIT').run();
       db.close();`,
      {
        eval: true,
        workerData: {
          file: path.join(scratch, file!),
          module: path.resolve('node_modules/better-sqlite3'),
        },
      },
    );
    await once(reader, 'message');
    const released = once(reader, 'exit');
    const edited = machine.text.replace('"name":', '"name": "edited-while-held", "was":');
    const saved = await call(fx.service.handlers, 'session.saveAs', {
      sessionId: created.sessionId,
      machineName: 'edited-while-held',
      machineText: edited,
      name: 'held-while-saved.irqlab',
    });
    await released;
    expect(saved!.runs.map((r) => r.status)).toEqual(['complete']);
    await call(fx.service.handlers, 'session.close', { sessionId: created.sessionId });
    // The file alone (no WAL beside it) has the machine saved with it, and the run.
    const target = path.join(fx.dir, 'sessions', 'held-while-saved.irqlab');
    expect(existsSync(`${target}-wal`)).toBe(false);
    const db = openDatabase(target, { readonly: true });
    try {
      expect(db.prepare('SELECT status FROM runs').pluck().all()).toEqual(['complete']);
    } finally {
      db.close();
    }
    const reopened = await call(fx.service.handlers, 'session.open', {
      name: 'held-while-saved.irqlab',
    });
    expect(reopened.machine?.text).toBe(edited);
    await call(fx.service.handlers, 'session.close', { sessionId: reopened.sessionId });
  });

  it('lists each device with its irqs and MSI messages', async () => {
    const s = await call(fx.service.handlers, 'session.open', { name: 'bring-up.irqlab' });
    const page = await call(fx.service.handlers, 'run.devices', {
      sessionId: s.sessionId,
      runId: 1,
      filter: 'nvme',
    });
    expect(page.total).toBe(1);
    const nvme = page.devices[0]!;
    expect(nvme.driver).toBe('nvme');
    expect(nvme.irqs.length).toBeGreaterThan(0);
    expect(nvme.messages[0]?.address).toMatch(/^0x?[0-9a-f]+$/i);
  });

  it("gives a device on its INTx line that line's IO-APIC irq", async () => {
    const s = await call(fx.service.handlers, 'session.open', { name: 'bring-up.irqlab' });
    const page = await call(fx.service.handlers, 'run.devices', {
      sessionId: s.sessionId,
      runId: 1,
    });
    const onIntx = page.devices.filter((d) => d.mode === 'intx');
    expect(onIntx.length).toBeGreaterThan(0);
    for (const d of onIntx)
      expect(
        d.irqs.map((i) => i.chip),
        d.bdf,
      ).toContain('IO-APIC');
  });

  it('exports a stored run as CSV to a file the host serves for download', async () => {
    const s = await call(fx.service.handlers, 'session.open', { name: 'bring-up.irqlab' });
    const started = await call(fx.service.handlers, 'report.export', {
      sessionId: s.sessionId,
      runId: 1,
      format: 'csv',
    });
    const status = await fx.finished(started!.jobId);
    expect(status.state).toBe('done');
    const file = fx.service.exportFile(new URL(status.output!.url!, 'http://x').pathname);
    expect(file).not.toBeNull();
    const csv = readFileSync(file!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('seq,kind,depth,name,irq,cpu,a0,a1,a2,a3,text');
    expect(csv.split('\r\n').length - 2).toBe(s.runs[0]!.eventCount);
    // Only the exact URL it gave serves the file.
    expect(fx.service.exportFile('/exports/../../etc/passwd')).toBeNull();
    expect(
      fx.service.exportFile(status.output!.url!.replace(/[0-9a-f]{24}/, '0'.repeat(24))),
    ).toBeNull();
  });

  it('exports the HTML, Markdown and JSON reports of a run the app stored', async () => {
    const s = await call(fx.service.handlers, 'session.open', { name: 'bring-up.irqlab' });
    const read = async (format: 'html' | 'md' | 'json') => {
      const started = await call(fx.service.handlers, 'report.export', {
        sessionId: s.sessionId,
        runId: 1,
        format,
      });
      const status = await fx.finished(started!.jobId);
      expect(status.state, status.error ?? '').toBe('done');
      return readFileSync(
        fx.service.exportFile(new URL(status.output!.url!, 'http://x').pathname)!,
        'utf8',
      );
    };
    expect(await read('html')).toMatch(/^<!doctype html>/i);
    expect(await read('md')).toMatch(/^# /m);
    const json = JSON.parse(await read('json'));
    expect(json.format).toBe('irqlab-report/1');
    // The report read the app's stored outputs, not "no outputs".
    expect(json.outputs.shape).toBe('irqlab-app-run/5');
    expect(json.outputs.dmesg.length).toBeGreaterThan(0);
  });

  it('refuses session names that could leave the sessions folder', async () => {
    for (const name of [
      '../escape.irqlab',
      '/etc/passwd',
      'a/b.irqlab',
      '..irqlab',
      '.hidden.irqlab',
      'x.irqlab\0',
      'C:\\x.irqlab',
      'x'.repeat(500) + '.irqlab',
    ]) {
      const result = await dispatch(fx.service.handlers, 'session.open', { name });
      expect(result.ok, name).toBe(false);
      if (!result.ok) expect(result.error.code, name).toBe('invalid-request');
    }
  });

  it('answers hostile or malformed requests on the new channels with errors, never a crash', async () => {
    const bad: [string, unknown][] = [
      ['session.save', { sessionId: '../../etc', machineName: 'x', machineText: '{}' }],
      ['session.save', { sessionId: 's999', machineName: 'x', machineText: '{}' }],
      ['run.start', { sessionId: 's1', machineText: '{}', injections: [{ kind: 'dmar' }] }],
      ['run.result', { sessionId: 's1', runId: -1 }],
      ['job.status', { jobId: 'j1; DROP TABLE runs' }],
      ['session.upload', { fileName: 'a.irqlab', base64: 'not base64!' }],
      ['session.openRecent', { recentId: 'x'.repeat(1000) }],
      ['import.artefacts', { files: [{ name: 'dmesg', text: 'x', base64: 'eA==' }] }],
      ['fault.explain', { line: 'x'.repeat(5000) }],
    ];
    for (const [channel, request] of bad) {
      const result = await dispatch(fx.service.handlers, channel, request);
      expect(result.ok, channel).toBe(false);
    }
    // Still serving.
    expect((await dispatch(fx.service.handlers, 'app.info', {})).ok).toBe(true);
  });

  it('runs only the text it is sent, whichever text the editor had validated before', async () => {
    const machine = await example();
    const { sessionId } = await call(fx.service.handlers, 'session.new', {
      machineName: machine.name,
      machineText: machine.text,
    });
    const broken = machine.text.replace('"cpus"', '"cpuz"');
    expect(await call(fx.service.handlers, 'machine.validate', { text: machine.text })).toEqual({
      ok: true,
      problems: [],
    });
    await expect(
      call(fx.service.handlers, 'run.start', { sessionId, machineText: broken }),
    ).rejects.toThrow(/the machine is not valid/);
    expect((await call(fx.service.handlers, 'machine.validate', { text: broken })).ok).toBe(false);
    await expect(
      call(fx.service.handlers, 'run.start', { sessionId, machineText: broken }),
    ).rejects.toThrow(/the machine is not valid/);
    // The valid text once more, after the broken one was the last parsed.
    const { jobId } = await call(fx.service.handlers, 'run.start', {
      sessionId,
      machineText: machine.text,
    });
    expect((await fx.finished(jobId)).state).toBe('done');
  });
  it('keeps an uploaded file only when it is a session, with a name of its own', async () => {
    const bad = await dispatch(fx.service.handlers, 'session.upload', {
      fileName: '../../evil.irqlab',
      base64: Buffer.from('not a database').toString('base64'),
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.message).toContain('not a valid irqlab session: not an SQLite database');
    expect(existsSync(path.join(fx.dir, 'sessions', 'evil.irqlab'))).toBe(false);

    const bytes = readFileSync(path.join(fx.dir, 'sessions', 'bring-up.irqlab'));
    const up = await call(fx.service.handlers, 'session.upload', {
      fileName: 'C:\\Users\\me\\bring-up.irqlab',
      base64: bytes.toString('base64'),
    });
    expect(up.title).toBe('bring-up (2).irqlab');
    expect(up.runs).toHaveLength(1);
  });

  it('names a damaged session file by its name, and leaves it as it was', async () => {
    const file = path.join(fx.dir, 'sessions', 'damaged.irqlab');
    writeFileSync(file, 'SQLite format 3\0' + 'x'.repeat(50));
    const result = await dispatch(fx.service.handlers, 'session.open', { name: 'damaged.irqlab' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toMatch(
        /damaged\.irqlab: not a valid irqlab session: truncated/,
      );
    expect(readFileSync(file, 'utf8')).toBe('SQLite format 3\0' + 'x'.repeat(50));
  });

  it('cancels a run between trace chunks and stores it as failed, "cancelled by the user"', async () => {
    const large = await call(fx.service.handlers, 'machine.fromPreset', { name: 'large' });
    const s = await call(fx.service.handlers, 'session.new', {
      machineName: large.name,
      machineText: large.text,
    });
    const { jobId } = await call(fx.service.handlers, 'run.start', {
      sessionId: s.sessionId,
      machineText: large.text,
    });
    expect((await call(fx.service.handlers, 'job.cancel', { jobId })).cancelled).toBe(true);
    expect((await fx.finished(jobId)).state).toBe('cancelled');
    const runs = await call(fx.service.handlers, 'runs.list', { sessionId: s.sessionId });
    expect(runs).toMatchObject([{ status: 'failed', error: 'cancelled by the user' }]);
  });

  /** A small machine from the start page's generator. */
  const knobs = {
    name: 'two-socket',
    sockets: 2,
    coresPerSocket: 4,
    threadsPerCore: 2 as const,
    ioapics: 2,
    rootComplexes: 2,
    nicsPerRootComplex: 1,
    nicMsixTableSize: 64,
    nvmePerRootComplex: 1,
  };

  it('generates a machine from the large-machine knobs and refuses impossible ones', async () => {
    const m = await call(fx.service.handlers, 'machine.generate', knobs);
    const v = await call(fx.service.handlers, 'machine.validate', { text: m.text });
    expect(v.ok).toBe(true);
    expect(JSON.parse(m.text).cpus.list).toHaveLength(16);
    const tooMany = await dispatch(fx.service.handlers, 'machine.generate', {
      ...knobs,
      sockets: 64,
      coresPerSocket: 512,
    });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('opens a new session on a generated machine, the same text machine.generate gives', async () => {
    const s = await call(fx.service.handlers, 'session.generate', knobs);
    const m = await call(fx.service.handlers, 'machine.generate', knobs);
    expect(s.machine).toMatchObject({ name: 'two-socket', text: m.text });
    expect(s.runs).toEqual([]);
    // A run starts on it as on any new session.
    const { jobId } = await call(fx.service.handlers, 'run.start', {
      sessionId: s.sessionId,
      machineText: m.text,
    });
    expect((await fx.finished(jobId)).state).toBe('done');
    const refused = await dispatch(fx.service.handlers, 'session.generate', {
      ...knobs,
      sockets: 64,
      coresPerSocket: 512,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    await call(fx.service.handlers, 'session.close', { sessionId: s.sessionId });
  });

  it('explains a fault line it knows, and says so when it does not', async () => {
    const known = await call(fx.service.handlers, 'fault.explain', {
      line: 'Interrupt reservation exceeds available resources',
    });
    expect(known.known).toBe(true);
    expect(known.meaning.length).toBeGreaterThan(0);
    const unknown = await call(fx.service.handlers, 'fault.explain', { line: 'hello world' });
    expect(unknown.known).toBe(false);
  });
});
