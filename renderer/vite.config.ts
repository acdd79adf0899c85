import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The UI is built once into renderer/dist and served by a host (browser-mode server, or the Electron app://
// protocol). base './' keeps every asset URL relative so both hosts can serve the same files. Hosts set a
// strict CSP (no inline script or style), so Svelte's component CSS is emitted as a file, never injected.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte({ emitCss: true, compilerOptions: { css: 'external' } })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Keep every asset a real file: an inlined data: font or image would need a looser CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
