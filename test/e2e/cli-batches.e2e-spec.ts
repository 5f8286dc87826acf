import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { api, parseCsv, RunningPlatform, startPlatform } from '../support/platform';

/**
 * The `outdial` CLI (packages/cli) as a user runs it: the real binary linked by `npm ci` into
 * node_modules/.bin, as a child process, against all five services started by the launcher.
 * Exit codes, output with and without a terminal (a pseudo-terminal from util-linux `script`),
 * `--json` lines, streamed export and the API's errors passed through.
 */

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'node_modules', '.bin', 'outdial');
const SNAPSHOT = JSON.parse(readFileSync(join(ROOT, 'packages', 'client', 'openapi.json'), 'utf8')) as {
  paths: Record<string, unknown>;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('the outdial CLI against the platform', () => {
  let platform: RunningPlatform;
  let dir: string;
  let env: Record<string, string>;

  /** Runs the CLI to its end (no terminal: stdout and stderr are pipes). */
  const outdial = (args: string[], extraEnv: Record<string, string> = {}): Promise<Run> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...extraEnv } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });

  const jsonLines = (text: string): any[] =>
    text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l));

  const writeCsv = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    platform = await startPlatform('cli');
    // At the default 1 call/s the tests would mostly wait for the rate limit.
    const limits = await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls_per_second: 50, max_concurrent_calls: 20 }),
    });
    expect(limits.status).toBe(200);
    dir = mkdtempSync(join(tmpdir(), 'outdial-cli-'));
    const path = process.env.PATH ?? '';
    env = {
      PATH: path,
      HOME: dir,
      OUTDIAL_CONFIG: join(dir, 'config.json'),
      OUTDIAL_URL: platform.gatewayUrl,
      OUTDIAL_TOKEN: platform.token,
    };
  }, 120_000);

  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await platform?.stop();
  });

  // Outcomes scripted per contact (simulated provider): 3 completed, 3 not.
  const scripted = [
    ['+14155550101', 'Ada', 'completed'],
    ['+14155550102', 'Alan', 'busy'],
    ['+14155550103', 'Grace', 'completed'],
    ['+14155550104', 'Edsger', 'no_answer'],
    ['+14155550105', 'Barbara', 'voicemail'],
    ['+14155550106', 'Donald', 'completed'],
  ];
  const scriptedCsv = `phone,name,sim_outcomes,sim_duration_seconds\n${scripted.map(([p, n, o]) => `${p},${n},${o},20`).join('\n')}\n`;
  let completedBatchId: string;

  it('create --watch uploads, prints the validation summary, follows the batch and exits 0 when it is completed', async () => {
    const file = writeCsv('scripted.csv', scriptedCsv);
    const run = await outdial([
      'batches',
      'create',
      file,
      '--agent',
      'agent-demo',
      '--name',
      'CLI scripted',
      '--max-attempts',
      '1',
      '--concurrency',
      '3',
      '--bypass-call-guardrails',
      '--watch',
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const id = /Created (batch_\w+) "CLI scripted" \(running\)/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    completedBatchId = id!;
    expect(run.stdout).toContain('rows: 6 total, 6 valid, 0 invalid, 0 duplicate, 0 empty, 0 suppressed');
    expect(run.stdout).toMatch(new RegExp(`${id} completed: 6 contacts · completed 3 · failed 3`));
    // No terminal: no bar characters, no ANSI escapes.
    expect(run.stdout + run.stderr).not.toMatch(new RegExp(`█|${String.fromCharCode(27)}\\[`));
    const batch = await api(platform, `/api/batch-calls/${id}`);
    expect(batch.body).toMatchObject({ status: 'completed', completed: 3, failed: 3 });
  });

  it('export --filter failed writes exactly the contacts that did not succeed (streamed to a file)', async () => {
    const out = join(dir, 'failed.csv');
    const run = await outdial(['export', completedBatchId, '--filter', 'failed', '-o', out]);
    expect(run.code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header.slice(0, 3)).toEqual(['phone', 'name', 'status']);
    const exported = rows.map((r) => r[0]).sort();
    expect(exported).toEqual(
      scripted
        .filter(([, , o]) => o !== 'completed')
        .map(([p]) => p)
        .sort(),
    );
    // The same set the API reports as final and not successful.
    const contacts = await api(platform, `/api/batch-calls/${completedBatchId}/contacts?page_size=100`);
    expect(exported).toEqual(
      contacts.body.items
        .filter((c: any) => c.status !== 'completed')
        .map((c: any) => c.phone)
        .sort(),
    );
    expect(run.stderr).toContain(`Wrote ${out}`);
  });

  it('--json prints one parseable JSON document per line on every command', async () => {
    const get = await outdial(['--json', 'get', completedBatchId]);
    expect(get.code).toBe(0);
    expect(jsonLines(get.stdout)).toEqual([
      expect.objectContaining({ batch_id: completedBatchId, status: 'completed' }),
    ]);

    const contacts = await outdial(['contacts', completedBatchId, '--status', 'failed,voicemail', '--json']);
    expect(contacts.code).toBe(0);
    const items = jsonLines(contacts.stdout);
    expect(items.map((c) => c.phone).sort()).toEqual(['+14155550102', '+14155550104', '+14155550105']);

    const list = await outdial(['batches', 'list', '--json', '--status', 'completed']);
    expect(jsonLines(list.stdout).map((b) => b.batch_id)).toContain(completedBatchId);

    const report = await outdial(['report', completedBatchId, '--format', 'json', '--json']);
    expect(jsonLines(report.stdout)).toHaveLength(1);

    const pdf = join(dir, 'report.pdf');
    const reportPdf = await outdial(['report', completedBatchId, '--format', 'pdf', '-o', pdf, '--json']);
    expect(jsonLines(reportPdf.stdout)).toEqual([
      expect.objectContaining({ type: 'report', format: 'pdf', bytes: statSync(pdf).size }),
    ]);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    const watch = await outdial(['watch', completedBatchId, '--json']);
    expect(watch.code).toBe(0);
    // Watching a batch that is already final: its state, the final message, then the settled summary.
    const completed = expect.objectContaining({
      batch_id: completedBatchId,
      status: 'completed',
      completed: 3,
      failed: 3,
      pending: 0,
    });
    expect(jsonLines(watch.stdout)).toEqual([
      { type: 'status', batch: completed },
      { type: 'final', batch: completed },
      { type: 'summary', batch: completed },
    ]);
  });

  it('a batch cancelled while watched ends the watch with exit 11 (--json: created, progress, final, summary)', async () => {
    // 6 contacts, one at a time, each talking 3 s (150 s scaled by 0.02): minutes of work left when cancelled.
    const file = writeCsv(
      'slow.csv',
      `phone,sim_outcomes,sim_duration_seconds\n${[11, 12, 13, 14, 15, 16].map((n) => `+141555502${n},completed,150`).join('\n')}\n`,
    );
    const child = spawn(
      process.execPath,
      [
        BIN,
        'create',
        file,
        '--agent',
        'agent-demo',
        '--concurrency',
        '1',
        '--max-attempts',
        '1',
        '--bypass-call-guardrails',
        '--watch',
        '--json',
      ],
      { cwd: dir, env },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const id = await new Promise<string>((found, fail) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
        const created = lines.map((l) => JSON.parse(l)).find((m) => m.type === 'created');
        // Cancel once the watch is live (its first message arrived).
        if (created && lines.length >= 2) found(created.batch_id);
      });
      child.on('close', () => fail(new Error(`CLI ended before watching: ${stdout} ${stderr}`)));
    });
    const cancel = await outdial(['cancel', id]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`${id}: running → cancelled`));
    expect(await exited).toBe(11);
    const messages = jsonLines(stdout);
    expect(messages[0]).toMatchObject({ type: 'created', batch_id: id, status: 'running' });
    expect(messages[messages.length - 2]).toMatchObject({ type: 'final', batch: { status: 'cancelled' } });
    expect(messages[messages.length - 1]).toMatchObject({
      type: 'summary',
      batch: { batch_id: id, status: 'cancelled' },
    });
    expect(stderr).toBe('');
  });

  it('under a pseudo-terminal draws the upload bar and the live progress bar', async () => {
    const file = writeCsv('tty.csv', scriptedCsv.replace(/\+1415555/g, '+1415556'));
    const command = [
      process.execPath,
      BIN,
      'create',
      file,
      '--agent',
      'agent-demo',
      '--max-attempts',
      '1',
      '--bypass-call-guardrails',
      '--watch',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      cwd: dir,
      env: { ...env, TERM: 'xterm-256color' },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(output).toMatch(/Uploading .*tty\.csv \[█+\] 100% \| [\d.]+ \w?B \/ [\d.]+ \w?B/);
    expect(output).toMatch(
      /\[[█░]+\] \d+% \| \d\/6 final \| completed \d · failed \d · in progress \d · pending \d \| running/,
    );
    expect(output).toMatch(/\[█+\] 100% \| 6\/6 final \| .* \| completed/);
    expect(output).toContain('\u001b[32m'); // the summary in green on a terminal
  });

  it('a bad token exits 1 with the API error code and message on one line', async () => {
    const direct = await fetch(`${platform.gatewayUrl}/api/batch-calls`, {
      headers: { Authorization: 'Bearer od_not_a_token' },
    });
    const expected = (await direct.json()) as { error: { code: string; message: string; details: unknown } };
    expect(expected.error.details).toEqual({ reason: 'invalid_or_revoked_token', header: 'authorization' });
    expect(direct.status).toBe(401);
    const run = await outdial(['list'], { OUTDIAL_TOKEN: 'od_not_a_token' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: ${expected.error.code}: ${expected.error.message}\n`);
    const json = await outdial(['list', '--json'], { OUTDIAL_TOKEN: 'od_not_a_token' });
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: expected.error.code,
        message: expected.error.message,
        details: expected.error.details,
        status: 401,
      },
    });
  });

  it('a file without a phone column exits 1 with the API message, for create and validate, and creates nothing', async () => {
    const file = writeCsv('nophone.csv', 'name,email\nAda,ada@example.com\n');
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)], { type: 'text/csv' }), 'nophone.csv');
    form.append('agent_id', 'agent-demo');
    const direct = await api(platform, '/api/batch-calls/validate', { method: 'POST', body: form });
    expect(direct.body.error.code).toBe('missing_phone_column');
    const before = await api(platform, '/api/batch-calls?page_size=100');
    for (const command of ['create', 'validate']) {
      const run = await outdial([command, file, '--agent', 'agent-demo']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: missing_phone_column: ${direct.body.error.message}\n`);
    }
    expect((await api(platform, '/api/batch-calls?page_size=100')).body.total).toBe(before.body.total);
  });

  it('login saves a 0600 profile that --profile uses; without configuration the exit code is 4', async () => {
    const bare = { OUTDIAL_URL: '', OUTDIAL_TOKEN: '' };
    const none = await outdial(['list'], { ...bare, OUTDIAL_CONFIG: join(dir, 'none.json') });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/^error: not_configured: /);

    const badLogin = await outdial(
      ['login', '--profile', 'ci', '--url', platform.gatewayUrl, '--token', 'od_not_a_token'],
      bare,
    );
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toMatch(/^error: unauthorized: /);

    const login = await outdial(
      ['--profile', 'ci', 'login', '--url', platform.gatewayUrl, '--token', platform.token],
      bare,
    );
    expect(login.code).toBe(0);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toContain(platform.gatewayUrl);

    const viaProfile = await outdial(['get', completedBatchId, '--profile', 'ci', '--json'], bare);
    expect(viaProfile.code).toBe(0);
    expect(jsonLines(viaProfile.stdout)[0]).toMatchObject({ batch_id: completedBatchId });
    // An explicit profile wins over the environment.
    expect(
      (await outdial(['get', completedBatchId, '--profile', 'ci'], { OUTDIAL_TOKEN: 'od_not_a_token' })).code,
    ).toBe(0);
  });

  it('reschedule, pause/resume refusals and suppression add/list/remove go through the API', async () => {
    const file = writeCsv('later.csv', 'phone\n+14155550301\n');
    const created = jsonLines(
      (
        await outdial([
          'create',
          file,
          '--agent',
          'agent-demo',
          '--schedule',
          '2099-01-01T09:00:00',
          '--timezone',
          'America/New_York',
          '--json',
        ])
      ).stdout,
    )[0];
    expect(created).toMatchObject({ type: 'created', status: 'scheduled' });
    const moved = await outdial([
      'reschedule',
      created.batch_id,
      '--at',
      '2099-02-01T10:00:00',
      '--timezone',
      'Europe/Paris',
    ]);
    expect(moved.code).toBe(0);
    expect((await api(platform, `/api/batch-calls/${created.batch_id}`)).body.scheduled_start_time).toBe(
      '2099-02-01T09:00:00.000Z',
    );
    const pause = await outdial(['pause', created.batch_id]);
    expect(pause.code).toBe(1);
    expect(pause.stderr).toMatch(/^error: invalid_transition: /);
    expect((await outdial(['delete', created.batch_id])).code).toBe(0);

    expect((await outdial(['suppression', 'add', '+14155550399', '--reason', 'asked'])).code).toBe(0);
    const listed = jsonLines((await outdial(['suppression', 'list', '--json'])).stdout);
    expect(listed).toEqual([expect.objectContaining({ phone: '+14155550399', reason: 'asked' })]);
    const removed = await outdial(['suppression', 'remove', '+14155550399']);
    expect(removed.stdout).toBe('+14155550399: removed\n');
    expect(jsonLines((await outdial(['suppression', 'list', '--json'])).stdout)).toEqual([]);
  });

  // The redial route (SPEC §9) comes with the console issue; this runs once the regenerated
  // snapshot documents it.
  (SNAPSHOT.paths['/api/batch-calls/{id}/redial'] ? it : it.skip)(
    'redial --statuses makes a new batch of the matching contacts and --watch follows it',
    async () => {
      const run = await outdial([
        'redial',
        completedBatchId,
        '--statuses',
        'busy,no_answer,voicemail',
        '--max-attempts',
        '1',
        '--bypass-call-guardrails',
        '--watch',
        '--json',
      ]);
      const messages = jsonLines(run.stdout);
      expect(messages[0]).toMatchObject({ type: 'created', validation: { valid_rows: 3 } });
      expect(messages[messages.length - 1]).toMatchObject({
        type: 'summary',
        batch: { status: 'completed', total_calls: 3, pending: 0 },
      });
      expect(run.code).toBe(0);
    },
  );
});
