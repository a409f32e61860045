/** `heatplan demand`: buildings -> demand grid, blocks and building table in a run folder. */
import type { Command } from 'commander';
import { runDemandStage } from '../demand/pipeline.js';
import { writeDemandOutputs } from '../demand/write.js';
import { RunTransaction, withRun } from '../io/run-folder.js';
import { info, progressBar } from '../util/progress.js';
import { collect, parseInteger, parseNumber, parsePositive, printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('demand')
    .description('map building heat demand onto a grid and blocks (writes demand.tif, blocks.geojson, buildings.geojson, manifest.json)')
    .requiredOption('--buildings <path...>', 'PLATEAU CityGML (.gml, .gml.gz, folder of tiles), OSM .pbf, .shp or .geojson')
    .requiredOption('--out <dir>', 'run folder to write')
    .option('--crs <EPSG:N>', 'projected working CRS (default: JGD2011 plane zone in Japan, UTM elsewhere)')
    .option('--cell <m>', 'grid cell size in metres', parsePositive('--cell'), 100)
    .option('--blocks <path>', 'block polygons (GeoJSON or shapefile) to aggregate to; default: grid cells')
    .option('--use-column <name>', 'shapefile/GeoJSON column holding the use code')
    .option('--floor-area-column <name>', 'shapefile/GeoJSON column holding total floor area (m²)')
    .option('--storeys-column <name>', 'shapefile/GeoJSON column holding storeys above ground')
    .option('--height-column <name>', 'shapefile/GeoJSON column holding building height (m)')
    .option('--id-column <name>', 'shapefile/GeoJSON column holding the building id')
    .option('--scheme <name>', 'use-code scheme of shapefile/GeoJSON codes in the use mapping table', 'custom')
    .option('--use-mapping <csv>', 'extra use mapping table (scheme,code,category); overrides the defaults', collect, [])
    .option('--encoding <name>', 'character encoding of .dbf files without .cpg (e.g. shift_jis)')
    .option('--source-crs <EPSG:N>', 'CRS of shapefile/GeoJSON inputs that declare none')
    .option('--intensity <csv>', 'demand intensity table (see engine/demand/intensity.csv)')
    .option('--climate-table <csv>', 'climate region table (see engine/demand/climate-regions.csv)')
    .option('--climate-region <n>', 'Japanese climate region 1-8 (default: nearest reference city)', parseInteger('--climate-region', 1, 8))
    .option('--hdd <Kd>', 'heating degree days base 18 °C (required outside Japan)', parseNumber('--hdd'))
    .option('--mean-temp <C>', 'annual mean outdoor temperature °C (mains water temperature)', parseNumber('--mean-temp'))
    .option('--design-temp <C>', 'design outdoor temperature °C (peaks)', parseNumber('--design-temp'))
    .option('--hdd-scaling <linear|sqrt>', 'how space-heating intensity scales with degree days', 'linear')
    .option('--include-basement', 'count storeys below ground in floor area', false)
    .option('--json', 'print the demand summary as JSON on stdout', false)
    .option('--quiet', 'no progress or messages on stderr', false)
    .action(async (opts) => {
      const bar = progressBar('demand', { quiet: opts.quiet });
      try {
        const mapping = {
          use: opts.useColumn,
          floorArea: opts.floorAreaColumn,
          storeys: opts.storeysColumn,
          height: opts.heightColumn,
          id: opts.idColumn,
        };
        const tx = await RunTransaction.create(opts.out);
        const r = await withRun(tx, async (tx) => {
          const r = await runDemandStage({
            buildings: opts.buildings,
            crs: opts.crs,
            cellM: opts.cell,
            blocks: opts.blocks,
            mapping,
            scheme: opts.scheme,
            useMapping: opts.useMapping,
            encoding: opts.encoding,
            sourceCrs: opts.sourceCrs,
            intensity: opts.intensity,
            climateTable: opts.climateTable,
            climate: { region: opts.climateRegion, hdd18Kd: opts.hdd, meanTempC: opts.meanTemp, designTempC: opts.designTemp },
            hddScaling: opts.hddScaling === 'sqrt' ? 'sqrt' : 'linear',
            includeBasement: opts.includeBasement,
            onProgress: bar.update,
          });
          await writeDemandOutputs(tx, r, opts.buildings, opts.blocks);
          return r;
        });
        bar.stop();
        const s = r.summary;
        if (opts.json) printJson(s);
        info(
          `heatplan demand: ${s.buildings} buildings, ${fmt(s.floorArea_m2)} m² floor area, ${fmt(s.annualHeat_MWh)} MWh/a, ` +
            `peak ${fmt(s.peak_kW)} kW; grid ${s.grid.width}x${s.grid.height} cells of ${s.cellSize_m} m in ${s.crs}\n` +
            `  CRS: ${s.crsReason}\n  floor area from: ${JSON.stringify(s.floorAreaSource)}\n` +
            (Object.keys(s.warnings).length ? `  warnings: ${JSON.stringify(s.warnings)}\n` : '') +
            `  wrote ${tx.dir}`,
          opts.quiet,
        );
      } finally {
        bar.stop();
      }
    });
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
