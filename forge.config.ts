// Electron Forge: `npm run package` / `npm run make` build the desktop app (needs Electron's
// binary, i.e. an online install). Vite builds main, preload and renderer.
//
// better-sqlite3: Forge never rebuilds it (rebuildConfig below): the Node build in node_modules
// stays Node's, and the app loads its own Electron build from native/electron-<abi>/
// (scripts/rebuild-electron.mjs, core/store/native-binding.ts), made before `start` and for each
// package. The package carries that build only, unpacked beside app.asar.
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { MakerRpm } from '@electron-forge/maker-rpm';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = import.meta.dirname;

/** The rebuild script, loaded only when Forge runs a hook (not when a test reads this config). */
async function rebuildForElectron(options: { electronVersion?: string; arch?: string }) {
  const script = path.join(root, 'scripts', 'rebuild-electron.mjs');
  const { rebuildForElectron: rebuild } = (await import(script)) as {
    rebuildForElectron: (o: object) => Promise<{ file: string; abi: string }>;
  };
  return rebuild({ ...options, ifMissing: true });
}

/** What `.irqlab` is, for the OS: sessions open irqlab on a double-click. */
export const SESSION_FILE = {
  extension: 'irqlab',
  mimeType: 'application/x-irqlab',
  uti: 'dev.irqlab.session',
  description: 'irqlab session',
};

const config: ForgeConfig = {
  packagerConfig: {
    name: 'irqlab',
    executableName: 'irqlab',
    appBundleId: 'dev.irqlab.app',
    // Native code cannot be loaded from inside the archive.
    asar: { unpack: '**/*.node' },
    // Read at run time from process.resourcesPath (core/store/migrate.ts); the MIME description
    // is for the deb's postinst.
    extraResource: ['migrations', 'packaging/linux/irqlab-mime.xml'],
    // macOS (the app bundle in the zip and the dmg): the document type and its UTI.
    extendInfo: {
      CFBundleDocumentTypes: [
        {
          CFBundleTypeName: SESSION_FILE.description,
          CFBundleTypeRole: 'Editor',
          LSHandlerRank: 'Owner',
          LSItemContentTypes: [SESSION_FILE.uti],
          CFBundleTypeExtensions: [SESSION_FILE.extension],
        },
      ],
      UTExportedTypeDeclarations: [
        {
          UTTypeIdentifier: SESSION_FILE.uti,
          UTTypeDescription: SESSION_FILE.description,
          UTTypeConformsTo: ['public.data', 'public.database'],
          UTTypeTagSpecification: {
            'public.filename-extension': [SESSION_FILE.extension],
            'public.mime-type': [SESSION_FILE.mimeType],
          },
        },
      ],
    },
  },
  // Forge rebuilds native modules in node_modules in place, which would leave better-sqlite3
  // built for Electron and break the CLI, the tests and browser mode: rebuild nothing.
  rebuildConfig: { onlyModules: [], ignoreModules: ['better-sqlite3'] },
  hooks: {
    // `npm start` (electron-forge start): the Electron build, once per Electron version.
    preStart: async () => {
      await rebuildForElectron({});
    },
    // The Vite plugin ships .vite/ only: add better-sqlite3's JavaScript (its lib/, loaded
    // with the addon handed over as nativeBinding, so no `bindings` lookup) and the Electron
    // build for this package's version and architecture.
    packageAfterCopy: async (_config, buildPath, electronVersion, _platform, arch) => {
      const { file, abi } = await rebuildForElectron({ electronVersion, arch });
      const pkg = path.join(root, 'node_modules', 'better-sqlite3');
      const into = path.join(buildPath, 'node_modules', 'better-sqlite3');
      for (const part of ['package.json', 'lib'])
        cpSync(path.join(pkg, part), path.join(into, part), { recursive: true });
      const native = path.join(buildPath, 'native', `electron-${abi}`);
      mkdirSync(native, { recursive: true });
      cpSync(file, path.join(native, 'better_sqlite3.node'));
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
        mimeType: [SESSION_FILE.mimeType],
        scripts: {
          postinst: path.join(root, 'packaging/linux/postinst'),
          postrm: path.join(root, 'packaging/linux/postrm'),
        },
      },
    }),
    new MakerRpm({
      options: {
        name: 'irqlab',
        productName: 'irqlab',
        genericName: 'Interrupt topology simulator',
        categories: ['Development'],
        license: 'MIT',
        mimeType: [SESSION_FILE.mimeType],
      },
    }),
    new MakerDMG({ format: 'ULFO' }, ['darwin']),
    // NuGet refuses a package without authors, and package.json names none.
    new MakerSquirrel({ name: 'irqlab', authors: 'irqlab contributors' }, ['win32']),
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
    // Electron's build-time security switches (https://www.electronjs.org/docs/latest/tutorial/fuses):
    // the packaged binary cannot be run as plain Node, takes no NODE_OPTIONS or --inspect, and
    // runs only the app in its own app.asar, checked against the hash embedded at packaging.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    }),
  ],
};

export default config;
