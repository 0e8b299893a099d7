import { Option, type Command } from 'commander';
import { DEFAULT_READER_GROUP } from '../../core/access/readerRole.js';
import type { Io } from '../io.js';

export interface GrantAccessFlags {
  cluster: string;
  region?: string;
  principal: string;
  group: string;
  dryRun?: boolean;
  profile?: string;
}

export function registerGrantAccess(program: Command, io: Io): void {
  program
    .command('grant-access')
    .description('let an IAM role read an EKS cluster as kubeseg needs: an EKS access entry in a Kubernetes group, and the read-only '
      + 'ClusterRole kubeseg-reader (nothing on Secrets) bound to that group; run it as an identity that administers the cluster')
    .addOption(new Option('--cluster <arn|name>', 'the EKS cluster: its ARN, or its name with --region').makeOptionMandatory())
    .addOption(new Option('--region <region>', 'the cluster\'s region when --cluster is a name (default: AWS_REGION)'))
    .addOption(new Option('--principal <role-arn>', 'the IAM role kubeseg collects as (arn:aws:iam::ACCOUNT:role/NAME)').makeOptionMandatory())
    .addOption(new Option('--group <group>', 'the Kubernetes group of the access entry and the binding').default(DEFAULT_READER_GROUP))
    .addOption(new Option('--dry-run', 'print the access entry call and the two objects, and change nothing (no AWS or Kubernetes request)'))
    .addOption(new Option('--profile <name>', 'the AWS profile to act as (default: the default credential chain)'))
    .action(async (opts: GrantAccessFlags) => {
      // Loaded on use: the AWS SDK and client-node are not needed by other commands, and --help stays quick.
      const { runGrantAccess } = await import('../grantAccess.js');
      await runGrantAccess(opts, io);
    });
}
