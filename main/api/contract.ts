// The one contract between a UI and the core: every call and every event, declared once, each with a runtime
// schema (zod). The Electron adapter, the browser-mode server and the tests all bind this same table, and the
// hosts validate every argument against it before a handler runs. Shared with the renderer: schemas and
// types only, nothing that needs Node.
// The table is assembled here from one file per domain under contract/, as VS Code gives each service its own file.
import type { z } from 'zod';
import { appCalls, jobCalls, jobEvents } from './contract/jobs.ts';
import { collectionCalls, collectionEvents } from './contract/collections.ts';
import { chemCalls } from './contract/chem.ts';
import { modelCalls } from './contract/models.ts';
import { latentCalls } from './contract/latent.ts';
import { candidateCalls } from './contract/candidates.ts';
import { plotCalls } from './contract/plots.ts';
import { optimizeCalls, optimizeEvents, optimizeUiCalls } from './contract/optimize.ts';

export * from './contract/shapes.ts';
export * from './contract/models.ts';
export * from './contract/latent.ts';
export { ColumnStat } from './contract/plots.ts';
export { OptimizeRequest, CheckedMolecule, OptimizeProgress, SurrogateFit, SurrogateFeatures } from './contract/optimize.ts';

export const calls = {
  ...appCalls,
  ...collectionCalls,
  ...chemCalls,
  ...modelCalls,
  ...latentCalls,
  ...candidateCalls,
  ...plotCalls,
  ...jobCalls,
  ...optimizeCalls,
  ...optimizeUiCalls,
} as const;

export const events = {
  ...jobEvents,
  ...collectionEvents,
  ...optimizeEvents,
} as const;

// ---- types derived from the table ------------------------------------------------------------------------

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** Arguments as a UI passes them (defaults may be left out). */
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
/** Arguments as a handler receives them, after validation and defaults. */
export type ParsedArgs<N extends CallName> = z.output<Calls[N]['args']>;
export type CallResult<N extends CallName> = z.infer<Calls[N]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

/** What a host binds: one plain async function per call. */
export type Handlers = { [N in CallName]: (args: ParsedArgs<N>) => Promise<CallResult<N>> };

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const isCallName = (name: string): name is CallName => Object.hasOwn(calls, name);
