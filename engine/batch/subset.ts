/** Building tables cut to a subset of buildings (a tile's owned buildings), copying the columns once. */
export { subsetTable } from '../buildings/table.js';
