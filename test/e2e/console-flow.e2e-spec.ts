import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { api, parseCsv, RunningPlatform, startPlatform, uploadCsv } from '../support/platform';
import { axeViolations, launchChromium } from './console-helpers';

/**
 * The web console (issue 13) in Debian's chromium against the whole platform started like
 * `npm start`: every "Must show" item, axe-core on every page, and the README's screenshots.
 */
const SCREENSHOTS = path.join(__dirname, '..', '..', 'apps', 'console', 'screenshots');

describe('web console in a browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe: Record<string, string[]> = {};
  let memberToken: string;
  const tempFiles: string[] = [];

  /** A batch's contacts once reporting has them all (they arrive in chunks after the 201). */
  async function contactsOf(batchId: string, count: number): Promise<any[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const items = (await api(platform, `/api/batch-calls/${batchId}/contacts`)).body.items;
      if (items.length >= count || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Each test can run alone (`-t`): sign the shared page in unless an earlier test did. */
  async function ensureSignedIn(): Promise<void> {
    await page.goto(`${platform.gatewayUrl}/app/batches`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    if ((await page.getByLabel('API token').count()) > 0) await signIn(page, platform.token);
  }

  async function checkA11y(name: string): Promise<void> {
    axe[name] = await axeViolations(page);
  }

  async function signIn(target: Page, token: string): Promise<void> {
    await target.goto(`${platform.gatewayUrl}/`);
    // `/` redirects to the console under /app/.
    expect(new URL(target.url()).pathname).toBe('/app/');
    await target.getByLabel('API token').fill(token);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByRole('heading', { name: 'Batches', level: 1 }).waitFor();
  }

  beforeAll(async () => {
    platform = await startPlatform('console', {
      env: { SIM_TIME_SCALE: '0.01', GATEWAY_RATE_LIMIT_PER_SECOND: '1000', GATEWAY_RATE_LIMIT_BURST: '1000' },
    });
    // Room for two batches at once, quickly.
    const org = await api(platform, '/api/org', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_concurrent_calls: 20, calls_per_second: 20 }),
    });
    expect(org.status).toBe(200);
    const member = await api(platform, '/api/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'member', name: 'viewer' }),
    });
    expect(member.status).toBe(201);
    memberToken = member.body.token;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    for (const file of tempFiles) rmSync(file, { force: true });
    await browser?.close();
    await platform?.stop();
  });

  it('is served under /app/ with / redirecting there, and shadows no API or compatibility route', async () => {
    const root = await fetch(`${platform.gatewayUrl}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/app/']);
    const bare = await fetch(`${platform.gatewayUrl}/app`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/app/']);
    for (const deepLink of ['/app/', '/app/batches/batch_x', '/app/dnc']) {
      const response = await fetch(`${platform.gatewayUrl}${deepLink}`);
      expect([deepLink, response.status, response.headers.get('content-type')]).toEqual([
        deepLink,
        200,
        expect.stringContaining('text/html'),
      ]);
      expect(await response.text()).toContain('<div id="root">');
    }
    const missing = await fetch(`${platform.gatewayUrl}/app/assets/missing.js`);
    expect(missing.status).toBe(404);
    // The API and compatibility routes keep their own answers (401 without a token, JSON).
    for (const route of ['/api/batch-calls', '/batches/agent-demo/batch_x', '/v1/api/batch-calls']) {
      const response = await fetch(`${platform.gatewayUrl}${route}`, {
        method: route.startsWith('/v1') ? 'POST' : 'GET',
      });
      expect([route, response.status, (await response.json()).error.code]).toEqual([route, 401, 'unauthorized']);
    }
    expect((await fetch(`${platform.gatewayUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${platform.gatewayUrl}/docs-json`)).headers.get('content-type')).toContain('application/json');
    // A POST to / is not redirected into the console.
    expect((await fetch(`${platform.gatewayUrl}/`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
  });

  it('an owner uploads, maps, validates, launches, watches, filters, exports and redials', async () => {
    await page.goto(`${platform.gatewayUrl}/app/`);
    await checkA11y('sign in');
    // A wrong token: the API's own message is shown.
    await page.getByLabel('API token').fill('od_not_a_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('invalid or revoked token');
    await signIn(page, platform.token);
    await expect(page.getByTestId('who').textContent()).resolves.toContain('owner');
    await page.getByRole('link', { name: 'New batch' }).first().click();
    await page.getByRole('heading', { name: 'New batch' }).waitFor();

    // The phone column is called "Contact": no SPEC alias, nothing to guess from.
    const csv = [
      'Contact,name,sim_outcomes,sim_duration_seconds',
      '+14155550101,Ada,completed,20',
      '+14155550102,Alan,busy,0',
      '+14155550103,Grace,completed,10',
      '+14155550104,Linus,no_answer,0',
      '+14155550105,Barbara,voicemail,5',
      '+14155550106,Edsger,completed,30',
      '12,Invalid,completed,0',
      '+14155550101,Ada again,completed,0',
    ].join('\n');
    const file = path.join(os.tmpdir(), `console-e2e-${process.pid}.csv`);
    writeFileSync(file, csv + '\n');
    tempFiles.push(file);
    await page.setInputFiles('#contacts-file', file);
    // Before the mapping the API refuses the file, and the console says why in the API's words.
    const refusal = page.getByRole('alert').filter({ hasText: 'missing_phone_column' });
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(
      /no phone column.*headers_found: Contact, name, sim_outcomes, sim_duration_seconds/s,
    );

    await page.getByLabel('Phone column (required)').selectOption('Contact');
    const report = page.getByTestId('validation-report');
    await report.waitFor();
    expect(await page.getByTestId('total-rows').textContent()).toBe('8');
    expect(await page.getByTestId('valid-rows').textContent()).toBe('6');
    expect(await page.getByTestId('invalid-rows').textContent()).toBe('1');
    expect(await page.getByTestId('duplicate-rows').textContent()).toBe('1');
    const issues = await report.locator('tbody tr').allTextContents();
    expect(issues.join('\n')).toMatch(/7.*invalid_phone/);
    expect(issues.join('\n')).toMatch(/8.*duplicate_phone/);
    await page.getByLabel('Batch name').fill('Console launch');
    await page.getByLabel('Max attempts (1–10)').fill('1');
    await page.getByLabel('Ignore calling hours (internal test lists only)').check();
    await page.getByTestId('window-preview').waitFor();
    await checkA11y('new batch');
    await report.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'new-batch-report.png'), fullPage: true });

    await page.getByRole('button', { name: 'Create and start calling' }).click();
    await page.getByRole('heading', { name: 'Console launch', level: 1 }).waitFor();
    const batchId = new URL(page.url()).pathname.split('/').pop()!;
    // A marker on the window: it would be gone after a reload.
    await page.evaluate(() => ((window as any).__noReload = true));
    await page.getByTestId('batch-status').filter({ hasText: 'completed' }).waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    expect(await page.getByTestId('updated-ago').textContent()).toMatch(/updated/);
    const final = (await api(platform, `/api/batch-calls/${batchId}`)).body;
    const all = (await api(platform, `/api/batch-calls/${batchId}/contacts`)).body.items.map(
      (c: any) => `${c.phone}:${c.status}:${c.last_outcome}`,
    );
    expect({ completed: final.completed, failed: final.failed, all }).toMatchObject({ completed: 3, failed: 3 });
    // The cards follow without a reload (the stream, then one read after its final message).
    await page
      .getByTestId('card-successful')
      .filter({ hasText: /^Successful3/ })
      .waitFor({ timeout: 5000 });
    await page
      .getByTestId('card-failed')
      .filter({ hasText: /^Failed3/ })
      .waitFor({ timeout: 5000 });
    await page.getByTestId('contacts-total').filter({ hasText: 'of 6 contacts' }).waitFor();
    // The server ended the stream after the final status: the page does not try to reconnect.
    await page.waitForTimeout(1500);
    expect(await page.getByTestId('updated-ago').textContent()).not.toContain('reconnecting');
    // The activity log says what happened, newest status included, without a reload.
    const activity = page.getByRole('list', { name: 'Batch activity' });
    await activity.filter({ hasText: 'completed: every contact is final' }).waitFor({ timeout: 5000 });
    expect(await activity.textContent()).toContain('created with 6 contact(s)');
    await checkA11y('batch page');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-completed.png'), fullPage: true });

    // Filter the contacts table: the failed ones only.
    const contacts = page.locator('[data-testid="contacts-table"] tbody tr');
    await page.locator('select[name="status"]').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByTestId('contacts-total').filter({ hasText: 'Showing 2 of 2 contacts' }).waitFor();
    const failedRows = await contacts.allTextContents();
    expect(failedRows).toHaveLength(2);
    expect(failedRows.join('\n')).toContain('+14155550102');
    expect(failedRows.join('\n')).toContain('+14155550104');
    // Drill down to a contact's attempts.
    await page.getByRole('button', { name: 'Attempts of +14155550102' }).click();
    await page.getByRole('table', { name: 'Attempts of +14155550102' }).getByText('busy').waitFor();

    // Results CSV: every contact, with its status.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Results CSV (all)' }).click(),
    ]);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(rows[0].slice(0, 3)).toEqual(['phone', 'name', 'status']);
    const byPhone = Object.fromEntries(
      rows
        .slice(1)
        .filter((r) => r.length > 1)
        .map((r) => [r[0], r[2]]),
    );
    expect(byPhone).toEqual({
      '+14155550101': 'completed',
      '+14155550102': 'failed',
      '+14155550103': 'completed',
      '+14155550104': 'failed',
      '+14155550105': 'voicemail',
      '+14155550106': 'completed',
    });

    // Redial the busy / no answer / voicemail / failed contacts: a new batch linked to this one.
    await page.getByRole('button', { name: 'Redial…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create the redial batch' }).click();
    await page.getByRole('heading', { name: 'Console launch (redial)', level: 1 }).waitFor();
    const redialId = new URL(page.url()).pathname.split('/').pop()!;
    expect(redialId).not.toBe(batchId);
    await page.getByTestId('redial-of').getByRole('link', { name: batchId }).waitFor();
    const redial = await contactsOf(redialId, 3);
    expect(redial.map((c: any) => c.phone).sort()).toEqual(['+14155550102', '+14155550104', '+14155550105']);

    // Duplicate the original's settings into the New batch form.
    await page.getByTestId('redial-of').getByRole('link', { name: batchId }).click();
    await page.getByRole('link', { name: 'Duplicate settings' }).click();
    await page.getByTestId('duplicated-from').waitFor();
    expect(await page.getByLabel('Batch name').inputValue()).toBe('Console launch (copy)');
    expect(await page.getByLabel('Max attempts (1–10)').inputValue()).toBe('1');
    expect(await page.getByLabel('Ignore calling hours (internal test lists only)').isChecked()).toBe(true);
  });

  it("redial over the API: the original's settings unless overridden, errors in the API's words", async () => {
    const created = await uploadCsv(
      platform,
      'phone,name,sim_outcomes,plan\n+14155550301,Ann,busy,gold\n+14155550302,Bob,completed,silver\n+14155550303,Cy,no_answer,bronze\n',
      {
        agent_id: 'agent-demo',
        name: 'API redial',
        max_attempts: '1',
        concurrency: '3',
      },
    );
    expect(created.status).toBe(201);
    const original = created.body.batch_id;
    const post = (id: string, body: unknown) =>
      api(platform, `/api/batch-calls/${id}/redial`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Nothing final yet, or nothing that ended that way: 422 with the reason.
    const none = await post(original, { statuses: ['expired'] });
    expect([none.status, none.body.error.code]).toEqual([422, 'unprocessable']);
    const bogus = await post(original, { statuses: ['nope'] });
    expect([bogus.status, bogus.body.error.code, bogus.body.error.details[0].field]).toEqual([
      400,
      'validation_failed',
      'statuses',
    ]);
    expect((await post('batch_unknown', { statuses: ['busy'] })).status).toBe(404);
    const deadline = Date.now() + 60_000;
    while ((await api(platform, `/api/batch-calls/${original}`)).body.status !== 'completed' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));

    const redial = await post(original, { statuses: ['busy'], concurrency: 2, name: 'Busy again' });
    expect(redial.status).toBe(201);
    expect(redial.body).toMatchObject({
      name: 'Busy again',
      redial_of: original,
      redialed_contacts: 1,
      validation: { total_rows: 1, valid_rows: 1 },
    });
    const status = (await api(platform, `/api/batch-calls/${redial.body.batch_id}`)).body;
    // concurrency overridden, max_attempts inherited.
    expect(status).toMatchObject({ concurrency: 2, max_attempts: 1, total_calls: 1 });
    const settings = (await api(platform, `/api/batch-calls/${redial.body.batch_id}/settings`)).body;
    expect(settings).toMatchObject({
      name: 'Busy again',
      agent_id: 'agent-demo',
      settings: { concurrency: 2, max_attempts: 1, metadata: { redial_of: original } },
    });
    const contacts = await contactsOf(redial.body.batch_id, 1);
    expect(contacts.map((c: any) => [c.phone, c.name, c.variables.plan])).toEqual([['+14155550301', 'Ann', 'gold']]);
  });

  it('pauses and resumes another batch through the confirm dialog', async () => {
    // Long calls, one at a time: it stays running while the test acts.
    const slow = await uploadCsv(
      platform,
      'phone,sim_outcomes,sim_duration_seconds\n+14155550201,completed,3000\n+14155550202,completed,3000\n+14155550203,completed,3000\n',
      {
        agent_id: 'agent-demo',
        name: 'Slow batch',
        concurrency: '1',
      },
    );
    expect(slow.status).toBe(201);
    await ensureSignedIn();
    await page.goto(`${platform.gatewayUrl}/app/batches/${slow.body.batch_id}`);
    await page.getByTestId('batch-status').filter({ hasText: 'running' }).waitFor();
    await page.getByTestId('updated-ago').filter({ hasText: 'live' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'batch-live.png') });
    await page.getByRole('button', { name: 'Pause' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toContain('You can undo this later.');
    await checkA11y('confirm dialog');
    await dialog.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'paused' }).waitFor();
    expect((await api(platform, `/api/batch-calls/${slow.body.batch_id}`)).body.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'running' }).waitFor();
    // Cancel says it cannot be undone.
    await page.getByRole('button', { name: 'Cancel batch' }).click();
    await expect(page.getByRole('alertdialog').textContent()).resolves.toContain('This cannot be undone.');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel batch' }).click();
    await page.getByTestId('batch-status').filter({ hasText: 'cancelled' }).waitFor();
  });

  it('reschedules a scheduled batch in another time zone, shown in that zone and in UTC', async () => {
    const scheduled = await uploadCsv(platform, 'phone\n+14155550501\n', {
      agent_id: 'agent-demo',
      name: 'Later batch',
      scheduled_start_time: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(scheduled.status).toBe(201);
    await ensureSignedIn();
    await page.goto(`${platform.gatewayUrl}/app/batches/${scheduled.body.batch_id}`);
    await page.getByTestId('batch-status').filter({ hasText: 'scheduled' }).waitFor();
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Reschedule' }).click();
    const dialog = page.getByRole('dialog');
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel('Date and time').fill(`${day}T09:30`);
    await dialog.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await expect(dialog.textContent()).resolves.toMatch(/09:30 Asia\/Tokyo = .* 00:30 UTC/);
    await checkA11y('reschedule dialog');
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The page follows the new start (read model fed by the scheduler's event).
    const expected = new Date(`${day}T00:30:00.000Z`);
    await page
      .getByText(
        `scheduled ${expected.toLocaleString('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit' })}`,
        { exact: false },
      )
      .waitFor({ timeout: 10_000 });
    expect((await api(platform, `/api/batch-calls/${scheduled.body.batch_id}`)).body.scheduled_start_time).toBe(
      expected.toISOString(),
    );
  });

  it('the other pages pass axe and say what to do when empty', async () => {
    await ensureSignedIn();
    for (const [link, heading] of [
      ['Batches', 'Batches'],
      ['Do-not-call', 'Do-not-call list'],
      ['Webhooks', 'Webhooks'],
      ['API tokens', 'API tokens'],
      ['Organization limits', 'Organization limits'],
    ]) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await checkA11y(heading);
    }
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batches', exact: true }).click();
    await checkA11y('batches (dark theme)');
    expect(axe).toEqual(Object.fromEntries(Object.keys(axe).map((k) => [k, []])));
  });

  it('a member sees no write action', async () => {
    const memberContext = await browser.newContext({ viewport: { width: 420, height: 800 } });
    const member = await memberContext.newPage();
    try {
      await signIn(member, memberToken);
      await expect(member.getByTestId('who').textContent()).resolves.toContain('member');
      const nav = member.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'New batch' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'API tokens' }).count()).toBe(0);
      // A paused batch: every write action (resume, cancel, delete, redial, duplicate) would apply.
      const batch = await uploadCsv(platform, 'phone,sim_duration_seconds\n+14155550401,3000\n+14155550402,3000\n', {
        agent_id: 'agent-demo',
        name: 'Member view',
        concurrency: '1',
      });
      expect(batch.status).toBe(201);
      expect((await api(platform, `/api/batch-calls/${batch.body.batch_id}/pause`, { method: 'POST' })).status).toBe(
        200,
      );
      await member.getByRole('link', { name: 'Batches', exact: true }).click();
      await member.getByRole('link', { name: 'Member view', exact: true }).click();
      await member.getByRole('heading', { name: 'Member view', level: 1 }).waitFor();
      await member.getByTestId('batch-status').filter({ hasText: 'paused' }).waitFor();
      for (const name of ['Pause', 'Resume', 'Cancel batch', 'Delete', 'Reschedule', 'Redial…'])
        expect(await member.getByRole('button', { name }).count()).toBe(0);
      expect(await member.getByRole('link', { name: 'Duplicate settings' }).count()).toBe(0);
      // Reading and exporting stay available.
      expect(await member.getByRole('button', { name: 'Results CSV (all)' }).count()).toBe(1);
      await member.goto(`${platform.gatewayUrl}/app/batches/new`);
      await member.getByRole('heading', { name: 'Not available for your role' }).waitFor();
      await member.goto(`${platform.gatewayUrl}/app/dnc`);
      await member.getByRole('heading', { name: 'Do-not-call list' }).waitFor();
      expect(await member.getByRole('button', { name: 'Add' }).count()).toBe(0);
    } finally {
      await memberContext.close();
    }
  });

  it('measures drop-to-report for a 100,000-row file', async () => {
    const lines = ['phone,name,city'];
    for (let i = 0; i < 100_000; i++)
      lines.push(`+1202${200 + Math.floor(i / 10_000)}${String(i % 10_000).padStart(4, '0')},Contact ${i},Springfield`);
    const file = path.join(os.tmpdir(), `console-e2e-100k-${process.pid}.csv`);
    writeFileSync(file, lines.join('\n') + '\n');
    tempFiles.push(file);
    await ensureSignedIn();
    await page.goto(`${platform.gatewayUrl}/app/batches/new`);
    await page.getByRole('heading', { name: 'New batch' }).waitFor();
    await page.getByLabel('Agent').locator('option').first().waitFor({ state: 'attached' });
    const started = Date.now();
    await page.setInputFiles('#contacts-file', file);
    await page.getByTestId('total-rows').filter({ hasText: '100000' }).waitFor({ timeout: 60_000 });
    const wallMs = Date.now() - started;
    const inPageMs = Number(await page.evaluate(() => document.documentElement.dataset.lastReportMs));
    const requestMs = Number(await page.evaluate(() => document.documentElement.dataset.lastValidateMs));
    expect(await page.getByTestId('valid-rows').textContent()).toBe('100000');

    console.log(
      `console: drop-to-report for a 100,000-row file (${(readFileSync(file).length / 1e6).toFixed(1)} MB): ${inPageMs} ms in the page (of which the validate request ${requestMs} ms), ${wallMs} ms as the test saw it`,
    );
    expect(inPageMs).toBeGreaterThan(0);
  });
});
