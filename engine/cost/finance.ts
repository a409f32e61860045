/**
 * Discounting: the annuity (capital recovery) factor, net present value with replacements and residual value, and
 * payback times. Plain functions of numbers (rates as fractions, times in years), no I/O.
 *
 * The annuity method is the one VDI 2067 part 1 and the Hotmaps/THERMOS cost models use: an investment I with
 * lifetime n years at discount rate r costs I x a(r, n) a year, a(r, n) = r (1+r)^n / ((1+r)^n - 1), a(0, n) = 1/n.
 */

/** Capital recovery factor a(r, n), 1/a: r the discount rate as a fraction (0.04), n the lifetime in years. */
export function annuityFactor(rate: number, lifetimeA: number): number {
  // NaN: a lifetime the cost table does not give (the run lists it as missing before writing anything)
  if (Number.isNaN(lifetimeA) || Number.isNaN(rate)) return NaN;
  if (!(lifetimeA > 0)) throw new RangeError(`lifetime must be > 0 years, got ${lifetimeA}`);
  if (rate === 0) return 1 / lifetimeA;
  const q = Math.pow(1 + rate, lifetimeA);
  return (rate * q) / (q - 1);
}

/** One investment: amount (currency) at t = 0, replaced every `lifetimeA` years within the evaluation period. */
export interface Investment {
  amount: number;
  lifetimeA: number;
}

/**
 * Present value of an investment over `periodA` years: the first purchase, every replacement at t = n, 2n, ... < T
 * discounted, minus the residual value at T (straight-line: the unused share of the last purchase) discounted.
 */
export function investmentPresentValue(inv: Investment, rate: number, periodA: number): number {
  let pv = 0;
  let last = 0;
  for (let t = 0; t < periodA; t += inv.lifetimeA) {
    pv += inv.amount / Math.pow(1 + rate, t);
    last = t;
  }
  const used = (periodA - last) / inv.lifetimeA;
  const residual = inv.amount * Math.max(0, 1 - used);
  return pv - residual / Math.pow(1 + rate, periodA);
}

/** Sum of 1/(1+r)^t for t = 1..T: the present value of 1 a year for T years. */
export function presentValueFactor(rate: number, periodA: number): number {
  if (rate === 0) return periodA;
  return (1 - Math.pow(1 + rate, -periodA)) / rate;
}

/**
 * Net present value: -(investments' present value) + (revenue - running cost) each year t = 1..T discounted.
 * Positive: the project earns more than the discount rate.
 */
export function netPresentValue(investments: readonly Investment[], annualNet: number, rate: number, periodA: number): number {
  let pv = 0;
  for (const inv of investments) pv += investmentPresentValue(inv, rate, periodA);
  return -pv + annualNet * presentValueFactor(rate, periodA);
}

/** Simple payback, years: first investment / (revenue - running cost) a year; null when the net is not positive. */
export function simplePaybackA(investment: number, annualNet: number): number | null {
  return annualNet > 0 ? investment / annualNet : null;
}

/**
 * Discounted payback, years: the first whole year t (1..T) at which the discounted net cash flow, replacements
 * included, has paid back the investments; null when it does not within the period.
 */
export function discountedPaybackA(investments: readonly Investment[], annualNet: number, rate: number, periodA: number): number | null {
  let cum = 0;
  for (const inv of investments) cum -= inv.amount;
  for (let t = 1; t <= periodA; t++) {
    cum += annualNet / Math.pow(1 + rate, t);
    for (const inv of investments) if (t < periodA && t % inv.lifetimeA === 0) cum -= inv.amount / Math.pow(1 + rate, t);
    if (cum >= 0) return t;
  }
  return null;
}
