/** The calculation sheet's fixed texts (sim-sheet.csv and report.html): the dispatch rules and the conduit model. */
/** The rules the dispatch follows, in words (the calculation sheet). */
export const PRIORITY_RULES = [
  'Every hour: heat-recovery heat pumps first, at the cold the network needs, limited so that their heat (cold + input) does not exceed the heat load',
  'Heat: constant-output plants (seed 003 mode) at their constant output; then plants and heat storage in merit order (lower merit first), each up to its hourly maximum (builelib capacity ratio x units); a plant below its minimum load runs at the minimum (surplus) or stays off (belowMinLoad: off)',
  'Heat above the load charges surplus-mode heat storage; the rest is surplus heat. Night-mode storage charges in its charge hours from the spare capacity of the heat plants in merit order and discharges outside them',
  'What the plants and storage cannot cover is made by the individual heaters in the buildings (seed 003 backup): heat not sold by the network, reported apart, never in the plant factor',
  'Cold: cold storage (outside its charge hours) and chillers in merit order, each up to its hourly maximum; cold storage charges in its charge hours (default 22-7 h, an ASSUMPTION) from the chillers\' spare capacity in merit order; cold left over is unmet (no individual cooling model)',
  'Number control (台数制御): as many identical units run as the output needs (all units when stagingControl is false); they share the output equally, load ratio = output / (units on x maximum per unit)',
  'Input per hour = units on x rated input x xP(T) x f(load ratio) x g(supply temperature) (builelib 2.7.16); auxiliaries: 補機 units on x rated x max(0.3, load ratio), primary pump and cooling tower units on x rated',
];

/** Conduit model text (the calculation sheet). */
export const CONDUIT_MODEL = [
  'Heat losses: Σ length x loss_W_per_m of network.geojson, mains (kind pipe) and service pipes (kind service), as the route stage sized them (THERMOS fit to EN 253, METHODS.md 5), scaled each hour by max(0, Tmean_h - Tground_h) / (Tmean_design - Tground_design); Tmean_h = (T_supply(h) + T_return) / 2, T_supply(h) from the route\'s supply curve at the hour\'s outdoor temperature where network.geojson has one (else constant); the design temperatures are the route\'s (network.geojson supply_C, return_C, ground_C); Tground_h from the weather\'s ground model (the route stage holds it at ground_C: with that ground the annual sums are equal)',
  'Chilled-water gains: where the route stage sized chilled-water pipes (gain_W_per_m of mains and service pipes), Σ length x gain_W_per_m x max(0, Tground_h - Tmean_cold) / the route\'s design dT; otherwise the heat pipes\' design loss scaled by (Tground_h - Tmean_cold) / (Tmean_heat - Tground_design), never below 0 (ASSUMPTION: a chilled-water pipe pair of the heat pipes\' DN and insulation)',
  'Network pumping: design pressure = the route stage\'s pump head (network.geojson pumping: path + substation + plant pressure drops) where given, else gradient x 2 x critical path, flow = heat / (rho cp dT), power = V dp / eta x (V / V_design)^3 (METHODS.md 5); heat side with supply - return, cold side with return - supply of the chilled water',
];

