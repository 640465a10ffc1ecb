// Builds the renderer. Electron Forge's Vite plugin uses this file for the desktop app (and sets
// the output folder itself); browser mode builds it on its own into dist/renderer.
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig, type ConfigEnv, type UserConfig } from 'vite';

export default defineConfig((env: ConfigEnv & { forgeConfigSelf?: unknown }): UserConfig => {
  const underForge = env.forgeConfigSelf !== undefined;
  return {
    root: path.resolve(import.meta.dirname, 'renderer'),
    base: './',
    plugins: [react()],
    worker: { format: 'es' },
    build: {
      ...(underForge
        ? {}
        : { outDir: path.resolve(import.meta.dirname, 'dist/renderer'), emptyOutDir: true }),
      chunkSizeWarningLimit: 8192,
      sourcemap: false,
    },
  };
});
