/** `heatplan simulate`: hourly energy simulation of the run folder's network.geojson (writes sim.json, hourly.csv). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runSimulateStage } from '../sim/run.js';
import { info } from '../util/progress.js';
import { parseInteger, parseNumber, printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('hourly simulation of the network: demand profiles, pipe losses, plants, surplus, backup, primary energy (writes sim.json, hourly.csv)')
    .requiredOption('--run <dir>', 'run folder holding network.geojson')
    .requiredOption('--weather <path>', 'hourly weather: HASP .has, CSV (timestep,temperature or timestamped) or EPW')
    .option('--plants <path>', 'plants file (YAML/JSON list of plants, or {plants, backup}); replaces the network\'s plants')
    .option('--scenario <file>', 'scenario YAML: cases as edits to consumers and plants')
    .option('--profiles <dir>', 'folder with the BDEW CSVs and common_room_usage_schedule.json (default ../shared/datasets/profiles or $HEATPLAN_DATA/profiles)')
    .option('--electricity-factor <MJ/kWh>', 'electricity primary energy factor: 9.76 or 8.64 (or another value)', parseNumber('--electricity-factor'), 9.76)
    .option('--electricity-co2 <kg/kWh>', 'electricity CO2 factor (default 0.434, an assumption)', parseNumber('--electricity-co2'))
    .option('--supply-c <C>', 'supply temperature °C (default: network.geojson, else 70)', parseNumber('--supply-c'))
    .option('--return-c <C>', 'return temperature °C (default: network.geojson, else 50)', parseNumber('--return-c'))
    .option('--design-ground-c <C>', 'ground temperature of the pipes\' design losses °C (default: network.geojson, else 10)', parseNumber('--design-ground-c'))
    .option('--ground-c <C>', 'constant ground temperature °C instead of the sinusoid model', parseNumber('--ground-c'))
    .option('--ground-depth <m>', 'pipe depth for the ground model (default 1.0)', parseNumber('--ground-depth'))
    .option('--start-weekday <0-6>', 'weekday of 1 January, 0 = Monday (default: from the file, else Monday)', parseInteger('--start-weekday', 0, 6))
    .option('--climate-region <n>', 'Japanese climate region 1-8 for mains water temperature (default: from the weather)', parseInteger('--climate-region', 1, 8))
    .option('--no-backup', 'no backup heaters: demand the plants cannot meet is unmet')
    .option('--json', 'print the sim summary as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (opts) => {
      if (opts.electricityFactor <= 0) throw new InvalidArgumentError('--electricity-factor must be positive');
      const r = await runSimulateStage({
        runDir: opts.run, weatherPath: opts.weather, plantsPath: opts.plants, scenarioPath: opts.scenario,
        weather: { groundC: opts.groundC, groundDepthM: opts.groundDepth, startWeekday: opts.startWeekday, climateRegion: opts.climateRegion },
        profiles: { profilesDir: opts.profiles, climateRegion: opts.climateRegion },
        electricityPrimaryMjPerKwh: opts.electricityFactor, electricityCo2KgPerKwh: opts.electricityCo2,
        supplyC: opts.supplyC, returnC: opts.returnC, designGroundC: opts.designGroundC,
        ...(opts.backup === false ? { backup: { enabled: false } } : {}),
      });
      const s = r.summary as Record<string, number | unknown>;
      if (opts.json) printJson(s);
      const f = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : String(v));
      info(
        `heatplan simulate: ${f(s.networks)} network(s), ${f(s.consumers)} consumers; delivered ${f(s.heatDelivered_MWh)} MWh, produced ${f(s.produced_MWh)} MWh, ` +
          `losses ${f(s.losses_MWh)} MWh, surplus ${f(s.surplus_MWh)} MWh, backup ${f(s.backup_MWh)} MWh (${f(s.backupKerosene_L)} L kerosene); ` +
          `PE factor ${f(s.primaryEnergyFactor)} (default 1.36), CO2 ${f(s.co2_t)} t, unmet hours ${f(s.unmetHours)}\n` +
          r.cases.slice(1).map((c) => `  case ${c.id}${c.name ? ` (${c.name})` : ''}: surplus ${c.surplusChangePct.toFixed(1)} %, backup fuel ${c.backupFuelChange_MJ_per_day.toFixed(0)} MJ/day vs case ${r.cases[0].id}\n`).join('') +
          `  wrote ${r.dir}/sim.json, hourly.csv`,
        opts.quiet,
      );
    });
}
