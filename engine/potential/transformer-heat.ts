/**
 * Transformer and substation heat: points with a rating (kVA or MVA) or a measured loss (kW). The heat is the
 * transformer's losses, which its cooling rejects to air or water: loss kW if given, else rating kVA x the mean loss
 * share (default 0.5 % of the rating, an ASSUMPTION standing for no-load plus load losses at a mean load; no source
 * was found: give measured losses where they exist). Low-temperature heat (oil or cooling water at some 30-60 °C):
 * a heat-pump source. Available all year (8,760 h: a substation is always energised).
 */
import { InputError } from '../errors.js';
import type { Warnings } from '../util/warnings.js';
import { numberProp, type SourceFeature } from './vector-input.js';
import { TRANSFORMER_DEFAULTS } from './other-defaults.js';

export { TRANSFORMER_DEFAULTS };

export interface TransformerSource {
  id: string;
  x: number;
  y: number;
  ratingKva: number | null;
  kwSource: 'loss' | 'rating';
  kw: number;
  mwhA: number;
}

export function transformerSources(features: SourceFeature[], warnings: Warnings, opts: { file?: string; lossShare?: number } = {}): TransformerSource[] {
  const d = TRANSFORMER_DEFAULTS;
  const share = opts.lossShare ?? d.lossShare;
  const out: TransformerSource[] = [];
  for (const f of features) {
    if (f.points.length < 2) {
      warnings.add('transformer-not-point', 'transformer feature without point geometry left out', { file: opts.file, record: f.id });
      continue;
    }
    const loss = numberProp(f.props, d.lossFields);
    const kva = numberProp(f.props, d.kvaFields);
    const mva = numberProp(f.props, d.mvaFields);
    const rating = kva !== undefined ? kva : mva !== undefined ? mva * 1000 : undefined;
    for (const [v, what] of [[loss, 'loss kW'], [rating, 'rating kVA']] as const) {
      if (v !== undefined && !(v >= 0)) throw new InputError('transformer-bad-value', `transformer ${what} must be a number >= 0`, { file: opts.file, record: f.id, value: v });
    }
    if (loss === undefined && rating === undefined) {
      throw new InputError('transformer-no-rating', `transformer point without a rating (${d.kvaFields[0]} or ${d.mvaFields[0]}) or a loss (${d.lossFields[0]})`, { file: opts.file, record: f.id, value: 'missing' });
    }
    const kw = loss !== undefined ? loss : rating! * share;
    out.push({ id: f.id, x: f.points[0]!, y: f.points[1]!, ratingKva: rating ?? null, kwSource: loss !== undefined ? 'loss' : 'rating', kw, mwhA: (kw * d.hours) / 1000 });
  }
  return out;
}
