// The renderer's one way to reach the core. A transport (Electron preload, or HTTP + WebSocket in browser
// mode) moves bytes; this typed client is what components use, checked by the compiler against the contract.
import type { CallArgs, CallName, CallResult, EventName, EventPayload } from './contract.ts';

export interface Transport {
  call(name: string, args: unknown): Promise<unknown>;
  /** Subscribe to one event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** An error the core answered with (bad arguments, a missing collection...), carrying its message as is. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiClient {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<CallResult<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): ApiClient {
  return {
    call: (name, args) => transport.call(name, args) as Promise<never>,
    on: (event, listener) => transport.on(event, listener as (payload: unknown) => void),
  };
}
