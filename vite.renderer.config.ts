// Builds the renderer. Electron Forge's Vite plugin uses this file for the desktop app (and sets
// the output folder itself); browser mode builds it on its own into dist/renderer, and records
// what it was built from in dist/renderer.stamp.json (scripts/stamp.mjs) so that `npm start`
// builds again only when a source changed.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig, type ConfigEnv, type Plugin, type UserConfig } from 'vite';
import { filesUnder, ownInputs, writeStamp } from './scripts/stamp.mjs';

const root = import.meta.dirname;
const outDir = path.resolve(root, 'dist/renderer');
export const RENDERER_STAMP = path.resolve(root, 'dist/renderer.stamp.json');
/** Files that shape the build besides the modules it reads. */
const CONFIG_INPUTS = [
  'vite.renderer.config.ts',
  'package.json',
  'tsconfig.json',
  'renderer/index.html',
];

/** The modules of the build and of its worker builds (monaco's), then the stamp at the end. */
function buildStamp(): { main: Plugin; worker: () => Plugin } {
  const ids = new Set<string>();
  const startedAt = Date.now();
  let written = false;
  const collect = (name: string): Plugin => ({
    name,
    apply: 'build',
    buildEnd() {
      for (const id of this.getModuleIds()) {
        const file = id.split('?')[0]!;
        if (!id.startsWith('\0') && path.isAbsolute(file)) ids.add(file);
      }
    },
  });
  return {
    main: {
      ...collect('irqlab-build-stamp'),
      // Only a build that wrote its bundle is recorded (closeBundle also ends a failed one).
      writeBundle() {
        written = true;
      },
      closeBundle() {
        if (!written) return;
        writeStamp(RENDERER_STAMP, {
          root,
          inputs: ownInputs([...ids, ...CONFIG_INPUTS], root),
          outputs: filesUnder(outDir),
          startedAt,
        });
      },
    },
    worker: () => collect('irqlab-build-stamp-worker'),
  };
}

export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: unknown }): UserConfig => {
  const underForge = env.forgeConfigSelf !== undefined;
  const stamp = underForge ? null : buildStamp();
  return {
    root: path.resolve(root, 'renderer'),
    base: './',
    plugins: [react(), ...(stamp ? [stamp.main] : [])],
    worker: { format: 'es', plugins: () => (stamp ? [stamp.worker()] : []) },
    build: {
      ...(underForge ? {} : { outDir, emptyOutDir: true }),
      chunkSizeWarningLimit: 8192,
      sourcemap: false,
    },
  };
});
