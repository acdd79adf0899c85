// molscape shortlist --workspace DB --collection NAME --n 20 [--seed S] [--weight KEY:max|min]
// [--substructure QUERY [--smiles]] [--list NAME]: pick N diverse molecules of a collection (MaxMin on Morgan
// fingerprints, seeded: the same seed, the same list), optionally among those containing a substructure and
// leaning toward a property, kept as a candidate list in the workspace (candidates.shortlist, as the app's
// Shortlist… dialog does). The picks go to stdout as CSV (pick, name, smiles); the summary to stderr.
import { Command, Option } from 'commander';
import { csvCell } from '../../../main/files/writers.ts';
import { EXIT_NOTHING, EXIT_OK, EXIT_USAGE } from '../exit-codes.ts';
import { printable } from '../terminal-text.ts';
import { CliError, collectionOption, withCollection, workspaceOption } from './workspace-collection.ts';

interface ShortlistOptions {
  n: number;
  seed: number;
  weight?: string;
  substructure?: string;
  smiles?: boolean;
  list?: string;
  workspace?: string;
  collection?: string;
}

const whole = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`not a whole number of at least ${min}: ${value}`);
  return n;
};

export function shortlistCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('shortlist');
  return cmd
    .description('Pick N diverse molecules of a collection (MaxMin on Morgan fingerprints, seeded) into a candidate list.')
    .addOption(new Option('-n, --n <count>', 'how many to pick').default(20).argParser(whole(1)))
    .addOption(new Option('--seed <seed>', 'random seed of the first pick').default(0).argParser(whole(0)))
    .option('--weight <key:max|min>', "lean toward a property while keeping the spread, e.g. qed:max or 'user:pIC50:max'")
    .option('-s, --substructure <query>', 'pick among the molecules containing this substructure (SMARTS unless --smiles)')
    .option('--smiles', 'read the substructure as SMILES')
    .option('--list <name>', 'name of the candidate list (default: "<collection> — diverse N")')
    .addOption(workspaceOption())
    .addOption(collectionOption())
    .action(async (opts: ShortlistOptions) => {
      let weightBy: { key: string; direction: 'max' | 'min' } | undefined;
      if (opts.weight) {
        const m = /^(.+):(max|min)$/.exec(opts.weight);
        if (!m) cmd.error(`error: --weight takes KEY:max or KEY:min, not ${opts.weight}`, { exitCode: EXIT_USAGE });
        weightBy = { key: m![1], direction: m![2] as 'max' | 'min' };
      }
      if (opts.smiles && !opts.substructure) cmd.error('error: --smiles says how to read --substructure: give one', { exitCode: EXIT_USAGE });
      try {
        setExit(
          await withCollection(opts.workspace, opts.collection, async (core, c) => {
            const filter = opts.substructure ? { ranges: [], substructure: opts.substructure, mode: opts.smiles ? ('smiles' as const) : ('smarts' as const) } : undefined;
            const r = await core.handlers['candidates.shortlist']({
              collectionId: c.id,
              count: opts.n,
              randomSeed: opts.seed,
              filter,
              weightBy,
              listName: opts.list ?? `${c.name} — diverse ${opts.n}`,
            });
            const { rows } = await core.handlers['collections.molecules']({ collectionId: r.list.id, offset: 0, limit: 2000 });
            let text = 'pick,name,smiles\n';
            rows.forEach((row, i) => (text += `${[i + 1, row.name, row.smiles].map((v) => csvCell(v)).join(',')}\n`));
            process.stdout.write(text);
            process.stderr.write(
              `kept ${r.picked} of ${r.pool} molecules in the candidate list "${printable(r.list.name)}" (id ${r.list.id}); mean pairwise Tanimoto ${r.meanTanimoto.toFixed(3)}\n`,
            );
            return r.picked ? EXIT_OK : EXIT_NOTHING;
          }),
        );
      } catch (err) {
        if (!(err instanceof CliError) && !(err as { status?: number }).status) throw err;
        process.stderr.write(`molscape shortlist: ${(err as Error).message}\n`);
        setExit(EXIT_NOTHING);
      }
    });
}
