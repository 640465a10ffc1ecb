// Electron Forge: `npm run package` / `npm run make` build the desktop app (needs Electron's
// binary, i.e. an online install). Vite builds main, preload and renderer.
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { cpSync } from 'node:fs';
import path from 'node:path';

/**
 * What the Vite bundles load from disk at run time, which the Vite plugin does not package (it
 * ships .vite/ only): the session store's SQL migrations (read from ../../migrations of the
 * bundle) and better-sqlite3, a native module kept external, with what it requires.
 */
const RUNTIME_FILES = [
  'migrations',
  'node_modules/better-sqlite3',
  'node_modules/bindings',
  'node_modules/file-uri-to-path',
];

const config: ForgeConfig = {
  packagerConfig: {
    name: 'irqlab',
    executableName: 'irqlab',
    // Native code cannot be loaded from inside the archive.
    asar: { unpack: '**/*.node' },
  },
  rebuildConfig: {},
  hooks: {
    packageAfterCopy: async (_config, buildPath) => {
      for (const rel of RUNTIME_FILES)
        cpSync(path.resolve(import.meta.dirname, rel), path.join(buildPath, rel), {
          recursive: true,
        });
    },
  },
  makers: [
    new MakerZIP({}, ['linux', 'darwin', 'win32']),
    new MakerDeb({
      options: {
        name: 'irqlab',
        productName: 'irqlab',
        genericName: 'Interrupt topology simulator',
        categories: ['Development'],
        section: 'devel',
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/main/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
        {
          entry: 'electron/node/simulation-worker.ts',
          config: 'vite.worker.config.ts',
          target: 'main',
        },
        {
          entry: 'electron/node/step-worker.ts',
          config: 'vite.step-worker.config.ts',
          target: 'main',
        },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
  ],
};

export default config;
