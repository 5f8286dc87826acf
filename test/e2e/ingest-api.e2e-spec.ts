import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { api, parseCsv, RunningPlatform, startPlatform, uploadCsv, waitForBatch } from '../support/platform';

const MAX_UPLOAD = 20_000;
const MAX_ROWS = 120;

/**
 * The ingest features through the public API, with small limits so their edges are cheap to hit:
 * validate-only, template, full issue list, Idempotency-Key, file_url (http and the import
 * directory), limits, JSON `calls`, and the suppression list.
 */
describe('ingest through the public API', () => {
  let platform: RunningPlatform;
  let importDir: string;
  let outside: string;
  let server: Server;
  let serverUrl: string;

  beforeAll(async () => {
    importDir = mkdtempSync(join(tmpdir(), 'outdial-import-'));
    outside = mkdtempSync(join(tmpdir(), 'outdial-outside-'));
    mkdirSync(join(importDir, 'lists'));
    writeFileSync(
      join(importDir, 'lists', 'local.csv'),
      'phone,name\n+14155550301,Local One\n+14155550302,Local Two\n',
    );
    writeFileSync(join(outside, 'secret.csv'), 'phone\n+14155550399\n');
    symlinkSync(join(outside, 'secret.csv'), join(importDir, 'escape.csv'));
    server = createServer((request, response) => {
      if (request.url === '/contacts.csv') {
        response.writeHead(200, { 'content-type': 'text/csv' });
        response.end('phone,name\n+14155550401,Remote One\n');
      } else if (request.url === '/big.csv') {
        response.writeHead(200, { 'content-type': 'text/csv' }); // no content-length: chunked, so the limit is found while streaming
        response.write('phone\n');
        for (let i = 0; i < 30; i++) response.write(`+1415555${String(1000 + i)},${'x'.repeat(1000)}\n`);
        response.end();
      } else if (request.url === '/slow.csv') {
        response.writeHead(200, { 'content-type': 'text/csv' });
        response.write('phone\n');
        setTimeout(() => response.end('+14155550402\n'), 3000).unref();
      } else if (request.url === '/redirect') {
        response.writeHead(302, { location: '/contacts.csv' });
        response.end();
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    platform = await startPlatform('ingestapi', {
      env: {
        GATEWAY_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
        INGEST_MAX_FILE_BYTES: String(MAX_UPLOAD),
        INGEST_MAX_ROWS: String(MAX_ROWS),
        INGEST_IMPORT_DIR: importDir,
        FILE_URL_ALLOW_PRIVATE: 'true',
        FILE_URL_TIMEOUT_MS: '1500',
        // every upload goes through the phone worker threads, as large ones do
        INGEST_WORKER_MIN_BYTES: '0',
      },
    });
    await platform.db.query(
      `INSERT INTO gateway.agents (org_id, agent_id, name, kind, provider, variables) VALUES ('default', 'survey-bot', 'Survey', 'voice', 'simulated', '["first_name","appointment_date","Name","plan, tier"]')`,
    );
    await platform.db.query(`INSERT INTO gateway.orgs (org_id, name) VALUES ('other-org', 'Other')`);
    await platform.db.query(
      `INSERT INTO gateway.agents (org_id, agent_id, name, kind, provider) VALUES ('other-org', 'their-bot', 'Theirs', 'voice', 'simulated')`,
    );
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    server?.close();
    rmSync(importDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    api(platform, path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  const batchCount = async () =>
    (await platform.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ingest.batches`)).rows[0].n;

  it('validate-only answers the report and stores nothing; the create gives the same report', async () => {
    const csv = 'phone,name\n+14155550101,Ada\n+14155550101,Dup\n12,Bad\n';
    const before = await batchCount();
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
    form.append('agent_id', 'agent-demo');
    const report = await api(platform, '/api/batch-calls/validate', { method: 'POST', body: form });
    expect(report.status).toBe(200);
    expect(report.body.validation).toMatchObject({ total_rows: 3, valid_rows: 1, duplicate_rows: 1, invalid_rows: 1 });
    expect(report.body.batch_id).toBeUndefined();
    expect(await batchCount()).toBe(before);
    const created = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body.validation).toEqual(report.body.validation);
    const noPhone = await json('/api/batch-calls/validate', { agent_id: 'agent-demo', calls: [{ name: 'Ada' }] });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error.code).toBe('missing_phone_column');
  });

  it('spreadsheet text (issue 12 §3): the four inputs and a U+200B name header, in a CSV, a UTF-16 file and JSON calls, give the right E.164 and names (phone worker threads)', async () => {
    const inputs = ["'+14155550151", '\u200B+14155550154', '\u202A+14155550155\u202C', '＋１４１５５５５０１５６'];
    const expected = [
      { phone: '+14155550151', name: 'Ann' },
      { phone: '+14155550154', name: 'Ben' },
      { phone: '+14155550155', name: 'Cy' },
      { phone: '+14155550156', name: 'Di' },
    ];
    const names = expected.map((e) => e.name);
    const csv = `phone,\u200Bname\r\n${inputs.map((phone, i) => `${phone},${names[i]}`).join('\r\n')}\r\n`;
    // Reporting learns the contacts from the hand-over events: wait until it has all of them.
    const contactsOf = async (batchId: string) => {
      const deadline = Date.now() + 30_000;
      let items: any[] = [];
      while (Date.now() < deadline) {
        items = (await api(platform, `/api/batch-calls/${batchId}/contacts?page_size=100`)).body.items ?? [];
        if (items.length >= inputs.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return items
        .sort((a: any, b: any) => a.row - b.row)
        .map((c: any) => ({ phone: c.phone, name: c.name, variables: c.variables }));
    };
    const fromCsv = await uploadCsv(platform, csv, {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
    });
    expect(fromCsv.status).toBe(201);
    expect(fromCsv.body.validation).toMatchObject({ total_rows: 4, valid_rows: 4, invalid_rows: 0 });
    expect(await contactsOf(fromCsv.body.batch_id)).toEqual(
      expected.map((e) => ({ ...e, variables: { name: e.name } })),
    );

    // Excel "Unicode text": UTF-16 LE with a BOM, tab-separated.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv.replace(/,/g, '\t'), 'utf16le')]);
    const form = new FormData();
    form.append('file', new Blob([utf16], { type: 'text/plain' }), 'contacts.txt');
    form.append('agent_id', 'agent-demo');
    form.append('scheduled_start_time', '2099-01-01T00:00:00Z');
    const fromUtf16 = await api(platform, '/api/batch-calls', { method: 'POST', body: form });
    expect(fromUtf16.status).toBe(201);
    expect(await contactsOf(fromUtf16.body.batch_id)).toEqual(
      expected.map((e) => ({ ...e, variables: { name: e.name } })),
    );

    const fromJson = await json('/api/batch-calls', {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
      calls: inputs.map((phone, i) => ({ phone_number: phone, '\u200Bname': names[i] })),
    });
    expect(fromJson.status).toBe(201);
    expect((await contactsOf(fromJson.body.batch_id)).map(({ phone, name }: any) => ({ phone, name }))).toEqual(
      expected,
    );

    const rounded = await uploadCsv(platform, 'phone,name\n1.41555E+10,Ed\n+14155550157,Flo\n', {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
    });
    expect(rounded.body.validation.issues).toEqual([
      {
        row: 1,
        phone: '1.41555E+10',
        code: 'invalid_phone',
        message: expect.stringContaining('format the phone column as Text'),
      },
    ]);
  });

  it("template.csv: phone, name and the agent variables; 404 for an unknown or another org's agent", async () => {
    const template = await api(platform, '/api/batch-calls/template.csv?agent_id=survey-bot');
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toMatch(/text\/csv/);
    expect(parseCsv(template.text)[0]).toEqual(['phone', 'name', 'first_name', 'appointment_date', 'plan, tier']);
    expect((await api(platform, '/api/batch-calls/template.csv?agent_id=their-bot')).status).toBe(404);
    expect((await api(platform, '/api/batch-calls/template.csv?agent_id=nope')).status).toBe(404);
    expect((await api(platform, '/api/batch-calls/template.csv')).status).toBe(400);
  });

  it('issues.csv lists every issue (more than the 100 in the response); another org gets 404', async () => {
    const lines = ['phone,name'];
    for (let i = 0; i < 110; i++) lines.push(`bad${i},Row ${i}`);
    lines.push('+14155550111,Good', `"=cmd|' /C calc'!A0",Evil`);
    const created = await uploadCsv(platform, `${lines.join('\n')}\n`, {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body.validation.issues).toHaveLength(100);
    const issues = await api(platform, `/api/batch-calls/${created.body.batch_id}/issues.csv`);
    expect(issues.status).toBe(200);
    const [header, ...rows] = parseCsv(issues.text);
    expect(header).toEqual(['row', 'phone', 'code', 'message']);
    expect(rows).toHaveLength(111);
    expect(rows[110][1]).toBe("'=cmd|' /C calc'!A0");
    await platform.db.query(
      `INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ('other-tok', 'other-org', 'x', 'owner', encode(sha256('other-secret'), 'hex'))`,
    );
    const other = await fetch(`${platform.gatewayUrl}/api/batch-calls/${created.body.batch_id}/issues.csv`, {
      headers: { Authorization: 'Bearer other-secret' },
    });
    expect(other.status).toBe(404);
  });

  it('Idempotency-Key: the same request returns the same batch, concurrent repeats create one, another body is 422', async () => {
    const body = {
      agent_id: 'agent-demo',
      scheduled_start_time: '2099-01-01T00:00:00Z',
      calls: [{ phone_number: '+14155550501' }, { phone_number: '+14155550502' }],
    };
    const before = await batchCount();
    const results = await Promise.all(
      [1, 2, 3].map(() => json('/api/batch-calls', body, { 'Idempotency-Key': 'key-1' })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.body.batch_id)).size).toBe(1);
    expect(await batchCount()).toBe(before + 1);
    const again = await json('/api/batch-calls', body, { 'Idempotency-Key': 'key-1' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(results[0].body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const different = await json('/api/batch-calls', { ...body, concurrency: 7 }, { 'Idempotency-Key': 'key-1' });
    expect(different.status).toBe(422);
    expect(different.body.error.code).toBe('idempotency_key_reused');
    // a create that fails releases its key
    const failing = await json(
      '/api/batch-calls',
      { agent_id: 'agent-demo', calls: [{ phone_number: 'bad' }] },
      { 'Idempotency-Key': 'key-2' },
    );
    expect(failing.status).toBe(422);
    const fixed = await json('/api/batch-calls', body, { 'Idempotency-Key': 'key-2' });
    expect(fixed.status).toBe(201);
    expect(await batchCount()).toBe(before + 2);
  });

  it('file_url: http(s) with redirects, the import directory; traversal, symlinks out, timeouts and missing files are refused', async () => {
    const settings = { agent_id: 'agent-demo', scheduled_start_time: '2099-01-01T00:00:00Z' };
    const remote = await json('/api/batch-calls', { ...settings, file_url: `${serverUrl}/redirect` });
    expect(remote.status).toBe(201);
    expect(remote.body).toMatchObject({ name: 'contacts', validation: { valid_rows: 1 } });
    const local = await json('/api/batch-calls', { ...settings, file_url: 'lists/local.csv' });
    expect(local.status).toBe(201);
    expect(local.body.validation.valid_rows).toBe(2);
    const absolute = new FormData();
    absolute.append('file_url', join(importDir, 'lists', 'local.csv'));
    absolute.append('agent_id', 'agent-demo');
    expect((await api(platform, '/api/batch-calls/validate', { method: 'POST', body: absolute })).status).toBe(200);
    const before = await batchCount();
    for (const path of [
      '../' + outside.split('/').pop() + '/secret.csv',
      join(outside, 'secret.csv'),
      'lists/../../etc/passwd',
      'escape.csv',
    ]) {
      const refused = await json('/api/batch-calls', { ...settings, file_url: path });
      expect([path, refused.status, refused.body.error.code]).toEqual([path, 422, 'file_url_not_allowed']);
    }
    expect((await json('/api/batch-calls', { ...settings, file_url: 'lists/missing.csv' })).body.error.code).toBe(
      'file_url_unreachable',
    );
    expect(
      (await json('/api/batch-calls', { ...settings, file_url: `${serverUrl}/nope.csv` })).body.error,
    ).toMatchObject({ code: 'file_url_unreachable', details: { status: 404 } });
    expect((await json('/api/batch-calls', { ...settings, file_url: `${serverUrl}/slow.csv` })).body.error.code).toBe(
      'file_url_unreachable',
    );
    expect((await json('/api/batch-calls', { ...settings, file_url: `${serverUrl}/big.csv` })).status).toBe(413);
    expect((await json('/api/batch-calls', { ...settings, file_url: 's3://bucket/calls.csv' })).status).toBe(400);
    expect(await batchCount()).toBe(before);
  });

  it(`upload limits at the edge: ${MAX_UPLOAD} bytes pass and one more is 413; ${MAX_ROWS} rows pass and one more is 413`, async () => {
    const sized = (total: number) => {
      let csv = 'phone,note\n+14155550601,';
      csv += 'x'.repeat(total - csv.length - 1) + '\n';
      return csv;
    };
    const settings = { agent_id: 'agent-demo', scheduled_start_time: '2099-01-01T00:00:00Z' };
    expect(Buffer.byteLength(sized(MAX_UPLOAD))).toBe(MAX_UPLOAD);
    expect((await uploadCsv(platform, sized(MAX_UPLOAD), settings)).status).toBe(201);
    const before = await batchCount();
    const over = await uploadCsv(platform, sized(MAX_UPLOAD + 1), settings);
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'payload_too_large', details: { limit_bytes: MAX_UPLOAD } });
    const rows = (n: number) =>
      `phone\n${Array.from({ length: n }, (_, i) => `+1415555${String(2000 + i)}`).join('\n')}\n`;
    expect((await uploadCsv(platform, rows(MAX_ROWS), settings)).status).toBe(201);
    const tooMany = await uploadCsv(platform, rows(MAX_ROWS + 1), settings);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('too_many_rows');
    expect(await batchCount()).toBe(before + 1);
  });

  it('suppression list: add, list, import, delete; a suppressed contact is stored suppressed and never dialed; members cannot write', async () => {
    const added = await json('/api/suppression-list', { phone_number: '(415) 555-0701', reason: 'asked' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ added: 1, numbers: ['+14155550701'] });
    const form = new FormData();
    form.append('file', new Blob(['phone\n+14155550702\nnope\n'], { type: 'text/csv' }), 'dnc.csv');
    const imported = await api(platform, '/api/suppression-list/import', { method: 'POST', body: form });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ total_rows: 2, added: 1, invalid_rows: 1 });
    const list = await api(platform, '/api/suppression-list?page_size=25');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, page_size: 25 });
    expect(list.body.items.map((i: { phone: string }) => i.phone).sort()).toEqual(['+14155550701', '+14155550702']);
    expect((await api(platform, '/api/suppression-list?page_size=7')).status).toBe(400);

    const created = await json('/api/batch-calls', {
      agent_id: 'agent-demo',
      concurrency: 2,
      max_attempts: 1,
      bypass_call_guardrails: true,
      calls: [{ phone_number: '+14155550701' }, { phone_number: '+14155550703' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.validation).toMatchObject({ valid_rows: 2, suppressed_rows: 1 });
    const [row] = (
      await platform.db.query<{ status: string }>(
        `SELECT status FROM ingest.contacts WHERE batch_id = $1 AND phone = '+14155550701'`,
        [created.body.batch_id],
      )
    ).rows;
    expect(row.status).toBe('suppressed');

    const removed = await api(platform, `/api/suppression-list/${encodeURIComponent('+14155550701')}`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    expect(
      (await api(platform, `/api/suppression-list/${encodeURIComponent('+14155550701')}`, { method: 'DELETE' })).status,
    ).toBe(404);

    await platform.db.query(
      `INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ('member-tok', 'default', 'm', 'member', encode(sha256('member-secret'), 'hex'))`,
    );
    const asMember = await fetch(`${platform.gatewayUrl}/api/suppression-list`, {
      method: 'POST',
      headers: { Authorization: 'Bearer member-secret', 'content-type': 'application/json' },
      body: '{"phone_number":"+14155550704"}',
    });
    expect(asMember.status).toBe(403);

    // the suppressed contact is never dialed: the batch completes having called only the other one
    await waitForBatch(platform, created.body.batch_id, 'completed', 90_000);
    const dialed = await platform.db.query<{ to_phone: string }>(
      `SELECT to_phone FROM dialer.sim_calls WHERE to_phone IN ('+14155550701', '+14155550703')`,
    );
    expect(dialed.rows.map((r) => r.to_phone)).toEqual(['+14155550703']);
  });
});
