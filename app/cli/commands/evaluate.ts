// molscape evaluate --test FILE --train FILE [--n 10000] --out metrics.json: the model's metrics (see
// main/design/evaluate.ts) as JSON; a one-line summary on stderr.
import { Command } from 'commander';
import { evaluateModel } from '../../../main/design/evaluate.ts';
import { ModelService } from '../../../main/design/model-service.ts';
import { readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { modelOption, say, wholeNumber, writeOutput } from './model-options.ts';

interface EvaluateOptions {
  model: string;
  test: string;
  train: string;
  n: number;
  testLimit?: number;
  trainLimit?: number;
  seed: number;
  out?: string;
}

export function evaluateCommand(setExit: (code: number) => void): Command {
  return new Command('evaluate')
    .description('Reconstruction, validity, uniqueness, novelty, diversity, active units, property R², distribution distances.')
    .addOption(modelOption())
    .requiredOption('--test <file>', 'test SMILES file')
    .requiredOption('--train <file>', 'training SMILES file (for novelty)')
    .option('-n, --n <count>', 'prior samples', wholeNumber, 10000)
    .option('--test-limit <count>', 'use the first COUNT test molecules', wholeNumber)
    .option('--train-limit <count>', 'use the first COUNT training molecules', wholeNumber)
    .option('--seed <n>', 'random seed', wholeNumber, 0)
    .option('-o, --out <json>', 'metrics file (default: standard output)')
    .action(async (o: EvaluateOptions) => setExit(await runEvaluate(o)));
}

async function runEvaluate(o: EvaluateOptions): Promise<number> {
  const test = readMoleculeFile(o.test).slice(0, o.testLimit ?? Infinity).map((m) => m.smiles);
  const train = readMoleculeFile(o.train).slice(0, o.trainLimit ?? Infinity).map((m) => m.smiles);
  const model = await ModelService.open(o.model);
  try {
    const m = await evaluateModel(model, { test, train, n: o.n, seed: o.seed, log: (l) => say('evaluate', l) });
    const text = JSON.stringify(m, null, 1) + '\n';
    if (o.out) writeOutput(o.out, text);
    else process.stdout.write(text);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    say('evaluate', `reconstruction ${pct(m.reconstruction.exact)}, validity ${pct(m.prior.validity)}, uniqueness ${pct(m.prior.uniqueness)}, novelty ${pct(m.prior.novelty)}, IntDiv ${m.prior.internalDiversity.toFixed(3)}, active units ${m.activeUnits.active}/${m.activeUnits.of} (${m.seconds.toFixed(0)} s)`);
    return EXIT_OK;
  } finally {
    await model.close();
  }
}
