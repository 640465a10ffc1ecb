// Builds main, preload and renderer the way Electron Forge's Vite plugin lays them out
// (.vite/build/{main,preload}.cjs, .vite/renderer/main_window/), for the Electron end-to-end
// test; `npm run package` uses Forge itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const define = {
  MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined',
  MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
};
const nodeBuild = {
  outDir: path.join(root, '.vite/build'),
  emptyOutDir: false,
  minify: false,
  ssr: true,
};

await build({
  root,
  configFile: path.join(root, 'vite.main.config.ts'),
  define,
  build: nodeBuild,
  logLevel: 'warn',
});
await build({
  root,
  configFile: path.join(root, 'vite.worker.config.ts'),
  build: nodeBuild,
  logLevel: 'warn',
});
await build({
  root,
  configFile: path.join(root, 'vite.step-worker.config.ts'),
  build: nodeBuild,
  logLevel: 'warn',
});
await build({
  root,
  configFile: path.join(root, 'vite.preload.config.ts'),
  build: nodeBuild,
  logLevel: 'warn',
});
await build({
  configFile: path.join(root, 'vite.renderer.config.ts'),
  build: { outDir: path.join(root, '.vite/renderer/main_window'), emptyOutDir: true },
  logLevel: 'warn',
});
