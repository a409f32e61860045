/**
 * Generates heatplan's demo town: a made-up small town in the climate of Shimokawa (Hokkaido) with a street grid,
 * public buildings, public housing, shops, houses, a greenhouse site, a river, sewer mains and a waste-heat source.
 * Everything is synthetic and seeded (no real data): run `npx tsx datasets/make-demo-town.ts` to regenerate the
 * files in datasets/demo/. Coordinates are laid out in JGD2011 plane zone XII (EPSG:6680) metres and written as
 * WGS84 lon/lat GeoJSON. Building use codes are PLATEAU Building_usage codes (scheme 'plateau').
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import proj4 from 'proj4';
import { lookupEpsg } from '../engine/crs/index.js';
import { seededRandom } from '../engine/util/random.js';

const OUT = join(import.meta.dirname, 'demo');
const zone = lookupEpsg(6680)!;
const toLonLat = proj4(zone.proj4, 'EPSG:4326');
// town centre: about 44.30 N, 142.63 E (near Shimokawa), in zone XII metres
const [CX, CY] = proj4('EPSG:4326', zone.proj4).forward([142.633, 44.302]);

const rand = seededRandom(2026);
const ll = (x: number, y: number): [number, number] => {
  const [lon, lat] = toLonLat.forward([CX! + x, CY! + y]);
  return [Math.round(lon! * 1e7) / 1e7, Math.round(lat! * 1e7) / 1e7];
};
const rect = (x: number, y: number, w: number, h: number): [number, number][] => [ll(x, y), ll(x + w, y), ll(x + w, y + h), ll(x, y + h), ll(x, y)];

type Props = Record<string, string | number | null>;
const feature = (geometry: unknown, properties: Props) => ({ type: 'Feature', properties, geometry });

// Street grid: 7 x 6 blocks of 90 m x 80 m, streets 10 m wide; origin at the south-west corner.
const NX = 7, NY = 6, BW = 90, BH = 80, ST = 10;
const X0 = -(NX * (BW + ST)) / 2, Y0 = -(NY * (BH + ST)) / 2;
const blockOrigin = (i: number, j: number): [number, number] => [X0 + ST + i * (BW + ST), Y0 + ST + j * (BH + ST)];

const buildings: unknown[] = [];
const blocks: unknown[] = [];
let nextId = 1;
const civic: Record<string, { use: string; storeys: number; w: number; h: number; name: string; floorArea?: number }> = {
  '3,3': { use: '421', storeys: 3, w: 60, h: 35, name: 'town hall 役場' },
  '2,3': { use: '422', storeys: 2, w: 70, h: 40, name: 'elementary school 小学校' },
  '4,3': { use: '422', storeys: 3, w: 55, h: 40, name: 'clinic and care home 診療所・介護施設' },
  '3,2': { use: '402', storeys: 2, w: 60, h: 40, name: 'supermarket スーパー' },
  '4,2': { use: '403', storeys: 4, w: 40, h: 25, name: 'hotel 旅館' },
  '2,2': { use: '422', storeys: 1, w: 35, h: 25, name: 'kindergarten こども園' },
  '3,4': { use: '401', storeys: 3, w: 45, h: 30, name: 'office オフィス' },
};
for (let i = 0; i < NX; i++) {
  for (let j = 0; j < NY; j++) {
    const [bx, by] = blockOrigin(i, j);
    blocks.push(feature({ type: 'Polygon', coordinates: [rect(bx - ST / 2, by - ST / 2, BW + ST, BH + ST)] }, { block: `B${i}${j}` }));
    const key = `${i},${j}`;
    const dist = Math.hypot(i - (NX - 1) / 2, j - (NY - 1) / 2);
    if (civic[key]) {
      const c = civic[key];
      const ox = bx + (BW - c.w) / 2, oy = by + (BH - c.h) / 2;
      buildings.push(feature({ type: 'Polygon', coordinates: [rect(ox, oy, c.w, c.h)] },
        { id: `demo-${nextId++}`, usage: c.use, storeys: c.storeys, floorArea: Math.round(c.w * c.h * c.storeys * 0.95), name: c.name }));
      continue;
    }
    if ((i === 1 || i === 5) && (j === 2 || j === 3)) {
      // public housing blocks 公営住宅: two 3-4 storey apartment blocks
      for (let k = 0; k < 2; k++) {
        buildings.push(feature({ type: 'Polygon', coordinates: [rect(bx + 10, by + 8 + k * 38, 70, 22)] },
          { id: `demo-${nextId++}`, usage: '412', storeys: 3 + k, floorArea: null, name: 'public housing 公営住宅' }));
      }
      continue;
    }
    if (i === 6 && j === 0) continue; // greenhouse site (added in the scenario), left empty
    // houses: denser near the centre, with shop-houses along the main street (j = 3)
    const n = dist < 2.5 ? 8 : 6;
    for (let k = 0; k < n; k++) {
      const col = k % (n / 2), row = Math.floor(k / (n / 2));
      const cw = BW / (n / 2), chh = BH / 2;
      const w = 9 + rand() * 5, h = 8 + rand() * 4;
      const ox = bx + col * cw + (cw - w) / 2, oy = by + row * chh + (chh - h) / 2;
      const mainStreet = j === 3 && row === 0;
      const use = mainStreet ? (rand() < 0.6 ? '413' : '402') : '411';
      const storeys = rand() < 0.25 ? 1 : 2;
      // a third of the houses lack storeys (PLATEAU-like gaps): floor area then comes from height
      const hasStoreys = rand() > 0.33;
      buildings.push(feature({ type: 'Polygon', coordinates: [rect(ox, oy, w, h)] }, {
        id: `demo-${nextId++}`, usage: use, storeys: hasStoreys ? storeys : null,
        height: Math.round((storeys * 3.1 + 1.5 + rand()) * 10) / 10, floorArea: null, name: null,
      }));
    }
  }
}
// a few buildings with no use code (as in real data)
for (const f of buildings.slice(-4) as { properties: Props }[]) f.properties.usage = null;

// Roads: centre lines of the street grid, split at every junction
const roads: unknown[] = [];
const xs = Array.from({ length: NX + 1 }, (_, i) => X0 + ST / 2 + i * (BW + ST));
const ys = Array.from({ length: NY + 1 }, (_, j) => Y0 + ST / 2 + j * (BH + ST));
for (const y of ys) for (let i = 0; i < NX; i++) roads.push(feature({ type: 'LineString', coordinates: [ll(xs[i]!, y), ll(xs[i + 1]!, y)] }, { highway: y === ys[3] ? 'secondary' : 'residential' }));
for (const x of xs) for (let j = 0; j < NY; j++) roads.push(feature({ type: 'LineString', coordinates: [ll(x, ys[j]!), ll(x, ys[j + 1]!)] }, { highway: 'residential' }));
// access road to the biomass plant east of town
roads.push(feature({ type: 'LineString', coordinates: [ll(xs[NX]!, ys[3]!), ll(xs[NX]! + 120, ys[3]!)] }, { highway: 'service' }));

// River along the north edge (line with flow_m3s), sewer main (flow_m3_day) along the main street to a treatment plant, waste heat
const yr = ys[NY]! + 60;
const river = [feature({ type: 'LineString', coordinates: Array.from({ length: 12 }, (_, k) => ll(X0 - 100 + k * 80, yr + 15 * Math.sin(k / 2))) },
  { name: 'demo river 川', flow_m3s: 4.5, class: 'river' })];
const sewers = [
  feature({ type: 'LineString', coordinates: [ll(xs[0]!, ys[3]! - 3), ll(xs[NX]! + 200, ys[3]! - 3)] }, { name: 'main sewer 幹線', flow_m3_day: 1500 }),
  feature({ type: 'LineString', coordinates: [ll(xs[3]!, ys[0]!), ll(xs[3]!, ys[3]! - 3)] }, { name: 'branch sewer', flow_m3_day: 400 }),
];
const wasteHeat = [feature({ type: 'Point', coordinates: ll(xs[NX]! + 180, ys[1]!) }, { name: 'sawmill dryer waste heat 製材所', heat_kW: 300, temp_c: 60 })];
const plants = [feature({ type: 'Point', coordinates: ll(xs[NX]! + 120, ys[3]!) }, { id: 'biomass-1', type: 'biomass_boiler', capacity_kW: 700, fuel: 'wood_chip' })];

mkdirSync(OUT, { recursive: true });
const fc = (features: unknown[], extra: Props = {}) => JSON.stringify({ type: 'FeatureCollection', ...extra, features }, null, 0) + '\n';
writeFileSync(join(OUT, 'buildings.geojson'), fc(buildings));
writeFileSync(join(OUT, 'blocks.geojson'), fc(blocks));
writeFileSync(join(OUT, 'roads.geojson'), fc(roads));
writeFileSync(join(OUT, 'river.geojson'), fc(river));
writeFileSync(join(OUT, 'sewers.geojson'), fc(sewers));
writeFileSync(join(OUT, 'waste-heat.geojson'), fc(wasteHeat));
writeFileSync(join(OUT, 'plants.geojson'), fc(plants));
console.log(`demo town: ${buildings.length} buildings, ${roads.length} road segments, ${blocks.length} blocks -> ${OUT}`);
