// molscape: the command line. One commander program; each command lives in commands/ and returns its exit
// code. Usage errors (unknown option, missing argument) exit with 2, after commander has said what is wrong.
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { importCommand } from './commands/import.ts';
import { exportCommand } from './commands/export.ts';
import { joinCommand } from './commands/join.ts';
import { propsCommand } from './commands/props.ts';
import { searchCommand } from './commands/search.ts';
import { shortlistCommand } from './commands/shortlist.ts';
import { decodeCommand } from './commands/decode.ts';
import { doctorCommand } from './commands/doctor.ts';
import { encodeCommand } from './commands/encode.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { reconstructCommand } from './commands/reconstruct.ts';
import { sampleCommand } from './commands/sample.ts';
import { trainCommand } from './commands/train.ts';
import { modelsCommand } from './commands/models.ts';
import { interpolateCommand } from './commands/interpolate.ts';
import { neighboursCommand } from './commands/neighbours.ts';
import { optimizeCommand } from './commands/optimize.ts';
import { walkCommand } from './commands/walk.ts';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

export function program(setExit: (code: number) => void): Command {
  const p = new Command('molscape')
    .description('Molscape from the command line: import molecule files into a workspace.')
    .version(pkg.version)
    .showHelpAfterError('(run molscape --help for usage)')
    .exitOverride();
  // addCommand does not pass settings down: the subcommand must also throw (not exit) on usage errors
  for (const c of [importCommand(setExit), encodeCommand(setExit), decodeCommand(setExit), sampleCommand(setExit), reconstructCommand(setExit), evaluateCommand(setExit), doctorCommand(setExit), trainCommand(setExit), modelsCommand(setExit)]) p.addCommand(c.copyInheritedSettings(p));
  for (const c of [propsCommand(setExit), searchCommand(setExit), shortlistCommand(setExit), exportCommand(setExit), joinCommand(setExit)]) p.addCommand(c.copyInheritedSettings(p));
  for (const c of [walkCommand(setExit), interpolateCommand(setExit), neighboursCommand(setExit), optimizeCommand(setExit)]) p.addCommand(c.copyInheritedSettings(p));
  return p;
}

/** Runs the CLI on process.argv-style arguments; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  try {
    await program((c) => (code = c)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version come through here too, with exit code 0
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`molscape: ${(err as Error).message}\n`);
    return 1;
  }
  return code;
}
