import { randomUUID } from 'node:crypto';

import { ContactDraft } from '../src/domain/contact-row';
import { ContactsRepository } from '../src/persistence/contacts.repository';
import { SuppressionRepository } from '../src/persistence/suppression.repository';
import { batchCommand, insertBatch, openRepositoryDb, RepositoryDb } from './support/repository-db';

/** `SuppressionRepository` against the real PostgreSQL, in a schema not named `ingest`. */
describe('SuppressionRepository', () => {
  let repo: RepositoryDb;
  let suppression: SuppressionRepository;

  beforeAll(async () => {
    repo = await openRepositoryDb('ingestsuppr');
    suppression = new SuppressionRepository(repo.db);
  });

  afterAll(async () => {
    await repo?.close();
  });

  it('adds numbers once per org (idempotent, concurrent adds never fail) and lists them', async () => {
    expect(await suppression.addMany('org-a', [], 'none')).toBe(0);
    expect(await suppression.addMany('org-a', ['+14155550101', '+14155550102'], 'manual')).toBe(2);
    const [again, other] = await Promise.all([
      suppression.addMany('org-a', ['+14155550102', '+14155550103'], null),
      suppression.addMany('org-a', ['+14155550103'], null),
    ]);
    expect(again + other).toBe(1);
    expect(await suppression.addMany('org-b', ['+14155550101'], null)).toBe(1);
    expect(await suppression.phonesOf('org-a')).toEqual(new Set(['+14155550101', '+14155550102', '+14155550103']));
    expect(await suppression.phonesOf('org-c')).toEqual(new Set());
  });

  it('pages newest first (then by number), with a digits filter and the total', async () => {
    const table = `"${repo.db.schema}".suppressed_numbers`;
    await suppression.addMany('org-p', ['+441234500001', '+441234500002', '+441234500003'], 'import');
    await repo.db.query(
      `UPDATE ${table} SET created_at = '2026-01-01T00:00:00Z' WHERE org_id = 'org-p' AND phone = '+441234500001'`,
    );
    await repo.db.query(
      `UPDATE ${table} SET created_at = '2026-01-03T00:00:00Z' WHERE org_id = 'org-p' AND phone <> '+441234500001'`,
    );
    const first = await suppression.page('org-p', '', 2, 0);
    expect(first.total).toBe(3);
    expect(first.items.map((x) => x.phone)).toEqual(['+441234500002', '+441234500003']);
    expect(first.items[0]).toMatchObject({ reason: 'import' });
    expect(first.items[0].created_at).toBeInstanceOf(Date);
    const second = await suppression.page('org-p', '', 2, 2);
    expect(second.items.map((x) => x.phone)).toEqual(['+441234500001']);
    const filtered = await suppression.page('org-p', '00003', 50, 0);
    expect({ total: filtered.total, phones: filtered.items.map((x) => x.phone) }).toEqual({
      total: 1,
      phones: ['+441234500003'],
    });
    expect((await suppression.page('org-none', '', 50, 0)).total).toBe(0);
  });

  it('removes a number of one org only', async () => {
    await suppression.addMany('org-r', ['+14155550111'], null);
    await suppression.addMany('org-s', ['+14155550111'], null);
    expect(await suppression.remove('org-r', '+14155550111')).toBe(true);
    expect(await suppression.remove('org-r', '+14155550111')).toBe(false);
    expect(await suppression.phonesOf('org-s')).toEqual(new Set(['+14155550111']));
  });

  it('adds the number of an opted-out stored contact of the org batch, once; never an invalid number or another org', async () => {
    await insertBatch(repo.db, batchCommand('s-batch', 'org-o'));
    const drafts: ContactDraft[] = [
      { row: 1, phone: '+14155550177', priority: 0, variables: {}, status: 'pending' },
      { row: 2, phone: '415 not a number', priority: 0, variables: {}, status: 'invalid_number' },
    ];
    const ids = drafts.map(() => randomUUID());
    await repo.db.tx(async (client) => {
      const copy = new ContactsRepository(repo.db).copyIn(client, 's-batch');
      drafts.forEach((d, i) => copy.add(ids[i], d, '{}'));
      await copy.end();
    });
    expect(await suppression.addOptedOutContact('org-x', 's-batch', ids[0])).toBe(false);
    expect(await suppression.addOptedOutContact('org-o', 's-other', ids[0])).toBe(false);
    expect(await suppression.addOptedOutContact('org-o', 's-batch', ids[1])).toBe(false);
    expect(await suppression.addOptedOutContact('org-o', 's-batch', randomUUID())).toBe(false);
    expect(await suppression.addOptedOutContact('org-o', 's-batch', ids[0])).toBe(true);
    expect(await suppression.addOptedOutContact('org-o', 's-batch', ids[0])).toBe(false);
    const page = await suppression.page('org-o', '', 10, 0);
    expect(page.items.map((x) => ({ phone: x.phone, reason: x.reason }))).toEqual([
      { phone: '+14155550177', reason: 'opted_out' },
    ]);
  });
});
