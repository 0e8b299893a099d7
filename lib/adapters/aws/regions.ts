/** An account's enabled regions, for a configuration that names none. */
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Call } from './pages.js';

/** Regions enabled in the account (opt-in regions only once opted in), sorted. */
export async function enabledRegions(ec2: EC2Client, call: Call): Promise<string[]> {
  const out = await call(() => ec2.send(new DescribeRegionsCommand({
    AllRegions: false,
    Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required', 'opted-in'] }],
  })));
  return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}
