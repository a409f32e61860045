/** River sources from an OSM extract (../shared/datasets/helsinki/helsinki.osm.pbf), with flows by waterway class. */
import { expect, it } from 'vitest';
import { chooseWorkingCrs } from '../../engine/crs/index.js';
import { scanOsmPbf } from '../../engine/io/osm-pbf.js';
import { riverSources } from '../../engine/potential/river.js';
import { OSM_WATERWAYS, readSourceFeatures } from '../../engine/potential/vector-input.js';
import { Warnings } from '../../engine/util/warnings.js';
import { data, describeData } from '../helpers/data.js';

describeData('OSM waterways as river sources', () => {
  it('reads every waterway way of the extract and applies flows by class', async () => {
    const file = data('helsinki/helsinki.osm.pbf');
    const crs = chooseWorkingCrs([24.9, 60.15, 24.96, 60.18]);
    const feats = await readSourceFeatures(file, crs);
    // independent count: the ways whose waterway tag is one of the classes, with at least 2 nodes in the extract
    const scan = await scanOsmPbf(file, { keepWay: (t) => OSM_WATERWAYS.has(t.waterway ?? '') || t.natural === 'water' });
    const expected = scan.ways.filter((w) => (OSM_WATERWAYS.has(w.tags.waterway ?? '') || ['river', 'canal', 'stream', 'oxbow'].includes(w.tags.water ?? ''))
      && w.refs.filter((r) => scan.nodes.has(r)).length >= 2).length;
    expect(feats.length).toBe(expected);
    expect(feats.length).toBeGreaterThan(0);
    for (const f of feats) expect(f.lines.length + f.polygons.length).toBe(1);
    const w = new Warnings();
    const src = riverSources(feats, w, { flowByClass: { river: 10, stream: 0.5, canal: 2, ditch: 0.05, drain: 0.05 }, waterTempC: 6, file });
    for (const s of src) {
      expect(s.flowSource).toBe('class');
      expect(s.dTK).toBe(4); // min(6 - 2, 6)
      // Q = rho cp V dT
      expect(s.kw).toBeCloseTo(1000 * 4.186 * s.flowM3s * 4, 6);
    }
  });
});
