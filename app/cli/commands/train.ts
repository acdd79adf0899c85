// molscape train --data FILE (--name NAME | --out BUNDLE) [--from MODEL] [--holdout 0.1] [--replay 0.5]
// [--valid FILE] [--time-budget 10m] [--epochs N] [--resume] [--size zinc|small|tiny]: train a SMILES VAE on
// your molecules, or fine-tune a model on them (--from), and write a model bundle (main/jobs/train/train-model.ts).
// The data is any file the app imports (SMILES, CSV/TSV with a SMILES column, SD, gzip). A named model goes to
// the user's models folder, where the app and `--model NAME` find it. Before/after held-out reconstruction is
// printed. Progress on stderr; checkpoints in the run folder; Ctrl-C stops at a step boundary, writes the bundle
// of the last checkpoint, and `--resume` goes on from there. Exit 130 when stopped.
import path from 'node:path';
import { Command, Option } from 'commander';
import { ModelRegistry, defaultUserModelsDir } from '../../../main/design/model-registry.ts';
import { MODEL_SIZES, trainModel } from '../../../main/jobs/train/train-model.ts';
import type { ModelSize, TrainModelResult } from '../../../main/jobs/train/train-model.ts';
import { EXIT_INTERRUPTED, EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { ProgressLine } from '../progress-line.ts';
import { resolveModelOption, say, wholeNumber } from './model-options.ts';

interface TrainCliOptions {
  data: string;
  valid?: string;
  out?: string;
  name?: string;
  from?: string;
  holdout: number;
  replay: number;
  replayData?: string;
  overwrite: boolean;
  runDir?: string;
  resume: boolean;
  epochs?: number;
  timeBudget?: number;
  klWeight?: number;
  lr?: number;
  lrMin?: number;
  size: ModelSize;
  propertyMolecules: number;
  seed: number;
}

/** '90m', '2h', '45s' or seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`expected a duration such as 90m, 2h or 3600, got '${s}'`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
}

function share(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new Error(`expected a share from 0 to ${max}, got '${value}'`);
    return n;
  };
}

function klWeightArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 10) throw new Error(`expected a KL weight from 0 to 10, got '${value}'`);
  return n;
}

function learningRateArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`expected a learning rate above 0 and at most 1, such as 1e-4, got '${value}'`);
  return n;
}

export function trainCommand(setExit: (code: number) => void): Command {
  return new Command('train')
    .description('Train a SMILES VAE on your molecules, or fine-tune a model on them (--from), and write a model bundle (resumable; Ctrl-C stops with a checkpoint).')
    .requiredOption('--data <file>', 'training molecules: SMILES, CSV/TSV with a SMILES column, SD file (gzip allowed)')
    .option('--from <model>', 'fine-tune this model (a name from `molscape models` or a bundle folder); left out: a fresh model', resolveModelOption)
    .option('--name <name>', "the new model's name: kept in the user's models folder, usable as --model NAME and in the app")
    .option('-o, --out <bundle>', 'model bundle folder to write (instead of --name)')
    .option('--holdout <share>', 'share of the molecules held out (seeded split), measured before and after', share(0.5), 0.1)
    .option('--valid <file>', 'held-out molecules from this file instead of a split (e.g. a test set)')
    .option('--replay <share>', "share of each epoch from the base model's own training data, so it does not forget (fine-tuning)", share(0.9), 0.5)
    .option('--replay-data <file>', "the base model's training data, when it is not where its manifest says")
    .option('--overwrite', 'replace a Molscape bundle already at --out', false)
    .option('--run-dir <dir>', 'run folder with checkpoints and curves (default: BUNDLE.run)')
    .option('--resume', 'continue the run in the run folder', false)
    .option('--epochs <n>', 'epochs (default 30; fine-tuning: until the time budget, at most 1000)', wholeNumber)
    .option('--time-budget <duration>', 'stop (resumably) after this long, e.g. 10m or 2h', parseDuration)
    .option('--kl-weight <w>', "KL weight, constant (default: fine-tuning keeps the base model's; a fresh model anneals 0 → 0.02); higher: more valid prior samples, looser reconstruction", klWeightArg)
    .option('--lr <rate>', 'learning rate to start from (default: 3e-4 fine-tuning, 1e-3 a fresh model); continuing a long fine-tune, start where it ended', learningRateArg)
    .option('--lr-min <rate>', 'floor of the learning rate\'s exponential decay (default 1e-4)', learningRateArg)
    .addOption(new Option('--size <name>', 'network size (a fresh model)').choices(Object.keys(MODEL_SIZES)).default('zinc'))
    .option('--property-molecules <n>', 'molecules whose clogp/qed/sa train the property head', wholeNumber, 50_000)
    .option('--seed <n>', 'random seed (split, batches, noise)', wholeNumber, 42)
    .action(async (o: TrainCliOptions) => setExit(await runTrain(o)));
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function report(r: TrainModelResult): string[] {
  const lines = [`${r.status} at step ${r.step}; bundle ${r.bundle}${r.bestStep !== null ? ` (the model of step ${r.bestStep}, lowest validation loss)` : ''}; run folder ${r.runDir}${r.status === 'done' ? '' : ' (continue with --resume)'}`];
  const d = r.data;
  lines.push(`data: ${d.label}: ${d.molecules} molecules (${d.train} trained on, ${d.valid ?? 0} to choose the checkpoint by, ${d.holdout} held out), ${d.duplicates} duplicates collapsed, ${d.problemCount} left out${d.fragmentsStripped ? `, ${d.fragmentsStripped} salts/fragments stripped` : ''}`);
  for (const p of d.problems.slice(0, 5)) lines.push(`  left out ${p.where}: ${p.reason}`);
  if (r.addedTokens.length) lines.push(`vocabulary extended by ${r.addedTokens.length} tokens: ${r.addedTokens.join(' ')}`);
  if (r.replay) lines.push(`replay: ${pct(r.replay.share)} of each epoch from ${path.basename(r.replay.file)}`);
  else if (r.replayNote) lines.push(`replay: none: ${r.replayNote}`);
  if (r.holdout) {
    const { before, after } = r.holdout;
    lines.push(`held-out exact reconstruction: ${before ? `${pct(before.exact)} before → ` : ''}${pct(after.exact)}${before ? ' after' : ''} (${after.molecules} molecules); validity ${before ? `${pct(before.valid)} → ` : ''}${pct(after.valid)}`);
  }
  return lines;
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
    if (!o.out === !o.name) throw new Error('give either --name NAME (kept with your models) or --out FOLDER');
    const out = o.name ? new ModelRegistry(defaultUserModelsDir()).newModelDir(o.name) : o.out!;
    const r = await trainModel({
      data: o.data, valid: o.valid, out, overwrite: o.overwrite, runDir: o.runDir, resume: o.resume, epochs: o.epochs, timeBudgetSeconds: o.timeBudget, klWeight: o.klWeight, lr: o.lr, lrMin: o.lrMin,
      from: o.from, holdout: o.holdout, replay: o.replay, replayData: o.replayData, seed: o.seed, name: o.name,
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
    for (const l of report(r)) say('train', l);
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
