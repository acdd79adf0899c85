// How a running search reports and is stopped: after every batch of decodes it says how far it is (the job's
// progress line, the CLI's), and before every batch it asks whether to stop (Cancel keeps what was found).
import type { Evaluator } from './evaluator.ts';

export interface SearchControl {
  progress(ev: Evaluator): void;
  stopped(): boolean;
}

export const noControl: SearchControl = { progress: () => {}, stopped: () => false };
