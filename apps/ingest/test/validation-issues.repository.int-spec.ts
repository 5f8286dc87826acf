import { RowIssue } from '@outdial/contracts';

import { ValidationIssuesRepository } from '../src/persistence/validation-issues.repository';
import { openRepositoryDb, RepositoryDb } from './support/repository-db';

/** `ValidationIssuesRepository` against the real PostgreSQL, in a schema not named `ingest`. */
describe('ValidationIssuesRepository', () => {
  let repo: RepositoryDb;
  let issues: ValidationIssuesRepository;

  beforeAll(async () => {
    repo = await openRepositoryDb('ingestissues');
    issues = new ValidationIssuesRepository(repo.db);
  });

  afterAll(async () => {
    await repo?.close();
  });

  const issue = (row: number, code = 'invalid_phone'): RowIssue => ({
    row,
    phone: `p${row}`,
    code,
    message: `${code} on row ${row}`,
  });

  it('stores more issues than one INSERT takes, and pages them by whole rows in stored order', async () => {
    // Rows 1..12001, each once, and row 7 three times (its issues keep their order).
    const all = Array.from({ length: 12_001 }, (_, i) => issue(i + 1));
    all.splice(7, 0, issue(7, 'duplicate_phone'), issue(7, 'invalid_timezone'));
    await repo.db.tx((client) => issues.insertAll(client, 'i-many', all));

    expect(await issues.lastRowOfPage('i-many', 0, 2000)).toBe(2000);
    expect(await issues.lastRowOfPage('i-many', 12_000, 2000)).toBe(12_001);
    expect(await issues.lastRowOfPage('i-many', 12_001, 2000)).toBeNull();
    const firstRows = await issues.listRows('i-many', 0, 7);
    expect(firstRows).toHaveLength(9);
    expect(firstRows.slice(6).map((x) => x.code)).toEqual(['invalid_phone', 'duplicate_phone', 'invalid_timezone']);
    expect(firstRows[0]).toEqual(issue(1));
    expect(await issues.anyAfter('i-many', 12_000)).toBe(true);
    expect(await issues.anyAfter('i-many', 12_001)).toBe(false);
  });

  it('a batch without issues has no page', async () => {
    await repo.db.tx((client) => issues.insertAll(client, 'i-none', []));
    expect(await issues.lastRowOfPage('i-none', 0, 2000)).toBeNull();
    expect(await issues.anyAfter('i-none', 0)).toBe(false);
  });

  it('deletes a batch issues inside the caller transaction, and only that batch', async () => {
    await repo.db.tx((client) => issues.insertAll(client, 'i-del-a', [issue(1), issue(3)]));
    await repo.db.tx((client) => issues.insertAll(client, 'i-del-b', [issue(2)]));
    expect(await repo.db.tx((client) => issues.deleteOfBatch(client, 'i-del-a'))).toBe(2);
    expect(await issues.anyAfter('i-del-a', 0)).toBe(false);
    expect(await issues.listRows('i-del-b', 0, 10)).toEqual([issue(2)]);
  });
});
