/**
 * A minimal SQLite database file writer, for GeoPackages: tables written once, whole, into a new file (no updates,
 * no journal, no free pages). It writes the SQLite 3 file format (https://www.sqlite.org/fileformat2.html) itself,
 * so heatplan needs no native SQLite library:
 *   - page size 4096, UTF-8, schema format 4, no auto-vacuum;
 *   - each table one table B-tree built bottom-up (leaf pages filled in rowid order, interior pages above them),
 *     records longer than a page spilled to overflow chains as the format prescribes;
 *   - the automatic indexes SQLite expects for PRIMARY KEY / UNIQUE constraints on non-rowid columns
 *     (sqlite_autoindex_<table>_<n>), as single-page index B-trees: only for small tables (the GeoPackage metadata
 *     tables); a feature table's key is its INTEGER PRIMARY KEY (the rowid), which needs none;
 *   - sqlite_master on page 1, holding each table's CREATE statement and root page.
 * The tests check every file with SQLite's own `PRAGMA integrity_check` and read it back with GDAL's ogrinfo.
 */

export type SqlValue = null | number | string | Uint8Array | boolean;

export interface SqlTable {
  name: string;
  /** The CREATE TABLE statement, as sqlite_master stores it. */
  sql: string;
  /** Rows in column order. The INTEGER PRIMARY KEY column (if `rowidColumn`) holds the rowid: stored as NULL. */
  rows: SqlValue[][];
  /** Column index of the INTEGER PRIMARY KEY (rowid alias), if the table has one: its values are the rowids. */
  rowidColumn?: number;
  /** Automatic indexes, in the order SQLite numbers them (constraints in declaration order): column indexes each. */
  autoIndexes?: number[][];
}

export interface SqliteOptions {
  /** PRAGMA application_id (GeoPackage: 0x47504B47 'GPKG'). */
  applicationId?: number;
  /** PRAGMA user_version (GeoPackage 1.3: 10300). */
  userVersion?: number;
}

const PAGE = 4096;
/** Usable bytes per page (no reserved space). */
const U = PAGE;
const TEXT = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// varints and records

/** SQLite varint (big-endian, 7 bits a byte, high bit = more; 9 bytes for values outside 0 .. 2^56) of a safe integer. */
export function varint(v: number): Uint8Array {
  if (!Number.isSafeInteger(v)) throw new RangeError(`varint: ${v} is not a safe integer`);
  if (v >= 0 && v <= 0x7f) return Uint8Array.of(v);
  if (v < 0) {
    // two's complement in 64 bits: 8 bytes of 7 bits, then one of 8
    let x = BigInt.asUintN(64, BigInt(v));
    const out = new Uint8Array(9);
    out[8] = Number(x & 0xffn);
    x >>= 8n;
    for (let i = 7; i >= 0; i--) {
      out[i] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    return out;
  }
  const groups: number[] = [];
  let x = v;
  while (x > 0) {
    groups.unshift(x % 128);
    x = Math.floor(x / 128);
  }
  // at most 8 groups of 7 bits for values below 2^56 (safe integers are below 2^53)
  return Uint8Array.from(groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
}

const varintLength = (v: number): number => varint(v).length;

interface Encoded {
  type: number;
  body: Uint8Array;
}

function encodeValue(v: SqlValue): Encoded {
  if (v === null || v === undefined) return { type: 0, body: new Uint8Array(0) };
  if (typeof v === 'boolean') return { type: v ? 9 : 8, body: new Uint8Array(0) };
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) {
      if (v === 0) return { type: 8, body: new Uint8Array(0) };
      if (v === 1) return { type: 9, body: new Uint8Array(0) };
      const sizes: [number, number][] = [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 6],
        [6, 8],
      ];
      for (const [type, n] of sizes) {
        const lim = 2 ** (8 * n - 1);
        if (v >= -lim && v < lim) {
          const body = new Uint8Array(n);
          let x = BigInt.asUintN(8 * n, BigInt(v));
          for (let i = n - 1; i >= 0; i--) {
            body[i] = Number(x & 0xffn);
            x >>= 8n;
          }
          return { type, body };
        }
      }
    }
    if (Number.isNaN(v)) return { type: 0, body: new Uint8Array(0) }; // SQLite stores NaN as NULL
    const body = new Uint8Array(8);
    new DataView(body.buffer).setFloat64(0, v, false);
    return { type: 7, body };
  }
  if (typeof v === 'string') {
    const body = TEXT.encode(v);
    return { type: body.length * 2 + 13, body };
  }
  if (v instanceof Uint8Array) return { type: v.length * 2 + 12, body: v };
  throw new TypeError(`sqlite: cannot store ${typeof v}`);
}

/** A record (the payload of a cell): header of serial types, then the values. */
export function encodeRecord(values: SqlValue[]): Uint8Array {
  const enc = values.map(encodeValue);
  const types = enc.map((e) => varint(e.type));
  const typesLen = types.reduce((s, t) => s + t.length, 0);
  let headerLen = typesLen + 1;
  while (varintLength(headerLen) + typesLen !== headerLen) headerLen = varintLength(headerLen) + typesLen;
  const bodyLen = enc.reduce((s, e) => s + e.body.length, 0);
  const out = new Uint8Array(headerLen + bodyLen);
  let p = 0;
  out.set(varint(headerLen), p);
  p += varintLength(headerLen);
  for (const t of types) {
    out.set(t, p);
    p += t.length;
  }
  for (const e of enc) {
    out.set(e.body, p);
    p += e.body.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// pages

class Pages {
  /** Page contents by page number - 1; page 1 is reserved for sqlite_master from the start. */
  readonly pages: (Uint8Array | undefined)[] = [undefined];

  alloc(): number {
    this.pages.push(undefined);
    return this.pages.length;
  }

  set(n: number, data: Uint8Array): void {
    if (data.length !== PAGE) throw new Error(`sqlite: page ${n} is ${data.length} bytes`);
    this.pages[n - 1] = data;
  }
}

/** Bytes of the payload kept on the B-tree page (the rest goes to overflow pages). */
function localSize(payload: number, maxLocal: number): number {
  if (payload <= maxLocal) return payload;
  const minLocal = Math.floor(((U - 12) * 32) / 255) - 23;
  const k = minLocal + ((payload - minLocal) % (U - 4));
  return k <= maxLocal ? k : minLocal;
}

/** Write the overflow chain of `rest` and return its first page. */
function writeOverflow(pages: Pages, rest: Uint8Array): number {
  const per = U - 4;
  const count = Math.ceil(rest.length / per);
  const nums = Array.from({ length: count }, () => pages.alloc());
  for (let i = 0; i < count; i++) {
    const page = new Uint8Array(PAGE);
    const dv = new DataView(page.buffer);
    dv.setUint32(0, i + 1 < count ? nums[i + 1]! : 0, false);
    page.set(rest.subarray(i * per, (i + 1) * per), 4);
    pages.set(nums[i]!, page);
  }
  return nums[0]!;
}

interface Node {
  leaf: boolean;
  /** Leaf: serialised cells (overflow already written). Interior: children and their largest keys. */
  cells: Uint8Array[];
  children: Node[];
  maxKey: number;
  page?: number;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** A B-tree page: header (at `offset`: 100 on page 1), cell pointers, cells packed at the end. */
function btreePage(flag: number, cells: Uint8Array[], offset: number, rightChild?: number): Uint8Array {
  const page = new Uint8Array(PAGE);
  const dv = new DataView(page.buffer);
  const headerLen = rightChild !== undefined ? 12 : 8;
  let content = PAGE;
  const ptr = offset + headerLen;
  cells.forEach((c, i) => {
    content -= c.length;
    page.set(c, content);
    dv.setUint16(ptr + 2 * i, content, false);
  });
  if (ptr + 2 * cells.length > content) throw new Error('sqlite: page overfull');
  page[offset] = flag;
  dv.setUint16(offset + 1, 0, false); // no freeblocks
  dv.setUint16(offset + 3, cells.length, false);
  dv.setUint16(offset + 5, content === 65536 ? 0 : content, false);
  page[offset + 7] = 0; // no fragmented bytes
  if (rightChild !== undefined) dv.setUint32(offset + 8, rightChild, false);
  return page;
}

/**
 * Write a table B-tree of (rowid, record) in rowid order and return its root page: `root` when given (page 1 for
 * sqlite_master, whose pages all leave room for the file header), else a new page.
 */
function writeTable(pages: Pages, rows: { rowid: number; record: Uint8Array }[], root?: number): number {
  const offset = root === 1 ? 100 : 0;
  const room = PAGE - offset;
  const maxLocal = U - 35;
  // leaves
  const leaves: Node[] = [];
  let cur: Node = { leaf: true, cells: [], children: [], maxKey: 0 };
  let used = 8;
  for (const r of rows) {
    const p = r.record.length;
    const local = localSize(p, maxLocal);
    const parts = [varint(p), varint(r.rowid), r.record.subarray(0, local)];
    if (local < p) {
      const first = writeOverflow(pages, r.record.subarray(local));
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, first, false);
      parts.push(b);
    }
    const cell = concat(parts);
    if (used + cell.length + 2 > room && cur.cells.length > 0) {
      leaves.push(cur);
      cur = { leaf: true, cells: [], children: [], maxKey: 0 };
      used = 8;
    }
    if (used + cell.length + 2 > room) throw new Error('sqlite: a cell does not fit on a page');
    cur.cells.push(cell);
    cur.maxKey = r.rowid;
    used += cell.length + 2;
  }
  leaves.push(cur);
  // interior levels: each holds (left child, key) cells and a right-most child
  let level = leaves;
  while (level.length > 1) {
    const up: Node[] = [];
    let node: Node = { leaf: false, cells: [], children: [], maxKey: 0 };
    let bytes = 12;
    for (const child of level) {
      const cellLen = 4 + varintLength(child.maxKey) + 2;
      // the child becomes the node's right-most pointer if no cell for it fits: close the node after it
      if (node.children.length > 0 && bytes + cellLen > room) {
        up.push(node);
        node = { leaf: false, cells: [], children: [], maxKey: 0 };
        bytes = 12;
      }
      node.children.push(child);
      node.maxKey = child.maxKey;
      bytes += cellLen;
    }
    up.push(node);
    level = up;
  }
  const top = level[0]!;
  // page numbers, root first
  const number = (n: Node, fixed?: number) => {
    n.page = fixed ?? pages.alloc();
    for (const c of n.children) number(c);
  };
  number(top, root);
  const emit = (n: Node) => {
    const off = n.page === 1 ? 100 : 0;
    if (n.leaf) {
      pages.set(n.page!, btreePage(0x0d, n.cells, off));
      return;
    }
    const cells = n.children.slice(0, -1).map((c) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, c.page!, false);
      return concat([b, varint(c.maxKey)]);
    });
    pages.set(n.page!, btreePage(0x05, cells, off, n.children[n.children.length - 1]!.page!));
    for (const c of n.children) emit(c);
  };
  emit(top);
  return top.page!;
}

/** BINARY collation order of index keys (NULL < numbers < text < blob), then rowid. */
function compareKeys(a: SqlValue[], b: SqlValue[]): number {
  const rank = (v: SqlValue) => (v === null ? 0 : typeof v === 'number' || typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    const d = rank(x) - rank(y);
    if (d) return d;
    if (x === null) continue;
    if (typeof x === 'number' || typeof x === 'boolean') {
      const c = Number(x) - Number(y);
      if (c) return c;
      continue;
    }
    const bx = typeof x === 'string' ? TEXT.encode(x) : (x as Uint8Array);
    const by = typeof y === 'string' ? TEXT.encode(y) : (y as Uint8Array);
    for (let k = 0; k < Math.min(bx.length, by.length); k++) if (bx[k] !== by[k]) return bx[k]! - by[k]!;
    if (bx.length !== by.length) return bx.length - by.length;
  }
  return a.length - b.length;
}

/** A one-page index B-tree of (key columns..., rowid) records; its page number. */
function writeIndex(pages: Pages, table: SqlTable, rowids: number[], cols: number[]): number {
  const keys = table.rows.map((r, i) => [...cols.map((c) => r[c] ?? null), rowids[i]!]);
  keys.sort(compareKeys);
  const maxLocal = Math.floor(((U - 12) * 64) / 255) - 23;
  const cells = keys.map((k) => {
    const rec = encodeRecord(k);
    if (rec.length > maxLocal) throw new Error(`sqlite: index key of ${table.name} too long`);
    return concat([varint(rec.length), rec]);
  });
  const n = pages.alloc();
  pages.set(n, btreePage(0x0a, cells, 0));
  return n;
}

/** The database file holding `tables` (in this order in sqlite_master). */
export function buildSqlite(tables: SqlTable[], o: SqliteOptions = {}): Uint8Array {
  const pages = new Pages();
  const master: { rowid: number; record: Uint8Array }[] = [];
  let masterRow = 0;
  for (const t of tables) {
    const rowids = t.rows.map((r, i) => {
      if (t.rowidColumn === undefined) return i + 1;
      const v = r[t.rowidColumn];
      if (!Number.isSafeInteger(v)) throw new Error(`sqlite: ${t.name} row ${i + 1} has no integer key`);
      return v as number;
    });
    for (let i = 1; i < rowids.length; i++) if (!(rowids[i]! > rowids[i - 1]!)) throw new Error(`sqlite: ${t.name} rowids must increase`);
    const rows = t.rows.map((r, i) => ({
      rowid: rowids[i]!,
      record: encodeRecord(t.rowidColumn === undefined ? r : r.map((v, c) => (c === t.rowidColumn ? null : v))),
    }));
    const root = writeTable(pages, rows);
    master.push({ rowid: ++masterRow, record: encodeRecord(['table', t.name, t.name, root, t.sql]) });
    (t.autoIndexes ?? []).forEach((cols, k) => {
      const iroot = writeIndex(pages, t, rowids, cols);
      const name = `sqlite_autoindex_${t.name}_${k + 1}`;
      master.push({ rowid: ++masterRow, record: encodeRecord(['index', name, t.name, iroot, null]) });
    });
  }
  writeTable(pages, master, 1);

  const count = pages.pages.length;
  const file = new Uint8Array(count * PAGE);
  pages.pages.forEach((p, i) => {
    if (!p) throw new Error(`sqlite: page ${i + 1} was never written`);
    file.set(p, i * PAGE);
  });
  // the file header, over page 1's first 100 bytes
  const dv = new DataView(file.buffer);
  file.set(TEXT.encode('SQLite format 3\0'), 0);
  dv.setUint16(16, PAGE, false);
  file[18] = 1; // legacy (rollback journal) write and read versions
  file[19] = 1;
  file[20] = 0; // reserved bytes per page
  file[21] = 64;
  file[22] = 32;
  file[23] = 32;
  dv.setUint32(24, 1, false); // file change counter
  dv.setUint32(28, count, false); // database size in pages
  dv.setUint32(32, 0, false); // no freelist
  dv.setUint32(36, 0, false);
  dv.setUint32(40, 1, false); // schema cookie
  dv.setUint32(44, 4, false); // schema format
  dv.setUint32(48, 0, false);
  dv.setUint32(52, 0, false); // no auto-vacuum
  dv.setUint32(56, 1, false); // UTF-8
  dv.setUint32(60, o.userVersion ?? 0, false);
  dv.setUint32(64, 0, false);
  dv.setUint32(68, o.applicationId ?? 0, false);
  dv.setUint32(92, 1, false); // version-valid-for = change counter
  dv.setUint32(96, 3_040_001, false); // SQLITE_VERSION_NUMBER of the format written
  return file;
}

/** Quote an SQL identifier. */
export const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;
