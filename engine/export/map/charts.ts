/**
 * Small self-contained SVG charts for report.html: horizontal bars and daily line series. All text is escaped.
 */
import { escapeXml } from './render-svg.js';
import { formatBound } from '../../style/palette.js';

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** Horizontal bar chart, `unit` shown after each value. */
export function barChartSvg(bars: Bar[], opts: { title: string; unit: string; width?: number }): string {
  const W = opts.width ?? 640;
  const rowH = 22;
  const labelW = 190;
  const valueW = 110;
  const top = 30;
  const H = top + bars.length * rowH + 10;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const plotW = W - labelW - valueW - 10;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(opts.title)}">`];
  out.push(`<text x="0" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)} [${escapeXml(opts.unit)}]</text>`);
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = Math.max(0, (b.value / max) * plotW);
    out.push(`<text x="${labelW - 6}" y="${y + 15}" font-size="12" text-anchor="end">${escapeXml(b.label)}</text>`);
    out.push(`<rect x="${labelW}" y="${y + 3}" width="${r1(w)}" height="${rowH - 6}" fill="${escapeXml(b.color ?? '#4477aa')}" stroke="#333" stroke-width="0.5"/>`);
    out.push(`<text x="${r1(labelW + w + 6)}" y="${y + 15}" font-size="12">${escapeXml(formatBound(b.value))}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

export interface Series {
  name: string;
  values: ArrayLike<number>;
  color: string;
}

const PALETTE = ['#4477aa', '#ee6677', '#228833', '#ccbb44', '#66ccee', '#aa3377', '#bbbbbb'];

/** Line chart of series sharing an x axis (e.g. days of the year). */
export function lineChartSvg(series: Omit<Series, 'color'>[], opts: { title: string; unit: string; xLabel: string; width?: number }): string {
  const W = opts.width ?? 760;
  const H = 300;
  const m = { l: 64, r: 12, t: 30, b: 60 };
  const n = Math.max(...series.map((s) => s.values.length), 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  }
  lo = Math.min(0, lo);
  if (hi === lo) hi = lo + 1;
  const px = (i: number) => m.l + (i / Math.max(1, n - 1)) * (W - m.l - m.r);
  const py = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeXml(opts.title)}">`];
  out.push(`<text x="0" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)} [${escapeXml(opts.unit)}]</text>`);
  out.push(`<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`);
  for (const f of [0, 0.5, 1]) {
    const v = lo + f * (hi - lo);
    out.push(`<text x="${m.l - 4}" y="${r1(py(v) + 4)}" font-size="11" text-anchor="end">${escapeXml(formatBound(v))}</text>`);
  }
  out.push(`<text x="${(W + m.l) / 2}" y="${H - m.b + 18}" font-size="11" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const pts: string[] = [];
    for (let i = 0; i < s.values.length; i++) if (Number.isFinite(s.values[i]!)) pts.push(`${r1(px(i))},${r1(py(s.values[i]!))}`);
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    const lx = m.l + (k % 4) * 170;
    const ly = H - 22 + Math.floor(k / 4) * 14;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="14" height="4" fill="${color}"/><text x="${lx + 18}" y="${ly - 3}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
