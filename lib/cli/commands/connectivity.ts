import type { Command } from 'commander';
import { readManifestFiles } from '../../adapters/manifests/readManifestFiles.js';
import { DiagnosticList } from '../../core/diagnostics.js';
import { CLOUD_FILE_NAME } from '../../core/evidence/buildSnapshot.js';
import { analyzeObjects } from '../../core/netpol/analyze.js';
import { listConnections } from '../../core/netpol/connectivity.js';
import { CONNECTIVITY_FORMATS, formatConnections, type ConnectivityFormat } from '../../core/netpol/format/formatConnections.js';
import { EXIT } from '../exitCodes.js';
import { formatOption } from '../formatOption.js';
import { reportDiagnostics, type Io } from '../io.js';

export function registerConnectivity(program: Command, io: Io): void {
  program
    .command('connectivity')
    .description('list the connections that NetworkPolicies (and admin network policies) allow between workloads and external ranges')
    .argument('<path...>', 'manifest files or directories (*.yaml, *.yml, *.json, read recursively)')
    .addOption(formatOption(CONNECTIVITY_FORMATS, 'txt'))
    .action(async (paths: string[], opts: { format: ConnectivityFormat }) => {
      const diagnostics = new DiagnosticList();
      const objects = await readManifestFiles(paths, diagnostics, [CLOUD_FILE_NAME]);
      const analysis = diagnostics.hasFatal ? undefined : analyzeObjects(objects, diagnostics);
      const connections = analysis ? listConnections(analysis.reachability, diagnostics) : [];
      reportDiagnostics(diagnostics, io);
      if (!analysis) {
        io.exitCode(EXIT.inputError);
        return;
      }
      io.stdout(formatConnections(connections, opts.format));
    });
}
