// `npm run rebuild:electron`: better-sqlite3 built for Electron, into native/electron-<abi>/,
// where the desktop app loads it (core/store/native-binding.ts). The Node build in node_modules
// stays as it is, so the CLI, the tests and browser mode keep working: the package is copied
// (without its build) into a scratch folder and @electron/rebuild builds that copy (a prebuilt
// binary when one is published, else node-gyp with Electron's headers: either needs the network).
//
//   node scripts/rebuild-electron.mjs [--if-missing] [--electron-version X] [--arch A]
//
// Forge runs it too: before `npm start` (preStart) and for each package it makes
// (packageAfterCopy, for the Electron version and architecture being packaged).
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** native/, or IRQLAB_NATIVE_DIR (as core/store/native-binding.ts reads it). */
export function nativeDir() {
  return process.env.IRQLAB_NATIVE_DIR || path.join(ROOT, 'native');
}

/** The native-module ABI of an Electron version (node-abi, as @electron/rebuild uses it). */
export function electronAbi(electronVersion) {
  const fromRebuild = createRequire(require.resolve('@electron/rebuild'));
  return String(fromRebuild('node-abi').getAbi(electronVersion, 'electron'));
}

export function installedElectronVersion() {
  return require('electron/package.json').version;
}

/**
 * Makes native/electron-<abi>/better_sqlite3.node for `electronVersion` and `arch` (default:
 * the installed Electron, this machine). With `ifMissing`, keeps a build already there for the
 * same ABI and architecture (its `.forge-meta` stamp, as @electron/rebuild writes it).
 */
export async function rebuildForElectron({
  electronVersion = installedElectronVersion(),
  arch = process.arch,
  ifMissing = false,
  log = console.log,
} = {}) {
  const abi = electronAbi(electronVersion);
  const outDir = path.join(nativeDir(), `electron-${abi}`);
  const file = path.join(outDir, 'better_sqlite3.node');
  const stampFile = path.join(outDir, '.forge-meta');
  const stamp = `${arch}--${abi}`;
  if (ifMissing && existsSync(file) && existsSync(stampFile)) {
    if (readFileSync(stampFile, 'utf8').trim() === stamp) return { file, abi, built: false };
  }

  const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  // Inside the repository, so the copy finds prebuild-install and node-gyp in node_modules.
  const work = path.join(nativeDir(), `.build-electron-${abi}-${arch}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({
      name: 'irqlab-native',
      private: true,
      dependencies: { 'better-sqlite3': version },
    }),
  );
  cpSync(pkgDir, path.join(work, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    filter: (src) => path.relative(pkgDir, src).split(path.sep)[0] !== 'build',
  });

  log(
    `irqlab: building better-sqlite3 ${version} for Electron ${electronVersion} (ABI ${abi}, ${arch})`,
  );
  const { rebuild } = require('@electron/rebuild');
  try {
    await rebuild({
      buildPath: work,
      electronVersion,
      arch,
      onlyModules: ['better-sqlite3'],
      force: true,
      mode: 'sequential',
    });
    const built = path.join(work, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    mkdirSync(outDir, { recursive: true });
    copyFileSync(built, file);
    writeFileSync(stampFile, stamp);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`irqlab: ${path.relative(ROOT, file)} ready`);
  return { file, abi, built: true };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const valueOf = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    await rebuildForElectron({
      electronVersion: valueOf('--electron-version'),
      arch: valueOf('--arch'),
      ifMissing: args.includes('--if-missing'),
    });
  } catch (err) {
    console.error(`irqlab: better-sqlite3 could not be built for Electron: ${err.message}`);
    console.error(
      'irqlab: this needs the network (prebuilt binary or Electron headers) and, without a prebuilt one, a C++ toolchain.',
    );
    process.exit(1);
  }
}
