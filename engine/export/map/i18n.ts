/**
 * The words of a plan sheet in Japanese and English: legend titles, units, use names, furniture, notes and source
 * lines. Every text a sheet draws comes from here (or from the run: its title, file names), so `lang: ja` leaves no
 * English label behind and `lang: en` no Japanese one (except the Japanese names of Japanese data sources).
 *
 * Use names in Japanese are the PLATEAU Building_usage code list's (../shared/datasets/plateau-codelists/
 * Building_usage.xml: 401 業務施設, 402 商業施設, 403 宿泊施設, 411 住宅, 412 共同住宅, 421 官公庁施設,
 * 422 文教厚生施設, 431 運輸倉庫施設, 441 工場, 454 その他, 461 不明) for the categories that are one code or a
 * group of codes (engine/buildings/use-mapping.csv), and plain terms for the three categories that no single code
 * names (medical_welfare, greenhouse, unheated).
 */
import { useLabel } from '../../style/palette.js';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** Japanese names of the demand use categories (engine/buildings/table.ts USE_CATEGORIES). */
export const USE_LABELS_JA: Record<string, string> = {
  office: '業務施設',
  commercial: '商業施設',
  lodging: '宿泊施設',
  residential_detached: '住宅',
  residential_apartment: '共同住宅',
  education: '文教厚生施設',
  medical_welfare: '医療・福祉施設',
  public_office: '官公庁施設',
  factory_warehouse: '工場・運輸倉庫施設',
  greenhouse: '温室',
  unheated: '非暖房建物（車庫・物置等）',
  unknown: '用途不明・その他',
};

const fmt = (v: number): string => (Number.isInteger(v) ? v.toLocaleString('en-US') : String(+v.toPrecision(4)));

/** A sheet's words. */
export interface SheetWords {
  lang: Lang;
  defaultTitle(run: string): string;
  subtitle(run: string, version: string, date: string): string;
  figure(f: string): string;
  demandTitle: string;
  demandUnit: string;
  demandNote(cell: number, threshold: number): string;
  blocksTitle: string;
  blocksDensityTitle: string;
  blockOutline: string;
  areasTitle: string;
  areaItem(n: number): string;
  areasNote(gwh: number): string;
  buildingsTitle: string;
  useLabel(use: string): string;
  pipesTitle: string;
  pipesNote(threshold: number | undefined): string;
  networkTitle: string;
  service: string;
  consumer(n: number): string;
  dropped(n: number): string;
  plant(n: number): string;
  potentialTitle: string;
  potentialUnit: string;
  potentialWhat: string;
  potentialNone: string;
  baseTitle: string;
  roads: string;
  water: string;
  tiles(name: string): string;
  tilesSource(attribution: string, file: string): string;
  scale(s: string): string;
  crsLine(name: string, code: string | undefined): string;
  northLine(convergenceDeg: number): string;
  sourcesTitle: string;
  madeWith(version: string): string;
  note(n: string): string;
  count(n: number): string;
}

const EN: SheetWords = {
  lang: 'en',
  defaultTitle: (run) => `Heat planning map: ${run}`,
  subtitle: (run, v, d) => `Run ${run} · heatplan ${v} · ${d}`,
  figure: (f) => (/^(fig|figure)\b/i.test(f) ? f : `Figure ${f}`),
  demandTitle: 'Heat demand density',
  demandUnit: 'MWh/(ha·a)',
  demandNote: (cell, t) => `${fmt(cell)} m cells; ${Math.round(t)} = supply-area cell threshold`,
  blocksTitle: 'Blocks',
  blocksDensityTitle: 'Blocks, heat demand density',
  blockOutline: 'Block outline',
  areasTitle: 'Supply areas',
  areaItem: (n) => `Candidate DH area (${n})`,
  areasNote: (t) => `areas with ≥ ${t} GWh/a`,
  buildingsTitle: 'Buildings by use',
  useLabel: (u) => useLabel(u),
  pipesTitle: 'Pipes, heat-supply density',
  pipesNote: (t) => (t !== undefined ? `break at the run's threshold ${t} kW/m` : 'break at 0.17 kW/m (default; the run states none)'),
  networkTitle: 'Network',
  service: 'Service connection',
  consumer: (n) => `Connected building (${n})`,
  dropped: (n) => `Building not connected (${n})`,
  plant: (n) => `Heat plant (${n})`,
  potentialTitle: 'Extractable heat of the sources',
  potentialUnit: 'kW per cell',
  potentialWhat: 'Heat the sources could give up within reach of the cell (the potential), not heat delivered to buildings.',
  potentialNone: 'No cell with demand lies within reach of a source: nothing to draw.',
  baseTitle: 'Base map',
  roads: 'Roads (the routed road graph)',
  water: 'Water',
  tiles: (name) => `Base tiles: ${name}`,
  tilesSource: (a, f) => `Base tiles: ${a} (${f})`,
  scale: (s) => `Scale ${s}`,
  crsLine: (name, code) => `Coordinate system: ${name}${code && !name.includes(code) ? ` (${code})` : ''}`,
  northLine: (c) => {
    const a = Math.abs(c);
    return `North arrow: grid north${a >= 0.005 ? `; true north is ${a.toFixed(2)}° ${c > 0 ? 'east' : 'west'} of it at the map centre` : ''}.`;
  },
  sourcesTitle: 'Data sources:',
  madeWith: (v) => `Map: heatplan ${v}`,
  note: (n) => `Note: ${n}`,
  count: (n) => `${n.toLocaleString('en-US')} file${n === 1 ? '' : 's'}`,
};

const JA: SheetWords = {
  lang: 'ja',
  defaultTitle: (run) => `熱供給計画図：${run}`,
  subtitle: (run, v, d) => `計算 ${run} · heatplan ${v} · ${d}`,
  figure: (f) => (/^図/.test(f) ? f : `図 ${f}`),
  demandTitle: '熱需要密度',
  demandUnit: 'MWh/(ha·年)',
  demandNote: (cell, t) => `${fmt(cell)} mメッシュ。${Math.round(t)} は供給区域のメッシュ閾値`,
  blocksTitle: '街区',
  blocksDensityTitle: '街区の熱需要密度',
  blockOutline: '街区界',
  areasTitle: '熱供給区域',
  areaItem: (n) => `地域熱供給の候補区域（${n}）`,
  areasNote: (t) => `年間熱需要 ${t} GWh 以上の区域`,
  buildingsTitle: '建物用途',
  useLabel: (u) => USE_LABELS_JA[u] ?? USE_LABELS_JA.unknown!,
  pipesTitle: '導管の線熱密度',
  pipesNote: (t) => (t !== undefined ? `区切りは本計算の閾値 ${t} kW/m` : '区切りは 0.17 kW/m（既定値。計算に記録なし）'),
  networkTitle: '熱導管網',
  service: '引込管',
  consumer: (n) => `接続建物（${n}）`,
  dropped: (n) => `接続しない建物（${n}）`,
  plant: (n) => `熱源プラント（${n}）`,
  potentialTitle: '熱源の賦存量',
  potentialUnit: 'kW/メッシュ',
  potentialWhat: '賦存量：メッシュから到達距離内で熱源から取り出し得る熱量。建物への供給熱量ではない。',
  potentialNone: '熱需要のあるメッシュで到達距離内に熱源のあるものはない（描画なし）。',
  baseTitle: '背景図',
  roads: '道路（経路探索に用いた道路網）',
  water: '水域・河川',
  tiles: (name) => `背景タイル：${name}`,
  tilesSource: (a, f) => `背景タイル：${a}（${f}）`,
  scale: (s) => `縮尺 ${s}`,
  crsLine: (name, code) => `座標系：${crsNameJa(name)}${code && !name.includes(code) ? `（${code}）` : ''}`,
  northLine: (c) => {
    const a = Math.abs(c);
    return `方位記号：座標北${a >= 0.005 ? `。図の中心で真北は座標北から${c > 0 ? '東' : '西'}へ ${a.toFixed(2)}°` : ''}`;
  },
  sourcesTitle: '出典：',
  madeWith: (v) => `作図：heatplan ${v}`,
  note: (n) => `注記：${n}`,
  count: (n) => `${n.toLocaleString('en-US')}ファイル`,
};

/** 'JGD2011 / Japan Plane Rectangular CS VI' -> 'JGD2011 平面直角座標系 第VI系'; UTM names as they are. */
export function crsNameJa(name: string): string {
  const m = /^(JGD20\d\d|JGD2000|Tokyo)\s*\/\s*Japan Plane Rectangular CS\s+([IVX]+)$/.exec(name.trim());
  if (m) return `${m[1]} 平面直角座標系 第${m[2]}系`;
  return name;
}

/** The words of `lang`. */
export function words(lang: Lang = 'en'): SheetWords {
  return lang === 'ja' ? JA : EN;
}
