import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Served by the gateway under /app/ (SPEC §11); every asset URL is relative to that base.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
