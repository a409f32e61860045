/**
 * Import structure of engine/ and viewer/src, checked with dependency-cruiser: no import cycles, and the layers
 *   engine/cli                              may import anything
 *   engine/stages, engine/batch             nothing from engine/cli
 *   engine/{io,crs,grid,geom,buildings}     nothing from engine/{cli,stages,batch,export}
 *
 * dependency-cruiser reads TypeScript only through the TypeScript 2-6 compiler API, which TypeScript 7 no longer has,
 * so the sources are first compiled (tsc --noCheck, about a second) and dependency-cruiser's own JavaScript parser
 * reads the output: the graph is the one Node loads at run time, static and dynamic imports, without the type-only
 * imports tsc erases (they load nothing, so they cannot slow start-up or form a load-order cycle).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const LAYERS = [
  { name: 'stages-not-cli', from: '^engine/stages/', to: '^engine/cli/' },
  { name: 'batch-not-cli', from: '^engine/batch/', to: '^engine/cli/' },
  { name: 'core-not-upper', from: '^engine/(io|crs|grid|geom|buildings)/', to: '^engine/(cli|stages|batch|export)/' },
];

let out: string;
let violations: IViolation[];
let modules = 0;

/** A module name as in the sources: engine/cli/main.js -> engine/cli/main.ts. */
const src = (p: string) => p.replace(/\.js$/, '.ts');

function describeViolation(v: IViolation): string {
  if (v.cycle?.length) {
    const path = [v.from, ...v.cycle.map((c) => c.name)].map(src);
    const dynamic = v.cycle.some((c) => c.dependencyTypes.includes('dynamic-import')) ? ' (through a dynamic import)' : '';
    return `cycle${dynamic}: ${path.join(' -> ')}`;
  }
  return `${v.rule.name}: ${src(v.from)} imports ${src(v.to)}`;
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'heatplan-cycles-'));
  // a throwaway tsconfig: the project's settings, emitting engine/ and viewer/src as JavaScript into `out`
  const config = join(out, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: false, noCheck: true, types: [], rootDir: ROOT, outDir: join(out, 'js') },
      include: [join(ROOT, 'engine'), join(ROOT, 'viewer/src')],
    }),
  );
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc could not compile the sources for the import check:\n${r.stdout}${r.stderr}`);

  const base = join(out, 'js');
  const result = await cruise(
    ['engine', 'viewer/src'],
    {
      baseDir: base,
      includeOnly: '^(engine|viewer/src)/',
      doNotFollow: { path: 'node_modules' },
      validate: true,
      ruleSet: {
        forbidden: [
          { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
          ...LAYERS.map((l) => ({ name: l.name, severity: 'error' as const, from: { path: l.from }, to: { path: l.to } })),
        ],
      },
    },
    {},
  );
  const output = result.output as Exclude<typeof result.output, string>;
  modules = output.summary.totalCruised;
  violations = output.summary.violations;
  if (violations.length) console.log(`import check: ${violations.length} violation(s)\n  ${violations.map(describeViolation).join('\n  ')}`);
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('import structure (dependency-cruiser)', () => {
  it('reads the whole engine and viewer', () => {
    expect(modules).toBeGreaterThan(100);
  });

  it('has no import cycles in engine/ or viewer/src', () => {
    expect(violations.filter((v) => v.rule.name === 'no-circular').map(describeViolation)).toEqual([]);
  });

  for (const l of LAYERS) {
    it(`keeps the layers: ${l.name} (${l.from} must not import ${l.to})`, () => {
      expect(violations.filter((v) => v.rule.name === l.name).map(describeViolation)).toEqual([]);
    });
  }
});
