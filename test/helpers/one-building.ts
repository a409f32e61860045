/** A table of one 20 m x 20 m building of `category` with the given floor area, footprints computed (demand tests). */
import { computeFootprints } from '../../engine/buildings/geometry.js';
import { BuildingTableBuilder, type BuildingTable, type UseCategory } from '../../engine/buildings/table.js';
import { lookupEpsg } from '../../engine/crs/index.js';

export function oneBuilding(category: UseCategory, floorArea: number): BuildingTable {
  const b = new BuildingTableBuilder({ ...lookupEpsg(6677)! });
  b.beginFile('mem', 'plateau');
  b.add({ id: 'x', category }, [[[0, 0, 20, 0, 20, 20, 0, 20]]]);
  const t = b.finish();
  computeFootprints(t);
  t.floorAreaM2[0] = floorArea;
  return t;
}
