// molscape evaluate --test FILE --train FILE [--n 10000] --out metrics.json: the model's metrics (see
// main/design/evaluate.ts) as JSON; a one-line summary on stderr. --report-card: the report card
// (main/design/report-card.ts), --save-card also into the bundle folder (report-card-files.ts).
import { Command } from 'commander';
import { evaluateModel } from '../../../main/design/evaluate.ts';
import { reportCard, reportCardMarkdown } from '../../../main/design/report-card.ts';
import { MODEL_CARD_FILE, REPORT_CARD_FILE, writeReportCardFiles } from '../../../main/design/report-card-files.ts';
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
  reportCard: boolean;
  draws: number;
  snnLimit?: number;
  card?: string;
  saveCard: boolean;
  dataNote?: string;
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
    .option('--report-card', "the model's report card: reconstruction with and without stereo and within Tanimoto 0.9; on --draws prior draws, greedy and valid-first side by side, the MOSES metrics (validity, unique@1k/10k, novelty, IntDiv1/2, filters, SNN, Scaf against the test set)", false)
    .option('--draws <count>', 'prior draws for the report card', wholeNumber, 30000)
    .option('--snn-limit <count>', 'draws compared to the test set for SNN at most (seeded sample)', wholeNumber)
    .option('--card <md>', 'also write the report card as a model card (markdown) to this file')
    .option('--save-card', `also write the report card into the model's bundle folder: ${REPORT_CARD_FILE} and ${MODEL_CARD_FILE} beside manifest.json (not in it: the manifest's sha256 is the model's identity); \`molscape models\` shows it`, false)
    .option('--data-note <text>', "what the model was trained on, with the data's attribution and licence, written into the model card")
    .action(async (o: EvaluateOptions) => setExit(await runEvaluate(o)));
}

async function runEvaluate(o: EvaluateOptions): Promise<number> {
  const test = readMoleculeFile(o.test).slice(0, o.testLimit ?? Infinity).map((m) => m.smiles);
  const train = readMoleculeFile(o.train).slice(0, o.trainLimit ?? Infinity).map((m) => m.smiles);
  const model = await ModelService.open(o.model);
  if (o.reportCard) {
    try {
      const c = await reportCard(model, { test, train, draws: o.draws, seed: o.seed, snnLimit: o.snnLimit, log: (l) => say('evaluate', l) });
      const text = JSON.stringify(c, null, 1) + '\n';
      if (o.out) writeOutput(o.out, text);
      else process.stdout.write(text);
      const markdown = reportCardMarkdown(c, { test: o.test, train: o.train, date: new Date().toISOString().slice(0, 10), data: o.dataNote });
      if (o.card) writeOutput(o.card, markdown);
      if (o.saveCard) for (const f of writeReportCardFiles(o.model, c, markdown)) say('evaluate', `wrote ${f}`);
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      say('evaluate', `exact ${pct(c.reconstruction.exact)} (stereo ignored ${pct(c.reconstruction.exactWithoutStereo)}); validity ${c.draws.map((d) => `${d.strategy} ${pct(d.validity)}`).join(", ")} (${c.seconds} s)`);
      return EXIT_OK;
    } finally {
      await model.close();
    }
  }
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
