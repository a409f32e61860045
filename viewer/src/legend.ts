/** Legend with units for the visible layers. */
import type { RunData } from './data.js';
import { ABOVE_THRESHOLD, BELOW_THRESHOLD, BLUES, css, cssGradient, USE_PALETTE, VIEWER_STYLE, YL_OR_RD } from '../../engine/style/palette.js';
import { esc, fmt } from './format.js';

const swatch = (c: readonly number[]) => `<span class="swatch" style="background:rgb(${c[0]},${c[1]},${c[2]})"></span>`;

export function legendHtml(data: RunData, visible: Record<string, boolean>, thresholdKwPerM: number): string {
  const out: string[] = [];
  if (visible.demand && data.demand) {
    const g = data.demand.meta;
    const ha = (g.cellSizeM * g.cellSizeM) / 10_000;
    const b = g.bands[Math.min(1, g.bands.length - 1)]!;
    out.push(
      `<div>demand density, MWh/(ha·a) (${g.cellSizeM} m cells; colour ∝ √value)</div><div class="legend-row">0 <div class="ramp" style="background:${cssGradient(YL_OR_RD)}"></div> ${fmt(b.max / ha)}</div>`,
    );
  }
  for (const [k, on] of Object.entries(visible)) {
    const m = /^potential-(\d+)$/.exec(k);
    if (!on || !m || !data.potential) continue;
    const b = data.potential.meta.bands[Number(m[1])]!;
    out.push(`<div>potential ${esc(b.name)}, ${esc(b.unit || 'per cell')}</div><div class="legend-row">0 <div class="ramp" style="background:${cssGradient(BLUES)}"></div> ${fmt(b.max)}</div>`);
  }
  if (visible.buildings && data.buildings) {
    const uses = data.buildings.meta.dictionaries.use;
    out.push(`<div>buildings by use</div>` + uses.map((u, i) => `<div class="legend-row">${swatch(USE_PALETTE[i % USE_PALETTE.length]!)} ${esc(u || '(none)')}</div>`).join(''));
  }
  if (visible.network && data.network) {
    out.push(
      `<div>pipes: linear heat density, kW/m (threshold ${fmt(thresholdKwPerM, 3)} kW/m); width = load at the hour</div>` +
        `<div class="legend-row">${swatch(BELOW_THRESHOLD)} below ${fmt(thresholdKwPerM, 3)} kW/m</div>` +
        `<div class="legend-row">${fmt(thresholdKwPerM, 3)} <div class="ramp" style="background:${cssGradient(ABOVE_THRESHOLD)}"></div> ≥ ${fmt(4 * thresholdKwPerM, 2)} kW/m</div>`,
    );
  }
  if (visible.consumers) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.consumer)} consumer (area ∝ load at the hour, kW)</div>`);
  if (visible.dropped) out.push(`<div class="legend-row"><span class="swatch" style="border:2px solid ${css(VIEWER_STYLE.dropped)};border-radius:50%"></span> consumer cut off (below threshold)</div>`);
  if (visible.plants) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.plantFill)} plant</div>`);
  if (visible.areas) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.area)} supply area</div>`);
  if (visible.roads) out.push(`<div class="legend-row">${swatch(VIEWER_STYLE.road)} road graph</div>`);
  return out.join('') || '<div>no layer shown</div>';
}
