/**
 * The browser viewer must not pull Node modules: every module viewer/src reaches through its (non-type) imports,
 * engine/run/contract.ts, engine/style/palette.ts and engine/viewer/pack/format.ts among them, imports no Node
 * built-in. Vite would otherwise stub them out and the viewer break at run time.
 */
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Runtime import specifiers of a module (type-only imports and exports are erased by the compiler). */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) if (!m[1]) out.push(m[2]!);
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

function reach(entry: string): { modules: string[]; nodeImports: string[] } {
  const seen = new Set<string>();
  const nodeImports: string[] = [];
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith('.')) {
        const ts = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (existsSync(ts)) walk(ts);
      } else if (NODE.has(spec) || NODE.has(spec.split('/')[0]!)) nodeImports.push(`${relative(ROOT, file)}: ${spec}`);
    }
  };
  walk(entry);
  return { modules: [...seen].map((f) => relative(ROOT, f)), nodeImports };
}

describe('the browser viewer', () => {
  it('reaches the shared engine modules and no Node built-in', () => {
    const r = reach(resolve(ROOT, 'viewer/src/main.ts'));
    expect(r.modules).toEqual(expect.arrayContaining(['engine/run/contract.ts', 'engine/run/summaries.ts', 'engine/style/palette.ts', 'engine/viewer/pack/format.ts']));
    expect(r.nodeImports).toEqual([]);
  });
});
