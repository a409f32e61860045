/**
 * The data sources of a run, dataset by dataset with their licences, from the manifest's inputs (engine/run/contract.ts
 * InputRecord: path, role). A dataset is counted once however many files it came in (68 PLATEAU tiles are one line,
 * "MLIT Project PLATEAU, CC BY 4.0 (68 files)"); files of no known dataset are named with their role, as the user's
 * own data whose licence the run does not record. Attributions as ../shared/datasets/README.md and datasets/README.md
 * state them.
 */
import { basename, dirname } from 'node:path';
import type { InputRecord, Manifest } from '../../run/contract.js';
import { words, type Lang } from './i18n.js';

/** Names and licences a source line keeps on one line when it wraps. */
export const KEEP_TOGETHER: (string | RegExp)[] = [
  'MLIT Project PLATEAU, CC BY 4.0',
  '国土交通省 Project PLATEAU',
  'CC BY 4.0',
  '© OpenStreetMap contributors, ODbL',
  '© OpenStreetMap contributors',
  'Hotmaps project (H2020)',
  'reference-year weather',
  /\(\d[\d,]* files?\)/,
  /（\d[\d,]*ファイル）/,
];

/** One dataset of the run's inputs. */
export interface DataSource {
  /** 'plateau', 'osm', 'hotmaps', 'demo', 'builelib', 'demandlib', 'modelica-buildings' or 'user'. */
  dataset: string;
  /** Input roles the dataset's files had (manifest inputs' `role`), in first-seen order. */
  roles: string[];
  files: string[];
  /** The attribution line. */
  text: string;
}

/** HASP reference-year files of builelib (datasets/weather, ../shared/datasets/weather): the region's city. */
const BUILELIB_WEATHER: Record<string, { en: string; ja: string }> = {
  '0868195.has': { en: 'Kitami', ja: '北見' },
  '0598195.has': { en: 'Iwamizawa', ja: '岩見沢' },
  '2248195.has': { en: 'Morioka', ja: '盛岡' },
  '3938195.has': { en: 'Nagano', ja: '長野' },
  '3338195.has': { en: 'Utsunomiya', ja: '宇都宮' },
  '6158195.has': { en: 'Okayama', ja: '岡山' },
  '7948195.has': { en: 'Miyazaki', ja: '宮崎' },
  '8318195.has': { en: 'Naha', ja: '那覇' },
};

/** PLATEAU file names as published: <mesh>_<layer>_<EPSG>[_<n>]_op.gml[.gz], and the city packages. */
const PLATEAU_FILE = /^\d{6,10}_[a-z]{2,6}_\d{4}(_\d+)*_op\d*\.gml(\.gz)?$/i;
const PLATEAU_PATH = /plateau|[\\/]udx[\\/]|_citygml_/i;
const OSM_FILE = /\.(osm\.pbf|pbf|osm|osm\.bz2|o5m)$/i;

/** Which dataset an input file belongs to. */
export function datasetOf(path: string): string {
  const name = basename(path);
  if (/[\\/]datasets[\\/]demo[\\/]/.test(path)) return 'demo';
  if (/hotmaps/i.test(path)) return 'hotmaps';
  if (PLATEAU_FILE.test(name) || PLATEAU_PATH.test(path)) return 'plateau';
  if (OSM_FILE.test(name)) return 'osm';
  if (BUILELIB_WEATHER[name] || name === 'common_room_usage_schedule.json' || /[\\/]builelib[\\/]/.test(path)) return 'builelib';
  if (/^bdew_shlp_/.test(name) || name === 'demandlib_example_data.csv') return 'demandlib';
  if (/\.mos$/i.test(name) && /^Swiss/i.test(name)) return 'modelica-buildings';
  return 'user';
}

const ROLE_WORDS: Record<string, { en: string; ja: string }> = {
  buildings: { en: 'Buildings', ja: '建物' },
  blocks: { en: 'Blocks', ja: '街区' },
  rivers: { en: 'Water', ja: '河川・水域' },
  sewers: { en: 'Sewers', ja: '下水道管渠' },
  'sewage-points': { en: 'Sewage flows', ja: '下水流量' },
  ground: { en: 'Ground heat', ja: '地中熱' },
  'waste-heat': { en: 'Waste heat', ja: '排熱' },
  'demand-raster': { en: 'Heat demand raster', ja: '熱需要ラスタ' },
  route: { en: 'Roads and plants', ja: '道路・熱源' },
  roads: { en: 'Roads', ja: '道路' },
  simulate: { en: 'Simulation inputs', ja: 'シミュレーション入力' },
  weather: { en: 'Weather', ja: '気象' },
  profiles: { en: 'Load profiles', ja: '負荷パターン' },
};

/** The role of a file as a reader of the sheet would name it: the route stage's OSM file is its roads, etc. */
function roleOf(r: InputRecord): string {
  const name = basename(r.path);
  if (r.role === 'route' && OSM_FILE.test(name)) return 'roads';
  if (r.role === 'simulate' && /\.(has|epw)$/i.test(name)) return 'weather';
  if (r.role === 'simulate' && (/^bdew_shlp_/.test(name) || name === 'common_room_usage_schedule.json' || /\.mos$/i.test(name))) return 'profiles';
  return r.role || 'input';
}

const roleWord = (role: string, lang: Lang): string => ROLE_WORDS[role]?.[lang] ?? role;

function joinRoles(roles: string[], lang: Lang): string {
  const w = roles.map((r) => roleWord(r, lang));
  if (lang === 'ja') return w.join('・');
  const s = w.map((x, i) => (i === 0 ? x : x.toLowerCase())).join(', ');
  return s;
}

/**
 * The run's data sources, one per dataset (user files one per role and folder), with their attribution lines.
 * `cjk`: a font with Japanese glyphs will draw the text (the Japanese names of Japanese datasets are added in English).
 * Inputs of role 'scenario' are the run's settings, not data, and are left out.
 */
export function dataSources(manifest: Pick<Manifest, 'inputs'>, lang: Lang = 'en', cjk = false): DataSource[] {
  const w = words(lang);
  const inputs = Array.isArray(manifest.inputs) ? manifest.inputs : [];
  const groups = new Map<string, { dataset: string; roles: string[]; files: string[] }>();
  for (const r of inputs) {
    if (!r || typeof r.path !== 'string' || r.role === 'scenario') continue;
    const dataset = datasetOf(r.path);
    const role = roleOf(r);
    const key = dataset === 'user' ? `user:${role}:${dirname(r.path)}` : dataset;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { dataset, roles: [], files: [] }));
    if (!g.roles.includes(role)) g.roles.push(role);
    if (!g.files.includes(r.path)) g.files.push(r.path);
  }
  const order = ['plateau', 'osm', 'hotmaps', 'demo', 'builelib', 'demandlib', 'modelica-buildings', 'user'];
  const out: DataSource[] = [];
  for (const g of [...groups.values()].sort((a, b) => order.indexOf(a.dataset) - order.indexOf(b.dataset))) {
    const roles = joinRoles(g.roles, lang);
    const n = g.files.length;
    const count = w.count(n);
    const sep = lang === 'ja' ? '：' : ': ';
    let text: string;
    switch (g.dataset) {
      case 'plateau':
        text =
          lang === 'ja'
            ? `${roles}${sep}国土交通省 Project PLATEAU（3D都市モデル）、CC BY 4.0（${count}）`
            : `${roles}${sep}${cjk ? '国土交通省 ' : ''}MLIT Project PLATEAU, CC BY 4.0 (${count})`;
        break;
      case 'osm':
        text = lang === 'ja' ? `${roles}${sep}© OpenStreetMap contributors、ODbL（${count}）` : `${roles}${sep}© OpenStreetMap contributors, ODbL (${count})`;
        break;
      case 'hotmaps':
        text = lang === 'ja' ? `${roles}${sep}Hotmaps project (H2020)、Apache-2.0（${count}）` : `${roles}${sep}Hotmaps project (H2020), Apache-2.0 (${count})`;
        break;
      case 'demo':
        text =
          lang === 'ja'
            ? 'デモの町：heatplan が作成した架空のデータ（datasets/make-demo-town.ts）。実在の建物ではない'
            : 'Demo town: synthetic data made by heatplan (datasets/make-demo-town.ts), no real buildings';
        break;
      case 'builelib': {
        const cities = g.files.map((f) => BUILELIB_WEATHER[basename(f)]?.[lang]).filter(Boolean);
        const what = cities.length ? (lang === 'ja' ? `標準年気象データ ${cities.join('・')}` : `reference-year weather of ${cities.join(', ')}`) : '';
        text =
          lang === 'ja'
            ? `${roles}${sep}${what ? what + '、' : ''}MasatoMiyata/builelib、MIT（${count}）`
            : `${roles}${sep}${what ? what + ', ' : ''}MasatoMiyata/builelib, MIT (${count})`;
        break;
      }
      case 'demandlib':
        text = lang === 'ja' ? `${roles}${sep}oemof/demandlib、MIT（${count}）` : `${roles}${sep}oemof/demandlib, MIT (${count})`;
        break;
      case 'modelica-buildings':
        text = lang === 'ja' ? `${roles}${sep}lbl-srg/modelica-buildings、BSD-3-Clause（${count}）` : `${roles}${sep}lbl-srg/modelica-buildings, BSD-3-Clause (${count})`;
        break;
      default: {
        const names = n <= 3 ? g.files.map((f) => basename(f)).join(', ') : `${count} in ${basename(dirname(g.files[0]!))}/`;
        text = lang === 'ja' ? `${roles}${sep}${names}（利用者のデータ。ライセンスは記録なし）` : `${roles}${sep}${names} (user data; licence not recorded in the run)`;
      }
    }
    out.push({ ...g, text });
  }
  return out;
}
