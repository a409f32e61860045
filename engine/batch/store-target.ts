/**
 * Where a queued batch keeps its run folders when they are not on a shared file system: an S3-compatible object store
 * named `s3://BUCKET/PREFIX` (`--store`), with its endpoint (`--store-endpoint`, else HEATPLAN_STORE_ENDPOINT, else
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS S3 itself), region and credentials. Credentials come from
 * `--store-credentials-file` (the AWS shared-credentials format: `[default]`, `aws_access_key_id`,
 * `aws_secret_access_key`, optional `aws_session_token`; the section of AWS_PROFILE if set) or else from the AWS
 * SDK's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, ...). The secret key is never
 * printed and never put in a job: each worker finds its own credentials; the job carries only `StoreRef`.
 * No SDK import here: the CLI parses a store without loading the client.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** What a job carries about the store (nothing secret). */
export interface StoreRef {
  kind: 's3';
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket's root). */
  prefix: string;
  /** The store as shown: s3://bucket/prefix. */
  url: string;
  /** http(s) endpoint of an S3-compatible server; undefined: AWS S3. */
  endpoint?: string;
  region: string;
  /** Path-style addressing (endpoint/bucket/key): what S3-compatible servers expect; AWS takes both. */
  forcePathStyle: boolean;
}

export interface StoreCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Where they came from (for messages). */
  from: string;
}

export interface StoreTarget extends StoreRef {
  /** undefined: the AWS SDK's default chain (environment, shared files). */
  credentials?: StoreCredentials;
}

export interface StoreTargetOptions {
  url: string;
  endpoint?: string;
  region?: string;
  credentialsFile?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The S3 API's default region (AWS's "us-east-1"); S3-compatible servers mostly accept any. Not a heatplan number:
 * the region the SDK signs requests for when none is given.
 */
export const DEFAULT_REGION = 'us-east-1';

/** Parse `s3://bucket/prefix` and find endpoint, region and credentials. */
export function parseStoreTarget(o: StoreTargetOptions): StoreTarget {
  const env = o.env ?? process.env;
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(o.url);
  if (!m) throw new UsageError('store-url', 'the store must be an S3 URL such as s3://BUCKET/PREFIX', { value: o.url });
  const bucket = m[1]!;
  // S3 bucket names: 3-63 characters, lower-case letters, digits, dots and hyphens (AWS's bucket naming rules)
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UsageError('store-url', `"${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`, { value: o.url });
  }
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((p) => p === '..' || p === '.')) throw new UsageError('store-url', 'the store prefix may not hold . or .. segments', { value: o.url });
  const endpoint = o.endpoint ?? env.HEATPLAN_STORE_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) {
    let u: URL;
    try {
      u = new URL(endpoint);
    } catch {
      throw new UsageError('store-endpoint', 'the store endpoint must be a URL such as http://127.0.0.1:9000', { value: endpoint });
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('store-endpoint', 'the store endpoint must be http:// or https://', { value: endpoint });
    if (u.username || u.password) throw new UsageError('store-endpoint', 'the store endpoint may not hold credentials: give them in the environment or --store-credentials-file', { value: `${u.protocol}//***@${u.host}` });
  }
  const region = o.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const credentials = o.credentialsFile ? readCredentialsFile(o.credentialsFile, env.AWS_PROFILE ?? 'default') : undefined;
  const url = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  return { kind: 's3', bucket, prefix, url, endpoint, region, forcePathStyle: endpoint !== undefined, credentials };
}

/** The AWS shared-credentials format (INI): the keys of section `profile`. */
export function readCredentialsFile(file: string, profile: string): StoreCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError('store-credentials-file', `cannot read the store credentials file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  let section = '';
  const keys: Record<string, string> = {};
  let line = 0;
  for (const raw of text.split(/\r?\n/)) {
    line++;
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) continue;
    const s = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(l);
    if (s) {
      section = s[1]!;
      continue;
    }
    const kv = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(l);
    if (!kv) throw new UsageError('store-credentials-file', 'not a "key = value" line (the AWS shared-credentials format)', { file, record: `line ${line}` });
    if (section === profile || (section === '' && profile === 'default')) keys[kv[1]!.toLowerCase()] = kv[2]!.trim();
  }
  const id = keys.aws_access_key_id, secret = keys.aws_secret_access_key;
  if (!id || !secret) {
    throw new UsageError('store-credentials-file', `no aws_access_key_id and aws_secret_access_key in section [${profile}]`, { file, hint: 'the file looks like: [default] / aws_access_key_id = ... / aws_secret_access_key = ...' });
  }
  return { accessKeyId: id, secretAccessKey: secret, sessionToken: keys.aws_session_token, from: `the file ${file}` };
}

/** `text` with the store's secrets replaced by ***. */
export function maskStoreSecrets(text: string, t: { credentials?: StoreCredentials }): string {
  let s = text;
  for (const v of [t.credentials?.secretAccessKey, t.credentials?.sessionToken, process.env.AWS_SECRET_ACCESS_KEY, process.env.AWS_SESSION_TOKEN]) {
    if (v && v.length >= 4) s = s.split(v).join('***');
  }
  return s;
}

/** The store's non-secret part, as jobs carry it. */
export const storeRef = (t: StoreTarget): StoreRef => ({ kind: 's3', bucket: t.bucket, prefix: t.prefix, url: t.url, endpoint: t.endpoint, region: t.region, forcePathStyle: t.forcePathStyle });
