/**
 * Stable per-dataset objects: deck.gl compares `data` by reference, so a layer rebuilt on every render (new props,
 * new hour) must get the same data object to keep its GPU buffers instead of re-uploading 1,000,000 cells.
 */
const store = new WeakMap<object, Map<string, unknown>>();

export function memo<T>(owner: object, key: string, make: () => T): T {
  let m = store.get(owner);
  if (!m) store.set(owner, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}
