/** A folder of CityGML tiles: the manifest lists the tiles read, not other files lying beside them. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeBuildingInputs, resolveBuildingInputs } from '../../engine/io/buildings-input.js';
import { data, describeData } from '../helpers/data.js';

describeData('folder inputs', () => {
  it('lists the .gml tile and leaves out a .properties file and a README beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-tiles-'));
    copyFileSync(data('tamana/49303425_bldg_6697_op.gml'), join(dir, '49303425_bldg_6697_op.gml'));
    writeFileSync(join(dir, '49303425_bldg_6697_op.gml.properties'), 'compressed_size=1\n');
    writeFileSync(join(dir, 'README.txt'), 'tiles\n');
    const rec = await describeBuildingInputs(await resolveBuildingInputs([dir]));
    expect(rec.map((r) => r.path.split('/').pop())).toEqual(['49303425_bldg_6697_op.gml']);
  });
});
