// One contract call over HTTP: read the JSON body (bounded), validate it with the contract's schema, run the
// handler, and turn whatever happens into a status and a JSON body. Nothing here knows about tokens or hosts:
// server.ts only calls this after the request passed its gates.
import type { IncomingMessage } from 'node:http';
import { checkCall } from '../../main/api/validate.ts';
import type { CallName, Handlers } from '../../main/api/contract.ts';

export interface Reply {
  status: number;
  body: unknown;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request body as parsed JSON; an empty body is `{}`. Refuses a body over maxBytes without buffering it
 * (a declared Content-Length at once, a chunked one as soon as it passes the cap), and one that stalls for
 * idleMs (408): a client that sends headers and then nothing must not hold a connection and its buffers.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number, idleMs = 0): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new HttpError(413, `Request body too large: ${declared} bytes, at most ${maxBytes}.`));
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    return Promise.reject(new HttpError(415, `Send the arguments as application/json, not ${type}.`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | null = null;
    const stop = () => {
      if (timer) clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const fail = (err: Error) => {
      stop();
      chunks.length = 0;
      reject(err);
    };
    const arm = () => {
      if (idleMs <= 0) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => fail(new HttpError(408, `The request body stalled: nothing arrived for ${idleMs / 1000} s.`)), idleMs);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(new HttpError(413, `Request body too large: more than ${maxBytes} bytes.`));
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => {
      stop();
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (err) {
        reject(new HttpError(400, `The request body is not valid JSON: ${(err as Error).message}`));
      }
    };
    const onError = (err: Error) => fail(err);
    const onAborted = () => fail(new HttpError(400, 'The client went away before sending the whole body.'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    arm();
  });
}

/**
 * The status for an error a handler threw. The core may say what it means with a numeric `status` (or
 * `statusCode`) or a NotFoundError; anything else is a fault of ours: 500.
 */
export function errorStatus(err: unknown): number {
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; statusCode?: unknown; name?: unknown; code?: unknown };
    for (const s of [e.status, e.statusCode]) {
      if (typeof s === 'number' && Number.isInteger(s) && s >= 400 && s <= 599) return s;
    }
    if (e.name === 'NotFoundError' || e.code === 'NOT_FOUND') return 404;
  }
  return 500;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Validate, then run one call. Never throws: every outcome is a Reply. */
export async function runCall(handlers: Handlers, name: string, raw: unknown): Promise<Reply> {
  const checked = checkCall(name, raw);
  if (!checked.ok) return { status: checked.status, body: { error: checked.message } };
  const handler = handlers[checked.name as CallName] as (args: unknown) => Promise<unknown>;
  try {
    const result = await handler(checked.args);
    return { status: 200, body: result ?? null };
  } catch (err) {
    const status = errorStatus(err);
    if (status >= 500) console.error(`molscape: call '${name}' failed:`, err);
    return { status, body: { error: errorMessage(err) } };
  }
}
