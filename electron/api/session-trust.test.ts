// Session files the app is handed: only files of the sessions folder (by real path) in browser
// mode, the recent list kept per sessions folder in the user's config folder, hostile files
// refused by name, and runs made by the command line stepped like the app's own.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../core/cli/main';
import { alter, makeBaseSession } from '../../core/store/hostile-sessions';
import { call, dispatch } from './dispatch';
import { useServiceFixture } from './service-fixture';
import { configDirOf, SessionLibrary } from './sessions';

const fx = useServiceFixture('session-trust');
const h = () => fx.service.handlers;
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const scratch = mkdtempSync(path.join(tmpdir(), 'irqlab-library-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the sessions folder', () => {
  it('refuses a symlink in it to a file outside (it was opened read-write and rewritten by save)', async () => {
    const outside = path.join(fx.dir, 'outside.irqlab');
    makeBaseSession(outside);
    const before = sha(outside);
    symlinkSync(outside, path.join(fx.dir, 'sessions', 'link.irqlab'));
    const opened = await dispatch(h(), 'session.open', { name: 'link.irqlab' });
    expect(opened.ok).toBe(false);
    if (!opened.ok)
      expect(opened.error.message).toBe(
        'session.open failed: link.irqlab: links to a file outside the sessions folder; not opened',
      );
    const recent = await call(h(), 'session.recent', {});
    expect(recent.map((r) => r.title)).not.toContain('link.irqlab');
    expect(sha(outside)).toBe(before);
    expect(readdirSync(fx.dir)).not.toContain('outside.irqlab-wal');
  });

  it('keeps the recent list in the config folder, one per sessions folder, listing only its files', () => {
    const parent = path.join(scratch, 'parent');
    const config = path.join(scratch, 'config');
    const a = new SessionLibrary({
      sessionsDir: path.join(parent, 'a'),
      scratchDir: path.join(scratch, 'tmp'),
      configDir: config,
    });
    const b = new SessionLibrary({
      sessionsDir: path.join(parent, 'b'),
      scratchDir: path.join(scratch, 'tmp'),
      configDir: config,
    });
    makeBaseSession(path.join(parent, 'a', 'one.irqlab'));
    makeBaseSession(path.join(parent, 'b', 'two.irqlab'));
    const one = a.openByName('one.irqlab');
    const two = b.openByName('two.irqlab');
    a.closeAll();
    b.closeAll();
    expect(one.title).toBe('one.irqlab');
    expect(two.title).toBe('two.irqlab');
    // Nothing in the folders' parent; two lists in the config folder.
    expect(readdirSync(parent).sort()).toEqual(['a', 'b']);
    expect(path.dirname(a.recentFile)).toBe(path.join(config, 'recent'));
    expect(a.recentFile).not.toBe(b.recentFile);
    expect(a.recent().map((r) => r.title)).toEqual(['one.irqlab']);
    expect(b.recent().map((r) => r.title)).toEqual(['two.irqlab']);
    // b's file cannot be opened through a's list, even by its recent id.
    const twoId = b.recent()[0]!.recentId;
    expect(() => a.openRecent(twoId)).toThrow('that session is no longer there');
  });

  it('finds the config folder in $IRQLAB_CONFIG_DIR, $XDG_CONFIG_HOME/irqlab or ~/.config/irqlab', () => {
    expect(configDirOf({ IRQLAB_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    expect(configDirOf({ XDG_CONFIG_HOME: '/home/u/.cfg' })).toBe('/home/u/.cfg/irqlab');
    expect(configDirOf({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/irqlab$/);
  });

  it('names a hostile file by its name when the app opens it, and leaves it as it was', async () => {
    const file = path.join(fx.dir, 'sessions', 'hostile.irqlab');
    makeBaseSession(file);
    alter(file, `CREATE TRIGGER hang AFTER UPDATE ON runs BEGIN SELECT 1; END`);
    const before = sha(file);
    const opened = await dispatch(h(), 'session.open', { name: 'hostile.irqlab' });
    expect(opened.ok).toBe(false);
    if (!opened.ok)
      expect(opened.error.message).toBe(
        'session.open failed: hostile.irqlab: not a valid irqlab session: its schema has a trigger "hang" that irqlab (schema version 3) does not make',
      );
    expect(sha(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-lock`)).toBe(false);
  });
});

describe('a session made by the command line', () => {
  it('is stepped in the app: the run names the profile it booted with', async () => {
    const file = path.join(fx.dir, 'sessions', 'from-cli.irqlab');
    const code = await main(['simulate', 'preset:example', '--out', file], {
      out: () => {},
      err: () => {},
    });
    expect(code).toBe(0);
    const s = await call(h(), 'session.open', { name: 'from-cli.irqlab' });
    expect(s.runs[0]?.profile).toBe('6.1');
    const d = await call(h(), 'debug.start', { sessionId: s.sessionId, runId: 1 });
    expect(d.state.seq).toBe(0);
    await call(h(), 'session.close', { sessionId: s.sessionId });
  });
});
