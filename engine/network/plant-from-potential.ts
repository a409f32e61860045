/**
 * A plant placed at the best heat source of the potentials stage: the grid cell of potential.tif with the most
 * available heat (sum of the source bands), typed by its largest source (a sewage/river/ground heat pump, or waste
 * heat) with that source's kW as capacity. The planner's "which unused heat is near the demand" answer, as a plant.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { cellCentre } from '../grid/grid.js';
import { readGeoTiff } from '../io/geotiff.js';
import type { PlantInput } from './plan.js';
import { FILES } from '../run/contract.js';

/** potential.tif source band (contract POTENTIAL_SOURCE_BANDS) -> plant description for the simulation. */
const SOURCE_BANDS: Record<string, { type: string; source?: string; fuel: string }> = {
  sewage_kW: { type: 'heat_pump', source: 'sewage', fuel: 'electricity' },
  river_kW: { type: 'heat_pump', source: 'river', fuel: 'electricity' },
  ground_kW: { type: 'heat_pump', source: 'ground', fuel: 'electricity' },
  waste_heat_kW: { type: 'waste_heat', fuel: 'none' },
};

export interface PotentialPlant {
  plant: PlantInput;
  /** Band that decided the plant type, and the cell's value in each source band, kW. */
  band: string;
  cellKw: Record<string, number>;
}

export async function plantFromPotential(runDir: string, workingCrs: string): Promise<PotentialPlant> {
  return (await plantsFromPotential(runDir, workingCrs, 1))[0]!;
}

/** The n cells of potential.tif with the most available heat, best first, as plants (see the file header). */
export async function plantsFromPotential(runDir: string, workingCrs: string, n: number): Promise<PotentialPlant[]> {
  const file = join(runDir, FILES.potential);
  if (!existsSync(file)) throw new InputError('route-no-potential', 'no potential.tif in the run', { file, hint: 'run the potential stage first, or give plant or plants (--plant, --plants)' });
  const r = await readGeoTiff(file);
  if (r.crs !== workingCrs) throw new InputError('route-potential-crs', `potential.tif is in ${r.crs}, the run in ${workingCrs}`, { file });
  const bands = r.names.map((n, k) => [n, k] as const).filter(([n]) => n in SOURCE_BANDS);
  if (bands.length === 0) throw new InputError('route-potential-bands', `potential.tif has no source bands (${Object.keys(SOURCE_BANDS).join(', ')})`, { file, value: r.names });
  const cells = r.width * r.height;
  const ranked: { i: number; kw: number }[] = [];
  for (let i = 0; i < cells; i++) {
    let kw = 0;
    for (const [, k] of bands) {
      const v = r.bands[k]![i]!;
      if (v > 0) kw += v;
    }
    if (kw > 0) ranked.push({ i, kw });
  }
  if (ranked.length === 0) throw new InputError('route-potential-empty', 'potential.tif has no cell with available heat', { file });
  ranked.sort((a, b) => b.kw - a.kw || a.i - b.i);
  return ranked.slice(0, Math.max(1, n)).map(({ i: best }, rank) => {
    const cellKw: Record<string, number> = {};
    let band = bands[0]![0];
    for (const [n, k] of bands) {
      const v = r.bands[k]![best]!;
      cellKw[n] = v > 0 ? v : 0;
      if (cellKw[n]! > cellKw[band]!) band = n;
    }
    const [x, y] = cellCentre(r, best);
    const d = SOURCE_BANDS[band]!;
    const id = `plant-${band.replace(/_kW$/, '')}${rank ? `-${rank + 1}` : ''}`;
    return { plant: { id, x, y, capacityKw: cellKw[band], type: d.type, fuel: d.fuel, source: d.source }, band, cellKw };
  });
}
