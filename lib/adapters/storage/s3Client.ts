/** The S3 client of the CLI (`--bucket`) and the functions: the default credential chain, or a profile. */
import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  readonly region: string;
  readonly profile?: string;
  /**
   * An S3-compatible endpoint instead of AWS's (a local test server): addressed by path, and with
   * checksums only where S3 requires them, since such servers store aws-chunked bodies verbatim.
   */
  readonly endpoint?: string;
}

export function s3Client(options: S3ClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.endpoint !== undefined && {
      endpoint: options.endpoint, forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
}
