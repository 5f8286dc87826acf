import { quoteIdent } from '@outdial/service-runtime';

import { BatchesRepository, NewBatch } from '../src/persistence/batches.repository';
import { batchCommand, insertBatch, openRepositoryDb, RepositoryDb } from './support/repository-db';

/** `BatchesRepository` against the real PostgreSQL, in a schema not named `ingest`. */
describe('BatchesRepository', () => {
  let repo: RepositoryDb;
  let batches: BatchesRepository;

  beforeAll(async () => {
    repo = await openRepositoryDb('ingestbatches');
    batches = new BatchesRepository(repo.db);
  });

  afterAll(async () => {
    await repo?.close();
  });

  it('inserts a batch inside the caller transaction and reads it back whole', async () => {
    const command = batchCommand('b-insert');
    const stored = await insertBatch(repo.db, command);
    expect(await batches.exists('b-insert')).toBe(true);
    expect(await batches.exists('b-missing')).toBe(false);
    const batch = await batches.find('b-insert');
    expect(batch).toMatchObject({
      batch_id: 'b-insert',
      org_id: 'org-a',
      name: command.name,
      agent_id: 'agent-demo',
      provider: 'simulated',
      from_number: '+12025550100',
      initial_status: 'running',
      settings: command.settings,
      variable_columns: ['note'],
      validation: stored.validation,
      total_contacts: 3,
      estimated_cost: 0.54,
      chunk_ends: [2, 3],
    });
    expect(batch!.created_at).toEqual(stored.createdAt);
    expect(await batches.find('b-missing')).toBeNull();
  });

  it('a second batch with the same id is refused (unique key), and a rolled-back insert leaves nothing', async () => {
    await insertBatch(repo.db, batchCommand('b-dup'));
    await expect(insertBatch(repo.db, batchCommand('b-dup', 'org-b'))).rejects.toMatchObject({ code: '23505' });
    await expect(
      repo.db.tx(async (client) => {
        await batches.insert(client, newBatch('b-rolled-back'));
        throw new Error('the ingest failed after the insert');
      }),
    ).rejects.toThrow('the ingest failed');
    expect(await batches.exists('b-rolled-back')).toBe(false);
  });

  it('ownership and settings: another org sees nothing', async () => {
    const command = batchCommand('b-owned', 'org-a');
    await insertBatch(repo.db, command);
    expect(await batches.isOwnedBy('b-owned', 'org-a')).toBe(true);
    expect(await batches.isOwnedBy('b-owned', 'org-b')).toBe(false);
    expect(await batches.findSettings('b-owned', 'org-a')).toEqual({
      name: command.name,
      agent_id: 'agent-demo',
      from_number: '+12025550100',
      settings: command.settings,
    });
    expect(await batches.findSettings('b-owned', 'org-b')).toBeNull();
  });

  it('lists batches not handed over, oldest first, until they are marked', async () => {
    const before = new Set(await batches.listNotHandedOver());
    await insertBatch(repo.db, batchCommand('b-late'), { createdAt: new Date('2026-03-01T00:00:00Z') });
    await insertBatch(repo.db, batchCommand('b-early'), { createdAt: new Date('2025-03-01T00:00:00Z') });
    const pending = (await batches.listNotHandedOver()).filter((id) => !before.has(id));
    expect(pending).toEqual(['b-early', 'b-late']);
    await batches.markHandedOver('b-early');
    expect(await batches.listNotHandedOver()).not.toContain('b-early');
    expect(await batches.listNotHandedOver()).toContain('b-late');
    const [row] = await repo.db.query<{ handed_over_at: Date | null }>(
      `SELECT handed_over_at FROM ${quoteIdent(repo.db.schema)}.batches WHERE batch_id = $1`,
      ['b-early'],
    );
    expect(row.handed_over_at).toBeInstanceOf(Date);
  });

  it('deletes only the org own batch, inside the caller transaction', async () => {
    await insertBatch(repo.db, batchCommand('b-delete', 'org-a'));
    expect(await repo.db.tx((client) => batches.deleteOwned(client, 'b-delete', 'org-b'))).toBe(false);
    expect(await batches.exists('b-delete')).toBe(true);
    await expect(
      repo.db.tx(async (client) => {
        expect(await batches.deleteOwned(client, 'b-delete', 'org-a')).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await batches.exists('b-delete')).toBe(true);
    expect(await repo.db.tx((client) => batches.deleteOwned(client, 'b-delete', 'org-a'))).toBe(true);
    expect(await batches.exists('b-delete')).toBe(false);
    expect(await repo.db.tx((client) => batches.deleteOwned(client, 'b-delete', 'org-a'))).toBe(false);
  });

  /** A batch to insert by hand (not stored yet). */
  function newBatch(batchId: string): NewBatch {
    return {
      command: batchCommand(batchId),
      variableColumns: [],
      validation: {
        total_rows: 1,
        valid_rows: 1,
        invalid_rows: 0,
        duplicate_rows: 0,
        empty_rows: 0,
        suppressed_rows: 0,
      },
      totalContacts: 1,
      dialableContacts: 1,
      estimatedCost: 0.27,
      createdAt: new Date(),
      chunkEnds: [1],
    };
  }
});
