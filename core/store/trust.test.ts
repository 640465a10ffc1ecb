// What a session file from a stranger can make irqlab do: nothing but be read or be refused with
// `<file>: not a valid irqlab session: <what>`, the file and its folder left exactly as they were.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionError } from './errors';
import { alter, ALTERATIONS, BASE_EVENTS, makeBaseSession } from './hostile-sessions';
import { Session } from './session';
import { lockFileOf } from './writer-lock';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-trust-'));
const base = path.join(dir, 'base.irqlab');
beforeAll(() => makeBaseSession(base));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The file's bytes and its folder's listing: what a read must leave as they were. */
function snapshot(file: string) {
  return {
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    listing: readdirSync(path.dirname(file)).sort(),
  };
}

function refusal(f: () => unknown): SessionError {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a SessionError').toBeInstanceOf(SessionError);
  return caught as SessionError;
}

/** Every read irqlab makes of a session (what the CLI and the app call). */
function readEverything(session: Session): number {
  let events = 0;
  for (const run of session.runs()) {
    session.run(run.id);
    session.runOutputs(run.id);
    session.symbols(run.id);
    for (let from = 0; ; from += 500) {
      const page = session.namedEvents(run.id, from, 500);
      if (page.length === 0) break;
      events += page.length;
    }
    session.events(run.id, 0, 10, { irq: 24, cpu: 0 });
    session.events(run.id, 0, 10, { device: '0000:3b:00.0' });
  }
  const counted = session.query(`SELECT count(*) FROM events`).rows[0]![0] as number;
  expect(counted).toBe(events);
  return events;
}

describe('a hostile session file', () => {
  it('the unaltered base reads whole (the attacks below are alterations of it)', () => {
    const file = path.join(dir, 'plain.irqlab');
    copyFileSync(base, file);
    const before = snapshot(file);
    const session = Session.open(file, { readonly: true });
    expect(readEverything(session)).toBe(BASE_EVENTS);
    session.close();
    expect(snapshot(file)).toEqual(before);
  });

  for (const [i, a] of ALTERATIONS.entries()) {
    it(`is refused, read-only and read-write, and left as it was: ${a.name}`, () => {
      const file = path.join(dir, `hostile-${i}.irqlab`);
      copyFileSync(base, file);
      alter(file, a.sql);
      const before = snapshot(file);
      for (const readonly of [true, false]) {
        const err = refusal(() => {
          const s = Session.open(file, { readonly });
          try {
            readEverything(s);
          } finally {
            s.close();
          }
        });
        expect(err.message.startsWith(`${file}: not a valid irqlab session: `), err.message).toBe(
          true,
        );
        expect(err.message).toMatch(a.says);
        expect(snapshot(file)).toEqual(before);
      }
    });
  }
});

describe('an old session as version 1 wrote it (WAL mode, no -wal/-shm beside it)', () => {
  it('is read, migrated in memory, without a byte or a file changed beside it', () => {
    const file = path.join(dir, 'v1-wal', 'old.irqlab');
    rmSync(path.dirname(file), { recursive: true, force: true });
    mkdirSync(path.dirname(file));
    copyFileSync(path.join(here, 'fixtures', 'session-v1-wal.irqlab'), file);
    expect(readFileSync(file)[18]).toBe(2); // the header says WAL, as version 1 left it
    const before = snapshot(file);
    const session = Session.open(file, { readonly: true });
    expect(session.runs()).toMatchObject([{ status: 'complete', eventCount: 201 }]);
    expect(session.query(`SELECT count(*) FROM events`).rows[0]).toEqual([201]);
    expect(session.namedEvents(1, 0, 2)[0]).toMatchObject({ name: 'irq_matrix_alloc', irq: 24 });
    session.close();
    expect(snapshot(file)).toEqual(before);
  });

  it('is migrated in place when opened for writing', () => {
    const file = path.join(dir, 'v1-wal-rw.irqlab');
    copyFileSync(path.join(here, 'fixtures', 'session-v1-wal.irqlab'), file);
    const session = Session.open(file);
    expect(session.schemaVersion).toBe(3);
    expect(session.events(1, 0, 1000)).toHaveLength(201);
    session.close();
  });

  it('a current session (WAL header) is read without -wal/-shm appearing beside it', () => {
    const file = path.join(dir, 'current', 'now.irqlab');
    mkdirSync(path.dirname(file));
    const s = Session.open(file, { create: true });
    s.saveMachine('m', '{}');
    s.close();
    expect(readFileSync(file)[18]).toBe(2);
    const before = snapshot(file);
    const session = Session.open(file, { readonly: true });
    expect(session.machine()?.name).toBe('m');
    expect(session.query(`SELECT count(*) FROM events`).rows[0]).toEqual([0]);
    session.close();
    expect(snapshot(file)).toEqual(before);
  });
});

describe("a run's writer", () => {
  it('is known to readers while it lives; once it is gone its run reads as incomplete (writer gone), and a second writer waits for neither', async () => {
    const file = path.join(dir, 'live', 'live.irqlab');
    mkdirSync(path.dirname(file));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'kill-writer.child.ts'), file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        if (/COMMITTED ([1-9]\d{4,})/.test(data.toString())) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    try {
      const reader = Session.open(file, { readonly: true });
      expect(reader.runs().map((r) => [r.status, r.writerGone])).toEqual([
        ['complete', undefined],
        ['running', undefined],
      ]);
      reader.close();
      const busy = refusal(() => Session.open(file));
      expect(busy.code).toBe('busy');
      expect(busy.message).toContain(`irqlab process ${child.pid} is writing it`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.on('close', r));
    }
    // Killed: its lock and WAL stay behind; a reader reads them without changing either.
    const before = snapshot(file);
    const wal = createHash('sha256')
      .update(readFileSync(`${file}-wal`))
      .digest('hex');
    const reader = Session.open(file, { readonly: true });
    const [, cut] = reader.runs();
    expect(cut).toMatchObject({ status: 'incomplete', writerGone: true });
    expect(reader.run(cut!.id)).toMatchObject({ status: 'incomplete', writerGone: true });
    expect(reader.query(`SELECT count(*) FROM events WHERE run_id = 2`).rows[0]![0]).toBe(
      cut!.eventCount,
    );
    reader.close();
    expect(snapshot(file)).toEqual(before);
    expect(
      createHash('sha256')
        .update(readFileSync(`${file}-wal`))
        .digest('hex'),
    ).toBe(wal);
    // The next writer takes over: stores 'incomplete', and its own lock while it is open.
    const writer = Session.open(file);
    expect(writer.runs()[1]).toMatchObject({ status: 'incomplete' });
    expect(writer.runs()[1]?.writerGone).toBeUndefined();
    expect(JSON.parse(readFileSync(lockFileOf(file), 'utf8')).pid).toBe(process.pid);
    writer.close();
    expect(readdirSync(path.dirname(file))).not.toContain(path.basename(lockFileOf(file)));
  });
});
