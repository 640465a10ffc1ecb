// Electron main process bundle. The package is ESM ("type": "module"), so the CommonJS bundle
// Electron loads is named .cjs.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: 'electron/main/main.ts', formats: ['cjs'], fileName: () => 'main.cjs' },
    rollupOptions: { external: ['electron', 'better-sqlite3', /^node:/] },
  },
});
