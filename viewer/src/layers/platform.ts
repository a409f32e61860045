/**
 * The platform view (issue 19, platform.json): buildings meeting a municipal guideline rule in force as blue rings,
 * critical facilities (hospitals, welfare, shelters, city halls) as green dots with a black outline; the same marks as
 * the plan sheets (engine/export/map/layers.ts PLATFORM_STYLE).
 */
import { ScatterplotLayer } from '@deck.gl/layers';
import type { LayerContext } from './context.js';
import { memo } from './memo.js';
import { hexToRgb } from '../../../engine/style/palette.js';
import { PLATFORM_STYLE } from '../../../engine/export/map/platform-style.js';

const rgba = (hex: string, a = 255): [number, number, number, number] => [...hexToRgb(hex), a];

/** The flagged buildings and critical facilities of platform.json, as points with what the tooltip tells. */
export function platformPoints(ctx: Pick<LayerContext, 'data'>) {
  const p = ctx.data.platform;
  if (!p) return { flagged: [], critical: [] };
  return memo(p, 'platform-points', () => ({
    flagged: p.guidelines.buildings.filter((b) => b.rules.length > 0 && Number.isFinite(b.lon) && Number.isFinite(b.lat)).map((b) => ({ position: [b.lon, b.lat] as [number, number], id: b.id, rules: b.rules, floorArea_m2: b.floorArea_m2 })),
    critical: p.critical.facilities.filter((f) => Number.isFinite(f.lon) && Number.isFinite(f.lat)).map((f) => ({ position: [f.lon, f.lat] as [number, number], id: f.id, role: f.role, name: f.name })),
  }));
}

export function platformLayers(ctx: LayerContext): ScatterplotLayer[] | null {
  const { flagged, critical } = platformPoints(ctx);
  if (!flagged.length && !critical.length) return null;
  return [
    new ScatterplotLayer({
      id: 'platform-guideline',
      data: flagged,
      getPosition: (d: any) => d.position,
      getRadius: 9,
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      getLineColor: rgba(PLATFORM_STYLE.guidelineRing),
      lineWidthMinPixels: 2.5,
      pickable: true,
    }),
    new ScatterplotLayer({
      id: 'platform-critical',
      data: critical,
      getPosition: (d: any) => d.position,
      getRadius: 7,
      radiusUnits: 'pixels',
      getFillColor: rgba(PLATFORM_STYLE.criticalFill),
      getLineColor: rgba(PLATFORM_STYLE.criticalStroke),
      stroked: true,
      lineWidthMinPixels: 1.5,
      pickable: true,
    }),
  ];
}
