import { Option, type Command } from 'commander';
import type { Io } from '../io.js';
import { integerIn, linkDaysOption } from '../numberOptions.js';

type ServeFlags = { port: number; out: string; config?: string; profile?: string; region?: string; smtp?: string; linkDays: number };

export function registerServe(program: Command, io: Io): void {
  program
    .command('serve')
    .description('run the on-demand API on 127.0.0.1 (POST /reports, GET /reports/<id>, GET /reports/<id>/<html|pdf|json|csv>) with a bearer token, '
      + 'storing runs in ./reports: the demo fleet, or the AWS fleet of --config; stops on Ctrl-C')
    .addOption(new Option('--port <n>', 'the port on 127.0.0.1; 0 for any free one').default(8080).argParser(integerIn(0, 65535)))
    .addOption(new Option('--out <dir>', 'where runs are stored, and where outbox/ goes').default('reports'))
    .addOption(new Option('--config <file>', 'a fleet file: serve its AWS fleet instead of the demo fleet'))
    .addOption(new Option('--profile <name>', 'with --config: the AWS profile to start from'))
    .addOption(new Option('--region <region>', 'with --config: the region of the starting identity'))
    .addOption(new Option('--smtp <url>', 'send run emails through this SMTP server; default: .eml files in <out>/outbox/').env('KUBESEG_SMTP_URL'))
    .addOption(linkDaysOption())
    .action(async (opts: ServeFlags) => {
      // Loaded on use: the AWS SDK and the techniques are not needed by other commands, and --help stays quick.
      const { startServe } = await import('../serve.js');
      const token = process.env.KUBESEG_SERVE_TOKEN;
      const serving = await startServe({
        port: opts.port, out: opts.out, linkDays: opts.linkDays,
        ...(token !== undefined && token !== '' && { token }),
        ...(opts.config !== undefined && { config: opts.config }),
        ...(opts.profile !== undefined && { profile: opts.profile }),
        ...(opts.region !== undefined && { region: opts.region }),
        ...(opts.smtp !== undefined && { smtp: opts.smtp }),
      }, io);
      if (!serving) return;
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stderr('kubeseg serve: stopping; runs in progress are left as they are\n');
      await serving.close();
    });
}
