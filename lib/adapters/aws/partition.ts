/** AWS partitions by region name, so ARNs and global endpoints work outside the commercial partition. */

/** The partition of a region: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** Where the partition's global Organizations endpoint lives; elsewhere, the hub region itself. */
export function organizationsRegion(hubRegion: string): string {
  const home: Record<string, string> = { aws: 'us-east-1', 'aws-cn': 'cn-northwest-1', 'aws-us-gov': 'us-gov-west-1' };
  return home[partitionOf(hubRegion)] ?? hubRegion;
}

/** `arn:<partition>:iam::<account>:role/<name>`; the name may carry a path (`kubeseg/Reader`). */
export function roleArn(account: string, roleName: string, hubRegion: string): string {
  return `arn:${partitionOf(hubRegion)}:iam::${account}:role/${roleName}`;
}
