/** The route stage: candidate pipe network on the road graph with heat-density pruning, into network.fgb (+ network.geojson). */
import { UsageError } from '../errors.js';
import { GEOJSON_TWIN_MAX_FEATURES, GEOJSON_TWIN_MODES } from '../run/contract.js';
import { DEFAULT_SIZING } from '../network/sizing.js';
import { bool, crs, num, oneOf, path, plantList, required, str, supplyAboveReturn, U, words, yesNo } from './fields.js';
import { defineStage } from './types.js';
import { costFields } from './cost.js';
import type { RouteSummary } from '../run/contract.js';

/** The values of pruneBy (--prune-by). */
export const PRUNE_CRITERIA = ['loss-share', 'design-kw-per-m', 'mwh-per-m', 'seed-kw-per-m', 'marginal-cost', 'none'] as const;

export const routeFields = {
  roads: required(path('--roads', 'in', 'roads: OSM .pbf, .gpkg, .fgb, .shp or .geojson lines', { help: 'roads: OSM .pbf (highway=*), GeoPackage .gpkg, FlatGeobuf .fgb, .shp or .geojson centre lines (README "Roads for a Japanese town")' })),
  plant: plantList('--plant', { help: 'plant position lon,lat[,capacity_kW[,type]] (repeat for several)' }),
  plants: path('--plants', 'in', 'GeoJSON points with capacity_kW, type, fuel', { help: 'GeoJSON points with capacity_kW, type, fuel' }),
  pruneBy: words('--prune-by', 'criteria: loss-share, design-kw-per-m, mwh-per-m, seed-kw-per-m, marginal-cost, none', {
    default: ['loss-share'],
    help: 'criteria that prune (comma list): loss-share (branch by branch, pipes + service pipes, against --max-loss-share), design-kw-per-m and mwh-per-m (branch by branch), seed-kw-per-m (seed 003: plant output / (2 x route length), per plant network), marginal-cost (branch by branch, top-most first, against --max-marginal-cost with the --costs tables), none',
  }),
  maxMarginalCost_per_MWh: num('--max-marginal-cost', 'currency/MWh', { positive: true }, 'largest marginal cost of a branch per connected MWh', {
    help: "largest marginal cost of a branch, in the cost tables' currency per MWh of its downstream annual heat: annuity + O&M of its downstream pipes, service pipes and substations (the cost stage's marginal cost, README \"Costs\"); prunes with --prune-by marginal-cost, else reported only; no default (a limit is the planner's choice)",
  }),
  plantChoice: oneOf('--plant-choice', ['demand', 'lcoh'] as const, { default: 'demand', help: 'how compared plant candidates are chosen: the most demand connected within the pruning rules, or the lowest route-time LCOH of the candidate network (needs --costs; fuel from the plant\'s efficiency and the fuel_price rows, not the simulation)' }),
  lcohPlantType: str('--lcoh-plant-type', 'a plant type of the cost table (biomass, gas_boiler, kerosene_boiler, heat_pump, waste_heat)', { placeholder: 'type', help: 'plant type with which --plant-choice lcoh prices candidates whose type is none of the simulation\'s plant types (the suggested 1-median and the demand clusters name none)' }),
  lcohEfficiency: num('--lcoh-efficiency', undefined, { positive: true }, 'heat out per fuel (or electricity) in', { help: "efficiency of the candidates' plant for --plant-choice lcoh (a heat pump: its seasonal COP, required); default the simulation's default of the type (biomass 0.75 METHODS.md 7; gas 0.9, kerosene 0.85 ASSUMPTION)" }),
  costs: costFields.costs,
  currency: costFields.currency,
  discountRate_pct: costFields.discountRate_pct,
  pipeCost: costFields.pipeCost,
  surface: costFields.surface,
  maxLossShare_pct: num('--max-loss-share', { name: 'per cent', symbol: '%' }, { positive: true }, 'largest loss share of a branch', { default: 10, help: 'largest computed loss share of a branch, % of heat delivered + lost (10 %: what seed 003\'s 0.17 kW/m stands for, C.A.R.M.E.N., METHODS.md 4)' }),
  minKwPerM: num('--min-kw-per-m', U.kWM, { min: 0 }, 'design output / (2 x route length); 0 = off', { default: 0.17, help: 'seed 003 threshold 0.17 kW/m (METHODS.md 4), for seed-kw-per-m (plant output / (2 x route length)) and design-kw-per-m (design load / (2 x route length)); 0 = off' }),
  minMwhPerM: num('--min-mwh-per-m', U.MWhM, { min: 0 }, 'annual heat per metre of trench; 0 = off', { default: 1.5, help: 'annual heat per metre of trench for mwh-per-m (1.5: Bavarian guide value, METHODS.md 4); 0 = off' }),
  loads: oneOf('--loads', ['coincident', 'diversity'] as const, { default: 'coincident', help: 'design loads: coincident peak of the downstream consumers\' hourly profiles (the simulation\'s; needs weather: --weather or the run\'s climate region) or the THERMOS diversity fit f = 0.62 + 0.38/n' }),
  weather: path('--weather', 'in', 'hourly weather (.has, .csv, .epw)', { help: 'hourly weather for coincident loads, the supply curve and the ground temperature (default: the bundled reference year of the run\'s climate region)' }),
  carries: oneOf('--carries', ['heat', 'cold', 'both'] as const, { default: 'heat', help: 'hot water, chilled water or both (two pipe pairs in one trench); cooling from the buildings\' cool_MWh and coolPeak_kW' }),
  coolSupply_C: num('--cool-supply', U.C, {}, 'chilled-water supply temperature', { default: 7, help: 'chilled-water supply °C (ASSUMPTION: common Japanese DHC design pair 7/14 °C)' }),
  coolReturn_C: num('--cool-return', U.C, {}, 'chilled-water return temperature', { default: 14, help: 'chilled-water return °C (ASSUMPTION)' }),
  supplyCurve: words('--supply-curve', 'outdoor:supply °C pairs', { help: 'supply temperature as a curve of outdoor temperature for the annual losses, e.g. -15:80,0:75,15:65 (linear between, flat outside; needs weather); sizing stays at --supply' }),
  insulationSeries: num('--insulation-series', undefined, { int: true, min: 1, max: 3 }, 'EN 253 insulation series', { default: 2, help: 'EN 253 insulation series of single pipes; the THERMOS loss fit is series 2; 1 and 3 need --series-loss-factor (no source for their factors)' }),
  seriesLossFactor: num('--series-loss-factor', undefined, { positive: true }, 'heat loss relative to series 2', { help: 'heat loss of the chosen series relative to series 2 (ASSUMPTION of the user; required for series 1 and 3)' }),
  twinPipes: bool('--twin-pipes', false, { help: 'twin pipes (supply and return in one casing; modesto catalogue Rs DN20-DN200, METHODS.md 5); larger pipes are laid as two single pipes' }),
  substationDp_kPa: num('--substation-dp', { name: 'kilopascal', symbol: 'kPa' }, { min: 0 }, 'pressure difference across the critical substation', { default: 50, help: 'pressure difference across the critical consumer\'s substation at design flow, kPa (ASSUMPTION)' }),
  plantDp_kPa: num('--plant-dp', { name: 'kilopascal', symbol: 'kPa' }, { min: 0 }, 'pressure drop across the plant', { default: 50, help: 'pressure drop across the plant at design flow, kPa (ASSUMPTION)' }),
  minDp_kPa: num('--min-dp', { name: 'kilopascal', symbol: 'kPa' }, { min: 0 }, 'minimum differential pressure at part load', { default: 50, help: 'minimum differential pressure held at the critical substation at part load, kPa (ASSUMPTION)' }),
  pumpEfficiency: num('--pump-efficiency', undefined, { positive: true }, 'pump and motor efficiency 0..1', { default: 0.6, help: 'pump and motor efficiency (ASSUMPTION, the simulation\'s 0.6)' }),
  plantCandidates: path('--plant-candidates', 'in', 'GeoJSON points of candidate plant sites', { help: 'candidate plant sites (points with id, capacity_kW, type): a network is planned for each and the one connecting the most demand within the pruning rules is kept' }),
  plantSearch: num('--plant-search', undefined, { int: true, min: 0, max: 50 }, 'candidates compared', { default: 5, help: 'without a plant: this many high-demand clusters are compared with the network 1-median (with --plant-from-potential: this many best potential cells); 0 = the 1-median only' }),
  clusterCell_m: num('--cluster-cell', U.m, { positive: true }, 'grid cell of the demand clusters', { default: 250, help: 'grid cell for the high-demand clusters, m (ASSUMPTION)' }),
  forceIn: words('--force-in', 'building ids', { help: 'building ids that must be connected (never pruned; unreachable ones are an error)' }),
  forceOut: words('--force-out', 'building ids', { help: 'building ids that must not be connected' }),
  supply_C: num('--supply', U.C, {}, 'supply temperature', { default: DEFAULT_SIZING.supplyC, aliases: ['supply'], help: 'supply temperature °C (assumption)' }),
  return_C: num('--return', U.C, {}, 'return temperature', { default: DEFAULT_SIZING.returnC, aliases: ['return'], help: 'return temperature °C (assumption)' }),
  ground_C: num('--ground', U.C, {}, 'ground temperature', { default: DEFAULT_SIZING.groundC, aliases: ['ground'], help: 'ground temperature °C' }),
  maxPaPerM: num('--max-pa-per-m', U.PaM, { positive: true }, 'pressure-drop limit', { default: DEFAULT_SIZING.maxPaPerM, help: 'pressure-drop limit for sizing' }),
  maxService_m: num('--max-service', U.m, { positive: true }, undefined, { default: 150, aliases: ['maxService'], help: 'consumers farther from a road are dropped' }),
  consumers: oneOf('--consumers', ['buildings', 'blocks'] as const, { default: 'buildings', help: 'one consumer per building, or per block/grid cell of blocks.geojson for coarse city-wide runs' }),
  plantFromPotential: bool('--plant-from-potential', false, { help: 'place the plant at the cell of potential.tif with the most available heat (a sewage/river/ground heat pump or waste heat)' }),
  maxPlantDistance_m: num('--max-plant-distance', U.m, { positive: true }, undefined, { default: 1000, aliases: ['maxPlantDistance'], help: 'a plant farther from a road is an error' }),
  roadClasses: words('--road-classes', 'highway=* classes', { help: 'only these highway=* classes carry pipes (comma list)' }),
  excludeRoadClasses: words('--exclude-road-classes', 'highway=* classes', { help: 'highway=* classes that do not carry pipes (comma list; default motorway, trunk, steps, ...)' }),
  roadsCrs: crs('--roads-crs', { help: 'CRS of a roads shapefile/GeoJSON/GeoPackage/FlatGeobuf that declares none' }),
  roadsLayer: str('--roads-layer', 'GeoPackage layer name', { help: 'the GeoPackage layer holding the roads (default: its one line layer)' }),
  snap_m: num('--snap', U.m, { positive: true }, 'vertex join distance', { default: 0.5, aliases: ['snap'], help: 'vertices closer than this are joined (lines without node ids)' }),
  crossings: yesNo('--crossings', { help: 'node roads where they cross on one layer (default: yes for SHP/GeoJSON, no for OSM)' }),
  improve: bool('--improve', true, { help: 'the key-path exchange after Mehlhorn (--no-improve skips it)' }),
  geojson: oneOf('--geojson', GEOJSON_TWIN_MODES, { default: 'auto', help: 'network.geojson beside network.fgb (the run\'s own form, always written): auto = while the layer has at most --geojson-max-features features, always, never' }),
  geojsonMaxFeatures: num('--geojson-max-features', undefined, { int: true, positive: true }, 'features', { default: GEOJSON_TWIN_MAX_FEATURES, help: 'largest layer of which --geojson auto writes network.geojson: a size policy, not a physical figure (100,000 features are about 56 MiB of buildings.geojson, a ninth of V8\'s longest string, so tools reading GeoJSON as one string open it; engine/run/contract.ts)' }),
  exportGraph: path('--export-graph', 'out', 'CSV of the noded road graph', { help: 'write the noded road graph with consumer taps as CSV (from,to,length_m,x1,y1,x2,y2)' }),
  exportTerminals: path('--export-terminals', 'out', 'CSV of plant and consumer node ids', { help: 'write the plant and consumer node ids of that graph (CSV node,kind)' }),
};

export const route = defineStage({
  name: 'route',
  command: 'route',
  description: 'pipe network on the road graph: Steiner tree from the plant(s) to the consumers, heat-density pruning, DN sizing, losses (writes network.fgb, network.geojson for small networks)',
  runArg: 'run',
  manifestKey: 'route',
  fields: routeFields,
  check(o) {
    const why = supplyAboveReturn(o.supply_C, o.return_C, ['--supply', '--return']);
    if (why) throw new UsageError('route-temperatures', why, { value: `${o.supply_C}/${o.return_C}` });
    if (o.coolSupply_C !== undefined && o.coolReturn_C !== undefined && !(o.coolReturn_C > o.coolSupply_C)) {
      throw new UsageError('route-temperatures', `coolReturn_C (--cool-return) ${o.coolReturn_C} °C must be above coolSupply_C (--cool-supply) ${o.coolSupply_C} °C: chilled water warms up in the buildings`, { value: `${o.coolSupply_C}/${o.coolReturn_C}` });
    }
    for (const c of o.pruneBy ?? []) {
      if (!(PRUNE_CRITERIA as readonly string[]).includes(c)) throw new UsageError('route-bad-prune-by', `pruneBy (--prune-by): unknown criterion "${c}"; choose from ${PRUNE_CRITERIA.join(', ')}`, { value: c });
    }
    if ((o.pruneBy ?? []).includes('none') && o.pruneBy!.length > 1) throw new UsageError('route-bad-prune-by', 'pruneBy (--prune-by): "none" cannot be combined with other criteria', { value: o.pruneBy!.join(',') });
    if (o.insulationSeries !== undefined && o.insulationSeries !== 2 && o.seriesLossFactor === undefined) {
      throw new UsageError('route-series-factor', `insulation series ${o.insulationSeries} needs seriesLossFactor (--series-loss-factor): METHODS.md 5 has the EN 253 series-2 fit only, and no source for a series ${o.insulationSeries} factor was found`, { value: o.insulationSeries });
    }
    if (o.pumpEfficiency !== undefined && o.pumpEfficiency > 1) throw new UsageError('route-bad-pump-efficiency', 'pumpEfficiency (--pump-efficiency) must be a fraction 0..1', { value: o.pumpEfficiency });
    if (o.maxLossShare_pct !== undefined && o.maxLossShare_pct >= 100) throw new UsageError('route-bad-loss-share', 'maxLossShare_pct (--max-loss-share) must be below 100 %', { value: o.maxLossShare_pct });
    const byCost = (o.pruneBy ?? []).includes('marginal-cost');
    if (byCost && o.maxMarginalCost_per_MWh === undefined) throw new UsageError('route-marginal-no-limit', 'pruneBy (--prune-by) marginal-cost needs maxMarginalCost_per_MWh (--max-marginal-cost), the limit in the cost tables\' currency per MWh: heatplan has no default for it', { value: o.pruneBy!.join(',') });
    const costing = byCost || o.maxMarginalCost_per_MWh !== undefined || o.plantChoice === 'lcoh';
    if (costing && !o.costs?.length && o.currency === undefined) {
      throw new UsageError('route-cost-no-table', `${byCost || o.maxMarginalCost_per_MWh !== undefined ? 'marginal-cost pruning' : 'plantChoice (--plant-choice) lcoh'} needs a cost table: costs (--costs FILE, README "Costs") with the service pipe, substation, lifetime and network O&M rows (and the currency the limit is in), or at least currency (--currency) for the bundled defaults alone`, {
        value: o.maxMarginalCost_per_MWh ?? o.plantChoice,
      });
    }
    if (costing && (o.carries ?? 'heat') !== 'heat') throw new UsageError('route-cost-carries', `cost-based routing prices hot-water networks (the marginal cost is per MWh of heat): carries (--carries) ${o.carries} is not supported with --prune-by marginal-cost, --max-marginal-cost or --plant-choice lcoh`, { value: o.carries });
    if (!costing && (o.lcohPlantType !== undefined || o.lcohEfficiency !== undefined)) throw new UsageError('route-lcoh-unused', 'lcohPlantType (--lcoh-plant-type) and lcohEfficiency (--lcoh-efficiency) are used by plantChoice (--plant-choice) lcoh only', { value: o.lcohPlantType ?? o.lcohEfficiency });
    if (o.currency !== undefined && !/^[A-Z]{3}$/.test(o.currency)) throw new UsageError('cost-bad-currency', `--currency must be a three-letter ISO 4217 code such as JPY, got "${o.currency}"`, { value: o.currency });
  },
  async run(runDir, o, ctx) {
    const { runRoute } = await import('../network/run.js');
    return runRoute(runDir, o, ctx);
  },
  line: (s) =>
    `${s.consumers} consumers connected (${s.connectedDemand_MWh.toFixed(0)} MWh/a), dropped ${JSON.stringify(s.consumersDropped)}; ` +
    `trench ${s.trench_m.toFixed(0)} m; seed 003 plant output/(2 x route) ${(s.seedKwPerM ?? NaN).toFixed(3)} kW/m, design load/(2 x route) ${(s.designKwPerM ?? s.kwPerM).toFixed(3)} kW/m, ` +
    `${s.mwhPerMA.toFixed(2)} MWh/(m·a), ${s.carries === 'cold' ? `chilled-water gain share with service pipes ${(100 * (s.media?.cold?.lossShare ?? 0)).toFixed(1)}` : `loss share with service pipes ${(100 * s.lossShare).toFixed(1)}`} %; ` +
    `plant ${s.plantSource}, output ${s.plantOutput_kW.toFixed(0)} kW; ${s.seconds.toFixed(1)} s` +
    // the thresholds in force on every terminal that shows the line (route and run)
    routeDetails(s).map((l) => `\n  ${l}`).join(''),
});

/** Every threshold in force and the per-medium checks, one line each, for the terminal. */
export function routeDetails(s: RouteSummary): string[] {
  const t = s.thresholds;
  const by = t.pruneBy ?? [];
  const on = (c: string) => (by.includes(c) ? 'prunes' : 'reported only');
  const out = [
    `pruning by: ${by.length ? by.join(', ') : 'none'}; design loads: ${s.loads ?? 'diversity'}`,
    `threshold: loss share <= ${t.maxLossShare !== undefined ? (100 * t.maxLossShare).toFixed(1) : '10.0'} % per branch, pipes and service pipes (${on('loss-share')})`,
    `threshold: seed 003 plant output / (2 x route length) >= ${t.minKwPerM} kW/m per plant network (${on('seed-kw-per-m')}); now ${(s.seedKwPerM ?? NaN).toFixed(3)} kW/m from ${(s.seedPlantOutput_kW ?? NaN).toFixed(0)} kW (${s.seedOutputBasis ?? 'design'})`,
    `threshold: design load / (2 x route length) >= ${t.minKwPerM} kW/m per branch (${on('design-kw-per-m')}); now ${(s.designKwPerM ?? s.kwPerM).toFixed(3)} kW/m`,
    `threshold: annual demand / trench >= ${t.minMwhPerMA} MWh/(m·a) per branch (${on('mwh-per-m')}); now ${s.mwhPerMA.toFixed(2)} MWh/(m·a)`,
  ];
  for (const [m, r] of Object.entries(s.media ?? {})) {
    if (!r) continue;
    out.push(
      `${m === 'heat' ? 'hot water' : 'chilled water'} ${r.supply_C}/${r.return_C} °C: demand ${r.demand_MWh.toFixed(0)} MWh/a, design ${r.design_kW.toFixed(0)} kW, ` +
        `${m === 'heat' ? 'loss' : 'gain'} ${(r.mains_MWh_a + r.service_MWh_a).toFixed(1)} MWh/a (service pipes ${r.service_MWh_a.toFixed(1)}), share ${(100 * r.lossShare).toFixed(1)} %, ` +
        `${r.designKwPerM.toFixed(3)} kW/m, ${r.mwhPerMA.toFixed(2)} MWh/(m·a); pumping head ${r.pumping.head_kPa.toFixed(0)} kPa over ${r.pumping.criticalPath_m.toFixed(0)} m, ` +
        `${r.pumping.power_kW.toFixed(1)} kW, ${r.pumping.energy_MWh_a === null ? 'annual n/a (diversity loads)' : r.pumping.energy_MWh_a.toFixed(1) + ' MWh/a'}`,
    );
  }
  const mc = s.marginalCost;
  if (mc) {
    out.push(
      `threshold: marginal cost <= ${fmtMoney(mc.limit_per_MWh)} ${mc.currency}/MWh per branch, annuity (${mc.discountRate_pct} %/a) + O&M of downstream pipes, service pipes and substations / downstream heat (${mc.prunes ? 'prunes, top-most first' : 'reported only'}); ` +
        `now ${mc.worstBranch_per_MWh === null ? 'n/a' : fmtMoney(mc.worstBranch_per_MWh) + ' ' + mc.currency + '/MWh'} (costliest kept branch), ${mc.branchesAbove} of ${mc.branches} branches above${mc.branchesAbove ? ` (${mc.branchesAboveForcedIn} of them feed a forced-in consumer${mc.prunes ? ' and are never cut' : ''})` : ''}`,
    );
  }
  if (s.plantLcoh) {
    out.push(`plant candidates on LCOH (${s.plantLcoh.currency}/kWh, route-time: fuel from the plant's efficiency and the fuel_price rows, not the simulation):`);
    for (const c of s.plantCandidates ?? []) {
      out.push(`  ${c.id} (${c.source}): ${c.failed ? 'not planned: ' + c.failed : `LCOH ${c.lcoh_per_kWh === null || c.lcoh_per_kWh === undefined ? 'n/a' : Number(c.lcoh_per_kWh.toPrecision(4)) + ' ' + s.plantLcoh.currency + '/kWh'}, ${c.consumers} consumers, ${c.connected_MWh.toFixed(0)} MWh/a, capital ${fmtMoney(c.capital ?? NaN)} ${s.plantLcoh.currency}`}${c.chosen ? ' (chosen)' : ''}`);
    }
  }
  const big = s.largestCuts?.[0];
  if (big) out.push(`largest cut: ${big.consumers} consumers, ${big.heat_MWh.toFixed(0)} MWh/a over ${big.length_m.toFixed(0)} m (${big.reason}: loss share ${(100 * big.lossShare).toFixed(1)} %, ${big.designKwPerM.toFixed(3)} kW/m, ${big.mwhPerMA.toFixed(2)} MWh/(m·a)${big.marginalCost_per_MWh !== undefined && s.marginalCost ? `, marginal cost ${fmtMoney(big.marginalCost_per_MWh)} ${s.marginalCost.currency}/MWh` : ''})`);
  if (s.assumptions?.length) out.push(s.assumptions.join('; '));
  if (s.forced && (s.forced.in.length || s.forced.out.length)) out.push(`forced in: ${s.forced.in.length ? s.forced.in.join(', ') : '-'}; forced out: ${s.forced.out.length ? s.forced.out.join(', ') : '-'}`);
  return out;
}

/** A money figure to 4 significant digits, thousands separated. */
function fmtMoney(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 6 }) : 'n/a';
}
