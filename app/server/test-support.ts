// Test helpers for the server's tests: raw HTTP requests where every header (Host, Origin) is ours to choose,
// and a tiny hand-written Core for the transport-only tests (the real core is exercised in main.test.ts).
import { request } from 'node:http';
import type { EventName, EventPayload, Handlers } from '../../main/api/contract.ts';
import type { Core, EventListener } from '../../main/handlers/types.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; host?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A Core whose handlers echo what they got, so tests can see validation and defaults at work. */
export function fakeCore(): Core & { emit<E extends EventName>(event: E, payload: EventPayload<E>): void; seen: unknown[] } {
  const listeners = new Set<EventListener>();
  const seen: unknown[] = [];
  const handlers = {
    'app.info': async () => ({ name: 'Molscape', version: '0.0.0-test', workspace: '/tmp/none', host: 'test' as const }),
    'collections.get': async ({ id }: { id: number }) => {
      throw new NotFoundError(`No collection ${id}.`);
    },
    'jobs.list': async (args: unknown) => {
      seen.push(args);
      return [];
    },
    'chem.depict': async () => {
      throw new Error('depiction exploded');
    },
    'collections.import': async (args: unknown) => {
      seen.push(args);
      return { jobId: 1 };
    },
  } as unknown as Handlers;
  return {
    handlers,
    seen,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
    async close() {},
  };
}
