// molscape sample --n N --seed S --out FILE.smi: N molecules from the prior N(0, I) or the aggregate posterior
// (--source aggregate), valid-first by default, one line per draw in order (the same seed gives the same lines).
// A decode RDKit refuses is an empty line, unless --valid-only drops it.
import { Command, Option } from 'commander';
import { ModelService } from '../../../main/design/model-service.ts';
import type { DecodeStrategy } from '../../../main/design/model-service.ts';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { maskedOption, modelOption, positiveNumber, say, strategyOption, wholeNumber, writeOutput } from './model-options.ts';

interface SampleOptions {
  model: string;
  n: number;
  seed: number;
  out?: string;
  validOnly: boolean;
  strategy: DecodeStrategy;
  masked: boolean;
  temperature: number;
  source: 'prior' | 'aggregate';
}

export function sampleCommand(setExit: (code: number) => void): Command {
  return new Command('sample')
    .description('Draw molecules from the prior N(0, I) (or the aggregate posterior) and decode them.')
    .addOption(modelOption())
    .addOption(new Option('--source <name>', 'draw from the prior N(0, I) or the aggregate posterior (a Gaussian fitted to the training latents)').choices(['prior', 'aggregate']).default('prior'))
    .option('-n, --n <count>', 'number of draws', wholeNumber, 100)
    .option('--seed <n>', 'random seed', wholeNumber, 0)
    .addOption(strategyOption('valid-first'))
    .addOption(maskedOption())
    .option('--temperature <t>', 'sampling temperature', positiveNumber, 1)
    .option('--valid-only', 'drop decodes RDKit refuses instead of writing an empty line', false)
    .option('-o, --out <smi>', 'output SMILES file (default: standard output)')
    .action(async (o: SampleOptions) => setExit(await runSample(o)));
}

async function runSample(o: SampleOptions): Promise<number> {
  const model = await ModelService.open(o.model);
  try {
    const mols = await model.sample(o.n, o.seed, { strategy: o.strategy, constrained: o.masked, temperature: o.temperature }, o.source);
    const lines = (o.validOnly ? mols.filter((m) => m.valid) : mols).map((m) => m.smiles ?? '');
    const text = lines.length ? lines.join('\n') + '\n' : '';
    if (o.out) writeOutput(o.out, text);
    else process.stdout.write(text);
    const valid = mols.filter((m) => m.valid).length;
    say('sample', `${o.n} draws from the ${o.source === 'aggregate' ? 'aggregate posterior' : 'prior'} (seed ${o.seed}, ${o.strategy}${o.masked && (o.strategy === 'greedy' || o.strategy === 'sample') ? ', masked' : ''}): ${valid} valid (${o.n ? ((100 * valid) / o.n).toFixed(1) : '0'}%)`);
    return valid > 0 || o.n === 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    await model.close();
  }
}
