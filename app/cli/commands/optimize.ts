// molscape optimize (SMILES | --input FILE) --objective NAME[:max|:min|:target=V] … : searches the model's
// latent space from each molecule for better ones under the constraints (similarity to the start, locked
// SMARTS, property windows, no PAINS, novelty), every candidate decoded and checked with RDKit
// (main/design/optimize). With one SMILES the best --top results; with --input one row per input molecule
// (its best, `smiles` empty when nothing met every constraint). Exit 0 when anything was found, 1 otherwise.
import { Command, Option } from 'commander';
import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadRDKit } from '../../../main/chem/rdkit.ts';
import { resolveModelRef } from '../../../main/design/model-path.ts';
import { ModelService } from '../../../main/design/model-service.ts';
import { readMoleculeFile } from '../../../main/design/molecule-input.ts';
import { ConstraintError, parseWindow } from '../../../main/design/optimize/constraints.ts';
import type { ConstraintSpec } from '../../../main/design/optimize/constraints.ts';
import { ObjectiveError, parseObjective } from '../../../main/design/optimize/objectives.ts';
import type { CustomObjective } from '../../../main/design/optimize/objectives.ts';
import { surrogateObjective } from '../../../main/design/optimize/surrogate-objective.ts';
import type { LabelledMolecule } from '../../../main/design/optimize/surrogate-objective.ts';
import type { SurrogateFeatures } from '../../../main/design/optimize/surrogate.ts';
import { WorkspaceSurrogates, surrogateNames } from '../../../main/design/optimize/workspace-surrogates.ts';
import { OPTIMIZE_METHODS, OptimizeSettingsError, checkSettings, defaultMethod, optimizeOne } from '../../../main/design/optimize/optimize.ts';
import type { OptimizeMethod, OptimizeResult, OptimizeSettings } from '../../../main/design/optimize/optimize.ts';
import { optimizeCsv } from '../../../main/design/optimize/results-csv.ts';
import { GradientUnavailable } from '../../../main/design/optimize/search-gradient.ts';
import { openWorkspace } from '../../../main/store/db.ts';
import { workspaceLookup } from '../../../main/store/latent.ts';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { designWorkspaceOption } from './design-session.ts';
import { modelOption, positiveNumber, say, wholeNumber, writeOutput } from './model-options.ts';
import { Inverter } from '../../../main/design/inversion.ts';

interface OptimizeOptions {
  input?: string;
  objective: string[];
  similarity?: number;
  keep: string[];
  window: string[];
  allowPains: boolean;
  allowTraining: boolean;
  pareto: boolean;
  budget: number;
  method?: OptimizeMethod;
  seed: number;
  sigma?: number;
  stepSize?: number;
  top: number;
  train?: string;
  surrogateFeatures: SurrogateFeatures;
  surrogateCollection?: number;
  model: string;
  workspace?: string;
  out?: string;
}

const collect = (v: string, all: string[]) => [...all, v];

export function optimizeCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('optimize');
  return cmd
    .description("Optimize molecules toward property goals in the model's latent space, under constraints checked with RDKit.")
    .argument('[smiles]', 'the start molecule (or --input FILE)')
    .option('-i, --input <file>', 'SMILES file: optimize each molecule, one output row each')
    .option('--objective <spec>', 'NAME[:max|:min|:target=V[:window=W][:soft=S]][:weight=K]; NAME: qed, sa, clogp, plogp, tpsa, mw, hbd, hba, a --train column, user:COLUMN or taste (with -w) (repeatable)', collect, [])
    .option('--similarity <d>', 'Tanimoto (Morgan r2) to the start at least d', Number)
    .option('--keep <smarts>', 'a substructure every result must contain (repeatable)', collect, [])
    .option('--window <spec>', 'a property window: NAME>=V, NAME<=V or NAME=LO..HI (repeatable)', collect, [])
    .option('--allow-pains', 'accept molecules with PAINS alerts', false)
    .option('--allow-training', "accept molecules of the model's training set", false)
    .option('--pareto', 'two or three objectives: write the non-dominated results', false)
    .option('--budget <n>', 'decodes per start molecule', wholeNumber, 500)
    .addOption(new Option('--method <name>', 'search (default: gradient when the property head predicts every objective, else cmaes)').choices([...OPTIMIZE_METHODS]))
    .option('--seed <n>', 'random seed (the same seed gives the same results)', wholeNumber, 0)
    .option('--sigma <s>', 'cmaes: initial step size in latent units (default 0.3)', positiveNumber)
    .option('--step-size <s>', 'gradient: largest step in latent units (default 0.5)', positiveNumber)
    .option('--train <csv>', "a CSV with a smiles column and measured columns: --objective COLUMN optimizes a ridge surrogate of that column (its cross-validated R² is printed)")
    .addOption(new Option('--surrogate-features <kind>', 'what the surrogate regresses on').choices(['fingerprint', 'latent']).default('fingerprint'))
    .option('--surrogate-collection <id>', "with -w: the collection whose measured column --objective user:COLUMN learns (--objective taste learns the workspace's candidate star ratings)", wholeNumber)
    .option('--top <n>', 'results written per start molecule with one SMILES (--input: always 1)', wholeNumber, 10)
    .addOption(modelOption())
    .addOption(designWorkspaceOption())
    .option('-o, --out <csv>', 'write the results as CSV (default: standard output)')
    .action(async (smiles: string | undefined, o: OptimizeOptions) => {
      if ((smiles === undefined) === (o.input === undefined)) cmd.error('error: give one SMILES or --input FILE', { exitCode: EXIT_USAGE });
      if (o.objective.length === 0) cmd.error('error: name at least one --objective', { exitCode: EXIT_USAGE });
      await loadRDKit(); // the locked SMARTS are compiled to check them
      // the settings without surrogates are checked before the model loads: a typo costs no wait
      const usage = (err: unknown): never => {
        if (err instanceof ObjectiveError || err instanceof ConstraintError || err instanceof OptimizeSettingsError || err instanceof TrainFileError) cmd.error(`error: ${err.message}`, { exitCode: EXIT_USAGE });
        throw err;
      };
      let columns: Record<string, LabelledMolecule[]> = {};
      try {
        columns = o.train ? readTrainFile(o.train) : {};
        const placeholders = Object.fromEntries([...Object.keys(columns), ...surrogateNames(o.objective)].map((c) => [c, { label: c, scale: 1, needs: 'fingerprint' as const, value: () => null }]));
        checkSettings(settingsOf(o, placeholders));
      } catch (err) {
        usage(err);
      }
      setExit(await runOptimize(smiles, o, columns));
    });
}

class TrainFileError extends Error {}

/** The --train CSV: a smiles column and numeric columns, each column's molecules with a number. */
function readTrainFile(file: string): Record<string, LabelledMolecule[]> {
  if (!existsSync(file)) throw new TrainFileError(`there is no file ${file}`);
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const header = rows.length ? Object.keys(rows[0]) : [];
  const smilesColumn = header.find((h) => h.toLowerCase() === 'smiles');
  if (!smilesColumn) throw new TrainFileError(`${file} has no smiles column`);
  const out: Record<string, LabelledMolecule[]> = {};
  for (const h of header) {
    if (h === smilesColumn) continue;
    const values = rows.filter((r) => r[h] !== '' && Number.isFinite(Number(r[h]))).map((r) => ({ smiles: r[smilesColumn], value: Number(r[h]) }));
    if (values.length) out[h] = values;
  }
  return out;
}

function settingsOf(o: OptimizeOptions, customs: Record<string, CustomObjective>): OptimizeSettings {
  if (o.similarity !== undefined && !(o.similarity >= 0 && o.similarity <= 1)) throw new ConstraintError(`--similarity must be from 0 to 1, not ${o.similarity}`);
  const constraints: ConstraintSpec = {
    similarity: o.similarity, keep: o.keep, windows: o.window.map(parseWindow), noPains: !o.allowPains, notInTraining: !o.allowTraining, notInWorkspace: true,
  };
  const objectives = o.objective.map((spec) => parseObjective(spec, customs));
  return {
    objectives, constraints, method: o.method ?? defaultMethod(objectives), budget: o.budget, randomSeed: o.seed, pareto: o.pareto,
    cmaes: o.sigma !== undefined ? { sigma: o.sigma } : undefined, gradient: o.stepSize !== undefined ? { stepSize: o.stepSize } : undefined,
  };
}

async function runOptimize(smiles: string | undefined, o: OptimizeOptions, columns: Record<string, LabelledMolecule[]>): Promise<number> {
  let inputs: string[];
  try {
    inputs = o.input ? readMoleculeFile(o.input).map((m) => m.smiles) : [smiles!];
  } catch (err) {
    say('optimize', (err as Error).message);
    return EXIT_NOTHING;
  }
  const ws = o.workspace?.trim() ? resolve(o.workspace) : null;
  if (ws && !existsSync(ws)) {
    say('optimize', `there is no workspace ${o.workspace}`);
    return EXIT_NOTHING;
  }
  const db = ws ? openWorkspace(ws) : null;
  const model = await ModelService.open(resolveModelRef(o.model));
  let inverter: Inverter | null = null;
  const results: OptimizeResult[] = [];
  let s: OptimizeSettings;
  try {
    // surrogates of the --train columns the objectives name, fitted once; their R² said before the search
    const customs: Record<string, CustomObjective> = {};
    for (const spec of o.objective) {
      const name = spec.split(':')[0].trim();
      if (!columns[name] || customs[name]) continue;
      const f = await surrogateObjective(model, name, columns[name], o.surrogateFeatures, o.seed);
      customs[name] = f.custom;
      const sg = f.surrogate;
      say('optimize', `surrogate of ${name}: ridge on ${sg.features} of ${sg.molecules} molecules (alpha ${sg.alpha}), ${sg.folds}-fold cross-validated R² ${sg.cvR2.toFixed(3)}${f.skipped ? `; ${f.skipped} left out` : ''}`);
      if (sg.warning) say('optimize', `warning: ${sg.warning}`);
    }
    // taste (the star ratings of the workspace's candidates) and user:<column> (a collection's measured column)
    const learned = surrogateNames(o.objective);
    if (learned.length) {
      if (!db) {
        say('optimize', `${learned.join(', ')} ${learned.length === 1 ? 'is' : 'are'} learned from a workspace: give -w WORKSPACE`);
        return EXIT_NOTHING;
      }
      const workspace = new WorkspaceSurrogates(db, { collectionId: o.surrogateCollection, features: o.surrogateFeatures, seed: o.seed, model: async () => model });
      for (const f of await workspace.preview(learned)) {
        if (f.problem) {
          say('optimize', f.problem);
          return EXIT_NOTHING;
        }
        say('optimize', `surrogate of ${f.label}: ridge on ${f.features} of ${f.molecules}${f.molecules < f.available ? ` (a seeded sample of ${f.available})` : ''} molecules, 5-fold cross-validated R² ${f.cvR2!.toFixed(3)}`);
        if (f.warning) say('optimize', `warning: ${f.warning}`);
      }
      Object.assign(customs, workspace.customs);
    }
    s = settingsOf(o, customs); // checked with placeholder surrogates before the model loaded
    // each start held exactly (inversion), so the search starts at the molecule given, not at its mean's decode
    inverter = new Inverter(model);
    const env = { model, inWorkspace: db ? workspaceLookup(db) : null, inverter };
    for (let i = 0; i < inputs.length; i++) {
      const r = await optimizeOne(env, inputs[i], s, i);
      results.push(r);
      if (inputs.length > 1) say('optimize', `${i + 1}/${inputs.length} ${r.input}: ${r.problem ?? (r.results.length ? `${r.results[0].smiles} (improvement ${r.improvements[0]?.toFixed(3)})` : 'nothing met every constraint')}`);
    }
  } catch (err) {
    if (err instanceof GradientUnavailable) {
      say('optimize', err.message);
      return EXIT_NOTHING;
    }
    if (err instanceof Error && /a surrogate needs at least/.test(err.message)) {
      say('optimize', err.message);
      return EXIT_NOTHING;
    }
    throw err;
  } finally {
    await inverter?.close();
    await model.close();
    db?.close();
  }
  const csv = optimizeCsv(results, s, model, { top: o.input ? 1 : o.top });
  if (o.out) writeOutput(o.out, csv);
  else process.stdout.write(csv);
  const found = results.filter((r) => r.results.length > 0).length;
  const decodes = results.reduce((a, r) => a + r.decodes, 0);
  say('optimize', `${found} of ${results.length} start molecule${results.length === 1 ? '' : 's'} improved under the constraints; ${decodes} decodes${o.out ? `; written to ${o.out}` : ''}`);
  return found ? EXIT_OK : EXIT_NOTHING;
}
