import { ChunkPlanner } from './chunk-planner';

function plan(maxContacts: number, maxBytes: number, rows: [number, number][]): number[] {
  const planner = new ChunkPlanner(maxContacts, maxBytes);
  for (const [row, bytes] of rows) planner.add(row, bytes);
  return planner.finish();
}

const rowsOf = (count: number, bytes: number): [number, number][] =>
  Array.from({ length: count }, (_, i) => [i + 1, bytes]);

describe('ChunkPlanner', () => {
  it('plans nothing for no contacts', () => {
    expect(new ChunkPlanner(10, 1000).finish()).toEqual([]);
  });

  it('puts everything in one chunk under both limits', () => {
    expect(plan(10, 1000, rowsOf(3, 100))).toEqual([3]);
  });

  it('cuts at max contacts', () => {
    expect(plan(3, 1_000_000, rowsOf(7, 10))).toEqual([3, 6, 7]);
    expect(plan(3, 1_000_000, rowsOf(6, 10))).toEqual([3, 6]);
    expect(plan(1, 1_000_000, rowsOf(3, 10))).toEqual([1, 2, 3]);
  });

  it('cuts at max bytes: exactly the limit fits, one byte more does not', () => {
    expect(
      plan(100, 100, [
        [1, 50],
        [2, 50],
      ]),
    ).toEqual([2]);
    expect(
      plan(100, 100, [
        [1, 50],
        [2, 51],
      ]),
    ).toEqual([1, 2]);
    expect(plan(100, 100, rowsOf(3, 40))).toEqual([2, 3]);
  });

  it('gives a single oversized contact its own chunk', () => {
    expect(
      plan(100, 100, [
        [1, 10],
        [2, 500],
        [3, 10],
      ]),
    ).toEqual([1, 2, 3]);
    expect(
      plan(100, 100, [
        [1, 500],
        [2, 10],
        [3, 10],
      ]),
    ).toEqual([1, 3]);
    expect(plan(100, 100, [[1, 500]])).toEqual([1]);
  });

  it('uses row numbers, which may have gaps (dropped rows)', () => {
    expect(
      plan(2, 1000, [
        [2, 1],
        [5, 1],
        [9, 1],
        [10, 1],
        [14, 1],
      ]),
    ).toEqual([5, 10, 14]);
  });

  it('finish() is idempotent', () => {
    const planner = new ChunkPlanner(2, 1000);
    for (const [row, bytes] of rowsOf(3, 1)) planner.add(row, bytes);
    expect(planner.finish()).toEqual([2, 3]);
    expect(planner.finish()).toEqual([2, 3]);
    expect(planner.chunkEnds).toEqual([2, 3]);
  });

  it('continues with a fresh chunk after finish()', () => {
    const planner = new ChunkPlanner(2, 1000);
    planner.add(1, 1);
    expect(planner.finish()).toEqual([1]);
    planner.add(2, 1);
    expect(planner.finish()).toEqual([1, 2]);
  });

  it('says which contact starts a chunk', () => {
    const planner = new ChunkPlanner(2, 1_000_000);
    expect([1, 2, 3, 4, 5].map((row) => planner.add(row, 10))).toEqual([true, false, true, false, true]);
    expect(planner.finish()).toEqual([2, 4, 5]);
  });
});
