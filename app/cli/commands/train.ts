// molscape train --data FILE [--valid FILE] --out BUNDLE [--run-dir DIR] [--resume] [--epochs N]
// [--time-budget 2h] [--size zinc|small|tiny]: train a SMILES VAE on your molecules and write a model bundle
// (main/jobs/train/train-model.ts). Progress on stderr; checkpoints in the run folder; Ctrl-C stops at a step
// boundary, writes the bundle of the last checkpoint, and `--resume` goes on from there. Exit 130 when stopped.
import { Command, Option } from 'commander';
import { MODEL_SIZES, trainModel } from '../../../main/jobs/train/train-model.ts';
import type { ModelSize } from '../../../main/jobs/train/train-model.ts';
import { EXIT_INTERRUPTED, EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { ProgressLine } from '../progress-line.ts';
import { say, wholeNumber } from './model-options.ts';

interface TrainCliOptions {
  data: string;
  valid?: string;
  out: string;
  runDir?: string;
  resume: boolean;
  epochs: number;
  timeBudget?: number;
  size: ModelSize;
  propertyMolecules: number;
}

/** '90m', '2h', '45s' or seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`expected a duration such as 90m, 2h or 3600, got '${s}'`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

export function trainCommand(setExit: (code: number) => void): Command {
  return new Command('train')
    .description('Train a SMILES VAE on a SMILES file and write a model bundle (resumable; Ctrl-C stops with a checkpoint).')
    .requiredOption('--data <file>', 'training SMILES (.smi, .smi.gz)')
    .option('--valid <file>', 'validation SMILES')
    .requiredOption('-o, --out <bundle>', 'model bundle folder to write')
    .option('--run-dir <dir>', 'run folder with checkpoints and curves (default: BUNDLE.run)')
    .option('--resume', 'continue the run in the run folder', false)
    .option('--epochs <n>', 'epochs', wholeNumber, 30)
    .option('--time-budget <duration>', 'stop (resumably) after this long, e.g. 2h', parseDuration)
    .addOption(new Option('--size <name>', 'network size').choices(Object.keys(MODEL_SIZES)).default('zinc'))
    .option('--property-molecules <n>', 'molecules whose clogp/qed/sa train the property head', wholeNumber, 50_000)
    .action(async (o: TrainCliOptions) => setExit(await runTrain(o)));
}

async function runTrain(o: TrainCliOptions): Promise<number> {
  const line = new ProgressLine();
  const ctl = new AbortController();
  let lastStage = '', lastLine = 0;
  const stop = () => {
    line.clear();
    process.stderr.write('Interrupted: stopping at the next step, keeping a checkpoint and writing the bundle...\n');
    ctl.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const r = await trainModel({
      data: o.data, valid: o.valid, out: o.out, runDir: o.runDir, resume: o.resume, epochs: o.epochs, timeBudgetSeconds: o.timeBudget,
      size: o.size, propertyMolecules: o.propertyMolecules, signal: ctl.signal,
      onProgress: (stage, _done, _total, message) => {
        if (line.enabled) return line.show(`${stage}: ${message}`);
        // not a terminal (a log file, a pipe): a plain line when the stage changes, then every 10 s
        const now = Date.now();
        if (stage !== lastStage || now - lastLine >= 10_000) {
          process.stderr.write(`${stage}: ${message}\n`);
          lastStage = stage;
          lastLine = now;
        }
      },
    });
    line.clear();
    say('train', `${r.status} at step ${r.step}; bundle ${r.bundle}; run folder ${r.runDir}${r.status === 'done' ? '' : ' (continue with --resume)'}`);
    return ctl.signal.aborted ? EXIT_INTERRUPTED : EXIT_OK;
  } catch (e) {
    line.clear();
    say('train', (e as Error).message);
    return ctl.signal.aborted ? EXIT_INTERRUPTED : EXIT_NOTHING;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
