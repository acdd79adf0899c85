// molscape interpolate A B [--steps N] [--method linear|slerp]: N evenly spaced latent points from A to B,
// decoded valid-first through the core's latent.interpolate; consecutive identical decodes are one row with
// the number of points that gave it (repeats). Exit 0 when any point decoded to a molecule, 1 otherwise.
import { Command, Option } from 'commander';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { modelOption, say, wholeNumber } from './model-options.ts';
import { designWorkspaceOption, isUserError, randomSeedOption, withDesign, writeDesignRows } from './design-session.ts';

interface InterpolateOptions {
  steps: number;
  method: 'linear' | 'slerp';
  seed: number;
  model: string;
  out?: string;
  workspace?: string;
}

export function interpolateCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('interpolate');
  return cmd
    .description('Decode evenly spaced points between two molecules in latent space.')
    .argument('<from>', 'the first molecule (SMILES)')
    .argument('<to>', 'the last molecule (SMILES)')
    .option('--steps <n>', 'points on the path, both ends included (2-200)', wholeNumber, 10)
    .addOption(new Option('--method <name>', 'straight line or great circle').choices(['linear', 'slerp']).default('linear'))
    .addOption(randomSeedOption().argParser(wholeNumber))
    .addOption(modelOption())
    .addOption(designWorkspaceOption())
    .option('-o, --out <csv>', 'write CSV (smiles, properties, provenance) instead of a table')
    .action(async (from: string, to: string, o: InterpolateOptions) => {
      if (o.steps < 2 || o.steps > 200) cmd.error(`error: --steps must be from 2 to 200, not ${o.steps}`, { exitCode: EXIT_USAGE });
      setExit(await runInterpolate(from, to, o));
    });
}

async function runInterpolate(from: string, to: string, o: InterpolateOptions): Promise<number> {
  try {
    const { path } = await withDesign(o.workspace, (h) => h['latent.interpolate']({ from, to, steps: o.steps, method: o.method, model: o.model, randomSeed: o.seed }));
    const rows = path.map((e) => ({ molecule: e.molecule, extra: { t: Number(e.t.toFixed(6)), repeats: e.repeats } }));
    writeDesignRows(rows, o.out);
    const valid = path.filter((e) => e.molecule.valid);
    say('interpolate', `${o.steps} points (${o.method}): ${path.length} distinct in a row, ${valid.length} of them valid${o.out ? `; written to ${o.out}` : ''}`);
    return valid.length ? EXIT_OK : EXIT_NOTHING;
  } catch (err) {
    if (!isUserError(err)) throw err;
    say('interpolate', (err as Error).message);
    return EXIT_NOTHING;
  }
}
