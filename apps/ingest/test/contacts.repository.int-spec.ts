import { randomUUID } from 'node:crypto';

import { quoteIdent } from '@outdial/service-runtime';

import { ContactDraft } from '../src/domain/contact-row';
import { ContactsRepository } from '../src/persistence/contacts.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

interface StoredContact {
  contact_id: string;
  row: number;
  phone: string;
  name: string | null;
  timezone: string | null;
  priority: number;
  variables: Record<string, string>;
  status: string;
}

/** `ContactsRepository` (COPY in, JSON chunks out) against the real PostgreSQL, in a schema not named `ingest`. */
describe('ContactsRepository', () => {
  let repo: RepositoryDb;
  let contacts: ContactsRepository;

  beforeAll(async () => {
    repo = await openRepositoryDb('ingestcontacts');
    contacts = new ContactsRepository(repo.db);
  });

  afterAll(async () => {
    await repo?.close();
  });

  const stored = (batchId: string) =>
    repo.db.query<StoredContact>(
      `SELECT contact_id::text, row, phone, name, timezone, priority, variables, status FROM ${quoteIdent(repo.db.schema)}.contacts WHERE batch_id = $1 ORDER BY row`,
      [batchId],
    );

  /** COPYs the contacts in one transaction, awaiting backpressure as the ingest does; returns their ids. */
  async function copy(batchId: string, drafts: ContactDraft[]): Promise<string[]> {
    const ids = drafts.map(() => randomUUID());
    await repo.db.tx(async (client) => {
      const copyIn = contacts.copyIn(client, batchId);
      for (let i = 0; i < drafts.length; i++) {
        const full = copyIn.add(ids[i], drafts[i], JSON.stringify(drafts[i].variables));
        if (full) await full;
      }
      await copyIn.end();
    });
    return ids;
  }

  const draft = (row: number, over: Partial<ContactDraft> = {}): ContactDraft => ({
    row,
    phone: `+1415555${1000 + row}`,
    priority: 0,
    variables: {},
    status: 'pending',
    ...over,
  });

  it('COPYs contacts with every character COPY text must escape, and reads them back unchanged', async () => {
    const drafts = [
      draft(1, {
        name: 'Zoë "Z" O\'Neil',
        timezone: 'Europe/Paris',
        priority: 3,
        variables: { note: 'a,b\\ \t\ncafé\r', empty: '' },
      }),
      draft(2, { phone: '  not\ta\\number ', status: 'invalid_number' }),
      draft(4, { name: 'back\\slash', status: 'suppressed', variables: { '\\N': '\\N' } }),
    ];
    const ids = await copy('c-escape', drafts);
    const rows = await stored('c-escape');
    expect(rows).toEqual([
      {
        contact_id: ids[0],
        row: 1,
        phone: '+14155551001',
        name: 'Zoë "Z" O\'Neil',
        timezone: 'Europe/Paris',
        priority: 3,
        variables: { note: 'a,b\\ \t\ncafé\r', empty: '' },
        status: 'pending',
      },
      {
        contact_id: ids[1],
        row: 2,
        phone: '  not\ta\\number ',
        name: null,
        timezone: null,
        priority: 0,
        variables: {},
        status: 'invalid_number',
      },
      {
        contact_id: ids[2],
        row: 4,
        phone: '+14155551004',
        name: 'back\\slash',
        timezone: null,
        priority: 0,
        variables: { '\\N': '\\N' },
        status: 'suppressed',
      },
    ]);
  });

  it('a large COPY (several write pieces, backpressure) stores every row once', async () => {
    const big = 'x'.repeat(400);
    const drafts = Array.from({ length: 3000 }, (_, i) => draft(i + 1, { variables: { note: `${big}${i}` } }));
    await copy('c-large', drafts);
    const [{ n, distinct_rows }] = await repo.db.query<{ n: number; distinct_rows: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT row)::int AS distinct_rows FROM ${quoteIdent(repo.db.schema)}.contacts WHERE batch_id = $1`,
      ['c-large'],
    );
    expect({ n, distinct_rows }).toEqual({ n: 3000, distinct_rows: 3000 });
  });

  it('an aborted COPY stores nothing (the transaction rolls back)', async () => {
    await expect(
      repo.db.tx(async (client) => {
        const copyIn = contacts.copyIn(client, 'c-aborted');
        void copyIn.add(randomUUID(), draft(1), '{}');
        const error = new Error('the file broke mid-way');
        await copyIn.abort(error);
        throw error;
      }),
    ).rejects.toThrow('mid-way');
    expect(await stored('c-aborted')).toEqual([]);
  });

  it('builds a chunk JSON by row range as the hand-over messages carry it (nulls left out)', async () => {
    const ids = await copy('c-chunks', [
      draft(1, { name: 'A', variables: { k: 'v' } }),
      draft(2, { timezone: 'America/New_York' }),
      draft(3),
      draft(5, { status: 'invalid_number', phone: '123' }),
    ]);
    expect(JSON.parse(await contacts.chunkJson('c-chunks', 0, 2))).toEqual([
      {
        contact_id: ids[0],
        row: 1,
        phone: '+14155551001',
        name: 'A',
        priority: 0,
        variables: { k: 'v' },
        status: 'pending',
      },
      {
        contact_id: ids[1],
        row: 2,
        phone: '+14155551002',
        timezone: 'America/New_York',
        priority: 0,
        variables: {},
        status: 'pending',
      },
    ]);
    expect(JSON.parse(await contacts.chunkJson('c-chunks', 2, 5)).map((c: { row: number }) => c.row)).toEqual([3, 5]);
    expect(await contacts.chunkJson('c-chunks', 5, 9)).toBe('[]');
    expect(await contacts.chunkJson('c-other', 0, 9)).toBe('[]');
  });

  it('deletes a batch contacts inside the caller transaction, and only that batch', async () => {
    await copy('c-del-a', [draft(1), draft(2)]);
    await copy('c-del-b', [draft(1)]);
    expect(await repo.db.tx((client) => contacts.deleteOfBatch(client, 'c-del-a'))).toBe(2);
    expect(await stored('c-del-a')).toEqual([]);
    expect(await stored('c-del-b')).toHaveLength(1);
    expect(await repo.db.tx((client) => contacts.deleteOfBatch(client, 'c-del-a'))).toBe(0);
  });
});
