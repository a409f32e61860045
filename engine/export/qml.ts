/**
 * QGIS layer styles (.qml, QGIS 3) for the GeoPackage layers, with heatplan's classes and colours
 * (engine/style/palette.ts): pipes by kW/m with the route threshold (0.17 kW/m by default) as the break between warm
 * and cool colours, blocks by heat demand density MWh/(ha·a) with the areas cell threshold, buildings by use.
 * Classed layers use rule-based renderers whose filters are the classes' own bounds, [min, max): a pipe at exactly
 * 0.17 kW/m is in the "≥ 0.17" class, as in the plan sheets and the route stage's check. Symbol layers carry their
 * properties both as <Option> maps (QGIS ≥ 3.26) and as <prop> elements (older QGIS 3).
 */
import { BLOCK_DENSITY } from '../run/contract.js';
import { demandDensityScale, hexToRgb, pipeKwPerMScale, STYLE, USE_COLORS, type ClassedScale } from '../style/palette.js';
import { useName, type Lang } from './i18n.js';

const x = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rgba = (hex: string, alpha = 1): string => `${hexToRgb(hex).join(',')},${Math.round(alpha * 255)}`;

type Props = Record<string, string>;

function symbolLayer(cls: 'SimpleFill' | 'SimpleLine' | 'SimpleMarker', props: Props): string {
  const opts = Object.entries(props)
    .map(([k, v]) => `<Option type="QString" name="${x(k)}" value="${x(v)}"/>`)
    .join('');
  const old = Object.entries(props)
    .map(([k, v]) => `<prop k="${x(k)}" v="${x(v)}"/>`)
    .join('');
  return `<layer class="${cls}" enabled="1" locked="0" pass="0"><Option type="Map">${opts}</Option>${old}</layer>`;
}

type SymbolType = 'fill' | 'line' | 'marker';

function symbol(name: string, type: SymbolType, layers: string[], alpha = 1): string {
  return `<symbol type="${type}" name="${x(name)}" alpha="${alpha}" clip_to_extent="1" force_rhr="0">${layers.join('')}</symbol>`;
}

const fill = (color: string, outline: string, o: { alpha?: number; outlineMm?: number; noFill?: boolean } = {}): string =>
  symbolLayer('SimpleFill', {
    color: rgba(color, o.alpha ?? 1),
    style: o.noFill ? 'no' : 'solid',
    outline_color: rgba(outline),
    outline_style: 'solid',
    outline_width: String(o.outlineMm ?? 0.15),
    outline_width_unit: 'MM',
    joinstyle: 'miter',
  });

const line = (color: string, widthMm: number, o: { dash?: boolean } = {}): string =>
  symbolLayer('SimpleLine', {
    line_color: rgba(color),
    line_width: String(widthMm),
    line_width_unit: 'MM',
    line_style: o.dash ? 'dash' : 'solid',
    capstyle: 'round',
    joinstyle: 'round',
  });

const marker = (shape: string, color: string, sizeMm: number, outline: string, o: { alpha?: number } = {}): string =>
  symbolLayer('SimpleMarker', {
    name: shape,
    color: rgba(color, o.alpha ?? 1),
    size: String(sizeMm),
    size_unit: 'MM',
    outline_color: rgba(outline),
    outline_style: 'solid',
    outline_width: '0.2',
    outline_width_unit: 'MM',
  });

/** QGIS's layerGeometryType: 0 point, 1 line, 2 polygon. */
const GEOM: Record<SymbolType, number> = { marker: 0, line: 1, fill: 2 };

function qgis(renderer: string, type: SymbolType): string {
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology">
${renderer}
<blendMode>0</blendMode>
<featureBlendMode>0</featureBlendMode>
<layerGeometryType>${GEOM[type]}</layerGeometryType>
</qgis>
`;
}

function single(type: SymbolType, layer: string, alpha = 1): string {
  return qgis(`<renderer-v2 type="singleSymbol" forceraster="0" symbollevels="0" enableorderby="0"><symbols>${symbol('0', type, [layer], alpha)}</symbols></renderer-v2>`, type);
}

/** A deterministic rule key in QGIS's {uuid} form. */
const ruleKey = (layer: string, i: number): string => {
  let h = 2166136261;
  for (const c of `${layer}:${i}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const hex = (h.toString(16).padStart(8, '0') + (i + 1).toString(16).padStart(4, '0')).padEnd(32, '0');
  return `{${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}}`;
};

/** A rule-based renderer over the classes of `scale` on `field`: filter min <= value < max per class. */
function classed(layer: string, field: string, scale: ClassedScale, type: SymbolType, sym: (color: string) => string, unit: string): string {
  const f = `"${field}"`;
  const num = (v: number) => String(+v.toPrecision(12));
  const rules = scale.classes.map((c, i) => {
    const parts = [Number.isFinite(c.min) ? `${f} >= ${num(c.min)}` : '', Number.isFinite(c.max) ? `${f} < ${num(c.max)}` : ''].filter(Boolean);
    return `<rule key="${ruleKey(layer, i)}" symbol="${i}" label="${x(`${c.label} ${unit}`)}" filter="${x(parts.join(' AND '))}"/>`;
  });
  const symbols = scale.classes.map((c, i) => symbol(String(i), type, [sym(c.color)]));
  return qgis(
    `<renderer-v2 type="RuleRenderer" forceraster="0" symbollevels="0" enableorderby="0"><rules key="${ruleKey(layer, -1)}">${rules.join('')}</rules><symbols>${symbols.join('')}</symbols></renderer-v2>`,
    type,
  );
}

export interface StyleOptions {
  lang: Lang;
  /** The kW/m break of the pipes (the route threshold; default 0.17). */
  pipeThresholdKwPerM: number;
  /** The demand density class break of the areas stage (default 333 MWh/(ha·a)). */
  cellThresholdMWhPerHa: number;
}

/** The QML style of each GeoPackage layer, by layer name. */
export function layerStyles(o: StyleOptions): Record<string, string> {
  const uses = Object.keys(USE_COLORS);
  const buildings = qgis(
    `<renderer-v2 type="categorizedSymbol" attr="use" forceraster="0" symbollevels="0" enableorderby="0"><categories>${uses
      .map((u, i) => `<category render="true" symbol="${i}" value="${x(u)}" label="${x(useName(u, o.lang))}" type="string"/>`)
      .join('')}</categories><symbols>${uses.map((u, i) => symbol(String(i), 'fill', [fill(USE_COLORS[u]!, STYLE.buildingStroke, { outlineMm: 0.1 })])).join('')}</symbols></renderer-v2>`,
    'fill',
  );
  const pipes = classed('pipes', 'kw_per_m', pipeKwPerMScale(o.pipeThresholdKwPerM), 'line', (c) => line(c, 0.9), 'kW/m');
  const blocks = classed('blocks', BLOCK_DENSITY, demandDensityScale(o.cellThresholdMWhPerHa), 'fill', (c) => fill(c, STYLE.blockStroke, { outlineMm: 0.05, alpha: 0.85 }), 'MWh/(ha·a)');
  return {
    buildings,
    blocks,
    pipes,
    services: single('line', line(STYLE.serviceStroke, 0.3)),
    consumers: single('marker', marker('circle', STYLE.consumer, 1.2, STYLE.consumer)),
    // cut-off consumers drawn quietly: small hollow grey rings
    dropped: single('marker', marker('circle', '#ffffff', 1.4, '#9a9a9a', { alpha: 0 }), 0.8),
    plants: single('marker', marker('star', STYLE.plantFill, 4, STYLE.plantStroke)),
    areas: single('fill', fill(STYLE.areaFill, STYLE.areaStroke, { alpha: STYLE.areaFillOpacity, outlineMm: 0.6 })),
  };
}
