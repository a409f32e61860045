/**
 * The cost stage's read of the routed network: network.fgb, else network.geojson (engine/run/read.ts runFile picks),
 * feature by feature (engine/io/fgb.ts readFgbLayer and engine/io/geojson-stream.ts readFeatureCollection with their
 * `map`), keeping only the few numbers of each pipe and consumer the cost stage prices and the plants' ids: never the
 * whole collection with its coordinates and other properties (a city's network.fgb holds 1.5 million features).
 *
 * The result, and every error, are those of engine/run/read.ts readNetwork followed by the cost stage's per-kind pass
 * over its features, in the same order: a damaged file or a feature that is not a GeoJSON Feature as the read meets
 * it; then a collection that is not a FeatureCollection; then the first feature whose kind is not of NETWORK_KINDS;
 * then the first bad pipe; then the first bad consumer. Networks are in the order their first pipe names them, then
 * those with consumers only, in the order their first consumer names them; pipes and consumers in file order.
 */
import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readFgbLayer } from '../io/fgb.js';
import { readFeatureCollection } from '../io/geojson-stream.js';
import { CONTRACT_VERSION, FILES, FILE_WRITER, NETWORK_KINDS } from '../run/contract.js';
import { runFile } from '../run/read.js';
import type { CostConsumerInput, CostPipeInput } from './compute.js';

/** One network's priced parts. */
export interface CostNetworkPart {
  pipes: CostPipeInput[];
  consumers: CostConsumerInput[];
}

export interface CostNetwork {
  /** the file read (network.fgb or network.geojson) */
  file: string;
  /** by network id (feature property `network`, else 'network') */
  parts: Map<string, CostNetworkPart>;
  /** ids of the plant features, in file order (every network's) */
  plantIds: string[];
}

const KINDS: ReadonlySet<unknown> = new Set(NETWORK_KINDS);

const bad = (file: string, message: string, value?: unknown, record?: string | number): InputError =>
  new InputError('run-bad-file', message, { file, value, record, hint: `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun the stage that writes it` });

/**
 * Read the pipes, consumers and plant ids of the run's network. `errorFile` is the file the cost stage's own errors
 * name ('cost-bad-network'); the reader's errors name the file read.
 */
export async function readCostNetwork(dir: string, errorFile = runFile(dir, 'network')): Promise<CostNetwork> {
  const file = runFile(dir, 'network');
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError('run-missing-file', `neither ${FILES.networkFgb} nor ${FILES.network} is in the run folder`, { file, hint: `run \`${FILE_WRITER.network}\` on this run first` });
  }
  const hint = `the file does not follow the heatplan ${CONTRACT_VERSION} run-folder contract; rerun \`${FILE_WRITER.network}\``;
  const pipesOf = new Map<string, CostPipeInput[]>();
  const consumersOf = new Map<string, CostConsumerInput[]>();
  const plantIds: string[] = [];
  // the few distinct strings a million records repeat (network and plant ids), held once
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const x = interned.get(s);
    if (x !== undefined) return x;
    interned.set(s, s);
    return s;
  };
  const netId = (p: Record<string, unknown>): string => (p.network !== undefined && p.network !== null ? intern(String(p.network)) : 'network');
  const list = <T>(m: Map<string, T[]>, id: string): T[] => {
    let l = m.get(id);
    if (!l) m.set(id, (l = []));
    return l;
  };
  let kindError: InputError | undefined;
  let pipeError: unknown;
  let consumerError: unknown;
  let pipeIndex = 0;
  let consumerIndex = 0;
  const num = (p: Record<string, unknown>, k: string, record: string, optional = false): number => {
    const v = p[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    if (optional && (v === undefined || v === null)) return 0;
    throw new InputError('cost-bad-network', `${record}: ${k} must be a number >= 0 for the cost stage`, { file: errorFile, record, value: v, hint: 'rerun `heatplan route` on this run' });
  };
  const map = (f: unknown, index: number): 0 => {
    const ft = f as { type?: unknown; properties?: Record<string, unknown> | null } | null;
    if (!ft || typeof ft !== 'object' || ft.type !== 'Feature') throw bad(file, 'not a GeoJSON Feature', ft?.type, index);
    if (kindError) return 0;
    const p = ft.properties ?? {};
    const kind = p.kind;
    if (!KINDS.has(kind)) {
      kindError = bad(file, `feature kind must be one of ${NETWORK_KINDS.join(', ')}`, kind, index);
      return 0;
    }
    if (kind === 'pipe') {
      const i = pipeIndex++;
      if (pipeError !== undefined) return 0;
      try {
        const rec = `pipe ${p.id ?? i}`;
        const pipes = list(pipesOf, netId(p));
        pipes.push({ id: Number(p.id ?? i), from: num(p, 'from', rec), to: num(p, 'to', rec), length_m: num(p, 'length_m', rec), DN: num(p, 'DN', rec), branch: Number(p.branch ?? -1), ...(typeof p.plant === 'string' ? { plant: intern(p.plant) } : {}) });
      } catch (e) {
        pipeError = e;
      }
    } else if (kind === 'consumer') {
      const i = consumerIndex++;
      if (consumerError !== undefined) return 0;
      try {
        const rec = `consumer ${p.id ?? i}`;
        const consumers = list(consumersOf, netId(p));
        consumers.push({
          id: String(p.id ?? i), branch: Number(p.branch ?? -1), heat_MWh: num(p, 'heat_MWh', rec), peak_kW: num(p, 'peak_kW', rec), cool_MWh: num(p, 'cool_MWh', rec, true), service_m: num(p, 'service_m', rec, true),
          ...(typeof p.plant === 'string' ? { plant: intern(p.plant) } : {}),
        });
      } catch (e) {
        consumerError = e;
      }
    } else if (kind === 'plant') plantIds.push(String(p.id));
    return 0;
  };
  const read = { code: 'run-bad-file', hint, map };
  // the cost stage reads no geometry: network.fgb's coordinates are checked, never decoded
  const fc = (file.endsWith('.fgb') ? await readFgbLayer(file, { ...read, geometry: () => false }) : await readFeatureCollection(file, read)) as { type?: unknown; features?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw bad(file, 'not a GeoJSON FeatureCollection', fc?.type);
  if (kindError) throw kindError;
  if (pipeError !== undefined) throw pipeError;
  if (consumerError !== undefined) throw consumerError;
  const parts = new Map<string, CostNetworkPart>();
  for (const [id, pipes] of pipesOf) parts.set(id, { pipes, consumers: consumersOf.get(id) ?? [] });
  for (const [id, consumers] of consumersOf) if (!parts.has(id)) parts.set(id, { pipes: [], consumers });
  return { file, parts, plantIds };
}
