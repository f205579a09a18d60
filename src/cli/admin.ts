import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config/load-config';
import { createLogger } from '../logging/create-logger';
import { createCliContext, describeFailure, EXIT, type CliContext } from './cli-context';
import { registerBackupCommands } from './commands/backup-commands';
import { registerCampaignCommands } from './commands/campaign-commands';
import { registerDeliveryCommands } from './commands/delivery-commands';
import { registerImportCommands } from './commands/import-commands';
import { registerOrgCommands } from './commands/org-commands';
import { registerPersonCommands } from './commands/person-commands';
import { registerRoleCommands } from './commands/role-commands';

/** Output streams and terminal detection, so tests can run the CLI in-process. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  interactive: boolean;
}

/** Runs `npm run admin -- <command> …` with `argv` (without node and script) and returns the exit code. */
export async function runAdmin(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  let exitCode: number = EXIT.ok;
  let context: CliContext | undefined;
  const getContext = (): CliContext => {
    if (!context) {
      // Read lazily so `--help` works even with a broken configuration.
      const config = loadConfig(env);
      // Logs go to stderr, and only warnings: the command's own output is for people and scripts.
      context = createCliContext(
        config,
        createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr),
        io,
      );
    }
    return context;
  };
  const run = async (work: (ctx: CliContext) => Promise<void>) => {
    try {
      await work(getContext());
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(error.message);
        exitCode = EXIT.invalidInput;
        return;
      }
      const failure = describeFailure(error);
      io.err(failure.message);
      exitCode = failure.code;
    }
  };

  const program = new Command('admin')
    .description(
      'Administer Access Recovery Bot: load organisations and checklists, launch campaigns, grant roles.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 1 unexpected failure; 2 invalid input or usage; 3 not found; 4 conflict or not allowed; 5 storage not answering.\nStorage: the same as the bot (STORAGE_CONNECTION_STRING, or the embedded Azurite in DATA_DIR).',
    );
  registerImportCommands(program, run);
  registerCampaignCommands(program, run);
  registerRoleCommands(program, run);
  registerOrgCommands(program, run);
  registerDeliveryCommands(program, run);
  registerPersonCommands(program, run);
  registerBackupCommands(program, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 1, which we make 2.
      exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    } else {
      io.err(describeFailure(error).message);
      exitCode = EXIT.failed;
    }
  } finally {
    await context?.close();
  }
  return exitCode;
}
