// The IPC adapter with an ipcMain look-alike: who may call, validation before handlers, errors, events.
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { GrantedPaths } from '../../main/handlers/path-policy.ts';
import { callChannel, eventChannel, grantChannel, type IpcReply } from './channels.ts';
import { bindGrants, bindIpc } from './ipc.ts';
import { testCore } from './test-core.ts';

type Invoke = (event: Partial<IpcMainInvokeEvent>, ...args: unknown[]) => Promise<IpcReply>;

function setup() {
  const handlers = new Map<string, Invoke>();
  const ipcMain = {
    handle: (channel: string, fn: Invoke) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  } as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>;
  const sent: unknown[][] = [];
  let destroyed = false;
  const target = { isDestroyed: () => destroyed, send: (...args: unknown[]) => void sent.push(args) };
  const core = testCore();
  const unbind = bindIpc(ipcMain, core, () => target);
  const invoke = (frameUrl: string | null, name: unknown, args?: unknown) =>
    handlers.get(callChannel)!({ senderFrame: frameUrl === null ? null : ({ url: frameUrl } as never) }, name, args);
  return { handlers, core, sent, unbind, invoke, destroy: () => (destroyed = true) };
}

const own = 'app://molscape/index.html';

describe('bindIpc', () => {
  it('answers our own frame', async () => {
    const { invoke } = setup();
    expect(await invoke(own, 'app.info', {})).toEqual({ ok: true, result: expect.objectContaining({ name: 'Molscape', host: 'electron' }) });
  });

  it('refuses a foreign, gone or odd frame before anything runs', async () => {
    const { invoke, core, handlers } = setup();
    for (const url of ['https://evil.example/', 'file:///home/a/x.html', 'app://evil/index.html', 'app://molscape.evil/', 'app://molscape', 'devtools://devtools/', '', null]) {
      const reply = await invoke(url, 'app.info', {});
      expect(reply, String(url)).toEqual({ ok: false, status: 403, error: expect.stringContaining('only the Molscape window') });
    }
    const throwing = { get senderFrame(): never { throw new Error('Render frame was disposed'); } };
    expect((await handlers.get(callChannel)!(throwing, 'app.info', {})).ok).toBe(false);
    expect(core.calls).toEqual([]);
  });

  it('validates with the contract before a handler runs: 404 unknown, 400 invalid with the schema message', async () => {
    const { invoke, core } = setup();
    expect(await invoke(own, 'collections.explode', {})).toEqual({ ok: false, status: 404, error: "Unknown call 'collections.explode'." });
    expect(await invoke(own, 42, {})).toMatchObject({ ok: false, status: 400 });
    const bad = await invoke(own, 'jobs.list', { limit: 'many' });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(bad.ok === false && bad.error).toContain("Invalid arguments for 'jobs.list'");
    expect(core.calls).toEqual([]);
    expect(await invoke(own, 'jobs.list', undefined)).toEqual({ ok: true, result: [] });
    expect(core.calls).toEqual([['jobs.list', { limit: 50 }]]);
  });

  it("answers a handler's error with its message and status", async () => {
    const { invoke } = setup();
    expect(await invoke(own, 'collections.get', { id: 3 })).toEqual({ ok: false, status: 404, error: 'No collection 3.' });
  });

  it('forwards core events to the window, not to a destroyed one, and unbinds', async () => {
    const { core, sent, destroy, unbind, handlers } = setup();
    core.emit('collections.changed', { collectionId: 4 });
    expect(sent).toEqual([[eventChannel, 'collections.changed', { collectionId: 4 }]]);
    destroy();
    core.emit('collections.changed', { collectionId: 5 });
    expect(sent).toHaveLength(1);
    unbind();
    expect(handlers.has(callChannel)).toBe(false);
    expect(core.listenerCount()).toBe(0);
  });
});

describe('bindGrants', () => {
  it('grants a dropped file only when our own frame asks, and answers synchronously', () => {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'molscape-grant-')));
    const file = path.join(dir, 'dropped.smi');
    writeFileSync(file, 'CCO\n');
    const listeners = new Map<string, (event: { senderFrame: { url: string } | null; returnValue?: unknown }, ...args: unknown[]) => void>();
    const ipcMain = { on: (channel: string, fn: never) => void listeners.set(channel, fn), removeListener: (channel: string) => void listeners.delete(channel) };
    const policy = new GrantedPaths([]);
    const unbind = bindGrants(ipcMain as unknown as Pick<IpcMain, 'on' | 'removeListener'>, policy);
    const ask = (url: string | null, p: unknown) => {
      const event: { senderFrame: { url: string } | null; returnValue?: unknown } = { senderFrame: url === null ? null : { url } };
      listeners.get(grantChannel)!(event, p);
      return event.returnValue;
    };
    for (const url of ['https://evil.example/', 'app://molscape.evil/', null]) expect(ask(url, file), String(url)).toBe(false);
    expect(() => policy.check(file, 'read', 'the file')).toThrow(/Refused/);
    expect(ask(own, 42)).toBe(false);
    expect(ask(own, dir)).toBe(false); // a folder is not a dropped file
    expect(ask(own, file)).toBe(true);
    expect(policy.check(file, 'read', 'the file')).toBe(file);
    unbind();
    expect(listeners.has(grantChannel)).toBe(false);
  });
});
