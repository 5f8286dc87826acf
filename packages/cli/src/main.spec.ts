import { PassThrough } from 'node:stream';

import { run } from './main';

/** Runs the CLI in-process with captured stdout/stderr and no terminal. Only parsing: no request is sent. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await run(argv, { stdout, stderr, env: {} });
  return { code, stdout: out, stderr: err };
}

describe('outdial argument parsing', () => {
  it('lists the batch commands at the top level and under batches, and suppression', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const command of [
      'login',
      'batches',
      'create',
      'validate',
      'list',
      'get',
      'watch',
      'contacts',
      'pause',
      'resume',
      'cancel',
      'delete',
      'reschedule',
      'redial',
      'export',
      'report',
      'suppression',
    ]) {
      expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const batches = await cli('batches', '--help');
    expect(batches.stdout).toMatch(/^ {2}create \[options\] <file>/m);
    const create = await cli('create', '--help');
    for (const flag of ['--agent', '--window', '--days', '--map', '--retry-on', '--schedule', '--watch', '--json'])
      expect(create.stdout).toContain(flag);
  });

  it('exits 2 with the reason on bad usage, before any request', async () => {
    const missingAgent = await cli('batches', 'create', 'contacts.csv');
    expect(missingAgent.code).toBe(2);
    expect(missingAgent.stderr).toContain("required option '--agent <id>' not specified");

    const badConcurrency = await cli('create', 'contacts.csv', '--agent', 'a', '--concurrency', '99');
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toContain('must be a whole number from 1 to 50');

    const badWindow = await cli('create', 'contacts.csv', '--agent', 'a', '--window', '18-9');
    expect(badWindow.code).toBe(2);

    const badFilter = await cli('export', 'batch_1', '--filter', 'some');
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toContain('Allowed choices are all, successful, failed');

    const badStatus = await cli('redial', 'batch_1', '--statuses', 'busy,later');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('unknown value later');

    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('prints the version', async () => {
    const version = await cli('--version');
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});
