// A small hand-written Core for the Electron host's tests (the IPC adapter and the import dialog), whose
// handlers record what they were given. The real core is exercised with the server in app/server.
import type { EventName, EventPayload, Handlers } from '../../main/api/contract.ts';
import type { Core, EventListener } from '../../main/handlers/types.ts';

export type TestCore = Core & { calls: Array<[string, unknown]>; emit<E extends EventName>(event: E, payload: EventPayload<E>): void; listenerCount(): number };

export function testCore(): TestCore {
  const listeners = new Set<EventListener>();
  const calls: Array<[string, unknown]> = [];
  let nextJob = 1;
  const handlers = {
    'app.info': async (args: unknown) => {
      calls.push(['app.info', args]);
      return { name: 'Molscape', version: '0.0.0-test', workspace: '/tmp/w.sqlite', host: 'electron' as const };
    },
    'jobs.list': async (args: unknown) => {
      calls.push(['jobs.list', args]);
      return [];
    },
    'collections.get': async (args: { id: number }) => {
      calls.push(['collections.get', args]);
      throw Object.assign(new Error(`No collection ${args.id}.`), { name: 'NotFoundError' });
    },
    'collections.import': async (args: { source: { kind: string; path?: string } }) => {
      calls.push(['collections.import', args]);
      if (args.source.path?.includes('unreadable')) throw new Error('permission denied');
      return { jobId: nextJob++ };
    },
  } as unknown as Handlers;
  return {
    handlers,
    calls,
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
    listenerCount: () => listeners.size,
    async close() {},
  };
}
