// The Forge config loads (its imports resolve) and names every maker and fuse the desktop app
// ships with. Packaging itself needs Electron's binary: the online CI workflow makes the packages.
import type { MakerBase } from '@electron-forge/maker-base';
import { FuseV1Options } from '@electron/fuses';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { SESSION_FILE } from '../forge.config';

const root = path.resolve(import.meta.dirname, '..');

describe('forge.config.ts', () => {
  it('makes zip, deb and rpm, the dmg on macOS and squirrel on Windows', () => {
    const makers = Object.fromEntries(
      (config.makers as MakerBase<unknown>[]).map((m) => [m.name, [...m.platforms].sort()]),
    );
    expect(makers).toEqual({
      zip: ['darwin', 'linux', 'win32'],
      deb: ['linux'],
      rpm: ['linux'],
      dmg: ['darwin'],
      squirrel: ['win32'],
    });
  });

  it('sets the fuses: no RunAsNode, NODE_OPTIONS or --inspect; only app.asar, integrity-checked', () => {
    const fuses = (config.plugins ?? []).find((p) => 'name' in p && p.name === 'fuses') as
      { fusesConfig: Record<number, boolean> } | undefined;
    expect(fuses).toBeDefined();
    const named = Object.fromEntries(
      Object.entries(fuses!.fusesConfig)
        .filter(([key]) => /^\d+$/.test(key))
        .map(([key, value]) => [FuseV1Options[Number(key)], value]),
    );
    expect(named).toEqual({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('never rebuilds better-sqlite3 in node_modules; the package unpacks native code and carries the migrations', () => {
    expect(config.rebuildConfig).toEqual({ onlyModules: [], ignoreModules: ['better-sqlite3'] });
    const packager = config.packagerConfig!;
    expect(packager.asar).toEqual({ unpack: '**/*.node' });
    expect(packager.extraResource).toContain('migrations');
    expect(typeof config.hooks?.preStart).toBe('function');
    expect(typeof config.hooks?.packageAfterCopy).toBe('function');
  });

  it('associates .irqlab files: the deb desktop entry (with its MIME type installed) and macOS', () => {
    const debMaker = (config.makers as MakerBase<unknown>[]).find((m) => m.name === 'deb');
    // The options as given to the maker (it reads them into `config` only when it makes).
    const deb = (debMaker as unknown as { configOrConfigFetcher: unknown })
      .configOrConfigFetcher as { options: { mimeType: string[]; scripts: { postinst: string } } };
    expect(deb.options.mimeType).toEqual([SESSION_FILE.mimeType]);
    const postinst = deb.options.scripts.postinst;
    expect(statSync(postinst).mode & 0o111).not.toBe(0);
    expect(readFileSync(postinst, 'utf8')).toContain('irqlab-mime.xml');
    const mime = readFileSync(path.join(root, 'packaging/linux/irqlab-mime.xml'), 'utf8');
    expect(mime).toContain(`<mime-type type="${SESSION_FILE.mimeType}">`);
    expect(mime).toContain('<glob pattern="*.irqlab"/>');
    expect(config.packagerConfig!.extraResource).toContain('packaging/linux/irqlab-mime.xml');
    const info = config.packagerConfig!.extendInfo as {
      CFBundleDocumentTypes: { CFBundleTypeExtensions: string[] }[];
    };
    expect(info.CFBundleDocumentTypes[0]!.CFBundleTypeExtensions).toEqual(['irqlab']);
    for (const extra of config.packagerConfig!.extraResource as string[])
      expect(existsSync(path.join(root, extra))).toBe(true);
  });

  it('packages better-sqlite3 with its Electron build only (no Node build), from native/', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-forge-'));
    const saved = process.env.IRQLAB_NATIVE_DIR;
    try {
      // An Electron 38 build already made (stamped as the rebuild script stamps it), so the
      // hook packages it without building; Electron 38's ABI is 139.
      process.env.IRQLAB_NATIVE_DIR = path.join(dir, 'native');
      mkdirSync(path.join(dir, 'native', 'electron-139'), { recursive: true });
      writeFileSync(
        path.join(dir, 'native', 'electron-139', 'better_sqlite3.node'),
        'electron 139',
      );
      writeFileSync(path.join(dir, 'native', 'electron-139', '.forge-meta'), 'x64--139');
      const build = path.join(dir, 'app');
      mkdirSync(build);
      const hook = config.hooks!.packageAfterCopy!;
      await hook(config as never, build, '38.8.6', 'linux', 'x64');
      expect(readdirSync(path.join(build, 'node_modules', 'better-sqlite3')).sort()).toEqual([
        'lib',
        'package.json',
      ]);
      expect(
        readFileSync(path.join(build, 'native', 'electron-139', 'better_sqlite3.node'), 'utf8'),
      ).toBe('electron 139');
      const nodeFiles = (readdirSync(build, { recursive: true }) as string[]).filter((f) =>
        f.endsWith('.node'),
      );
      expect(nodeFiles).toEqual([path.join('native', 'electron-139', 'better_sqlite3.node')]);
    } finally {
      if (saved === undefined) delete process.env.IRQLAB_NATIVE_DIR;
      else process.env.IRQLAB_NATIVE_DIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
