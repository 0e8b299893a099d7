/** The `kubeseg` command line. Commands are registered here and live in ./commands. */
import { Command, CommanderError } from 'commander';
import { registerCollect } from './commands/collect.js';
import { registerConnectivity } from './commands/connectivity.js';
import { registerDemo } from './commands/demo.js';
import { registerGrantAccess } from './commands/grantAccess.js';
import { registerReport } from './commands/report.js';
import { registerScan } from './commands/scan.js';
import { registerServe } from './commands/serve.js';
import { EXIT } from './exitCodes.js';
import { endQuietlyWhenOutputCloses, processIo, type Io } from './io.js';
import { VERSION } from '../core/version.js';

export function buildProgram(io: Io, isTty = false): Command {
  const program = new Command('kubeseg')
    .description('How well network segmentation protects Kubernetes clusters against the Discovery and Lateral-Movement techniques of the Threat Matrix for Kubernetes.')
    .version(VERSION)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();
  registerConnectivity(program, io);
  registerScan(program, io, isTty);
  registerCollect(program, io);
  registerReport(program, io, isTty);
  registerDemo(program, io, isTty);
  registerGrantAccess(program, io);
  registerServe(program, io);
  program.addHelpText('after', () => `\nUsage of every command:\n${program.commands.map((c) => `  kubeseg ${c.name()} ${c.usage()}\n${c.options.map((o) => `      ${o.flags.padEnd(24)} ${o.description}${o.argChoices ? ` (${o.argChoices.join('|')})` : ''}`).join('\n')}`).join('\n')}\n\nExit codes: 0 done; 1 score below --fail-below; 2 usage or input error; 3 partial.\n`);
  return program;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<void> {
  if (io === processIo) endQuietlyWhenOutputCloses();
  const program = buildProgram(io, io === processIo && process.stdout.isTTY === true && !process.env.NO_COLOR);
  try {
    refuseUnknownCommand(program, argv);
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      io.exitCode(err.exitCode === 0 ? EXIT.ok : EXIT.inputError);
      return;
    }
    io.stderr(`${internalErrorMessage(err, process.env.KUBESEG_DEBUG === '1')}\n`);
    io.exitCode(EXIT.inputError);
  }
}

/**
 * Commander shows the root help for `kubeseg bogus --help` (and exits 0): the first operand names
 * the command, and an unknown one is a usage error whatever follows it. No root option takes a
 * value, so the first argument that is not an option is that operand.
 */
function refuseUnknownCommand(program: Command, argv: readonly string[]): void {
  const name = argv.find((a) => !a.startsWith('-'));
  if (name === undefined || name === 'help' || program.commands.some((c) => c.name() === name || c.aliases().includes(name))) return;
  program.error(`error: unknown command '${name}'`, { code: 'commander.unknownCommand', exitCode: EXIT.inputError });
}

/** A bug, not an input problem: one line, with the stack only when KUBESEG_DEBUG=1. */
export function internalErrorMessage(err: unknown, debug: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  if (debug && err instanceof Error && err.stack) return `error: internal error: ${err.stack}`;
  return `error: internal error: ${message.split('\n')[0]} (please report)`;
}
