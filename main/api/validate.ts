// Runtime validation at the edge: every host runs a UI's arguments through here before a handler sees them.
import { z } from 'zod';
import { calls, isCallName, type CallName, type ParsedArgs } from './contract.ts';

export type ArgsCheck<N extends CallName> =
  | { ok: true; name: N; args: ParsedArgs<N> }
  | { ok: false; status: 404 | 400; message: string };

export function checkCall(name: string, raw: unknown): ArgsCheck<CallName> {
  if (!isCallName(name)) return { ok: false, status: 404, message: `Unknown call '${name}'.` };
  const parsed = calls[name].args.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, status: 400, message: `Invalid arguments for '${name}': ${z.prettifyError(parsed.error)}` };
  return { ok: true, name, args: parsed.data as ParsedArgs<CallName> };
}
