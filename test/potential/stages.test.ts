import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAreas } from '../../engine/potential/areas-stage.js';
import { runStage } from '../../engine/stages/index.js';
import { writeGeoTiff, readGeoTiff } from '../../engine/io/geotiff.js';
import { RunTransaction, withRun } from '../../engine/io/run-folder.js';
import { runDemandStage } from '../../engine/demand/pipeline.js';
import { writeDemandOutputs } from '../../engine/demand/write.js';
import { waterHeatKw } from '../../engine/potential/sewage.js';
import { data, describeData } from '../helpers/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'heatplan-pot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const HOTMAPS = () => data('rasters/hotmaps_heat_density_test.tif');

/** A run folder with a hand-made demand.tif (bands floor, MWh/a, peak kW). */
async function makeRun(name: string, crs: string, x0: number, y0: number, w: number, h: number, heat: (i: number) => number) {
  const dir = join(tmp, name);
  const tx = await RunTransaction.create(dir);
  await withRun(tx, async (tx) => {
    const n = w * h;
    const bands = [new Float64Array(n).fill(5000), Float64Array.from({ length: n }, (_, i) => heat(i)), Float64Array.from({ length: n }, (_, i) => heat(i) * 0.5)];
    await writeGeoTiff(tx.path('demand.tif'), { crs, x0, y0, cellSize: 100, width: w, height: h, bands, names: ['floor', 'heat', 'peak'], units: ['m2', 'MWh/a', 'kW'] }, { type: 'float64' });
    tx.manifest.crs = { code: crs, name: crs };
    tx.setStage('demand', {});
  });
  return dir;
}

describeData('heatplan areas --demand-raster (rasters/hotmaps_heat_density_test.tif)', () => {
  it('creates the run folder and writes areas.geojson with the summary the issue asks for', async () => {
    const dir = join(tmp, 'hm');
    const s = await runAreas({ run: dir, method: 'hotmaps', demandRaster: HOTMAPS() });
    expect(s.count).toBe(19);
    expect(s.cellThreshold_MWh_per_ha).toBe(333);
    expect(s.areaThreshold_GWh).toBe(30);
    expect(s.method).toBe('hotmaps');
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.areas.count).toBe(19);
    expect(m.crs.code).toBe('EPSG:3035');
    const fc = JSON.parse(readFileSync(join(dir, 'areas.geojson'), 'utf8'));
    expect(fc.features.length).toBe(19);
    const sum = fc.features.reduce((q: number, f: { properties: { demand_MWh: number } }) => q + f.properties.demand_MWh, 0);
    expect(sum).toBeCloseTo(s.demand_MWh, 1);
    expect(s.demand_MWh).toBeCloseTo(2_901_112.01, 1);
    expect(s.totalDemand_MWh).toBeCloseTo(7_035_005.53, 1);
    // every area reports trench length and linear heat density (P&W; no floor area: w = 60 m)
    const a = fc.features[0].properties;
    expect(a.trench_m).toBeCloseTo((a.cells * 10_000) / 60, 0);
    expect(a.linearHeatDensity_MWh_per_m).toBeCloseTo(a.demand_MWh / a.trench_m, 2);
    // blocks method on the same raster (cells as units)
    const b = await runAreas({ run: dir, method: 'blocks', demandRaster: HOTMAPS() });
    expect(b.method).toBe('blocks');
    expect(b.cellThreshold_MWh_per_ha).toBe(700);
    expect(b.count).toBeGreaterThan(0);
    expect(b.warnings['areas-no-floor-area']).toBeGreaterThan(0);
  });

  it('bad input: no run and no raster; nodata everywhere; leaves no folder behind', async () => {
    await expect(runAreas({ run: join(tmp, 'none'), method: 'hotmaps' })).rejects.toThrow(/no --demand-raster/);
    const empty = join(tmp, 'empty.tif');
    await writeGeoTiff(empty, { crs: 'EPSG:3035', x0: 0, y0: 1000, cellSize: 100, width: 3, height: 3, bands: [new Float64Array(9).fill(NaN)], names: ['d'], units: ['MWh/ha'] });
    await expect(runAreas({ run: join(tmp, 'e'), method: 'hotmaps', demandRaster: empty })).rejects.toThrow(/nodata or 0 everywhere/);
    expect(existsSync(join(tmp, 'e'))).toBe(false);
    const neg = join(tmp, 'neg.tif');
    await writeGeoTiff(neg, { crs: 'EPSG:3035', x0: 0, y0: 1000, cellSize: 100, width: 2, height: 1, bands: [Float64Array.from([5, -1])], names: ['d'], units: ['MWh/ha'] });
    await expect(runAreas({ run: join(tmp, 'n'), method: 'hotmaps', demandRaster: neg })).rejects.toThrow(/record cell col 1 row 0/);
  });
});

describe('heatplan potential on hand-made runs', () => {
  it('waste heat and sewage GeoJSON in WGS84 reach the run grid; potential.tif bands and summary', async () => {
    // EPSG:6677 (JGD2011 IX) grid at the origin: 0..1000 m east, 0..-1000 m north; 600 MWh/a per cell
    const dir = await makeRun('jp', 'EPSG:6677', 0, 0, 10, 10, () => 600);
    const { transformer, parseCrs, WGS84 } = await import('../../engine/crs/index.js');
    const t = transformer(parseCrs('EPSG:6677'), WGS84);
    const ll = (x: number, y: number) => t.forward(x, y);
    const waste = join(tmp, 'waste.geojson');
    writeFileSync(waste, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'inc', kw: 3000, temp_c: 90 }, geometry: { type: 'Point', coordinates: ll(550, -550) } }] }));
    const sewers = join(tmp, 'sewers.geojson');
    writeFileSync(sewers, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 's1', flow_m3d: 2000 }, geometry: { type: 'LineString', coordinates: [ll(0, -50), ll(1000, -50)] } }] }));
    const s = await runStage('potential', dir, { wasteHeat: waste, sewers, wasteHeatAccess: 200 });
    expect(s.kwBySource.waste_heat).toBe(3000);
    expect(s.kwBySource.sewage).toBeCloseTo(waterHeatKw(2000 / 86400, 5), 1);
    expect(s.kwBySource.river).toBeNull();
    const r = await readGeoTiff(join(dir, 'potential.tif'));
    expect(r.names).toEqual(['sewage_kW', 'river_kW', 'ground_kW', 'waste_heat_kW', 'coverage', 'suitability', 'sea_water_kW', 'hot_spring_kW', 'snow_ice_kW', 'biomass_kW', 'transformer_kW']);
    // sewer along row 0: rows 0 and 1 (centres 50 and 150 m away) get it, row 2 (250 m) does not
    expect(r.bands[0]![0]).toBeCloseTo(waterHeatKw(2000 / 86400, 5), 3);
    expect(r.bands[0]![10]).toBeGreaterThan(0);
    expect(r.bands[0]![20]).toBe(0);
    // waste heat: cells within 200 m of (550, -550)
    expect(r.bands[3]![5 * 10 + 5]).toBe(3000);
    expect(r.bands[3]![0]).toBe(0);
    // coverage at cell (5,5): 3000 kW / 300 kW peak = 10
    expect(r.bands[4]![5 * 10 + 5]).toBeCloseTo(10, 6);
    expect(s.sources.waste_heat.cellsCovered).toBeGreaterThan(4);
    // areas then carry the potentials
    const a = await runAreas({ run: dir, method: 'hotmaps', areaThresholdGWh: 1, keepEdge: true });
    expect(a.count).toBe(1);
    const fc = JSON.parse(readFileSync(join(dir, 'areas.geojson'), 'utf8'));
    expect(fc.features[0].properties.waste_heat_kW).toBe(3000);
    expect(fc.features[0].properties.demand_MWh).toBeCloseTo(60_000, 3);
  });

  it('a negative flow or a source with no flow fails without touching the run', async () => {
    const dir = await makeRun('jp2', 'EPSG:6677', 0, 0, 3, 3, () => 100);
    const sewers = join(tmp, 'neg.geojson');
    writeFileSync(sewers, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:6677' } }, features: [{ type: 'Feature', properties: { id: 'bad', flow: -3 }, geometry: { type: 'LineString', coordinates: [[0, -10], [100, -10]] } }] }));
    await expect(runStage('potential', dir, { sewers })).rejects.toThrow(/record bad: sewer flow must be a number >= 0/);
    expect(existsSync(join(dir, 'potential.tif'))).toBe(false);
    const noflow = join(tmp, 'noflow.geojson');
    writeFileSync(noflow, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:6677' } }, features: [{ type: 'Feature', properties: { id: 'x' }, geometry: { type: 'LineString', coordinates: [[0, -10], [100, -10]] } }] }));
    await expect(runStage('potential', dir, { sewers: noflow })).rejects.toThrow(/no sewer has a flow/);
  });
});

describeData('ground rasters of another CRS (rasters/hotmaps_ground_conductivity.tif, user-defined LAEA GeoKeys)', () => {
  it('same CRS area-weighted, UTM run reprojected; a raster that does not overlap is an error', async () => {
    // inside the raster: x 3,341,000..3,358,800, y 2,311,000..2,325,400 (EPSG:3035 values)
    const dir = await makeRun('g3035', 'EPSG:3035', 3_345_000, 2_320_000, 5, 5, () => 400);
    const s = await runStage('potential', dir, { ground: data('rasters/hotmaps_ground_conductivity.tif'), groundKind: 'conductivity' });
    // λ = 1 W/(m·K) -> 30 W/m (assumption); 100 m x 100 boreholes per ha -> 300 kW per cell
    const r = await readGeoTiff(join(dir, 'potential.tif'));
    const vals = [...r.bands[2]!].filter((v) => v === v);
    expect(vals.length).toBeGreaterThan(0);
    for (const v of vals) expect(v).toBeCloseTo(300, 9);
    expect(s.parameters.ground?.resampling).toBe('area-exact');
    expect(s.warnings['ground-user-crs']).toBe(1);
    // the same place in UTM 30N: supersampled reprojection, same values
    const { transformer, parseCrs } = await import('../../engine/crs/index.js');
    const [ux, uy] = transformer(parseCrs('EPSG:3035'), parseCrs('EPSG:32630')).forward(3_350_000, 2_318_000);
    const dirU = await makeRun('gutm', 'EPSG:32630', Math.round(ux / 100) * 100, Math.round(uy / 100) * 100, 4, 4, () => 400);
    const su = await runStage('potential', dirU, { ground: data('rasters/hotmaps_ground_conductivity.tif'), groundKind: 'conductivity' });
    expect(su.parameters.ground?.resampling).toBe('area-supersampled');
    const ru = await readGeoTiff(join(dirU, 'potential.tif'));
    for (const v of ru.bands[2]!) if (v === v) expect(v).toBeCloseTo(300, 9);
    // a run in Japan does not overlap a raster in Spain
    const jp = await makeRun('gjp', 'EPSG:6677', 0, 0, 3, 3, () => 100);
    await expect(runStage('potential', jp, { ground: data('rasters/hotmaps_ground_conductivity.tif') })).rejects.toThrow(/does not overlap the run grid/);
  });
});

describeData('Tamana: PLATEAU river polygon as a river source (tamana/493034_wtr_6697_op.gml)', () => {
  it('reaches the building cells within the access distance; kW = flow x rho cp dT', async () => {
    const dir = join(tmp, 'tamana');
    const tx = await RunTransaction.create(dir);
    const bldg = data('tamana/49303425_bldg_6697_op.gml');
    await withRun(tx, async (tx) => {
      const r = await runDemandStage({ buildings: [bldg], cellM: 100 });
      await writeDemandOutputs(tx, r, [bldg]);
    });
    const s = await runStage('potential', dir, { rivers: data('tamana/493034_wtr_6697_op.gml'), riverFlow: 10, riverTemp: [8], riverAccess: 500 });
    expect(s.sources.river.items).toBe(1);
    expect(s.sources.river.kw).toBeCloseTo(waterHeatKw(10, 6), 6); // dT = min(8 - 2, 6) = 6 K
    expect(s.sources.river.cellsCovered).toBeGreaterThan(0);
    // the river lies > 300 m south of the building grid: 150 m reaches nothing
    const s150 = await runStage('potential', dir, { rivers: data('tamana/493034_wtr_6697_op.gml'), riverFlow: 10, riverTemp: [8] });
    expect(s150.sources.river.cellsCovered).toBe(0);
    const a = await runAreas({ run: dir, method: 'blocks' });
    expect(a.method).toBe('blocks');
    expect(a.totalDemand_MWh).toBeGreaterThan(0);
  });
});
