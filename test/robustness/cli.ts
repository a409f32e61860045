/**
 * Helpers for the robustness tests of issue 17 (grid limit, coordinates, output errors, worker memory): the real
 * `heatplan` command (bin/heatplan.mjs) with a time limit, the checks every refusal must pass (non-zero exit that is
 * not 70, no stack trace), folder snapshots, and small tmpfs mounts for full-disk and read-only tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'heatplan.mjs');
export const DEMO = join(ROOT, 'datasets', 'demo');
export const WEATHER = join(ROOT, 'datasets', 'weather', '0868195.has');

export interface CliResult {
  /** Exit code; null when the command was killed at the time limit. */
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Run `heatplan ...args`, killed (SIGKILL) after `timeoutMs`. */
export function heatplan(args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** A refusal as issue 17 wants it: in time, a non-zero exit that is not 70 (internal error), one line, no stack. */
export function expectCleanRefusal(r: CliResult): void {
  expect(r.code, `killed at the time limit or exit 0; stderr:\n${r.stderr.slice(0, 2000)}`).not.toBeNull();
  expect(r.code, r.stderr.slice(0, 2000)).not.toBe(0);
  expect(r.code, r.stderr.slice(0, 2000)).not.toBe(70);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr, 'stack trace on stderr').not.toMatch(/\n\s+at .*:\d+:\d+/);
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `heatplan-${prefix}-`));

/** Every file under `dir` (relative path -> sha256 and mode), for "byte-identical to before". */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name), r = rel ? `${rel}/${name}` : name;
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(p, r);
      } else out[r] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** Whether this process may mount a tmpfs (root in a container that allows it). */
let mountable: boolean | undefined;
export function canMount(): boolean {
  if (mountable !== undefined) return mountable;
  const probe = tempDir('mount-probe');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
  mountable = r.status === 0;
  if (mountable) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  if (!mountable) console.warn(`\n*** SKIPPING full-disk / read-only tests: cannot mount a tmpfs (${(r.stderr || r.error?.message || '').trim()}) ***\n`);
  return mountable;
}

export interface Mount {
  dir: string;
  /** Remount read-only. */
  readOnly(): void;
  unmount(): void;
}

/** A tmpfs of `size` ('1m') at a fresh folder; `unmount` removes it and the folder. */
export function mountTmpfs(size: string): Mount {
  const dir = tempDir('tmpfs');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  return {
    dir,
    readOnly() {
      const ro = spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' });
      if (ro.status !== 0) throw new Error(`remount ro failed: ${ro.stderr}`);
    },
    unmount() {
      // lazily when busy: engine/batch/summary.ts reads demand.tif through geotiff's fromFile without closing it, so a
      // batch leaves descriptors open on the mount until the process ends
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Staging or lock leftovers of a run transaction in `parent` (beside the run) or in the run itself. */
export function leftovers(parent: string): string[] {
  const found: string[] = [];
  const look = (d: string) => {
    if (!existsSync(d) || !statSync(d).isDirectory()) return;
    for (const n of readdirSync(d)) if (/heatplan-(tmp|old)|\.tmp-\d+/.test(n)) found.push(join(d, n));
  };
  look(parent);
  for (const n of existsSync(parent) ? readdirSync(parent) : []) look(join(parent, n));
  return found;
}

export const mkdirp = (d: string): string => {
  mkdirSync(d, { recursive: true });
  return d;
};
