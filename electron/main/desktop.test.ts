// The desktop conventions' plain parts: command line to file, saved window bounds, About text.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aboutPanelOptions,
  aboutText,
  fileToOpen,
  restoredWindowState,
  squirrelCommand,
} from './desktop';

describe('fileToOpen', () => {
  const cwd = path.resolve('/home/ada/work');

  it('takes the session a packaged app was started with, relative to its folder', () => {
    expect(fileToOpen(['/usr/lib/irqlab/irqlab', 'boot.irqlab'], cwd)).toBe(
      path.join(cwd, 'boot.irqlab'),
    );
    expect(fileToOpen(['/usr/lib/irqlab/irqlab', '/tmp/A B.IRQLAB'], cwd)).toBe(
      path.resolve('/tmp/A B.IRQLAB'),
    );
  });

  it("skips the app's own path, Chromium's switches and other files", () => {
    // Unpackaged: electron <app path> <file>; a second instance's argv carries switches.
    expect(
      fileToOpen(
        [
          '/x/electron',
          '.vite/build/main.cjs',
          '--allow-file-access-from-files',
          '--original-process-start-time=13370000000000000',
          'notes.txt',
          'laptop.irqlab',
        ],
        cwd,
      ),
    ).toBe(path.join(cwd, 'laptop.irqlab'));
    expect(fileToOpen(['/x/electron', '.'], cwd)).toBeNull();
    expect(fileToOpen(['/usr/lib/irqlab/irqlab'], cwd)).toBeNull();
    expect(fileToOpen(['/usr/lib/irqlab/irqlab', '--inspect=x.irqlab'], cwd)).toBeNull();
    // argv[0] is the executable, whatever its name.
    expect(fileToOpen(['/tmp/odd.irqlab'], cwd)).toBeNull();
  });
});

describe('restoredWindowState', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
  const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };
  const saved = { bounds: { x: 2000, y: 100, width: 1600, height: 1000 }, maximized: false };

  it('restores a window that still fits a screen', () => {
    expect(restoredWindowState(saved, [laptop, rightMonitor])).toEqual(saved);
    expect(restoredWindowState({ ...saved, maximized: true }, [laptop, rightMonitor])).toEqual({
      ...saved,
      maximized: true,
    });
  });

  it('drops bounds on a monitor that has gone, and shrinks a window bigger than its screen', () => {
    expect(restoredWindowState(saved, [laptop])).toBeNull();
    const big = { bounds: { x: 0, y: 0, width: 3000, height: 2000 }, maximized: false };
    expect(restoredWindowState(big, [laptop])).toEqual({
      bounds: { x: 0, y: 0, width: 1920, height: 1050 },
      maximized: false,
    });
    // Only a sliver on screen (dragged nearly off it): not enough to grab.
    const sliver = { bounds: { x: 1850, y: 0, width: 800, height: 600 }, maximized: false };
    expect(restoredWindowState(sliver, [laptop])).toBeNull();
  });

  it('ignores a damaged or edited file', () => {
    for (const bad of [
      null,
      'x',
      {},
      { bounds: { x: 0, y: 0, width: 800, height: 600 } },
      { ...saved, bounds: { ...saved.bounds, width: 10 } },
      { ...saved, bounds: { ...saved.bounds, x: 1.5 } },
      { ...saved, bounds: { ...saved.bounds, y: Number.NaN } },
      { ...saved, bounds: { ...saved.bounds, height: 1e9 } },
      { ...saved, maximized: 'yes' },
    ])
      expect(restoredWindowState(bad, [laptop, rightMonitor])).toBeNull();
  });
});

describe('about', () => {
  const v = {
    irqlab: '0.1.0',
    electron: '38.8.6',
    chromium: '140.0.7339.249',
    node: '22.21.1',
    sqlite: '3.53.2',
  };

  it('names irqlab, Electron, Chromium, Node and SQLite with their versions', () => {
    expect(aboutText(v)).toBe(
      'irqlab 0.1.0\nElectron 38.8.6\nChromium 140.0.7339.249\nNode 22.21.1\nSQLite 3.53.2',
    );
  });

  it('puts them where each platform shows them', () => {
    expect(aboutPanelOptions(v, 'linux').applicationVersion).toBe(
      '0.1.0 (Electron 38.8.6, Chromium 140.0.7339.249, Node 22.21.1, SQLite 3.53.2)',
    );
    expect(aboutPanelOptions(v, 'darwin')).toMatchObject({
      applicationVersion: '0.1.0',
      version: 'Electron 38.8.6',
      credits: aboutText(v),
    });
    expect(aboutPanelOptions(v, 'win32').credits).toBe(aboutText(v));
  });
});

describe('squirrelCommand', () => {
  it("makes and removes the Windows installer's shortcuts, and lets other starts through", () => {
    const exe = 'C:\\irqlab\\app-0.1.0\\irqlab.exe';
    expect(squirrelCommand([exe, '--squirrel-install', '0.1.0'], 'irqlab.exe')).toEqual([
      '--createShortcut=irqlab.exe',
    ]);
    expect(squirrelCommand([exe, '--squirrel-updated', '0.1.1'], 'irqlab.exe')).toEqual([
      '--createShortcut=irqlab.exe',
    ]);
    expect(squirrelCommand([exe, '--squirrel-uninstall'], 'irqlab.exe')).toEqual([
      '--removeShortcut=irqlab.exe',
    ]);
    expect(squirrelCommand([exe, '--squirrel-obsolete'], 'irqlab.exe')).toEqual([]);
    expect(squirrelCommand([exe, '--squirrel-firstrun'], 'irqlab.exe')).toBeNull();
    expect(squirrelCommand([exe, 'boot.irqlab'], 'irqlab.exe')).toBeNull();
  });
});
