// molscape neighbours SMILES [--n N] [--radius R] [--temperature T]: N latent points around the seed
// (seed + radius·ε, seeded), decoded greedily or sampled at T through the core's latent.neighbours; the
// unique valid molecules other than the seed, most similar first, and the counts on stderr. Exit 0 when
// any neighbour was found, 1 otherwise.
import { Command, Option } from 'commander';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { modelOption, positiveNumber, say, wholeNumber } from './model-options.ts';
import { designWorkspaceOption, isUserError, randomSeedOption, withDesign, writeDesignRows } from './design-session.ts';

interface NeighboursOptions {
  n: number;
  radius: number;
  temperature?: number;
  seed: number;
  model: string;
  out?: string;
  workspace?: string;
}

export function neighboursCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('neighbours');
  return cmd
    .description('Sample molecules around a seed in latent space: the unique valid ones, most similar first.')
    .argument('<smiles>', 'the seed molecule')
    .option('-n, --n <count>', 'latent points to decode (1-2000)', wholeNumber, 100)
    .option('-r, --radius <r>', 'standard deviation of the offset per latent dimension (at most 10)', positiveNumber, 0.5)
    .addOption(new Option('-t, --temperature <t>', 'sample tokens at this temperature (default: greedy decoding)').argParser(positiveNumber))
    .addOption(randomSeedOption().argParser(wholeNumber))
    .addOption(modelOption())
    .addOption(designWorkspaceOption())
    .option('-o, --out <csv>', 'write CSV (smiles, properties, provenance) instead of a table')
    .action(async (smiles: string, o: NeighboursOptions) => {
      if (o.n < 1 || o.n > 2000) cmd.error(`error: --n must be from 1 to 2000, not ${o.n}`, { exitCode: EXIT_USAGE });
      if (o.radius > 10) cmd.error(`error: --radius must be at most 10, not ${o.radius}`, { exitCode: EXIT_USAGE });
      if (o.temperature !== undefined && o.temperature > 10) cmd.error(`error: --temperature must be at most 10, not ${o.temperature}`, { exitCode: EXIT_USAGE });
      setExit(await runNeighbours(smiles, o));
    });
}

async function runNeighbours(smiles: string, o: NeighboursOptions): Promise<number> {
  try {
    const r = await withDesign(o.workspace, (h) => h['latent.neighbours']({ seed: smiles, n: o.n, radius: o.radius, temperature: o.temperature, model: o.model, randomSeed: o.seed }));
    writeDesignRows(r.molecules.map((molecule, i) => ({ molecule, extra: { rank: i + 1 } })), o.out);
    const c = r.counts;
    say('neighbours', `${c.tries} tries, ${c.valid} valid, ${c.unique} unique, ${c.new} new${o.out ? `; written to ${o.out}` : ''}`);
    return c.unique > 0 ? EXIT_OK : EXIT_NOTHING;
  } catch (err) {
    if (!isUserError(err)) throw err;
    say('neighbours', (err as Error).message);
    return EXIT_NOTHING;
  }
}
