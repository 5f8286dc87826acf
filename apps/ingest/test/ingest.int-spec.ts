import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { CallFinishedEvent, CallOutcome, CreateBatchCommand, prefixedStreamName, Subjects } from '@outdial/contracts';
import { quoteIdent, RunningService, ServiceError, startService } from '@outdial/service-runtime';
import { parse } from 'csv-parse/sync';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';
import { IngestEnv } from '../src/ingest-env';
import { ingestService } from '../src/ingest-service';
import { ContactsRepository } from '../src/persistence/contacts.repository';

const ORG = 'org-a';
const OTHER_ORG = 'org-b';
const MAX_ROWS = 50;
const MAX_BYTES = 3_000_000;
const FORMULA = "=cmd|' /C calc'!A0";

/**
 * Ingest against the real PostgreSQL and NATS: uploads go into the object store, the create and
 * validate requests go over request/reply as the gateway sends them, and the database is checked
 * for what was (and was not) stored.
 */
describe('ingest service', () => {
  let env: IsolatedEnv;
  let running: RunningService<IngestEnv>;
  let counter = 0;
  /** The service's schema, quoted, for the checks' SQL. */
  let schema: string;
  const spoolDir = mkdtempSync(join(tmpdir(), 'outdial-ingest-spool-test-'));

  beforeAll(async () => {
    env = await createIsolatedEnv('ingest');
    running = await startService(ingestService, {
      env: {
        ...process.env,
        ...env.serviceEnv(),
        INGEST_MAX_ROWS: String(MAX_ROWS),
        INGEST_MAX_FILE_BYTES: String(MAX_BYTES),
        INGEST_MAX_COLUMNS: '1000',
        INGEST_CHUNK_CONTACTS: '10',
        INGEST_SPOOL_DIR: spoolDir,
      },
    });
    schema = quoteIdent(running.runtime.db.schema);
  });

  afterAll(async () => {
    await running?.app.close();
    await env?.cleanup();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  const sql = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    (await running.runtime.db.query(text, params)) as R[];
  const count = async (table: string, batchId: string) =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table} WHERE batch_id = $1`, [batchId]))[0].n;

  async function upload(
    content: string | Buffer,
    filename = 'contacts.csv',
    contentType = 'text/csv',
    declaredSize?: number,
  ) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const objectName = `test-${++counter}-${randomBytes(3).toString('hex')}`;
    await running.runtime.uploads.putBytes(objectName, bytes);
    return { object_name: objectName, filename, content_type: contentType, size: declaredSize ?? bytes.length };
  }

  async function command(
    content: string | Buffer,
    over: Partial<Omit<CreateBatchCommand, 'settings'>> & {
      settings?: Record<string, unknown>;
      filename?: string;
      contentType?: string;
      declaredSize?: number;
    } = {},
  ): Promise<CreateBatchCommand> {
    const { filename, contentType, declaredSize, settings, ...rest } = over;
    return {
      org_id: ORG,
      batch_id: `batch_${++counter}_${randomBytes(3).toString('hex')}`,
      upload: await upload(content, filename, contentType, declaredSize),
      name: 'test',
      agent_id: 'agent-demo',
      provider: 'simulated',
      from_number: '+12025550100',
      initial_status: 'running',
      settings: {
        default_region: 'US',
        invalid_phone_handling: 'skip',
        concurrency: 5,
        ...settings,
      } as CreateBatchCommand['settings'],
      ...rest,
    };
  }

  const create = (c: CreateBatchCommand) => running.runtime.rpc.request(Subjects.ingestCreateBatch, c, 60_000);
  const validate = (c: CreateBatchCommand) => running.runtime.rpc.request(Subjects.ingestValidateBatch, c, 60_000);

  async function failure(promise: Promise<unknown>): Promise<ServiceError> {
    try {
      await promise;
    } catch (error) {
      return error as ServiceError;
    }
    throw new Error('expected the request to fail');
  }

  async function uploadGone(objectName: string): Promise<boolean> {
    return (await running.runtime.uploads.info(objectName)) === null;
  }

  /** The create fails with `code`, stores nothing, and deletes its upload. */
  async function expectRefused(c: CreateBatchCommand, code: string): Promise<ServiceError> {
    const error = await failure(create(c));
    expect({ code: error.code, message: error.message }).toMatchObject({ code });
    expect(await count('batches', c.batch_id)).toBe(0);
    expect(await count('contacts', c.batch_id)).toBe(0);
    expect(await count('validation_issues', c.batch_id)).toBe(0);
    expect(await uploadGone(c.upload.object_name)).toBe(true);
    expect(readdirSync(spoolDir)).toEqual([]);
    return error;
  }

  describe('broken files: the right error, no crash, nothing stored', () => {
    it('binary garbage (invalid UTF-8) is invalid_utf8', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 73 + 200) % 256));
      await expectRefused(await command(garbage), 'invalid_utf8');
    });

    it('binary content that happens to be valid UTF-8 (NUL bytes) is invalid_file', async () => {
      const error = await expectRefused(
        await command(Buffer.from('phone,name\n+14155550101,\u0000\u0001\u0002PK\n', 'utf8')),
        'invalid_file',
      );
      expect(error.details).toMatchObject({ line: 2 });
    });

    it('an empty file and a header-only file', async () => {
      const empty = await expectRefused(await command(''), 'invalid_file');
      expect(empty.message).toMatch(/^the file is empty: expected a header row/);
      expect(empty.details).toMatchObject({ line: 1, expected: expect.stringMatching(/^phone,/) });
      const headerOnly = await expectRefused(await command('phone,name\r\n'), 'unprocessable');
      expect(headerOnly.message).toMatch(/no contact rows/);
      expect(headerOnly.details).toMatchObject({ validation: { total_rows: 0 } });
    });

    it('no phone column names the headers found', async () => {
      const error = await expectRefused(await command('name;email\nAda;a@example.com\n'), 'missing_phone_column');
      expect(error.details).toEqual({ headers_found: ['name', 'email'] });
    });

    it('5,000 columns is refused with the column limit', async () => {
      const header = ['phone', ...Array.from({ length: 4999 }, (_, i) => `c${i}`)].join(',');
      const error = await expectRefused(await command(`${header}\n+14155550101${',x'.repeat(4999)}\n`), 'invalid_file');
      expect(error.details).toMatchObject({ columns: 5000, limit_columns: 1000 });
    });

    it('a 2 MB field is refused (row size limit), not held', async () => {
      const error = await expectRefused(
        await command(`phone,note\n+14155550101,"${'x'.repeat(2 * 1024 * 1024)}"\n`),
        'invalid_file',
      );
      expect(error.details).toMatchObject({ csv_error: 'CSV_MAX_RECORD_SIZE' });
    });

    it('an unterminated quote names the problem', async () => {
      const error = await expectRefused(
        await command('phone,name\n+14155550101,"Ada\n+14155550102,Alan\n'),
        'invalid_file',
      );
      expect(error.details).toMatchObject({ csv_error: 'CSV_QUOTE_NOT_CLOSED' });
    });

    it('invalid UTF-8 in a row names that row', async () => {
      const bytes = Buffer.concat([
        Buffer.from('phone,name\n+14155550101,Ada\n+14155550102,'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('\n'),
      ]);
      const error = await expectRefused(await command(bytes), 'invalid_utf8');
      expect(error.details).toMatchObject({ line: 3, row: 2 });
    });

    it('mixed separators: rows split by another separator are reported invalid; all such rows means nothing to create', async () => {
      await expectRefused(await command('phone,name\n+14155550101;Ada\n+14155550102;Alan\n'), 'unprocessable');
      const mixed = await command('phone,name\n+14155550101,Ada\n+14155550102;Alan\n');
      const result = await create(mixed);
      expect(result.validation).toMatchObject({ total_rows: 2, valid_rows: 1, invalid_rows: 1 });
      expect(result.validation.issues[0]).toMatchObject({ row: 2, code: 'invalid_phone' });
    });

    it('JSON that is not an array of objects, or is cut short', async () => {
      await expectRefused(
        await command('{"phone": "+14155550101"}', { filename: 'c.json', contentType: 'application/json' }),
        'invalid_file',
      );
      await expectRefused(
        await command('[{"phone": "+14155550101"}, 5]', { filename: 'c.json', contentType: 'application/json' }),
        'invalid_file',
      );
      const cut = await expectRefused(
        await command('[{"phone": "+14155550101"}, {"phone": "+1415', {
          filename: 'c.json',
          contentType: 'application/json',
        }),
        'invalid_file',
      );
      expect(cut.message).toMatch(/not closed/);
    });

    it('formula-like cells are kept as data (not run), and escaped in the issues CSV', async () => {
      const c = await command(`phone,name\n+14155550101,"${FORMULA.replace(/"/g, '""')}"\n${FORMULA},Eve\n`);
      const result = await create(c);
      expect(result.validation).toMatchObject({ valid_rows: 1, invalid_rows: 1 });
      const [contact] = await sql<{ name: string }>(`SELECT name FROM ${schema}.contacts WHERE batch_id = $1`, [
        c.batch_id,
      ]);
      expect(contact.name).toBe(FORMULA);
      const page = await running.runtime.rpc.request(Subjects.ingestIssuesPage, {
        org_id: ORG,
        batch_id: c.batch_id,
        after_row: 0,
        max_bytes: 4096,
      });
      const records = parse(page.csv) as string[][];
      expect(records[0]).toEqual(['row', 'phone', 'code', 'message']);
      expect(records[1][1]).toBe(`'${FORMULA}`);
    });
  });

  describe('limits, at their edge', () => {
    const rowsCsv = (n: number, empties = 0) =>
      `phone\n${Array.from({ length: n }, (_, i) => `+1415555${String(1000 + i)}`).join('\n')}\n${'\n'.repeat(empties)}`;

    it(`${MAX_ROWS} rows pass, ${MAX_ROWS + 1} are too_many_rows (413); empty rows do not count`, async () => {
      const atLimit = await create(await command(rowsCsv(MAX_ROWS, 5)));
      expect(atLimit.validation).toMatchObject({ total_rows: MAX_ROWS, valid_rows: MAX_ROWS, empty_rows: 5 });
      const error = await expectRefused(await command(rowsCsv(MAX_ROWS + 1)), 'too_many_rows');
      expect(error.details).toEqual({ limit_rows: MAX_ROWS });
    });

    it(`a file of exactly ${MAX_BYTES} bytes passes; one byte more is payload_too_large, also when the declared size lies`, async () => {
      // one 3 MB row is over the row size limit, so spread the bytes over rows of 100 KB
      const spread = (total: number) => {
        const rows: string[] = [];
        let size = 'phone,note\n'.length;
        for (let i = 0; size < total; i++) {
          const prefix = `+1415555${String(2000 + i)},`;
          const room = Math.min(100_000, total - size - prefix.length - 1);
          const row = `${prefix}${'x'.repeat(Math.max(0, room))}\n`;
          rows.push(row);
          size += row.length;
        }
        return `phone,note\n${rows.join('')}`;
      };
      const exact = spread(MAX_BYTES);
      expect(Buffer.byteLength(exact)).toBe(MAX_BYTES);
      expect((await create(await command(exact))).validation.valid_rows).toBe(exact.split('\n').length - 2);
      const over = `${exact}\n`;
      await expectRefused(await command(over), 'payload_too_large');
      await expectRefused(await command(over, { declaredSize: 10 }), 'payload_too_large');
    });
  });

  describe('inputs', () => {
    it('a JSON array upload in the seed shape: nested objects become variables', async () => {
      const contacts = [
        {
          phone: '+14155550101',
          name: 'John Doe',
          email: 'john@example.com',
          customer_id: 'cust-123',
          custom_data: { order_id: 'ORD-456', amount: 99.99 },
        },
        {
          phone: '(415) 555-0102',
          name: 'Jane Smith',
          email: 'jane@example.com',
          customer_id: 'cust-124',
          custom_data: { order_id: 'ORD-457', amount: 149.99 },
        },
      ];
      const c = await command(JSON.stringify(contacts, null, 2), {
        filename: 'contacts.json',
        contentType: 'application/json',
      });
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 2, valid_rows: 2 });
      const rows = await sql<{ phone: string; name: string; variables: Record<string, string> }>(
        `SELECT phone, name, variables FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      expect(rows[1]).toEqual({
        phone: '+14155550102',
        name: 'Jane Smith',
        variables: {
          name: 'Jane Smith',
          email: 'jane@example.com',
          customer_id: 'cust-124',
          'custom_data.order_id': 'ORD-457',
          'custom_data.amount': '149.99',
        },
      });
    });

    it('JSON calls in the seed shape: phone_number, script object, voice_id, priority; a bad script or priority is reported', async () => {
      const calls = [
        {
          phone_number: '+14155550101',
          voice_id: 'voice_female_1',
          priority: 5,
          script: { type: 'sales_call', steps: [{ text: 'Hello, "friend"' }] },
        },
        {
          phone_number: '+14155550102',
          voice_id: 'voice_male_1',
          script: { text: 'Hi' },
          first_message: 'Hi there',
          language: 'de',
        },
        { phone_number: '+14155550103', priority: 'high' },
      ];
      const c = await command(JSON.stringify(calls), { filename: 'calls.json', contentType: 'application/json' });
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 3, valid_rows: 3 });
      expect(result.validation.issues).toEqual([
        expect.objectContaining({ row: 3, code: 'invalid_value', message: expect.stringMatching(/priority/) }),
      ]);
      const rows = await sql<{ priority: number; variables: Record<string, string> }>(
        `SELECT priority, variables FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      expect(rows.map((r) => r.priority)).toEqual([5, 0, 0]);
      expect(JSON.parse(rows[0].variables.script)).toEqual({
        type: 'sales_call',
        steps: [{ text: 'Hello, "friend"' }],
      });
      expect(rows[1].variables).toMatchObject({ voice_id: 'voice_male_1', first_message: 'Hi there', language: 'de' });

      const badScript = await create(
        await command('phone,script\n+14155550101,{not json\n+14155550102,"{""text"":""ok""}"\n'),
      );
      expect(badScript.validation.issues).toEqual([
        expect.objectContaining({ row: 1, code: 'invalid_value', message: expect.stringMatching(/script/) }),
      ]);
    });

    it('column_mapping, default_region, duplicates with the first row, BOM + CRLF + quoted separators and newlines, tab separator', async () => {
      const csv =
        '\uFEFFMobile Number\tFull Name\tnote\r\n(020) 7946 0018\t"Lovelace\tAda"\t"line1\r\nline2"\r\n+44 20 7946 0018\tDup\tx\r\n\t\t\r\n';
      const c = await command(csv, {
        settings: { default_region: 'GB' },
        column_mapping: { phone: 'mobile number', name: 'Full Name' },
      });
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 2, valid_rows: 1, duplicate_rows: 1, empty_rows: 1 });
      expect(result.validation.issues).toEqual([
        { row: 2, phone: '+442079460018', code: 'duplicate_phone', message: 'duplicate of row 1' },
      ]);
      const [row] = await sql<{ phone: string; name: string; variables: Record<string, string> }>(
        `SELECT phone, name, variables FROM ${schema}.contacts WHERE batch_id = $1`,
        [c.batch_id],
      );
      expect(row).toEqual({
        phone: '+442079460018',
        name: 'Lovelace\tAda',
        variables: { 'Full Name': 'Lovelace\tAda', note: 'line1\r\nline2' },
      });
      const badMapping = await expectRefused(
        await command('phone\n+14155550101\n', { column_mapping: { phone: 'cell' } }),
        'validation_failed',
      );
      expect(badMapping.details).toMatchObject({ field: 'column_mapping.phone' });
    });

    it('spreadsheet text (issue 12 §3): the four inputs and a U+200B name header give the right E.164 and names; still-refused cells name the cause', async () => {
      const csv = [
        'phone,\u200Bname',
        "'+14155550151,Ann",
        '\u200B+14155550154,Ben',
        '\u202A+14155550155\u202C,Cy',
        '＋１４１５５５５０１５６,Di',
        '1.41555E+10,Ed',
        '+1 415 555 O157,Flo',
        '14155550158.0,Gus',
      ].join('\r\n');
      const c = await command(csv);
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 7, valid_rows: 5, invalid_rows: 2 });
      const rows = await sql<{ row: number; phone: string; name: string; variables: Record<string, string> }>(
        `SELECT row, phone, name, variables FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      expect(rows).toEqual([
        { row: 1, phone: '+14155550151', name: 'Ann', variables: { name: 'Ann' } },
        { row: 2, phone: '+14155550154', name: 'Ben', variables: { name: 'Ben' } },
        { row: 3, phone: '+14155550155', name: 'Cy', variables: { name: 'Cy' } },
        { row: 4, phone: '+14155550156', name: 'Di', variables: { name: 'Di' } },
        { row: 7, phone: '+14155550158', name: 'Gus', variables: { name: 'Gus' } },
      ]);
      const [batch] = await sql<{ variable_columns: string[] }>(
        `SELECT variable_columns FROM ${schema}.batches WHERE batch_id = $1`,
        [c.batch_id],
      );
      expect(batch.variable_columns).toEqual(['name']);
      expect(result.validation.issues).toEqual([
        {
          row: 5,
          phone: '1.41555E+10',
          code: 'invalid_phone',
          message: expect.stringMatching(
            /^"1\.41555E\+10" is a number a spreadsheet wrote in scientific notation, and its last digits are lost: format the phone column as Text/,
          ),
        },
        {
          row: 6,
          phone: '+1 415 555 O157',
          code: 'invalid_phone',
          message: 'contains U+004F "O", which is not part of a phone number: "+1 415 555 O157"',
        },
      ]);
    });

    it('a UTF-16 file (Excel "Unicode text", with or without BOM) is read; a Windows-1252 file is refused saying to save as CSV UTF-8', async () => {
      const text = 'Phone\tName\r\n+14155550161\tZoë\r\n(415) 555-0162\t東京\r\n';
      for (const bytes of [
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
        Buffer.from(text, 'utf16le'),
      ]) {
        const c = await command(bytes, { filename: 'contacts.txt', contentType: 'text/plain' });
        expect((await create(c)).validation).toMatchObject({ total_rows: 2, valid_rows: 2 });
        const rows = await sql<{ phone: string; name: string }>(
          `SELECT phone, name FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
          [c.batch_id],
        );
        expect(rows).toEqual([
          { phone: '+14155550161', name: 'Zoë' },
          { phone: '+14155550162', name: '東京' },
        ]);
      }
      const latin = Buffer.concat([Buffer.from('phone,name\n+14155550163,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]);
      const error = await expectRefused(await command(latin), 'invalid_utf8');
      expect(error.message).toMatch(/not valid UTF-8 at line 2 \(data row 1\).*Windows-1252.*save it as "CSV UTF-8"/);
    });

    it('JSON keys get the same header cleaning', async () => {
      const c = await command(JSON.stringify([{ '\u200Bphone_number': '\u200B+14155550164', '\u200Bname': 'Ada' }]), {
        filename: 'c.json',
        contentType: 'application/json',
      });
      expect((await create(c)).validation).toMatchObject({ total_rows: 1, valid_rows: 1 });
      const rows = await sql<{ phone: string; name: string }>(
        `SELECT phone, name FROM ${schema}.contacts WHERE batch_id = $1`,
        [c.batch_id],
      );
      expect(rows).toEqual([{ phone: '+14155550164', name: 'Ada' }]);
    });

    it('invalid_phone_handling use_as_is keeps invalid numbers as invalid_number (never dialable)', async () => {
      const c = await command('phone,name\n+14155550101,Ada\n12345,Bad\n,NoPhone\n', {
        settings: { invalid_phone_handling: 'use_as_is' },
      });
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 3, valid_rows: 1, invalid_rows: 2 });
      const rows = await sql<{ phone: string; status: string }>(
        `SELECT phone, status FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      expect(rows).toEqual([
        { phone: '+14155550101', status: 'pending' },
        { phone: '12345', status: 'invalid_number' },
      ]);
      const [batch] = await sql<{ total_contacts: number; dialable_contacts: number }>(
        `SELECT total_contacts, dialable_contacts FROM ${schema}.batches WHERE batch_id = $1`,
        [c.batch_id],
      );
      expect(batch).toEqual({ total_contacts: 2, dialable_contacts: 1 });
      // only invalid numbers, kept as is: the batch exists with nothing to dial
      const onlyInvalid = await create(
        await command('phone\n12345\n', { settings: { invalid_phone_handling: 'use_as_is' } }),
      );
      expect(onlyInvalid.validation).toMatchObject({ valid_rows: 0, invalid_rows: 1 });
      expect(onlyInvalid.estimated_cost).toBe(0);
    });

    it('validate-only gives the create report and stores nothing (nor keeps the upload)', async () => {
      const csv = 'phone,name,timezone\n+14155550101,Ada,Mars/Olympus\n+14155550101,Dup,\nnope,Bad,\n';
      const c = await command(csv);
      const report = await validate(c);
      expect(report.validation).toMatchObject({ total_rows: 3, valid_rows: 1, duplicate_rows: 1, invalid_rows: 1 });
      expect(report.validation.issues.map((i) => i.code)).toEqual([
        'invalid_value',
        'duplicate_phone',
        'invalid_phone',
      ]);
      expect(await count('batches', c.batch_id)).toBe(0);
      expect(await count('contacts', c.batch_id)).toBe(0);
      expect(await uploadGone(c.upload.object_name)).toBe(true);
      const created = await create(await command(csv));
      expect(created.validation).toEqual(report.validation);
      expect(created.estimated_cost).toBe(report.estimated_cost);
      const error = await failure(validate(await command('name\nAda\n')));
      expect(error.code).toBe('missing_phone_column');
    });
  });

  describe('the full issue list', () => {
    it('pages whole rows within max_bytes, the pages add up to every issue; another org gets not_found', async () => {
      const lines = ['phone,timezone'];
      for (let i = 0; i < 40; i++) lines.push(i % 2 === 0 ? `bad-${i},Nowhere/${i}` : `+1415555${3000 + i},`);
      const c = await command(`${lines.join('\n')}\n`);
      await create(c);
      const all: string[][] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const page = await running.runtime.rpc.request(Subjects.ingestIssuesPage, {
          org_id: ORG,
          batch_id: c.batch_id,
          after_row: after,
          max_bytes: 1024,
        });
        pages++;
        const records = parse(page.csv, { relax_column_count: true }) as string[][];
        all.push(...(after === 0 ? records.slice(1) : records));
        if (page.next_after_row === null) break;
        expect(page.next_after_row).toBeGreaterThan(after);
        after = page.next_after_row;
      }
      expect(pages).toBeGreaterThan(2);
      expect(all).toHaveLength(40); // 20 rows with a bad zone and a bad phone each
      expect(all.filter((r) => r[0] === '1').map((r) => r[2])).toEqual(['invalid_value', 'invalid_phone']);
      const other = await failure(
        running.runtime.rpc.request(Subjects.ingestIssuesPage, {
          org_id: OTHER_ORG,
          batch_id: c.batch_id,
          after_row: 0,
          max_bytes: 4096,
        }),
      );
      expect(other.code).toBe('not_found');
    });
  });

  describe('hand-over', () => {
    /** The contacts of the batch's hand-over messages on the INGEST stream, by chunk index. */
    async function publishedChunks(
      batchId: string,
    ): Promise<Map<number, { chunk_count: number; contacts: Record<string, unknown>[] }>> {
      // Reading a stream's messages back is a test's need, not the service's: a client of its own.
      const nc = await connect({ servers: env.natsUrl });
      try {
        return await readChunks(await jetstreamManager(nc), batchId);
      } finally {
        await nc.close();
      }
    }

    async function readChunks(
      jsm: JetStreamManager,
      batchId: string,
    ): Promise<Map<number, { chunk_count: number; contacts: Record<string, unknown>[] }>> {
      const stream = prefixedStreamName(env.prefix, 'INGEST');
      const info = await jsm.streams.info(stream);
      const chunks = new Map<number, { chunk_count: number; contacts: Record<string, unknown>[] }>();
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (!message || !message.subject.endsWith(Subjects.contactsChunk)) continue;
        const event = message.json<{
          batch_id: string;
          chunk_index: number;
          chunk_count: number;
          contacts: Record<string, unknown>[];
        }>();
        if (event.batch_id !== batchId) continue;
        expect(chunks.has(event.chunk_index)).toBe(false);
        chunks.set(event.chunk_index, event);
      }
      return chunks;
    }

    it('publishes every stored contact once, in chunks of at most INGEST_CHUNK_CONTACTS, as the database would rebuild them; no spool file is left', async () => {
      const rows = Array.from(
        { length: 24 },
        (_, i) =>
          `+1415555${String(1000 + i)},"Zoë ""Z"" O'Neil ${i}",${i % 2 ? 'Europe/Paris' : ''},"a,b\\ \t\ncafé ${i}"`,
      );
      const c = await command(`phone,name,timezone,note\n${rows.join('\n')}\n+1415555000,,,\n`, {
        settings: { invalid_phone_handling: 'use_as_is' },
      });
      const result = await create(c);
      expect(result.validation).toMatchObject({ total_rows: 25, valid_rows: 24, invalid_rows: 1 });
      expect(readdirSync(spoolDir)).toEqual([]);

      const chunks = await publishedChunks(c.batch_id);
      expect([...chunks.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
      const published = [0, 1, 2].flatMap((i) => chunks.get(i)!.contacts);
      expect([...chunks.values()].every((chunk) => chunk.chunk_count === 3 && chunk.contacts.length <= 10)).toBe(true);

      const stored = await sql<Record<string, unknown>>(
        `SELECT contact_id::text, row, phone, name, timezone, priority, variables, status FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      const withoutNulls = (record: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
      expect(published).toEqual(stored.map(withoutNulls));
      expect(published[1]).toMatchObject({
        name: 'Zoë "Z" O\'Neil 1',
        timezone: 'Europe/Paris',
        variables: { note: 'a,b\\ \t\ncafé 1' },
      });
      expect(published[24]).toMatchObject({ phone: '+1415555000', status: 'invalid_number' });

      // A hand-over resumed after a restart has no spool: the database path gives the same contacts.
      const contacts = running.app.get(ContactsRepository);
      const [{ chunk_ends }] = await sql<{ chunk_ends: number[] }>(
        `SELECT chunk_ends FROM ${schema}.batches WHERE batch_id = $1`,
        [c.batch_id],
      );
      for (let i = 0; i < 3; i++) {
        expect(
          JSON.parse(await contacts.chunkJson(c.batch_id, i === 0 ? 0 : chunk_ends[i - 1], chunk_ends[i])),
        ).toEqual(chunks.get(i)!.contacts);
      }
    });
  });

  describe('suppression list and events', () => {
    it('adds (normalized, idempotent), lists with search and pages, imports CSV, removes; suppressed contacts are stored suppressed', async () => {
      const added = await running.runtime.rpc.request(Subjects.ingestSuppressionAdd, {
        org_id: ORG,
        numbers: ['(415) 555-0199', '+14155550199', 'garbage'],
        reason: 'asked by phone',
        default_region: 'US',
      });
      expect(added).toMatchObject({
        added: 1,
        already_present: 0,
        invalid: 1,
        numbers: ['+14155550199', '+14155550199', null],
      });
      const again = await running.runtime.rpc.request(Subjects.ingestSuppressionAdd, {
        org_id: ORG,
        numbers: ['+1 415 555 0199'],
        default_region: 'US',
      });
      expect(again).toMatchObject({ added: 0, already_present: 1, invalid: 0 });
      const imported = await running.runtime.rpc.request(Subjects.ingestSuppressionImport, {
        org_id: ORG,
        upload: await upload('+14155550198\n4155550197\n\nnot-a-number\n+14155550199\n'),
        default_region: 'US',
      });
      expect(imported).toMatchObject({ total_rows: 4, added: 2, already_present: 1, invalid_rows: 1, empty_rows: 1 });
      const page = await running.runtime.rpc.request(Subjects.ingestSuppressionList, {
        org_id: ORG,
        page: 1,
        page_size: 2,
        search: '0198',
      });
      expect(page).toMatchObject({ total: 1, items: [{ phone: '+14155550198' }] });
      const all = await running.runtime.rpc.request(Subjects.ingestSuppressionList, {
        org_id: ORG,
        page: 2,
        page_size: 2,
      });
      expect(all.total).toBe(3);
      expect(all.items).toHaveLength(1);
      expect(
        (
          await running.runtime.rpc.request(Subjects.ingestSuppressionList, {
            org_id: OTHER_ORG,
            page: 1,
            page_size: 50,
          })
        ).total,
      ).toBe(0);

      const c = await command('phone\n+14155550199\n+14155550101\n');
      const result = await create(c);
      expect(result.validation).toMatchObject({ valid_rows: 2, suppressed_rows: 1 });
      const statuses = await sql<{ phone: string; status: string }>(
        `SELECT phone, status FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      expect(statuses).toEqual([
        { phone: '+14155550199', status: 'suppressed' },
        { phone: '+14155550101', status: 'pending' },
      ]);

      const removed = await running.runtime.rpc.request(Subjects.ingestSuppressionRemove, {
        org_id: ORG,
        phone: '415-555-0199',
        default_region: 'US',
      });
      expect(removed).toEqual({ phone: '+14155550199', removed: true });
      expect(
        (
          await failure(
            running.runtime.rpc.request(Subjects.ingestSuppressionRemove, {
              org_id: ORG,
              phone: '+14155550199',
              default_region: 'US',
            }),
          )
        ).code,
      ).toBe('not_found');
    });

    it('an opted_out call outcome adds the number to the org list, once; other outcomes do not', async () => {
      const c = await command('phone\n+14155550177\n+14155550178\n');
      await create(c);
      const contacts = await sql<{ contact_id: string; phone: string }>(
        `SELECT contact_id::text, phone FROM ${schema}.contacts WHERE batch_id = $1 ORDER BY row`,
        [c.batch_id],
      );
      const finished = (contactId: string, outcome: CallOutcome, n: number): CallFinishedEvent => ({
        event_id: `finished-${contactId}-${n}`,
        org_id: ORG,
        attempt_id: `a-${contactId}-${n}`,
        batch_id: c.batch_id,
        contact_id: contactId,
        attempt: 1,
        provider: 'simulated',
        outcome,
        ended_at: new Date().toISOString(),
        duration_seconds: 3,
      });
      await running.runtime.publisher.publish(Subjects.callFinished, finished(contacts[0].contact_id, 'opted_out', 1));
      await running.runtime.publisher.publish(Subjects.callFinished, finished(contacts[0].contact_id, 'opted_out', 2));
      await running.runtime.publisher.publish(Subjects.callFinished, finished(contacts[1].contact_id, 'completed', 1));
      await waitFor(
        async () =>
          (await sql(`SELECT 1 FROM ${schema}.suppressed_numbers WHERE org_id = $1 AND phone = '+14155550177'`, [ORG]))
            .length === 1,
      );
      await drained();
      const rows = await sql<{ phone: string; reason: string }>(
        `SELECT phone, reason FROM ${schema}.suppressed_numbers WHERE org_id = $1 AND phone IN ('+14155550177', '+14155550178')`,
        [ORG],
      );
      expect(rows).toEqual([{ phone: '+14155550177', reason: 'opted_out' }]);
    });

    it('a deleted batch loses its contacts and issues; another org cannot delete it', async () => {
      const c = await command('phone\n+14155550181\nbad\n');
      await create(c);
      await running.runtime.publisher.publish(Subjects.batchDeleted, {
        event_id: `del-other-${c.batch_id}`,
        org_id: OTHER_ORG,
        batch_id: c.batch_id,
        at: new Date().toISOString(),
      });
      await running.runtime.publisher.publish(Subjects.batchDeleted, {
        event_id: `del-${c.batch_id}`,
        org_id: ORG,
        batch_id: c.batch_id,
        at: new Date().toISOString(),
      });
      await waitFor(async () => (await count('batches', c.batch_id)) === 0);
      expect(await count('contacts', c.batch_id)).toBe(0);
      expect(await count('validation_issues', c.batch_id)).toBe(0);
    });
  });

  async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await predicate()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('condition not met in time');
  }

  async function drained(): Promise<void> {
    await waitFor(async () =>
      (await running.runtime.bus.consumerStats())
        .filter((consumer) => consumer.stream_base === 'CALL' || consumer.stream_base === 'BATCH')
        .every((consumer) => consumer.num_pending === 0 && consumer.num_ack_pending === 0),
    );
  }
});
