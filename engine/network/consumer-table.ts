/**
 * The route's consumers in columns (issue 18). A city has a million of them: as plain objects (id, position, demand
 * and a dozen building properties each) they were half a gigabyte of small heap objects, and V8's full collections,
 * which typed-array allocations trigger again and again during planning ("external memory pressure"), mark every
 * one of them: 1.1 s per collection at a million, about thirty collections a run. Here the figures are typed arrays,
 * the properties are columns (numbers as Float64Array, strings as dictionary codes; anything else kept as is), and
 * each consumer is one light view object (table + row) whose getters read the columns: the `ConsumerRecord` and
 * `ConsumerInput` interfaces the planner and the writers take, unchanged.
 *
 * The values are those the object form had, bit for bit: the same `Number(...)` conversions, the properties of each
 * record in its own key order (one key list per distinct schema).
 */
import type { ConsumerRecord } from './geojson.js';
import type { ConsumerInput } from './plan.js';

/** A typed array that grows by doubling (zero-filled), written at any row. */
class Column<T extends Float64Array | Uint32Array | Uint16Array | Uint8Array> {
  a: T;
  constructor(private readonly C: new (n: number) => T, n = 1024) {
    this.a = new C(n);
  }
  set(i: number, v: number): void {
    if (i >= this.a.length) {
      let n = this.a.length * 2;
      while (n <= i) n *= 2;
      const b = new this.C(n);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = v;
  }
  trim(n: number): T {
    return (this.a.length === n ? this.a : this.a.slice(0, n)) as T;
  }
}

/** The code of a string in a dictionary, added at the end when new. */
function codeOf(dict: string[], of: Map<string, number>, v: string): number {
  let code = of.get(v);
  if (code === undefined) {
    code = dict.length;
    dict.push(v);
    of.set(v, code);
  }
  return code;
}

/** One property: numbers or strings in a typed store (whichever its first value is), other values (null, booleans, objects, the other type) by row. */
interface PropColumn {
  kind: 'num' | 'str';
  num?: Column<Float64Array>;
  codes?: Column<Uint32Array>;
  dict?: string[];
  dictOf?: Map<string, number>;
  /** rows whose value is not of the column's kind: 1 where `other` holds it */
  isOther?: Column<Uint8Array>;
  other?: Map<number, unknown>;
}

/** Building properties of every consumer, in columns; `get(row)` gives a record's properties as an object, in its own key order. */
export class PropColumns {
  private readonly keys: string[] = [];
  private readonly keyOf = new Map<string, number>();
  private readonly cols: PropColumn[] = [];
  private readonly schemaOfRow = new Column(Uint32Array);
  private readonly schemas: number[][] = [];
  private readonly schemaOf = new Map<string, number>();
  private rows = 0;
  /** the row being added: its column indices (reused), and the schema of the row before (most rows share it) */
  private idx: number[] = [];
  private lastSchema = -1;

  /** Append the properties of the next row (those named in `skip` left out). */
  add(props: Record<string, unknown>, skip?: ReadonlySet<string>): void {
    const row = this.rows++;
    const idx = this.idx;
    let n = 0;
    for (const k in props) {
      if (skip?.has(k)) continue;
      let c = this.keyOf.get(k);
      const v = props[k];
      if (c === undefined) {
        c = this.keys.length;
        this.keys.push(k);
        this.keyOf.set(k, c);
        this.cols.push(typeof v === 'string' ? { kind: 'str', codes: new Column(Uint32Array), dict: [], dictOf: new Map() } : { kind: 'num', num: new Column(Float64Array) });
      }
      idx[n++] = c;
      const col = this.cols[c]!;
      if (col.kind === 'num' && typeof v === 'number') col.num!.set(row, v);
      else if (col.kind === 'str' && typeof v === 'string') {
        col.codes!.set(row, codeOf(col.dict!, col.dictOf!, v));
      } else {
        col.isOther ??= new Column(Uint8Array);
        col.other ??= new Map();
        col.isOther.set(row, 1);
        col.other.set(row, v);
      }
    }
    // the row before's schema when the keys are the same (no key string per row), else the schema of this key list
    let s = this.lastSchema;
    const last = s >= 0 ? this.schemas[s]! : undefined;
    let same = last !== undefined && last.length === n;
    for (let i = 0; same && i < n; i++) same = last![i] === idx[i];
    if (!same) {
      const keys = idx.slice(0, n);
      const sig = keys.join(',');
      const known = this.schemaOf.get(sig);
      if (known === undefined) {
        s = this.schemas.length;
        this.schemas.push(keys);
        this.schemaOf.set(sig, s);
      } else s = known;
      this.lastSchema = s;
    }
    this.schemaOfRow.set(row, s);
  }

  private value(col: PropColumn, row: number): unknown {
    if (col.isOther && row < col.isOther.a.length && col.isOther.a[row]) return col.other!.get(row);
    return col.kind === 'num' ? col.num!.a[row] : col.dict![col.codes!.a[row]!];
  }

  /** The properties of a row as an object, keys in the row's own order. */
  get(row: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const c of this.schemas[this.schemaOfRow.a[row]!]!) out[this.keys[c]!] = this.value(this.cols[c]!, row);
    return out;
  }

  /** Each property of a row, in the row's own key order, without an object. */
  each(row: number, fn: (key: string, value: unknown) => void): void {
    for (const c of this.schemas[this.schemaOfRow.a[row]!]!) fn(this.keys[c]!, this.value(this.cols[c]!, row));
  }

  /** One property of a row (undefined where the row has none). */
  prop(row: number, key: string): unknown {
    const c = this.keyOf.get(key);
    if (c === undefined || !this.schemas[this.schemaOfRow.a[row]!]!.includes(c)) return undefined;
    return this.value(this.cols[c]!, row);
  }
}

/** The fields of a consumer as the route stage reads them from a building (or block); `props`: its other properties. */
export type ConsumerFields = Omit<ConsumerRecord, 'prop'>;

/** Consumers in columns; `rows()` gives the view objects. */
export class ConsumerTable {
  private readonly cols = {
    x: new Column(Float64Array),
    y: new Column(Float64Array),
    heat: new Column(Float64Array),
    peak: new Column(Float64Array),
    spaceHeat: new Column(Float64Array),
    hotWater: new Column(Float64Array),
    cool: new Column(Float64Array),
    coolPeak: new Column(Float64Array),
    use: new Column(Uint32Array),
  };
  readonly id: string[] = [];
  readonly props = new PropColumns();
  private readonly useDict: string[] = [];
  private readonly useOf = new Map<string, number>();
  length = 0;
  private finished = false;
  x = this.cols.x.a;
  y = this.cols.y.a;
  heatMWh = this.cols.heat.a;
  peakKw = this.cols.peak.a;
  spaceHeatMWh = this.cols.spaceHeat.a;
  hotWaterMWh = this.cols.hotWater.a;
  coolMWh = this.cols.cool.a;
  coolPeakKw = this.cols.coolPeak.a;
  private useCode = this.cols.use.a;

  /**
   * Append a consumer; the planner's inputs are derived here as the object form did (`Number(...)`, `|| 0`,
   * 'unknown'). `skip`: keys of `f.props` that are not building properties (left out of the columns).
   */
  add(f: ConsumerFields, skip?: ReadonlySet<string>): void {
    const i = this.length++;
    const c = this.cols;
    this.id.push(f.id);
    c.x.set(i, f.x);
    c.y.set(i, f.y);
    c.heat.set(i, f.heatMWh);
    c.peak.set(i, f.peakKw);
    const p = f.props;
    c.spaceHeat.set(i, Number(p.spaceHeat_MWh));
    c.hotWater.set(i, Number(p.hotWater_MWh));
    c.cool.set(i, Number(p.cool_MWh) || 0);
    c.coolPeak.set(i, Number(p.coolPeak_kW) || 0);
    const use = typeof p.use === 'string' ? p.use : 'unknown';
    c.use.set(i, codeOf(this.useDict, this.useOf, use));
    this.props.add(p, skip);
  }

  /** Trim the columns to the rows added; call once when every consumer is in. */
  done(): this {
    const c = this.cols, n = this.length;
    this.finished = true;
    this.x = c.x.trim(n);
    this.y = c.y.trim(n);
    this.heatMWh = c.heat.trim(n);
    this.peakKw = c.peak.trim(n);
    this.spaceHeatMWh = c.spaceHeat.trim(n);
    this.hotWaterMWh = c.hotWater.trim(n);
    this.coolMWh = c.cool.trim(n);
    this.coolPeakKw = c.coolPeak.trim(n);
    this.useCode = c.use.trim(n);
    return this;
  }

  /** The use category of a row ('unknown' where the building has none). */
  use(i: number): string {
    return this.useDict[this.useCode[i]!]!;
  }

  /** The distinct use categories. */
  uses(): Set<string> {
    const seen = new Uint8Array(this.useDict.length);
    for (let i = 0; i < this.length; i++) seen[this.useCode[i]!] = 1;
    return new Set(this.useDict.filter((_, k) => seen[k]));
  }

  /** One view object per consumer (the columns trimmed first). */
  rows(): ConsumerRow[] {
    if (!this.finished) this.done();
    const out = new Array<ConsumerRow>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = new ConsumerRow(this, i);
    return out;
  }
}

/**
 * One consumer: a view of its table row, both a `ConsumerRecord` (the writers) and a `ConsumerInput` (the planner).
 * Its fields are getters on the prototype: spread (`{ ...row }`) does not copy them; copy the fields by name.
 */
export class ConsumerRow implements ConsumerRecord, ConsumerInput {
  constructor(
    readonly table: ConsumerTable,
    readonly row: number,
  ) {}
  get id(): string {
    return this.table.id[this.row]!;
  }
  get x(): number {
    return this.table.x[this.row]!;
  }
  get y(): number {
    return this.table.y[this.row]!;
  }
  get heatMWh(): number {
    return this.table.heatMWh[this.row]!;
  }
  get peakKw(): number {
    return this.table.peakKw[this.row]!;
  }
  get spaceHeatMWh(): number {
    return this.table.spaceHeatMWh[this.row]!;
  }
  get hotWaterMWh(): number {
    return this.table.hotWaterMWh[this.row]!;
  }
  get coolMWh(): number {
    return this.table.coolMWh[this.row]!;
  }
  get coolPeakKw(): number {
    return this.table.coolPeakKw[this.row]!;
  }
  get use(): string {
    return this.table.use(this.row);
  }
  /** The building's other properties, as a new object each call. */
  get props(): Record<string, unknown> {
    return this.table.props.get(this.row);
  }
  /** Each of the building's properties, in order, without an object. */
  eachProp(fn: (key: string, value: unknown) => void): void {
    this.table.props.each(this.row, fn);
  }
  /** One of the building's properties. */
  prop(key: string): unknown {
    return this.table.props.prop(this.row, key);
  }
}
