/**
 * The plant's primary energy factor as 告示 265 and seed 004 define it (METHODS.md 7): primary energy of the fuels
 * (HHV) and electricity the plant buys, divided by the heat (cold) sold at the customer meters; heat the buildings
 * make themselves (seed 003's kerosene heaters) is not in it. Every term of the numerator is kept, with its quantity,
 * unit, factor and source, so that a third party can redo the sum (the calculation sheet, report-sim.ts).
 *
 * Inputs shared between heat and cold (heat-recovery heat pumps) are split by an allocation option. The JHSBA 2017
 * guideline (熱供給事業における冷熱・温熱別換算係数算出に係るガイドライン) is the reference to follow, but its rule
 * for such machines was not found in the sources available: the default 'energy' (shares of heat and cold made) is
 * labelled as heatplan's choice, not the guideline's.
 */
import type { SimFactorSide, SimFactorTerm } from '../run/summaries.js';
import type { NonFossilConvention } from './plants.js';

/** How the input of a machine that makes heat and cold at once is split. */
export type Allocation = 'energy' | 'exergy' | 'heat' | 'cold';
export const ALLOCATIONS: readonly Allocation[] = ['energy', 'exergy', 'heat', 'cold'];
export const ALLOCATION_TEXT: Record<Allocation, string> = {
  energy: "by the shares of heat and cold made each hour (heatplan's choice, an ASSUMPTION: the JHSBA 2017 guideline's rule was not found)",
  exergy: "by the Carnot-weighted shares, heat x (1 - T0/Th) and cold x (T0/Tc - 1) with T0 the outdoor air, each hour (heatplan's choice, an ASSUMPTION)",
  heat: 'all to heat',
  cold: 'all to cold',
};

/** Credit options for CHP electricity, MJ per kWh (null: no credit): the range the factor is shown over. */
export const CHP_CREDIT_OPTIONS: readonly (number | null)[] = [9.76, 8.64, null];

/** One term of the numerator and one side of the factor: the contract's record types (engine/run/summaries.ts). */
export type FactorTerm = SimFactorTerm;
export type FactorSide = SimFactorSide;

export interface FactorResult {
  definition: string;
  convention: NonFossilConvention;
  allocation: Allocation;
  allocationText: string;
  electricityPrimary_MJ_per_kWh: number;
  chpCredit_MJ_per_kWh: number | null;
  terms: FactorTerm[];
  heat: FactorSide;
  cold: FactorSide;
  combined: FactorSide;
  /** The heat and combined factors over the CHP credit options (only when a CHP makes electricity). */
  chpCreditRange: { credit_MJ_per_kWh: number | null; heat: number | null; combined: number | null }[];
  /** 告示 265's default for heat bought from others, kJ/kJ. */
  default: number;
}

export const FACTOR_DEFINITION =
  '告示 265 / seed 004: primary energy of the fuels (HHV) and electricity the plant buys / heat (cold) sold at the customer meters; individual heaters in the buildings are not in it';

const side = (terms: FactorTerm[], s: 'heat' | 'cold' | 'both', soldGj: number): FactorSide => {
  let pe = 0;
  for (const t of terms) if (s === 'both' || t.side === s) pe += t.primary_GJ;
  return { primary_GJ: pe, sold_GJ: soldGj, factor: soldGj > 0 ? pe / soldGj : null, copPrimary: pe > 0 ? soldGj / pe : null };
};

/** Sum the terms into heat, cold and combined factors, and the CHP credit range. */
export function factorResult(
  terms: FactorTerm[], heatSoldGj: number, coldSoldGj: number,
  o: { convention: NonFossilConvention; allocation: Allocation; electricityPrimary: number; chpCredit: number | null; chpElectricityKwh: number; default: number },
): FactorResult {
  const heat = side(terms, 'heat', heatSoldGj), cold = side(terms, 'cold', coldSoldGj), combined = side(terms, 'both', heatSoldGj + coldSoldGj);
  const creditNow = o.chpCredit ?? 0;
  const chpCreditRange = o.chpElectricityKwh > 0
    ? CHP_CREDIT_OPTIONS.map((c) => {
        const shift = ((creditNow - (c ?? 0)) * o.chpElectricityKwh) / 1000; // GJ more when the credit is smaller
        return {
          credit_MJ_per_kWh: c,
          heat: heatSoldGj > 0 ? (heat.primary_GJ + shift) / heatSoldGj : null,
          combined: heatSoldGj + coldSoldGj > 0 ? (combined.primary_GJ + shift) / (heatSoldGj + coldSoldGj) : null,
        };
      })
    : [];
  return {
    definition: FACTOR_DEFINITION, convention: o.convention, allocation: o.allocation, allocationText: ALLOCATION_TEXT[o.allocation],
    electricityPrimary_MJ_per_kWh: o.electricityPrimary, chpCredit_MJ_per_kWh: o.chpCredit, terms, heat, cold, combined, chpCreditRange, default: o.default,
  };
}
