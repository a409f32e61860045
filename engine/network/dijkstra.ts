/**
 * Dijkstra over a CSR graph with buffers allocated once per graph (STYLE.md 3): a Router answers many single- or
 * multi-source queries; only the nodes a query touched are reset before the next one, so bounded local searches cost
 * what they explore, not the graph size.
 */
import FlatQueue from 'flatqueue';
import type { CsrGraph } from './csr.js';

export class Router {
  /** distance from the nearest source, m (Infinity = not reached) */
  readonly dist: Float64Array;
  /** edge by which a node was reached (-1 for sources / unreached) */
  readonly predEdge: Int32Array;
  /** index (in the sources list) of the nearest source (-1 = unreached) */
  readonly source: Int32Array;
  private readonly settled: Uint8Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  private readonly queue: FlatQueue<number>;

  constructor(readonly g: CsrGraph) {
    this.dist = new Float64Array(g.nodeCount).fill(Infinity);
    this.predEdge = new Int32Array(g.nodeCount).fill(-1);
    this.source = new Int32Array(g.nodeCount).fill(-1);
    this.settled = new Uint8Array(g.nodeCount);
    this.touched = new Uint32Array(g.nodeCount);
    // lazy deletion: at most one push per directed edge relaxation plus the sources
    this.queue = new FlatQueue<number>(2 * g.edgeCount + g.nodeCount + 1, Float64Array, Uint32Array);
  }

  private reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const v = this.touched[i]!;
      this.dist[v] = Infinity;
      this.predEdge[v] = -1;
      this.source[v] = -1;
      this.settled[v] = 0;
    }
    this.touchedCount = 0;
    this.queue.clear();
  }

  private touch(v: number): void {
    if (this.dist[v] === Infinity) this.touched[this.touchedCount++] = v;
  }

  /**
   * Multi-source Dijkstra. `sourceIndex[i]` (default i) is written to `source` for nodes nearest to sources[i], so
   * several nodes can share one label (all plants as one terminal). Stops when the queue is empty, when the next
   * distance exceeds `maxDistM`, or when a node with `stop[v] = 1` (or, away from the sources, `stopFn(v)`) is settled (returns that node, else -1).
   * `blocked[v] = 1` nodes are never entered.
   */
  run(
    sources: ArrayLike<number>,
    opts: {
      sourceIndex?: ArrayLike<number>;
      maxDistM?: number;
      stop?: Uint8Array;
      stopFn?: (v: number) => boolean;
      blocked?: Uint8Array;
      blockedEdge?: Uint8Array;
    } = {},
  ): number {
    this.reset();
    const { dist, predEdge, source, settled, queue, g } = this;
    const maxD = opts.maxDistM ?? Infinity;
    for (let i = 0; i < sources.length; i++) {
      const s = sources[i]!;
      if (dist[s] === 0) continue;
      this.touch(s);
      dist[s] = 0;
      source[s] = opts.sourceIndex ? opts.sourceIndex[i]! : i;
      queue.push(s, 0);
    }
    const { offsets, adjNode, adjEdge, edgeLengthM } = g;
    const stop = opts.stop;
    const stopFn = opts.stopFn;
    const blocked = opts.blocked;
    const blockedEdge = opts.blockedEdge;
    while (queue.length > 0) {
      const d = queue.peekValue()!;
      const v = queue.pop()!;
      if (settled[v]) continue;
      if (d > maxD) break;
      settled[v] = 1;
      if (stop && stop[v]) return v;
      if (stopFn && d > 0 && stopFn(v)) return v;
      const src = source[v]!;
      for (let k = offsets[v]!, end = offsets[v + 1]!; k < end; k++) {
        const w = adjNode[k]!;
        if (settled[w]) continue;
        const e = adjEdge[k]!;
        if (blocked && blocked[w]) continue;
        if (blockedEdge && blockedEdge[e]) continue;
        const nd = d + edgeLengthM[e]!;
        if (nd < dist[w]!) {
          this.touch(w);
          dist[w] = nd;
          predEdge[w] = e;
          source[w] = src;
          queue.push(w, nd);
        }
      }
    }
    return -1;
  }

  /** Whether node v was settled (its dist is final) in the last run. */
  isSettled(v: number): boolean {
    return this.settled[v] === 1;
  }
}
