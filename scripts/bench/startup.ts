/**
 * Benchmark: start-up time of the heatplan command, `node bin/heatplan.mjs --help` and `... demand --help`, with
 * `node -e 0` as the peer (Node's own start-up) in the same run, interleaved so load on the machine hits all alike.
 * When the compiled build is in use and tsx is installed, the same two commands through the TypeScript sources
 * (HEATPLAN_SOURCE=1, what bin/heatplan.mjs did before the build) are measured too. Then, with strace installed,
 * the files `--help` opens (modules, package.json files, ...), split by where they are.
 *
 *   npm run bench -- startup           (or: npx tsx scripts/bench/startup.ts [--runs N] [--root DIR])
 *
 * --root DIR measures the heatplan installed in DIR (a package folder holding bin/heatplan.mjs), e.g. an unpacked
 * `npm pack` install. Prints median and min ms per command and the median's ratio to `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(opt('--runs') ?? 15);
const ROOT = resolve(opt('--root') ?? join(import.meta.dirname, '..', '..'));
const BIN = join(ROOT, 'bin', 'heatplan.mjs');

const { buildState } = (await import(join(ROOT, 'bin', 'build-state.mjs'))) as {
  buildState(root: string): { ok: boolean; built: boolean; sources: boolean; reason?: string };
};
const state = buildState(ROOT);
const hasTsx = (() => {
  try {
    import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
})();
const mode = state.ok ? 'dist/ (compiled)' : hasTsx && state.sources ? `sources through tsx (${state.reason})` : `? (${state.reason})`;

interface Cmd {
  label: string;
  argv: string[];
  env?: Record<string, string>;
}
const cmds: Cmd[] = [
  { label: 'node -e 0 (peer)', argv: ['-e', '0'] },
  { label: 'heatplan --help', argv: [BIN, '--help'] },
  { label: 'heatplan demand --help', argv: [BIN, 'demand', '--help'] },
];
if (state.ok && state.sources && hasTsx) {
  cmds.push(
    { label: 'heatplan --help, sources via tsx', argv: [BIN, '--help'], env: { HEATPLAN_SOURCE: '1' } },
    { label: 'heatplan demand --help, sources via tsx', argv: [BIN, 'demand', '--help'], env: { HEATPLAN_SOURCE: '1' } },
  );
}

const env = (extra?: Record<string, string>) => {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete e.NODE_OPTIONS; // the bench itself runs under tsx: its children must not
  return e;
};

function once(c: Cmd): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.argv, { env: env(c.env), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${c.label} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`heatplan start-up: ${ROOT}; bin runs ${mode}; ${RUNS} runs each, interleaved, after one warm-up; ${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
for (const c of cmds) once(c); // warm-up: file cache, tsx's transform cache
const times = cmds.map(() => [] as number[]);
for (let i = 0; i < RUNS; i++) cmds.forEach((c, k) => times[k]!.push(once(c)));
const peer = median(times[0]!);
console.log('| command | median ms | min ms | median / node -e 0 |');
console.log('|---|---|---|---|');
cmds.forEach((c, k) => {
  const m = median(times[k]!);
  console.log(`| ${c.label} | ${m.toFixed(0)} | ${Math.min(...times[k]!).toFixed(0)} | ${(m / peer).toFixed(1)} |`);
});

// files opened by `--help`
const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
if (strace.status !== 0) {
  console.log('files opened: skipped (strace is not installed; apt-get install strace)');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-startup-'));
  const trace = join(dir, 'trace');
  for (const c of cmds.slice(0, 2).concat(cmds.slice(3, 4))) {
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-e', 'status=successful', '-o', trace, process.execPath, ...c.argv], { env: env(c.env), stdio: 'ignore' });
    if (r.status !== 0) {
      console.log(`files opened by ${c.label}: strace failed (exit ${r.status})`);
      continue;
    }
    const files = new Set<string>();
    const dirs = new Set<string>();
    for (const line of readFileSync(trace, 'utf8').split('\n')) {
      const m = /openat\([^,]+, "([^"]+)", ([A-Z_|]+)/.exec(line);
      if (!m || /^\/(proc|sys|dev)\//.test(m[1]!)) continue;
      (m[2]!.includes('O_DIRECTORY') ? dirs : files).add(m[1]!);
    }
    const all = [...files];
    const count = (re: RegExp) => all.filter((f) => re.test(f)).length;
    const own = all.filter((f) => f.startsWith(ROOT + '/') && !f.includes('/node_modules/'));
    const packages = new Set(all.map((f) => /\/node_modules\/((@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean));
    console.log(
      `files opened by ${c.label}: ${all.length}; heatplan's own ${own.length} (${own.filter((f) => f.includes('/dist/')).length} in dist/, ` +
        `${own.filter((f) => f.includes('/engine/')).length} in engine/); ${count(/\/node_modules\//)} in node_modules from ${packages.size} packages ` +
        `(${[...packages].join(', ')}); ${[...dirs].filter((d) => d.startsWith(ROOT)).length} heatplan folders listed (bin's build check)`,
    );
    if (args.includes('--list')) for (const f of own) console.log(`  ${relative(ROOT, f)}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
