// molscape walk SMILES [--direction NAME] [--steps N] [--step-size S]: from the seed along one direction
// (a principal axis 'pc1'…, or a property direction 'clogp+', 'qed+', 'sa-' …), one row per step from
// amount 0 to steps·step-size (in the direction's units: training-set standard deviations), each decoded
// valid-first through the core's latent.walk. Exit 0 when any step decoded to a molecule, 1 otherwise.
import { Command } from 'commander';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { modelOption, positiveNumber, say, wholeNumber } from './model-options.ts';
import { designWorkspaceOption, isUserError, randomSeedOption, withDesign, writeDesignRows } from './design-session.ts';
import type { DesignRow } from './design-session.ts';

interface WalkOptions {
  direction: string;
  steps: number;
  stepSize: number;
  seed: number;
  model: string;
  out?: string;
  workspace?: string;
}

export function walkCommand(setExit: (code: number) => void): Command {
  return new Command('walk')
    .description("Walk from a molecule along a direction of the model's latent space (principal axis or property gradient).")
    .argument('<smiles>', 'the seed molecule')
    .option('-d, --direction <name>', "direction: pc1, pc2 … or <property>+ / <property>- (e.g. clogp+, sa-)", 'pc1')
    .option('--steps <n>', 'steps after the seed', wholeNumber, 10)
    .option('--step-size <s>', "amount per step, in the direction's units (training standard deviations)", positiveNumber, 0.25)
    .addOption(randomSeedOption().argParser(wholeNumber))
    .addOption(modelOption())
    .addOption(designWorkspaceOption())
    .option('-o, --out <csv>', 'write CSV (smiles, properties, provenance) instead of a table')
    .action(async (smiles: string, o: WalkOptions) => setExit(await runWalk(smiles, o)));
}

async function runWalk(smiles: string, o: WalkOptions): Promise<number> {
  try {
    const rows = await withDesign(o.workspace, async (h) => {
      const out: DesignRow[] = [];
      for (let k = 0; k <= o.steps; k++) {
        const amount = Number((k * o.stepSize).toPrecision(12));
        const r = await h['latent.walk']({ seed: smiles, offsets: [{ direction: o.direction, amount }], model: o.model, randomSeed: o.seed });
        out.push({ molecule: r.molecule, extra: { step: k, amount } });
      }
      return out;
    });
    writeDesignRows(rows, o.out);
    const valid = rows.filter((r) => r.molecule.valid);
    const distinct = new Set(valid.map((r) => r.molecule.smiles)).size;
    say('walk', `${rows.length} steps along ${o.direction}: ${valid.length} valid, ${distinct} distinct molecule${distinct === 1 ? '' : 's'}${o.out ? `; written to ${o.out}` : ''}`);
    return valid.length ? EXIT_OK : EXIT_NOTHING;
  } catch (err) {
    if (!isUserError(err)) throw err;
    say('walk', (err as Error).message);
    return EXIT_NOTHING;
  }
}
