import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The viewer is a static app: `heatplan view` builds it once into viewer/dist and serves it next to the run folder.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
});
