import { defineConfig } from 'vite';

// The demo team's front end: built into dist/, served from the site root.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist' },
});
