// The object the preload exposes, over an ipcRenderer look-alike that answers like ipc.ts does.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { IpcRenderer, WebUtils } from 'electron';
import { createBridge } from './bridge.ts';
import { callChannel, eventChannel, grantChannel, type IpcReply } from './channels.ts';

function setup(reply: IpcReply = { ok: true, result: { fine: true } }, grantAnswer = true) {
  const emitter = new EventEmitter();
  const invoked: unknown[][] = [];
  const grants: unknown[][] = [];
  const ipcRenderer = {
    sendSync: (...args: unknown[]) => {
      grants.push(args);
      return grantAnswer;
    },
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return reply;
    },
    on: (channel: string, fn: (...a: unknown[]) => void) => emitter.on(channel, fn),
    removeListener: (channel: string, fn: (...a: unknown[]) => void) => emitter.removeListener(channel, fn),
  } as unknown as Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener' | 'sendSync'>;
  // a File made in the page has no path on disk
  const webUtils = { getPathForFile: (file: { name: string }) => (file.name === 'made-in-page.smi' ? '' : `/home/ada/${file.name}`) } as unknown as Pick<WebUtils, 'getPathForFile'>;
  return { bridge: createBridge(ipcRenderer, webUtils), invoked, emitter, grants };
}

describe('createBridge', () => {
  it('is one frozen object with exactly call, on and pathForFile', () => {
    const { bridge } = setup();
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on', 'pathForFile']);
    expect(() => Object.assign(bridge, { call: () => 0 })).toThrow();
  });

  it('call sends name and args on the call channel and resolves with the result', async () => {
    const { bridge, invoked } = setup();
    expect(await bridge.call('app.info')).toEqual({ fine: true });
    expect(await bridge.call('jobs.list', { limit: 3 })).toEqual({ fine: true });
    expect(invoked).toEqual([
      [callChannel, 'app.info', {}],
      [callChannel, 'jobs.list', { limit: 3 }],
    ]);
  });

  it("call rejects with the core's message", async () => {
    const { bridge } = setup({ ok: false, status: 400, error: "Invalid arguments for 'jobs.list': bad" });
    await expect(bridge.call('jobs.list', { limit: -1 })).rejects.toThrow("Invalid arguments for 'jobs.list': bad");
  });

  it('on delivers only the payload of the named event, until unsubscribed', () => {
    const { bridge, emitter } = setup();
    const got: unknown[] = [];
    const off = bridge.on('job.progress', (p) => got.push(p));
    const sender = { sender: 'the IpcRendererEvent must not reach the page' };
    emitter.emit(eventChannel, sender, 'job.progress', { jobId: 1 });
    emitter.emit(eventChannel, sender, 'collections.changed', { collectionId: 2 });
    off();
    emitter.emit(eventChannel, sender, 'job.progress', { jobId: 3 });
    expect(got).toEqual([{ jobId: 1 }]);
    expect(emitter.listenerCount(eventChannel)).toBe(0);
    expect(() => bridge.on(42 as never, () => {})).toThrow(TypeError);
  });

  it('pathForFile asks webUtils, and has the main process grant that file (dropped by the user) before the page sees its path', () => {
    const { bridge, grants } = setup();
    expect(bridge.pathForFile({ name: 'set.sdf' } as File)).toBe('/home/ada/set.sdf');
    expect(grants).toEqual([[grantChannel, '/home/ada/set.sdf']]);
    expect(bridge.pathForFile({ name: 'made-in-page.smi' } as File)).toBe('');
    expect(grants).toHaveLength(1);
  });

  it('pathForFile gives no path when the main process does not grant it (the page sends the bytes instead)', () => {
    const { bridge } = setup(undefined, false);
    expect(bridge.pathForFile({ name: 'a-folder' } as File)).toBe('');
  });
});
