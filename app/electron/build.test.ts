// app/electron/build.mjs as a real process into a temporary folder, then the bundles themselves: the preload
// run the way a sandboxed preload runs (its own scope, a require that only knows 'electron'), what each bundle
// leaves to require at run time, the job worker running a job under Node's fork, and the chem thread bundle
// canonicalizing in a real worker thread.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkLauncher } from '../../main/jobs/fork-launcher.ts';
import { greedyDecode } from '../../models/runtime/decode.ts';
import { loadBundle } from '../../models/vae/bundle.ts';
import { createSession, tensor } from '../../models/graph/ort.ts';
import { Rng } from '../../models/graph/rng.ts';
import { compileGradientStep } from '../../models/train/compile-step.ts';
import { initialValues } from '../../models/train/params.ts';
import { referenceVaeModel, referenceVaeShardedLoss } from '../../models/train/reference-vae.ts';
import type { ShardThreadData } from '../../models/train/sharded-step.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
// Inside the checkout (.tmp/ is git-ignored) so the bundles resolve the native modules from its node_modules.
mkdirSync(path.join(root, '.tmp'), { recursive: true });
const dir = mkdtempSync(path.join(root, '.tmp', 'electron-build-'));
const out = path.join(dir, 'electron');

beforeAll(async () => {
  await promisify(execFile)(process.execPath, ['app/electron/build.mjs', '--outdir', out], { cwd: root });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every module name a bundle requires (or, for an ES module, imports at its top) at run time. */
function runtimeImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) names.add(m[1]);
  if (file.endsWith('.mjs')) for (const m of code.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm)) names.add(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) names.add(m[1]);
  return [...names].sort();
}

describe('build.mjs', () => {
  it('writes the main, preload, worker and chem-thread bundles', () => {
    for (const name of ['main.cjs', 'preload.cjs', 'worker.cjs', 'chem-thread.mjs', 'design-chem-thread.mjs', 'decode-thread.mjs', 'shard-thread.mjs']) expect(existsSync(path.join(out, name)), name).toBe(true);
    if (existsSync(path.join(root, 'renderer', 'dist', 'index.html'))) expect(existsSync(path.join(dir, 'renderer', 'index.html'))).toBe(true);
  });

  it('leaves only electron, Node built-ins and the native/WebAssembly modules outside the bundles', () => {
    const allowed = new Set(['electron', 'better-sqlite3', 'onnxruntime-node', '@rdkit/rdkit', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const name of ['main.cjs', 'worker.cjs', 'chem-thread.mjs', 'design-chem-thread.mjs', 'decode-thread.mjs', 'shard-thread.mjs']) {
      const outside = runtimeImports(path.join(out, name)).filter((m) => !allowed.has(m));
      expect(outside, name).toEqual([]);
    }
    expect(runtimeImports(path.join(out, 'main.cjs'))).toEqual(expect.arrayContaining(['electron', 'better-sqlite3', '@rdkit/rdkit']));
    expect(runtimeImports(path.join(out, 'chem-thread.mjs'))).toContain('@rdkit/rdkit');
    expect(runtimeImports(path.join(out, 'design-chem-thread.mjs'))).toContain('@rdkit/rdkit');
    expect(runtimeImports(path.join(out, 'decode-thread.mjs'))).toContain('onnxruntime-node');
    expect(runtimeImports(path.join(out, 'shard-thread.mjs'))).toContain('onnxruntime-node');
    expect(runtimeImports(path.join(out, 'preload.cjs'))).toEqual(['electron']);
  });

  it('the preload exposes exactly one frozen object, window.molscape, with call, on and pathForFile', () => {
    const exposed: Array<[string, unknown]> = [];
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
      ipcRenderer: { invoke: async () => ({ ok: true, result: null }), on() {}, removeListener() {} },
      webUtils: { getPathForFile: () => '/x' },
    };
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require '${name}'`);
      return electron;
    };
    const module = { exports: {} };
    vm.runInNewContext(readFileSync(path.join(out, 'preload.cjs'), 'utf8'), { require: sandboxRequire, module, exports: module.exports, console });
    expect(required).toEqual(['electron']);
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0];
    expect(key).toBe('molscape');
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api as object).sort()).toEqual(['call', 'on', 'pathForFile']);
  });

  it('the bundled job worker runs a job (under child_process.fork, the utility process stand-in)', async () => {
    const job = forkLauncher(path.join(out, 'worker.cjs'), {});
    const messages: Array<{ type: string; done?: number; result?: unknown }> = [];
    const exit = new Promise<number | null>((resolve) => job.onExit((code) => resolve(code)));
    job.onMessage((m) => messages.push(m as (typeof messages)[number]));
    job.postMessage({ type: 'start', jobId: 1, kind: 'test', args: { steps: 3, stepMs: 1 }, workspace: path.join(dir, 'unused.sqlite') });
    expect(await exit).toBe(0);
    expect(messages.at(-1)).toMatchObject({ type: 'done', result: { steps: 3 } });
    expect(messages.some((m) => m.type === 'progress')).toBe(true);
  });

  it('the bundled chem thread canonicalizes with RDKit in a worker thread', async () => {
    const worker = new Worker(path.join(out, 'chem-thread.mjs'));
    try {
      const answer = await new Promise<{ canonical: (string | null)[]; errors: (string | null)[] }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ op: 'canonicalize', seq: 1, structures: ['OCC', 'C(O)C', 'C1CC'] });
      });
      expect(answer.canonical[0]).toBeTruthy();
      expect(answer.canonical[1]).toBe(answer.canonical[0]);
      expect(answer.canonical[2]).toBeNull();
      expect(answer.errors[2]).toBeTruthy();
    } finally {
      await worker.terminate();
    }
  });
  it("the bundled design chem thread makes a walk molecule's panel, similarity and drawing", async () => {
    const worker = new Worker(path.join(out, 'design-chem-thread.mjs'));
    try {
      const answer = await new Promise<{ seq: number; part: { props: Record<string, unknown>; similarity: number; svg: string } | null }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage({ seq: 7, smiles: 'CC(=O)Nc1ccc(O)cc1', seed: 'CC(=O)Nc1ccc(OC)cc1', draw: { width: 200, height: 150 } });
      });
      expect(answer.seq).toBe(7);
      expect(answer.part?.props.heavy_atoms).toBe(11);
      expect(answer.part?.similarity).toBeGreaterThan(0.3);
      expect(answer.part?.similarity).toBeLessThan(1);
      expect(answer.part?.svg).toContain('<svg');
    } finally {
      await worker.terminate();
    }
  });
  it('the bundled decode thread decodes rows as the core does', async () => {
    const { runtime } = await loadBundle(path.join(root, 'resources', 'models', 'zinc250k'));
    const { vocabulary, ...rest } = runtime.model;
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(path.join(out, 'decode-thread.mjs'), { workerData: { model: { ...rest, tokens: vocabulary.toJSON().tokens }, stop } });
    try {
      const enc = await runtime.encode(['CC(=O)Nc1ccc(O)cc1', 'c1ccc2[nH]ccc2c1']);
      const answer = await new Promise<{ id: number; decoded: { smiles: string }[] }>((resolve, reject) => {
        worker.on('message', (r) => 'id' in r && resolve(r));
        worker.once('error', reject);
        worker.postMessage({ id: 3, kind: 'greedy', z: enc.mu, rowIds: [0, 1], options: {} });
      });
      expect(answer.id).toBe(3);
      expect(answer.decoded.map((d) => d.smiles)).toEqual((await greedyDecode(runtime, enc.mu, 2)).map((d) => d.smiles));
    } finally {
      await worker.terminate();
      await runtime.release();
    }
  });

  it('the bundled shard thread gives the loss and gradients of its shard, as a session here does', async () => {
    const dims = { vocab: 12, embedding: 4, encoderHidden: 6, latent: 3, decoderHidden: 8 };
    const loss = referenceVaeShardedLoss(dims);
    const spec = loss.lossGraph(3, 6);
    const c = compileGradientStep(spec);
    const params = initialValues(spec.params, new Rng(2));
    const buffers = c.paramNames.map((n) => {
      const b = new SharedArrayBuffer(4 * params.get(n)!.length);
      new Float32Array(b).set(params.get(n)!);
      return b;
    });
    const data: ShardThreadData = { gradient: c.model, statistic: null, paramNames: c.paramNames, reportNames: c.reportNames, shapes: spec.params.map((p) => p.shape), params: buffers };
    const worker = new Worker(path.join(out, 'shard-thread.mjs'), { workerData: data });
    const seqs = [Int32Array.of(1, 4, 5, 2), Int32Array.of(1, 7, 8, 9, 3, 2), Int32Array.of(1, 6, 2)];
    const feeds = { ...referenceVaeModel(dims, { klWeight: 0.1 }).feeds(seqs, 6, new Rng(4), 1), ...loss.totals(referenceVaeModel(dims, { klWeight: 0.1 }).feeds(seqs, 6, new Rng(4), 1)) };
    try {
      const answer = await new Promise<{ id: number; loss: number; grads: Float32Array[] }>((resolve, reject) => {
        worker.on('message', (r) => 'id' in r && resolve(r));
        worker.once('error', reject);
        worker.postMessage({ id: 5, kind: 'gradient', newParams: true, feeds: Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }])) });
      });
      const session = await createSession(c.model, { threads: 1 });
      const here = await session.run({ ...feeds, ...Object.fromEntries(spec.params.map((p) => [p.name, tensor('float32', params.get(p.name)!, p.shape)])) });
      await session.release();
      expect(answer.id).toBe(5);
      expect(answer.loss).toBe((here.loss.data as Float32Array)[0]);
      expect(answer.grads[0]).toEqual(here[`grad.${c.paramNames[0]}`].data);
    } finally {
      await worker.terminate();
    }
  });
});

// ---- the main bundle, started under Node with stand-ins for Electron's objects ---------------------------
// Everything but Electron is real here: the bundled main process, the core and its workspace, the bundled job
// worker (forked by child_process under a utilityProcess-shaped wrapper) and the bundled chem threads.

type Listener = (...args: unknown[]) => unknown;

function fakeElectron(userData: string) {
  const appListeners = new Map<string, Listener[]>();
  const ipcHandlers = new Map<string, Listener>();
  const ipcListeners = new Map<string, Listener>();
  const protocolHandlers = new Map<string, (r: Request) => Promise<Response>>();
  const windows: Array<{ options: unknown; url: string | null; sent: unknown[][] }> = [];
  const errors: string[] = [];
  let quit = 0;
  const electron = {
    app: {
      setName() {},
      enableSandbox() {},
      requestSingleInstanceLock: () => true,
      getPath: (name: string) => (name === 'userData' ? userData : tmpdir()),
      isPackaged: false,
      on(event: string, fn: Listener) {
        appListeners.set(event, [...(appListeners.get(event) ?? []), fn]);
      },
      whenReady: () => Promise.resolve(),
      quit: () => void quit++,
      exit: (code: number) => errors.push(`exit ${code}`),
    },
    protocol: {
      registerSchemesAsPrivileged() {},
      handle: (scheme: string, fn: (r: Request) => Promise<Response>) => void protocolHandlers.set(scheme, fn),
    },
    session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } },
    BrowserWindow: class {
      record: { options: unknown; url: string | null; sent: unknown[][] };
      webContents: { isDestroyed(): boolean; send(...a: unknown[]): void };
      constructor(options: unknown) {
        const record = { options, url: null as string | null, sent: [] as unknown[][] };
        this.record = record;
        windows.push(record);
        this.webContents = { isDestroyed: () => false, send: (...a: unknown[]) => void record.sent.push(a) };
      }
      loadURL(url: string) {
        this.record.url = url;
        return Promise.resolve();
      }
      once() {}
      on() {}
    },
    ipcMain: {
      handle: (channel: string, fn: Listener) => void ipcHandlers.set(channel, fn),
      removeHandler: (c: string) => void ipcHandlers.delete(c),
      on: (channel: string, fn: Listener) => void ipcListeners.set(channel, fn),
      removeListener: (c: string) => void ipcListeners.delete(c),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu() {} },
    dialog: { showErrorBox: (title: string, text: string) => void errors.push(`${title}: ${text}`), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    shell: { openExternal: async () => {} },
    utilityProcess: {
      // The same shape as Electron's UtilityProcess, over child_process.fork (the worker speaks both).
      fork(modulePath: string, _args: string[], options: { env: NodeJS.ProcessEnv }) {
        const job = forkLauncher(modulePath, options.env as Record<string, string>);
        const emitter = { listeners: new Map<string, Listener[]>() };
        const on = (event: string, fn: Listener) => emitter.listeners.set(event, [...(emitter.listeners.get(event) ?? []), fn]);
        job.onMessage((m) => emitter.listeners.get('message')?.forEach((fn) => fn(m)));
        job.onExit((code) => emitter.listeners.get('exit')?.forEach((fn) => fn(code ?? 1)));
        return { postMessage: (m: unknown) => job.postMessage(m), on, kill: () => job.kill() };
      },
    },
  };
  return { electron, appListeners, ipcHandlers, ipcListeners, protocolHandlers, windows, errors, quits: () => quit };
}

async function until<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the bundled main process', () => {
  it('starts the core in userData, serves the renderer, answers our frame over IPC, runs an import in the job process, and closes on quit', async () => {
    const userData = path.join(dir, 'userData');
    mkdirSync(userData, { recursive: true });
    const rendererDir = path.join(dir, 'renderer');
    if (!existsSync(path.join(rendererDir, 'index.html'))) {
      mkdirSync(rendererDir, { recursive: true });
      writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Molscape</title>');
    }
    const fake = fakeElectron(userData);
    const mainFile = path.join(out, 'main.cjs');
    const realRequire = createRequire(mainFile);
    const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(mainFile, 'utf8')}\n})`, { filename: mainFile });
    const module = { exports: {} };
    wrapper(module.exports, (name: string) => (name === 'electron' ? fake.electron : realRequire(name)), module, mainFile, out);
    try {
      const call = await until('the IPC handler', () => fake.ipcHandlers.get('molscape:call'));
      const own = { senderFrame: { url: 'app://molscape/index.html' } };
      const info = (await call(own, 'app.info', {})) as { ok: boolean; result: { host: string; workspace: string } };
      expect(info).toMatchObject({ ok: true, result: { host: 'electron', workspace: path.join(userData, 'workspace.sqlite') } });
      expect(await call({ senderFrame: { url: 'https://evil.example/' } }, 'app.info', {})).toMatchObject({ ok: false, status: 403 });

      expect(fake.windows).toHaveLength(1);
      expect(fake.windows[0].url).toBe('app://molscape/index.html');
      expect(fake.windows[0].options).toMatchObject({ webPreferences: { preload: path.join(out, 'preload.cjs'), sandbox: true, contextIsolation: true } });
      const page = await fake.protocolHandlers.get('app')!(new Request('app://molscape/'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");

      const smi = path.join(dir, 'set.smi');
      writeFileSync(smi, 'CCO ethanol\nc1ccccc1 benzene\nnot-a-smiles broken\n');
      // a path the page names on its own is refused; once the preload granted the dropped file, it is read
      expect(await call(own, 'collections.import', { source: { kind: 'path', path: smi } })).toMatchObject({ ok: false, status: 403 });
      const grant = { senderFrame: own.senderFrame, returnValue: undefined as unknown };
      fake.ipcListeners.get('molscape:grant-dropped-file')!(grant, smi);
      expect(grant.returnValue).toBe(true);
      const started = (await call(own, 'collections.import', { source: { kind: 'path', path: smi } })) as { ok: boolean; result: { jobId: number } };
      expect(started.ok).toBe(true);
      const sent = fake.windows[0].sent;
      const finished = await until('the import job to finish', () =>
        sent.find(([channel, event, payload]) => channel === 'molscape:event' && event === 'job.finished' && (payload as { jobId: number }).jobId === started.result.jobId),
      );
      expect(finished[2]).toMatchObject({ status: 'done' });
      const collections = (await call(own, 'collections.list', {})) as { result: Array<{ id: number; moleculeCount: number; problemCount: number }> };
      expect(collections.result).toHaveLength(1);
      expect(collections.result[0]).toMatchObject({ moleculeCount: 2, problemCount: 1 });
      expect(sent.some(([, event]) => event === 'job.progress' || event === 'collections.changed')).toBe(true);
    } finally {
      const willQuit = fake.appListeners.get('will-quit')?.[0];
      let prevented = false;
      willQuit?.({ preventDefault: () => (prevented = true) });
      expect(prevented).toBe(true);
      await until('quit after closing the workspace', () => fake.quits() > 0);
    }
    expect(fake.errors).toEqual([]);
  });
});
