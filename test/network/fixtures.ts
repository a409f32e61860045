/** Run-folder fixtures for the route stage (until the demand stage writes them): manifest.json + buildings.geojson. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCrs, transformer, WGS84 } from '../../engine/crs/index.js';

export interface FixtureBuilding {
  id: string;
  /** centroid in the working CRS, m */
  x: number;
  y: number;
  heat: number;
  peak: number;
  use?: string;
  /** annual cooling MWh/a and cooling peak kW (absent: none) */
  cool?: number;
  coolPeak?: number;
}

/** Write a run folder with square 10 m footprints around each building's centroid. */
export async function writeRunFixture(dir: string, crsCode: string, buildings: FixtureBuilding[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const crs = parseCrs(crsCode);
  const tr = transformer(crs, WGS84);
  const features = buildings.map((b) => {
    const ring = [[-5, -5], [5, -5], [5, 5], [-5, 5], [-5, -5]].map(([dx, dy]) => tr.forward(b.x + dx!, b.y + dy!));
    return {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring] },
      properties: {
        id: b.id,
        use: b.use ?? 'residential',
        heat_MWh: b.heat,
        spaceHeat_MWh: b.heat * 0.8,
        hotWater_MWh: b.heat * 0.2,
        peak_kW: b.peak,
        ...(b.cool !== undefined ? { cool_MWh: b.cool, coolPeak_kW: b.coolPeak ?? 0 } : {}),
        floorArea_m2: b.heat * 5,
        x: b.x,
        y: b.y,
      },
    };
  });
  await writeFile(join(dir, 'buildings.geojson'), JSON.stringify({ type: 'FeatureCollection', features }));
  const now = new Date().toISOString();
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({ heatplan: { version: 'test' }, created: now, updated: now, crs: { code: crs.code, name: crs.name }, inputs: [], stages: ['demand'], demand: {} }, null, 2),
  );
}
