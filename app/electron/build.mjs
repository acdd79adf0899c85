#!/usr/bin/env node
// Bundles the desktop app for Electron with esbuild:
//   dist/electron/main.cjs         the main process (app/electron/main.ts + the core)
//   dist/electron/preload.cjs      the sandboxed preload (one file: a sandboxed preload cannot require ours)
//   dist/electron/worker.cjs       the job process (main/jobs/worker.ts), started with utilityProcess.fork
//   dist/electron/chem-thread.mjs  the import job's chemistry threads (main/jobs/import/chem-thread.ts); the
//                                  core looks for it by this name beside the bundle that starts it
//   dist/electron/design-chem-thread.mjs  the latent walk's chemistry thread (main/design/chem-thread.ts), found
//                                  the same way
//   dist/electron/decode-thread.mjs  a thread of the decode pool (models/runtime/decode-thread.ts), found the same way
//   dist/electron/shard-thread.mjs  a thread of a sharded train step (models/train/shard-thread.ts), found the same way
//   dist/renderer/                 a copy of the built UI (renderer/dist), served on app://molscape/
// Native and WebAssembly packages stay outside the bundles (required at run time from node_modules, unpacked
// from the asar by electron-builder.yml); so does 'electron'.
// Usage: node app/electron/build.mjs [--outdir DIR]   (DIR defaults to dist/electron)
import { build } from 'esbuild';
import { cp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = path.resolve(values.outdir ?? path.join(root, 'dist', 'electron'));
const rendererOut = path.join(outdir, '..', 'renderer');

const natives = ['better-sqlite3', 'onnxruntime-node', '@rdkit/rdkit'];

// The core finds files relative to import.meta.url (resources/, its worker and thread modules). CommonJS has no
// import.meta: give it the bundle's own URL, which sits as deep in dist/ as the sources sit in main/.
const cjsImportMeta = {
  define: { 'import.meta.url': '__molscapeImportMetaUrl', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: 'const __molscapeImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};
// An ES module bundle that pulls in CommonJS dependencies needs a require of its own.
const esmRequire = {
  banner: { js: 'import { createRequire as __molscapeCreateRequire } from "node:module"; const require = __molscapeCreateRequire(import.meta.url);' },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  outdir,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
};
const node = { ...common, platform: 'node', target: 'node22', external: ['electron', ...natives] };

const started = Date.now();
await Promise.all([
  build({ ...node, ...cjsImportMeta, format: 'cjs', entryPoints: { main: 'app/electron/main.ts' }, outExtension: { '.js': '.cjs' } }),
  build({ ...node, ...cjsImportMeta, format: 'cjs', entryPoints: { worker: 'main/jobs/worker.ts' }, outExtension: { '.js': '.cjs' } }),
  build({ ...node, ...esmRequire, format: 'esm', entryPoints: { 'chem-thread': 'main/jobs/import/chem-thread.ts' }, outExtension: { '.js': '.mjs' } }),
  build({ ...node, ...esmRequire, format: 'esm', entryPoints: { 'design-chem-thread': 'main/design/chem-thread.ts' }, outExtension: { '.js': '.mjs' } }),
  build({ ...node, ...esmRequire, format: 'esm', entryPoints: { 'decode-thread': 'models/runtime/decode-thread.ts' }, outExtension: { '.js': '.mjs' } }),
  build({ ...node, ...esmRequire, format: 'esm', entryPoints: { 'shard-thread': 'models/train/shard-thread.ts' }, outExtension: { '.js': '.mjs' } }),
  // The preload runs in a sandboxed renderer: browser platform, 'electron' its only require.
  build({ ...common, platform: 'browser', target: 'chrome130', format: 'cjs', external: ['electron'], entryPoints: { preload: 'app/electron/preload.ts' }, outExtension: { '.js': '.cjs' } }),
]);

const rendererDist = path.join(root, 'renderer', 'dist');
const hasRenderer = await stat(path.join(rendererDist, 'index.html')).then(() => true, () => false);
if (hasRenderer) {
  await rm(rendererOut, { recursive: true, force: true });
  await cp(rendererDist, rendererOut, { recursive: true });
} else {
  console.warn(`build.mjs: ${path.relative(root, rendererDist)}/index.html is missing: build the renderer first (vite build renderer).`);
}
console.log(`Electron bundles in ${path.relative(root, outdir) || outdir}${hasRenderer ? `, renderer in ${path.relative(root, rendererOut)}` : ''} (${Date.now() - started} ms).`);
