/**
 * Exact reference by mixed-integer programming (HiGHS via the `highs` package), for small instances only: tests and
 * the benchmark use it to measure how far the heuristic is from optimal.
 *
 * Single-commodity flow formulation on the road graph: y_e in {0,1} builds edge e; arc flows f >= 0 leave the plant(s)
 * and one unit ends at every connected consumer; f_a <= K y_e on both arcs of e.
 *   - steinerMilp: all consumers connected, minimise trench length (the Steiner tree problem).
 *   - densityMilp: x_t in {0,1} connects consumer t; maximise connected heat (minus a tiny length tie-break) subject to
 *     the whole network meeting the MWh/(m·a) threshold: sum heat x >= minMwhPerMA x sum length y. Every network the
 *     pruning heuristic returns satisfies this (each unit it keeps meets the threshold), so its optimum bounds the
 *     heuristic's connected demand from above.
 */
import highsLoader from 'highs';
import type { CsrGraph } from './csr.js';

type Highs = Awaited<ReturnType<typeof highsLoader>>;
let highsPromise: Promise<Highs> | undefined;
const loadHighs = (): Promise<Highs> => (highsPromise ??= highsLoader());

export interface MilpResult {
  status: string;
  edges: number[];
  lengthM: number;
  /** consumers connected (indexes into the consumer list) */
  connected: number[];
  objective: number;
}

function lines(terms: string[], per = 8): string {
  const out: string[] = [];
  for (let i = 0; i < terms.length; i += per) out.push(' ' + terms.slice(i, i + per).join(' '));
  return out.join('\n');
}
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(12));

function buildModel(g: CsrGraph, plants: number[], consumers: number[], mode: { heat: number[]; minMwhPerMA: number } | undefined): string {
  const K = consumers.length;
  const isPlant = new Uint8Array(g.nodeCount);
  for (const p of plants) isPlant[p] = 1;
  const demandAt = new Map<number, number[]>();
  consumers.forEach((v, i) => {
    const l = demandAt.get(v) ?? [];
    l.push(i);
    demandAt.set(v, l);
  });
  const obj: string[] = [];
  let totalLen = 0;
  for (let e = 0; e < g.edgeCount; e++) totalLen += g.edgeLengthM[e]!;
  if (mode) {
    // connected heat first; length only breaks ties (its total weight stays below the smallest heat)
    const minHeat = Math.min(...mode.heat.filter((h) => h > 0));
    const eps = (0.5 * minHeat) / Math.max(1, totalLen);
    mode.heat.forEach((h, i) => obj.push(`- ${num(h)} x${i}`));
    for (let e = 0; e < g.edgeCount; e++) obj.push(`+ ${num(eps * g.edgeLengthM[e]!)} y${e}`);
  } else for (let e = 0; e < g.edgeCount; e++) obj.push(`+ ${num(g.edgeLengthM[e]!)} y${e}`);
  const rows: string[] = [];
  for (let v = 0; v < g.nodeCount; v++) {
    if (isPlant[v]) continue;
    const t: string[] = [];
    for (let k = g.offsets[v]!; k < g.offsets[v + 1]!; k++) {
      const e = g.adjEdge[k]!;
      // arc 2e runs from->to, 2e+1 to->from
      const inArc = g.edgeTo[e] === v ? 2 * e : 2 * e + 1;
      const outArc = inArc ^ 1;
      t.push(`+ f${inArc}`, `- f${outArc}`);
    }
    const here = demandAt.get(v) ?? [];
    if (mode) for (const i of here) t.push(`- x${i}`);
    const rhs = mode ? 0 : here.length;
    if (t.length) rows.push(` n${v}:\n${lines(t)}\n = ${rhs}`);
    else if (rhs !== 0) rows.push(` n${v}: 0 f0 = ${rhs}`);
  }
  for (let e = 0; e < g.edgeCount; e++) {
    rows.push(` a${2 * e}: f${2 * e} - ${K} y${e} <= 0`);
    rows.push(` a${2 * e + 1}: f${2 * e + 1} - ${K} y${e} <= 0`);
  }
  if (mode) {
    const t: string[] = [];
    mode.heat.forEach((h, i) => t.push(`+ ${num(h)} x${i}`));
    for (let e = 0; e < g.edgeCount; e++) t.push(`- ${num(mode.minMwhPerMA * g.edgeLengthM[e]!)} y${e}`);
    rows.push(` density:\n${lines(t)}\n >= 0`);
  }
  const bin: string[] = [];
  for (let e = 0; e < g.edgeCount; e++) bin.push(`y${e}`);
  if (mode) mode.heat.forEach((_, i) => bin.push(`x${i}`));
  return `Minimize\n obj:\n${lines(obj)}\nSubject To\n${rows.join('\n')}\nBinary\n${lines(bin, 20)}\nEnd\n`;
}

function readResult(g: CsrGraph, sol: Awaited<ReturnType<Highs['solve']>>, consumers: number[], withX: boolean): MilpResult {
  const edges: number[] = [];
  let lengthM = 0;
  if (sol.Status === 'Optimal') {
    for (let e = 0; e < g.edgeCount; e++) {
      const c = sol.Columns[`y${e}`] as { Primal: number } | undefined;
      if (c && c.Primal > 0.5) {
        edges.push(e);
        lengthM += g.edgeLengthM[e]!;
      }
    }
  }
  const connected: number[] = [];
  consumers.forEach((_, i) => {
    if (!withX) connected.push(i);
    else {
      const c = sol.Columns[`x${i}`] as { Primal: number } | undefined;
      if (c && c.Primal > 0.5) connected.push(i);
    }
  });
  return { status: sol.Status, edges, lengthM, connected, objective: sol.ObjectiveValue };
}

/** Exact Steiner tree (minimum trench length) connecting all consumers to the plant(s). */
export async function steinerMilp(g: CsrGraph, plants: number[], consumers: number[], opts: { timeLimitS?: number } = {}): Promise<MilpResult> {
  const highs = await loadHighs();
  const sol = highs.solve(buildModel(g, plants, consumers, undefined), { time_limit: opts.timeLimitS ?? 60, output_flag: false } as never);
  return readResult(g, sol, consumers, false);
}

/** Maximum connected heat with the whole network at or above minMwhPerMA (see the file header). */
export async function densityMilp(
  g: CsrGraph,
  plants: number[],
  consumers: number[],
  heatMWh: number[],
  minMwhPerMA: number,
  opts: { timeLimitS?: number } = {},
): Promise<MilpResult> {
  const highs = await loadHighs();
  const sol = highs.solve(buildModel(g, plants, consumers, { heat: heatMWh, minMwhPerMA }), { time_limit: opts.timeLimitS ?? 60, output_flag: false } as never);
  return readResult(g, sol, consumers, true);
}
