/**
 * A hand-computed cost case: one plant, three pipes, two consumers. Every figure is written out below from the
 * definitions (README "Costs"), independently of engine/cost, and compared to 1e-9 relative.
 *
 *        plant (node 0)
 *          | P0: 100 m DN100, branch 0
 *        node 1
 *       /       \
 *  P1: 50 m DN50  P2: 80 m DN65      (branches 1 and 2)
 *     node 2       node 3
 *   consumer A    consumer B         A: 100 MWh/a, 50 kW, 10 m service; B: 200 MWh/a, 80 kW, 20 m service
 */
import { describe, expect, it } from 'vitest';
import { caseCost, lcohWith, networkCapital, type CostCaseInput, type CostSettings } from '../../engine/cost/compute.js';
import { annuityFactor, discountedPaybackA, investmentPresentValue } from '../../engine/cost/finance.js';
import { branchesAboveLimit, branchMarginalCosts } from '../../engine/cost/marginal.js';
import { CostRates, parseCostTable } from '../../engine/cost/table.js';
import { tariffCost } from '../../engine/cost/tariff.js';

const TABLE = `item,key,value,unit,currency,priceYear,source
pipe_c1,test,100,JPY/m,JPY,2024,hand case
pipe_c2,test,1000,JPY/m2,JPY,2024,hand case
service_pipe,*,50,JPY/m,JPY,2024,hand case
substation_fixed,*,1000,JPY/consumer,JPY,2024,hand case
substation_kW,*,10,JPY/kW,JPY,2024,hand case
plant_capex,gas_boiler,200,JPY/kW,JPY,2024,hand case
plant_fixed_om,gas_boiler,5,JPY/kW/a,JPY,2024,hand case
plant_variable_om,gas_boiler,100,JPY/MWh,JPY,2024,hand case
lifetime,pipes,40,a,,,hand case
lifetime,services,40,a,,,hand case
lifetime,substations,20,a,,,hand case
lifetime,gas_boiler,20,a,,,hand case
network_om,*,2,%/a,,,hand case
fuel_price,gas,2000,JPY/GJ,JPY,2024,hand case
electricity_price,*,30,JPY/kWh,JPY,2024,hand case
heat_price,*,20,JPY/kWh,JPY,2024,hand case
`;

const pipes = [
  { id: 0, from: 0, to: 1, length_m: 100, DN: 100, branch: 0 },
  { id: 1, from: 1, to: 2, length_m: 50, DN: 50, branch: 1 },
  { id: 2, from: 1, to: 3, length_m: 80, DN: 65, branch: 2 },
];
const consumers = [
  { id: 'A', branch: 1, heat_MWh: 100, peak_kW: 50, cool_MWh: 0, service_m: 10 },
  { id: 'B', branch: 2, heat_MWh: 200, peak_kW: 80, cool_MWh: 0, service_m: 20 },
];
const caseIn: CostCaseInput = {
  caseId: '0', network: 'network', consumers: 2, heatDelivered_MWh: 300, backup_MWh: 0, backupFuel_MJ: 0, backupFuel: 'kerosene', electricity_kWh: 1000,
  plants: [{ id: 'boiler', type: 'gas_boiler', fuel: 'gas', capacity_kW: 150, heat_MWh: 330, fuel_MJ: 1_320_000, electricity_kWh: 1000, electricityOut_kWh: 0 }],
};
const s: CostSettings = { rate: 0.04, periodA: 40, pipeCost: 'persson-werner', surface: 'test', backupSold: false, fuelUnits: {} };

// the hand figures
const a = (r: number, n: number) => (r * (1 + r) ** n) / ((1 + r) ** n - 1);
const a40 = a(0.04, 40);
const a20 = a(0.04, 20);
const PIPES = 100 * (100 + 1000 * 0.1) + 50 * (100 + 1000 * 0.05) + 80 * (100 + 1000 * 0.065); // 20,000 + 7,500 + 13,200
const SERVICES = 30 * 50;
const SUBSTATIONS = 2 * 1000 + 130 * 10;
const PLANT = 150 * 200;
const CAPITAL = PIPES + SERVICES + SUBSTATIONS + PLANT;
const ANNUITY = (PIPES + SERVICES) * a40 + (SUBSTATIONS + PLANT) * a20;
const RUNNING = (PIPES + SERVICES + SUBSTATIONS) * 0.02 + 150 * 5 + 330 * 100 + 1320 * 2000 + 1000 * 30;
const LCOH = (ANNUITY + RUNNING) / 300_000;
const NET = 300_000 * 20 - RUNNING;
const PV_INV = PIPES + SERVICES + (SUBSTATIONS + PLANT) * (1 + 1.04 ** -20);
const NPV = -PV_INV + (NET * (1 - 1.04 ** -40)) / 0.04;

const close = (x: number | null, y: number) => {
  expect(x).not.toBeNull();
  expect(Math.abs(x! - y) / Math.abs(y)).toBeLessThan(1e-9);
};

describe('hand-computed cost case: one plant, three pipes, two consumers', () => {
  const rates = new CostRates(parseCostTable(TABLE, 'hand.csv'), 'JPY', ['hand.csv']);
  const net = networkCapital(pipes, consumers, rates, s);
  const c = caseCost(net, consumers, caseIn, rates, s);

  it('needs nothing the table does not give', () => {
    expect(() => rates.assertComplete()).not.toThrow();
  });

  it('capital by part and in total', () => {
    expect(PIPES).toBe(40_700);
    close(net.pipes, PIPES);
    close(net.services, SERVICES);
    close(net.substations, SUBSTATIONS);
    close(c.capital.parts.find((p) => p.part === 'plants')!.capital, PLANT);
    close(c.capital.total, CAPITAL);
    expect(net.pipesByDn.map((d) => [d.DN, d.trench_m, d.costPerM])).toEqual([[50, 50, 150], [65, 80, 165], [100, 100, 200]]);
  });

  it('annuity and the running cost', () => {
    close(annuityFactor(0.04, 40), a40);
    close(c.annual.annuity, ANNUITY);
    close(c.annual.running, RUNNING);
  });

  it('LCOH (network = system without backup), NPV and payback', () => {
    close(c.lcohNetwork, LCOH);
    close(c.lcohSystem, LCOH);
    close(c.revenue.heat, 6_000_000);
    close(c.npv, NPV);
    close(c.paybackSimple_a, CAPITAL / NET);
    // the net pays the capital back within the first year
    expect(c.paybackDiscounted_a).toBe(1);
  });

  it('fixed O&M as % of the plant capital a year (the Danish Energy Agency form) gives the same case: 2.5 % of 30,000 = 150 kW x 5', () => {
    const pct = TABLE.replace('plant_fixed_om,gas_boiler,5,JPY/kW/a,JPY,2024,hand case', 'plant_fixed_om,gas_boiler,2.5,%/a,,,hand case');
    const rp = new CostRates(parseCostTable(pct, 'hand.csv'), 'JPY', ['hand.csv']);
    const cp = caseCost(networkCapital(pipes, consumers, rp, s), consumers, caseIn, rp, s);
    close(cp.annual.plantFixedOm, 750);
    close(cp.lcohNetwork, LCOH);
  });

  it('sensitivities: pipes +30 % and the discount rate +1 point', () => {
    const up = lcohWith(c, 0.02, 1.3, 0.04, false);
    close(up.lcohNetwork, (ANNUITY + 0.3 * PIPES * a40 + RUNNING + 0.3 * PIPES * 0.02) / 300_000);
    const r5 = lcohWith(c, 0.02, 1, 0.05, false);
    close(r5.lcohNetwork, ((PIPES + SERVICES) * a(0.05, 40) + (SUBSTATIONS + PLANT) * a(0.05, 20) + RUNNING) / 300_000);
  });

  it('backup heaters: in the system LCOH, not in the network LCOH', () => {
    const rb = new CostRates(parseCostTable(TABLE + 'fuel_price,kerosene,3,JPY/MJ,JPY,2024,hand case\n', 'hand.csv'), 'JPY', ['hand.csv']);
    const withBackup = caseCost(networkCapital(pipes, consumers, rb, s), consumers, { ...caseIn, heatDelivered_MWh: 400, backup_MWh: 100, backupFuel_MJ: 400_000 }, rb, s);
    close(withBackup.lcohNetwork, LCOH);
    close(withBackup.lcohSystem, (ANNUITY + RUNNING + 400_000 * 3) / 400_000);
  });

  it('cold sold: the chiller\'s own costs and the shared network by energy share are cold\'s, the rest heat\'s', () => {
    const COLD = TABLE + [
      'plant_capex,chiller,300,JPY/kW,JPY,2024,hand case',
      'plant_fixed_om,chiller,5,JPY/kW/a,JPY,2024,hand case',
      'plant_variable_om,chiller,100,JPY/MWh,JPY,2024,hand case',
      'lifetime,chiller,20,a,,,hand case',
      'cold_price,*,25,JPY/kWh,JPY,2024,hand case',
    ].join('\n') + '\n';
    const rc = new CostRates(parseCostTable(COLD, 'hand.csv'), 'JPY', ['hand.csv']);
    const chiller = { id: 'chiller', type: 'chiller', fuel: 'electricity', capacity_kW: 100, heat_MWh: 0, fuel_MJ: 0, electricity_kWh: 30_000, electricityOut_kWh: 0, side: 'cold' as const, cold_MWh: 150 };
    const cc = caseCost(networkCapital(pipes, consumers, rc, s), consumers, { ...caseIn, electricity_kWh: 31_500, coolDelivered_MWh: 150, heatSold_MWh: 300, plants: [{ ...caseIn.plants[0]!, side: 'heat' }, chiller] }, rc, s);
    expect(() => rc.assertComplete()).not.toThrow();
    const chillerOwn = 30_000 * a20 + 100 * 5 + 150 * 100 + 30_000 * 30;
    const shared = (PIPES + SERVICES) * a40 + SUBSTATIONS * a20 + (PIPES + SERVICES + SUBSTATIONS) * 0.02 + 500 * 30;
    const coldCost = chillerOwn + (shared * 150) / 450;
    const total = ANNUITY + RUNNING + chillerOwn + 500 * 30;
    close(cc.annual.coldCost, coldCost);
    close(cc.lcoc, coldCost / 150_000);
    close(cc.lcohNetwork, (total - coldCost) / 300_000);
    close(cc.lcoHeatAndCold, total / 450_000);
    close(cc.revenue.cold, 150_000 * 25);
  });

  it('marginal cost per MWh of each branch and consumer', () => {
    const m = branchMarginalCosts(pipes, consumers, {
      pipeCostPerM: (dn) => 100 + 1000 * (dn / 1000), servicePerM: 50, substationFixed: 1000, substationPerKw: 10,
      pipeAnnuity: a40, serviceAnnuity: a40, substationAnnuity: a20, omShare: 0.02,
    });
    const connA = 10 * 50 * (a40 + 0.02) + (1000 + 500) * (a20 + 0.02);
    const connB = 20 * 50 * (a40 + 0.02) + (1000 + 800) * (a20 + 0.02);
    const b1 = 7_500 * (a40 + 0.02) + connA;
    const b2 = 13_200 * (a40 + 0.02) + connB;
    const b0 = 20_000 * (a40 + 0.02) + b1 + b2;
    expect(m.branches.map((b) => [b.branch, b.parent, b.consumers])).toEqual([[0, -1, 2], [1, 0, 1], [2, 0, 1]]);
    close(m.branches[0]!.costPerMWh, b0 / 300);
    close(m.branches[1]!.costPerMWh, b1 / 100);
    close(m.branches[2]!.costPerMWh, b2 / 200);
    close(m.branches[0]!.capital, PIPES + SERVICES + SUBSTATIONS);
    // a consumer alone on its branch: its connection plus its branch
    close(m.consumers[0]!.costPerMWh, b1 / 100);
    close(m.consumers[1]!.costPerMWh, b2 / 200);
    // here the trunk costs most per MWh (10.95 JPY/MWh against 7.05 and 5.85): a limit below it cuts the trunk alone
    // (what it feeds goes with it), a limit above it cuts nothing
    expect(b0 / 300).toBeGreaterThan(b1 / 100);
    expect(branchesAboveLimit(m.branches, (b1 / 100 + b2 / 200) / 2).map((b) => b.branch)).toEqual([0]);
    expect(branchesAboveLimit(m.branches, b0 / 300 + 1e-9)).toEqual([]);
    // with the trunk below the limit, the branches above it are cut each on its own
    const cheapTrunk = m.branches.map((b) => (b.branch === 0 ? { ...b, costPerMWh: 1 } : b));
    expect(branchesAboveLimit(cheapTrunk, (b1 / 100 + b2 / 200) / 2).map((b) => b.branch)).toEqual([1]);
    expect(branchesAboveLimit(cheapTrunk, 2).map((b) => b.branch)).toEqual([1, 2]);
  });
});

describe('hourly tariff', () => {
  it('pumping hour by hour, a plant\'s electricity by its output, the rest at the mean', () => {
    const price = Float64Array.from([10, 20, 30, 40]);
    const pump = Float64Array.from([1, 0, 1, 0]);
    const out = Float64Array.from([0, 3, 1, 0]);
    // pumping 1 x 10 + 1 x 30; plant 8 kWh as 3/4 at 20 and 1/4 at 30; 2 kWh left at the mean 25
    const r = tariffCost(price, pump, [{ electricityKwh: 8, outputKw: out }], 12);
    expect(r.cost).toBeCloseTo(40 + 6 * 20 + 2 * 30 + 2 * 25, 12);
    expect(r.placedKwh).toBe(10);
  });
});

describe('discounting', () => {
  it('annuity at 0 % is 1/n, and the present value of a replaced part subtracts its residual value', () => {
    expect(annuityFactor(0, 25)).toBe(1 / 25);
    // 100 with 20 a life over 30 a: bought at 0 and 20, half of the second unused at 30
    const pv = investmentPresentValue({ amount: 100, lifetimeA: 20 }, 0.04, 30);
    expect(Math.abs(pv - (100 + 100 / 1.04 ** 20 - 50 / 1.04 ** 30))).toBeLessThan(1e-12);
    expect(discountedPaybackA([{ amount: 100, lifetimeA: 50 }], 10, 0, 30)).toBe(10);
    expect(discountedPaybackA([{ amount: 100, lifetimeA: 50 }], 1, 0, 30)).toBeNull();
  });
});
