// The simulation worker thread of the desktop app: a CommonJS bundle beside main.cjs.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: {
      entry: 'electron/node/simulation-worker.ts',
      formats: ['cjs'],
      fileName: () => 'simulation-worker.cjs',
    },
    rollupOptions: { external: ['electron', /^node:/] },
  },
});
