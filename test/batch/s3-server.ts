/**
 * A local S3-compatible server for the store tests: s3rver (npm, a devDependency) on a free loopback port, with a
 * bucket, its data in a temporary folder; s3rver checks the access key id (S3RVER) of every signed request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  directory: string;
  close(): Promise<void>;
}

export async function startS3(bucket = 'heatplan-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'heatplan-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
