/**
 * The run folder: the contract between stages, the viewer, exports and batch runs (DESIGN.md; file names, bands,
 * feature kinds and the manifest types in engine/run/contract.ts, typed readers in engine/run/read.ts).
 * Writes are transactional: a new run is built under a temporary name and renamed when complete; a stage added to
 * an existing run stages its files in a hidden folder and moves them in, manifest last. A crash never leaves a
 * folder whose manifest claims a stage that is not fully written.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { FILES, type InputRecord, type Manifest, type StageKey, type StageSummaries } from '../run/contract.js';

export type { InputRecord, Manifest } from '../run/contract.js';

export const MANIFEST = FILES.manifest;

export async function readManifest(dir: string): Promise<Manifest> {
  const p = join(dir, MANIFEST);
  let text: string;
  try {
    text = await readFile(p, 'utf8');
  } catch {
    throw new InputError('run-missing', 'not a heatplan run folder (no manifest.json)', {
      file: dir,
      hint: 'run `heatplan demand ... --out DIR` first, or check the path',
    });
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (e) {
    throw new InputError('run-bad-manifest', `manifest.json is not valid JSON: ${(e as Error).message}`, { file: p });
  }
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function describeInputs(paths: string[], role: string): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const f of (await readdir(p)).sort()) {
        const fp = join(p, f);
        if ((await stat(fp)).isFile()) out.push({ path: resolve(fp), bytes: (await stat(fp)).size, sha256: await sha256File(fp), role });
      }
    } else out.push({ path: resolve(p), bytes: s.size, sha256: await sha256File(p), role });
  }
  return out;
}

/** A run being written. Write files to `path(name)`, set summaries, then `commit()`; `abort()` on failure. */
export class RunTransaction {
  private committed = false;
  private readonly written = new Set<string>();

  private constructor(
    /** Final folder of the run. */
    readonly dir: string,
    /** Where files are written until commit. */
    readonly stagingDir: string,
    readonly manifest: Manifest,
    private readonly isNew: boolean,
  ) {}

  /** Start a new run folder at `dir`. An existing run there is replaced on commit (never before). */
  static async create(dir: string): Promise<RunTransaction> {
    const abs = resolve(dir);
    if (existsSync(abs) && !existsSync(join(abs, MANIFEST)) && (await readdir(abs)).length > 0) {
      throw new UsageError('run-not-empty', 'output folder exists, is not empty and is not a heatplan run; refusing to replace it', {
        file: abs,
        hint: 'choose another --out',
      });
    }
    await mkdir(dirname(abs), { recursive: true });
    const staging = `${abs}.heatplan-tmp-${process.pid}-${Date.now()}`;
    await mkdir(staging, { recursive: true });
    const now = new Date().toISOString();
    return new RunTransaction(abs, staging, { heatplan: { version: VERSION }, created: now, updated: now, inputs: [], stages: [] }, true);
  }

  /** Add a stage to an existing run folder. */
  static async open(dir: string): Promise<RunTransaction> {
    const abs = resolve(dir);
    const manifest = await readManifest(abs);
    // leftovers of crashed stage writes are never part of the run
    for (const f of await readdir(abs)) if (f.startsWith('.heatplan-tmp-')) await rm(join(abs, f), { recursive: true, force: true });
    const staging = join(abs, `.heatplan-tmp-${process.pid}-${Date.now()}`);
    await mkdir(staging, { recursive: true });
    return new RunTransaction(abs, staging, manifest, false);
  }

  /** Path to write output file `name` to (in the staging folder). */
  path(name: string): string {
    if (name.includes('/') || name.includes('\\') || name === MANIFEST) throw new Error(`invalid run file name ${name}`);
    this.written.add(name);
    return join(this.stagingDir, name);
  }

  /** Record a completed stage's summary under manifest[stage] (types: engine/run/contract.ts StageSummaries). */
  setStage<K extends StageKey>(stage: K, summary: StageSummaries[K]): void;
  /**
   * @deprecated An untyped summary: for writers not yet switched to the contract's summary types (engine/batch/tiles.ts
   * builds manifest.demand as a plain record). Use the typed overload.
   */
  setStage(stage: string, summary: unknown): void;
  setStage(stage: string, summary: unknown): void {
    (this.manifest as unknown as Record<string, unknown>)[stage] = summary;
    if (!this.manifest.stages.includes(stage)) this.manifest.stages.push(stage);
  }

  addInputs(records: InputRecord[]): void {
    const seen = new Set(this.manifest.inputs.map((r) => `${r.role}:${r.path}`));
    for (const r of records) if (!seen.has(`${r.role}:${r.path}`)) this.manifest.inputs.push(r);
  }

  async commit(): Promise<void> {
    if (this.committed) return;
    this.manifest.updated = new Date().toISOString();
    await writeFile(join(this.stagingDir, MANIFEST), JSON.stringify(this.manifest, null, 2) + '\n');
    if (this.isNew) {
      if (existsSync(this.dir)) {
        const old = `${this.dir}.heatplan-old-${process.pid}-${Date.now()}`;
        await rename(this.dir, old);
        await rename(this.stagingDir, this.dir);
        await rm(old, { recursive: true, force: true });
      } else await rename(this.stagingDir, this.dir);
    } else {
      for (const name of this.written) {
        const src = join(this.stagingDir, name);
        if (existsSync(src)) await rename(src, join(this.dir, name));
      }
      // the manifest last: until it is in place, the run does not claim the new stage
      await rename(join(this.stagingDir, MANIFEST), join(this.dir, MANIFEST));
      await rm(this.stagingDir, { recursive: true, force: true });
    }
    this.committed = true;
  }

  async abort(): Promise<void> {
    if (this.committed) return;
    await rm(this.stagingDir, { recursive: true, force: true });
  }
}

/** Run `fn` in a transaction; abort (removing everything written) if it throws. */
export async function withRun<T>(tx: RunTransaction, fn: (tx: RunTransaction) => Promise<T>): Promise<T> {
  try {
    const r = await fn(tx);
    await tx.commit();
    return r;
  } catch (e) {
    await tx.abort();
    throw e;
  }
}

export const runName = (dir: string): string => basename(resolve(dir));
