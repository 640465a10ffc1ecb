// Each runtime loads its own better-sqlite3 build, and says how to make it when it is missing.
// eslint-disable-next-line no-restricted-imports -- this test hands better-sqlite3 an addon itself
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bindingPath,
  checkBinding,
  currentRuntime,
  defaultLayout,
  loadBinding,
  NativeBindingError,
  openDatabase,
  type BindingLayout,
  type Runtime,
} from './native-binding';

const node = currentRuntime();
const electronSameAbi: Runtime = { name: 'electron', abi: node.abi };
const electron139: Runtime = { name: 'electron', abi: '139' };

let dir: string;
let layout: BindingLayout;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'irqlab-native-'));
  // The Node build as npm install leaves it (a real copy of it)...
  const release = path.join(dir, 'node_modules/better-sqlite3/build/Release');
  mkdirSync(release, { recursive: true });
  copyFileSync(defaultLayout().nodeBuild, path.join(release, 'better_sqlite3.node'));
  // ...and, beside it, Electron builds that Node must never load: one labelled with Node's own
  // ABI number (Electron's numbers are its own) and one for Electron 38's ABI. Neither is a
  // loadable addon, so loading either one would fail.
  for (const r of [electronSameAbi, electron139]) {
    mkdirSync(path.join(dir, 'native', `electron-${r.abi}`), { recursive: true });
    writeFileSync(
      path.join(dir, 'native', `electron-${r.abi}`, 'better_sqlite3.node'),
      'built for Electron, not for this Node',
    );
  }
  layout = {
    nativeDir: path.join(dir, 'native'),
    nodeBuild: path.join(release, 'better_sqlite3.node'),
  };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('native binding', () => {
  it('loads the Node build under Node while Electron builds sit beside it', () => {
    expect(node.name).toBe('node');
    expect(checkBinding(node, layout)).toBe(layout.nodeBuild);
    const addon = loadBinding(node, layout);
    const db = new Database(':memory:', { nativeBinding: addon as unknown as string });
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({
      v: expect.stringMatching(/^3\./),
    });
    db.close();
    // Electron, even at the same ABI number, is pointed at its own folder, never the Node build.
    expect(bindingPath(electronSameAbi, layout)).toBe(
      path.join(dir, 'native', `electron-${node.abi}`, 'better_sqlite3.node'),
    );
    expect(bindingPath(electron139, layout)).toBe(
      path.join(dir, 'native', 'electron-139', 'better_sqlite3.node'),
    );
  });

  it('openDatabase() in this process loads the Node build and nothing from native/', () => {
    const db = openDatabase(':memory:');
    db.close();
    const loadedAddons = Object.keys(createRequire(import.meta.url).cache).filter((f) =>
      f.endsWith('.node'),
    );
    expect(loadedAddons).toContain(defaultLayout().nodeBuild);
    expect(loadedAddons.filter((f) => f.includes(`${path.sep}native${path.sep}`))).toEqual([]);
  });

  it('names the missing build and the command that makes it', () => {
    rmSync(path.join(dir, 'native'), { recursive: true });
    const missing = path.join(dir, 'native', 'electron-139', 'better_sqlite3.node');
    expect(() => checkBinding(electron139, layout)).toThrow(NativeBindingError);
    expect(() => checkBinding(electron139, layout)).toThrow(
      `better-sqlite3 has no build for electron-139 (this process runs on Electron, ABI 139): ` +
        `${missing} is missing. Run \`npm run rebuild:electron\` in the irqlab folder.`,
    );
    rmSync(layout.nodeBuild);
    expect(() => loadBinding(node, layout)).toThrow(
      `better-sqlite3 has no build for node-${node.abi} (this process runs on Node, ABI ${node.abi}): ` +
        `${layout.nodeBuild} is missing. Run \`npm rebuild better-sqlite3\` in the irqlab folder.`,
    );
  });

  it('refuses a Node build that @electron/rebuild rebuilt in place, before loading it', () => {
    writeFileSync(path.join(path.dirname(layout.nodeBuild), '.forge-meta'), 'x64--139');
    expect(() => loadBinding(node, layout)).toThrow(
      /rebuilt in place for another runtime \(ABI 139, by @electron\/rebuild\); Node needs ABI \d+\. Run `npm rebuild better-sqlite3`/,
    );
    // A stamp for Node's own ABI (rebuilt for Node) is fine.
    writeFileSync(path.join(path.dirname(layout.nodeBuild), '.forge-meta'), `x64--${node.abi}`);
    expect(checkBinding(node, layout)).toBe(layout.nodeBuild);
  });

  it('says so when the build it picked cannot be loaded', () => {
    expect(() => loadBinding(electronSameAbi, layout)).toThrow(
      /^better-sqlite3's build for electron-\d+ \(.*better_sqlite3\.node\) cannot be loaded: .+\. Run `npm run rebuild:electron` in the irqlab folder\.$/,
    );
  });

  it("knows Electron by its versions or, in the app's worker threads, by IRQLAB_RUNTIME", () => {
    const versions = { ...process.versions, modules: '139' };
    expect(currentRuntime(versions, {})).toEqual({ name: 'node', abi: '139' });
    expect(currentRuntime({ ...versions, electron: '38.8.6' }, {})).toEqual(electron139);
    expect(currentRuntime(versions, { IRQLAB_RUNTIME: 'electron' })).toEqual(electron139);
  });

  it("looks for the packaged app's build outside the asar archive", () => {
    const packaged = { ...layout, nativeDir: '/opt/irqlab/resources/app.asar/native' };
    expect(bindingPath(electron139, packaged)).toBe(
      '/opt/irqlab/resources/app.asar.unpacked/native/electron-139/better_sqlite3.node',
    );
  });
});
