import { BATCH_ID_HEADER } from '@outdial/contracts';

import { DeletedBatchGate } from './deleted-batch-gate';

class FakeTombstones extends DeletedBatchGate {
  readonly asked: string[] = [];
  constructor(private readonly tombstones: Set<string>) {
    super();
  }
  protected async isDeleted(batchId: string): Promise<boolean> {
    this.asked.push(batchId);
    return this.tombstones.has(batchId);
  }
}

const headers = (batchId?: string) => ({ get: (name: string) => (name === BATCH_ID_HEADER && batchId) || '' });

describe('DeletedBatchGate', () => {
  it('handles a message without the batch header without asking for a tombstone', async () => {
    const gate = new FakeTombstones(new Set(['b1']));
    expect(await gate.dropReason(headers())).toBeNull();
    expect(gate.asked).toEqual([]);
  });

  it("drops a deleted batch's message and remembers the tombstone", async () => {
    const gate = new FakeTombstones(new Set(['b1']));
    expect(await gate.dropReason(headers('b1'))).toBe('batch_deleted');
    expect(await gate.dropReason(headers('b1'))).toBe('batch_deleted');
    expect(gate.asked).toEqual(['b1']);
  });

  it('asks again for a live batch every time (it may be deleted next)', async () => {
    const tombstones = new Set<string>();
    const gate = new FakeTombstones(tombstones);
    expect(await gate.dropReason(headers('b2'))).toBeNull();
    tombstones.add('b2');
    expect(await gate.dropReason(headers('b2'))).toBe('batch_deleted');
    expect(gate.asked).toEqual(['b2', 'b2']);
  });
});
