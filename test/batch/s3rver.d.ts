// s3rver (the S3-compatible test server, a devDependency) ships no types: the part the tests use
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string; configs?: string[] }[];
    resetOnClose?: boolean;
  }
  export default class S3rver {
    constructor(o: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
