/**
 * Run folders in an S3-compatible object store (AWS SDK v3, @aws-sdk/client-s3), transactional without relying on the
 * server's conditional writes (which many S3-compatible servers lack):
 *
 *   PREFIX/<area>/commits/<commit>/manifest.json, demand.tif, ...   one complete run folder per commit, written once
 *   PREFIX/<area>/HEAD.json                                         the area's current run: a CommitRecord
 *   PREFIX/.heatplan/runs/<run>/<area>.json                         a batch run's working commit of the area
 *   PREFIX/.heatplan/tiles/<run>/<area>/<plan>/tile-<i>-<j>-<delivery>.*   tile outputs, per delivery (json last)
 *   PREFIX/summary.csv, summary.geojson, batch.json                 the batch's tables
 *
 * A stage job works on a local copy (checkout of its base commit), uploads the result as a new commit under a key of
 * its own (files unchanged since the base are copied on the server), and only then claims the stage (a Redis HSETNX,
 * engine/batch/queue-worker.ts): the winner writes the refs; a loser deletes its own commit. So a job's outputs appear
 * complete (a ref names a commit whose every object was written) or not at all, and a retried or duplicated job never
 * overwrites an object another job wrote. A single PUT is atomic in S3, so a ref is read old or new, never half.
 * Paths of the local copy in text files are written as the area's store URL (s3://bucket/prefix/<area>) and put back
 * to the local path on checkout.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { HeatplanError } from '../errors.js';
import { rewritePaths, sha256File } from '../io/run-folder.js';
import { maskStoreSecrets, type StoreCredentials, type StoreRef } from './store-target.js';

/** The store cannot be reached or refuses us (exit code 1, like the queue's). */
export class StoreError extends HeatplanError {}

/** One commit of an area's run folder. */
export interface CommitRecord {
  commit: string;
  area: string;
  /** The batch run and stage that made it. */
  run: string;
  stage: string;
  /** manifest.stages of the run folder. */
  stages: string[];
  files: { name: string; bytes: number; sha256: string }[];
  committed: string;
  /** 'swap': the area had a run before this batch run, HEAD moves only when the area's last stage is done; 'direct':
   * it had none, every stage moves HEAD (as a local batch writes stage by stage into a new area's folder). */
  mode: 'swap' | 'direct';
}

// the SDK's warning that its releases after January 2027 need Node 22 goes to stderr of every worker; heatplan's
// README says so once instead
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Objects up to this many at once (uploads, downloads, copies). */
const PARALLEL = 4;

export class S3Store {
  readonly ref: StoreRef;
  private readonly client: S3Client;
  private readonly creds?: StoreCredentials;

  constructor(ref: StoreRef, credentials?: StoreCredentials, o: { timeoutMs?: number; attempts?: number } = {}) {
    this.ref = ref;
    this.creds = credentials;
    this.client = new S3Client({
      region: ref.region,
      ...(ref.endpoint ? { endpoint: ref.endpoint } : {}),
      forcePathStyle: ref.forcePathStyle,
      ...(credentials ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken } } : {}),
      // checksums only where the API requires them: S3-compatible servers reject the SDK's newer default trailers
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: o.attempts ?? 3,
      requestHandler: { connectionTimeout: o.timeoutMs ?? 10_000, requestTimeout: Math.max(60_000, o.timeoutMs ?? 0) },
    });
  }

  /** Where the store is, as shown (no secret). */
  get shown(): string {
    return `${this.ref.url}${this.ref.endpoint ? ` at ${this.ref.endpoint}` : ''}`;
  }

  key(...parts: string[]): string {
    return [this.ref.prefix, ...parts].filter((p) => p !== '').join('/');
  }

  /** The store URL of an area's run folder (what local paths become in its text files). */
  areaUrl(area: string): string {
    return `${this.ref.url}/${area}`;
  }

  close(): void {
    this.client.destroy();
  }

  /** A plain-words StoreError for an SDK or network error (the secret never in it). */
  fail(e: unknown, what: string): StoreError {
    return new StoreError('store-failed', maskStoreSecrets(describeS3Error(e, this.ref, this.creds, what), { credentials: this.creds }));
  }

  private async send<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw this.fail(e, what);
    }
  }

  /** The bucket answers with these credentials (one request, bounded by the connection timeout). */
  async check(): Promise<void> {
    await this.send(`reach bucket ${this.ref.bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: this.ref.bucket })));
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.ref.bucket, Key: key }));
      return await r.Body!.transformToString('utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw this.fail(e, `read ${key}`);
    }
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    const s = await this.getText(key);
    if (s === undefined) return undefined;
    try {
      return JSON.parse(s) as T;
    } catch {
      throw new StoreError('store-damaged', `${this.ref.url.replace(/\/[^/]*$/, '')}: object ${key} is not JSON (damaged?)`, { file: `s3://${this.ref.bucket}/${key}` });
    }
  }

  async putText(key: string, text: string, contentType = 'application/json'): Promise<void> {
    await this.send(`write ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.ref.bucket, Key: key, Body: text, ContentType: contentType })));
  }

  async putFile(key: string, path: string): Promise<void> {
    const { size } = await stat(path);
    await this.send(`upload ${key}`, () => this.client.send(new PutObjectCommand({ Bucket: this.ref.bucket, Key: key, Body: createReadStream(path), ContentLength: size })));
  }

  async getFile(key: string, path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await this.send(`download ${key}`, async () => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.ref.bucket, Key: key }));
      await pipeline(r.Body as Readable, createWriteStream(path));
    });
  }

  async exists(key: string): Promise<boolean> {
    return (await this.list(key)).some((o) => o.key === key);
  }

  async copy(from: string, to: string): Promise<void> {
    const source = `${this.ref.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    await this.send(`copy ${from}`, () => this.client.send(new CopyObjectCommand({ Bucket: this.ref.bucket, Key: to, CopySource: source })));
  }

  async list(prefix: string): Promise<{ key: string; bytes: number }[]> {
    const out: { key: string; bytes: number }[] = [];
    let token: string | undefined;
    do {
      const r = await this.send(`list ${prefix}`, () => this.client.send(new ListObjectsV2Command({ Bucket: this.ref.bucket, Prefix: prefix, ContinuationToken: token })));
      for (const o of r.Contents ?? []) if (o.Key) out.push({ key: o.Key, bytes: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /**
   * Delete every object under `prefix` (a folder: end it with /). One DeleteObject per key: the multi-object delete
   * needs a Content-MD5 that the SDK replaced by its own checksums, which S3-compatible servers do not all take; one
   * at a time: servers on a file system (s3rver) remove emptied folders and trip over parallel deletes in one folder.
   * Cleanup only, never on a job's way to its commit.
   */
  async deletePrefix(prefix: string): Promise<number> {
    const keys = (await this.list(prefix)).map((o) => o.key);
    for (const Key of keys) await this.send(`delete ${Key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.ref.bucket, Key })));
    return keys.length;
  }

  // ---- run folders --------------------------------------------------------------------------------------------

  headKey = (area: string): string => this.key(area, 'HEAD.json');
  runRefKey = (run: string, area: string): string => this.key('.heatplan', 'runs', run, `${area}.json`);
  commitPrefix = (area: string, commit: string): string => this.key(area, 'commits', commit) + '/';
  tilePrefix = (run: string, area: string, plan: string): string => this.key('.heatplan', 'tiles', run, area, plan) + '/';

  head(area: string): Promise<CommitRecord | undefined> {
    return this.getJson<CommitRecord>(this.headKey(area));
  }

  runRef(run: string, area: string): Promise<CommitRecord | undefined> {
    return this.getJson<CommitRecord>(this.runRefKey(run, area));
  }

  async writeRef(key: string, rec: CommitRecord): Promise<void> {
    await this.putText(key, JSON.stringify(rec, null, 2) + '\n');
  }

  /** Download commit `rec` into `dir` (created), its text files naming `dir` where they named the area's store URL. */
  async checkout(rec: CommitRecord, dir: string, only?: (name: string) => boolean): Promise<void> {
    await mkdir(dir, { recursive: true });
    const base = this.commitPrefix(rec.area, rec.commit);
    await inParallel(rec.files.filter((f) => !only || only(f.name)), (f) => this.getFile(base + f.name, join(dir, ...f.name.split('/'))));
    await rewritePaths(dir, this.areaUrl(rec.area), dir);
  }

  /**
   * Upload the run folder `dir` of `area` as commit `commit` (manifest.json last); files equal to the base commit's
   * are copied on the server. `dir`'s text files are rewritten to name the area's store URL first.
   */
  async upload(o: { area: string; run: string; stage: string; commit: string; dir: string; base?: CommitRecord; mode: CommitRecord['mode'] }): Promise<CommitRecord> {
    await rewritePaths(o.dir, o.dir, this.areaUrl(o.area));
    const names = (await walk(o.dir)).sort();
    const files: CommitRecord['files'] = [];
    for (const name of names) {
      const p = join(o.dir, ...name.split('/'));
      files.push({ name, bytes: (await stat(p)).size, sha256: await sha256File(p) });
    }
    const prefix = this.commitPrefix(o.area, o.commit);
    const old = new Map((o.base?.files ?? []).map((f) => [f.name, f]));
    const basePrefix = o.base ? this.commitPrefix(o.base.area, o.base.commit) : '';
    const put = (f: CommitRecord['files'][number]) => {
      const b = old.get(f.name);
      return b && b.sha256 === f.sha256 && b.bytes === f.bytes ? this.copy(basePrefix + f.name, prefix + f.name) : this.putFile(prefix + f.name, join(o.dir, ...f.name.split('/')));
    };
    await inParallel(files.filter((f) => f.name !== 'manifest.json'), put);
    const manifest = files.find((f) => f.name === 'manifest.json');
    if (manifest) await put(manifest);
    let stages: string[] = [];
    if (manifest) {
      try {
        stages = JSON.parse(await readFile(join(o.dir, 'manifest.json'), 'utf8')).stages ?? [];
      } catch {
        stages = [];
      }
    }
    return { commit: o.commit, area: o.area, run: o.run, stage: o.stage, stages, files, committed: new Date().toISOString(), mode: o.mode };
  }

  /** Remove every commit of `area` that its HEAD does not name (superseded runs, failed remakes, lost duplicates). */
  async pruneCommits(area: string): Promise<void> {
    const head = await this.head(area);
    const base = this.key(area, 'commits') + '/';
    const ids = new Set((await this.list(base)).map((o) => o.key.slice(base.length).split('/')[0]!));
    for (const id of ids) if (id !== head?.commit) await this.discard(area, id);
  }

  /** Remove a commit nobody references (a duplicate delivery's, or one a crash left before its claim). */
  async discard(area: string, commit: string): Promise<void> {
    await this.deletePrefix(this.commitPrefix(area, commit));
  }
}

/** Relative names (with /) of every file under `dir`. */
async function walk(dir: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}


async function inParallel<T>(items: T[], f: (x: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await f(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || (err?.$metadata?.httpStatusCode === 404 && err?.name !== 'NoSuchBucket');
}

/** What an S3 client error means, in plain words, naming the endpoint and bucket. */
export function describeS3Error(e: unknown, ref: StoreRef, creds: StoreCredentials | undefined, what: string): string {
  const err = e as NodeJS.ErrnoException & { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const where = `${ref.url} (${ref.endpoint ?? 'AWS S3'})`;
  const status = err?.$metadata?.httpStatusCode;
  const from = creds ? ` (from ${creds.from})` : ' (from the environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)';
  const name = err?.name ?? '';
  const code = err?.code ?? (err as { cause?: { code?: string } })?.cause?.code ?? '';
  const msg = String(err?.message ?? e).split('\n')[0]!;
  if (name === 'NoSuchBucket' || (status === 404 && /bucket/i.test(what))) return `the store ${where}: bucket ${ref.bucket} does not exist (create it first)`;
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken', 'ExpiredToken'].includes(name) || status === 403) {
    // a refused HEAD request has no body: the SDK names it by its status only
    const why = name && name !== 'Unknown' && !/^\d+$/.test(name) ? name : `HTTP ${status} (forbidden: a wrong key, or no permission on the bucket)`;
    return `the store ${where} refused the credentials${from}: ${why}${name === 'AccessDenied' ? ' (no permission on the bucket?)' : ''}`;
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(msg)) {
    return `no credentials for the store ${where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --store-credentials-file`;
  }
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) return `cannot reach the store ${where}: connection refused (is the server running there, on that port?)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) return `cannot reach the store ${where}: unknown host`;
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) return `cannot reach the store ${where}: no answer while trying to ${what} (${name ? `${name}: ` : ''}${msg})`;
  return `the store ${where}: cannot ${what}: ${name ? `${name}: ` : ''}${msg}`;
}
