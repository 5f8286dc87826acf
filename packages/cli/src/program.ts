import { createWriteStream } from 'node:fs';

import { BatchStatus, FINAL_BATCH_STATUSES, Outdial, OutdialApiError } from '@outdial/client';
import { Command, Option } from 'commander';

import {
  daysOption,
  intOption,
  jsonObjectOption,
  listOption,
  mappingOption,
  secondsListOption,
  setOption,
  SettingsFlags,
  settingsFromFlags,
  windowOption,
} from './args';
import { removeProfile, resolveProfile, saveProfile } from './config';
import { CliError, ExitCode, exitCodeForFinalStatus } from './exit-codes';
import {
  formatDuration,
  formatFinalSummary,
  formatProgressLine,
  formatRecord,
  formatTable,
  formatValidation,
} from './format';
import { Io, Terminal, ThrottledProgressLines } from './terminal';

/** Final contact statuses (SPEC §5) a redial may pick. */
const FINAL_CONTACT_STATUSES = [
  'completed',
  'voicemail',
  'failed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'suppressed',
  'cancelled',
  'expired',
  'opted_out',
  'busy',
  'no_answer',
  'timeout',
] as const;
const CONTACT_STATUSES = [
  'pending',
  'queued',
  'dialing',
  'in_progress',
  'completed',
  'voicemail',
  'failed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'suppressed',
  'cancelled',
  'expired',
  'opted_out',
] as const;
const BATCH_STATUSES = ['pending', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
const OUTCOMES = [
  'busy',
  'no_answer',
  'timeout',
  'voicemail',
  'failed',
  'completed',
  'invalid_number',
  'blocked',
  'carrier_error',
  'agent_error',
  'opted_out',
] as const;

interface GlobalFlags {
  json?: boolean;
  color?: boolean;
  profile?: string;
}

/** What a command handler gets: the output policy and (lazily) an authenticated client. */
interface Context {
  out: Terminal;
  client(): Promise<Outdial>;
  setExit(code: number): void;
}

/**
 * The `outdial` command tree (commander). `run` in main.ts parses argv with it. Batch commands
 * live under `outdial batches …` and, as shortcuts, at the top level (`outdial create …` =
 * `outdial batches create …`).
 */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('outdial')
    .description('Run and watch Outdial batch-call campaigns from a terminal or a script.')
    .version('0.1.0', '-V, --version')
    .option('--json', 'machine-readable output: one JSON document per line on stdout, no bars')
    .option('--no-color', 'no colours (also without a terminal, or with NO_COLOR set)')
    .option('--profile <name>', 'use this saved profile (default: OUTDIAL_URL/OUTDIAL_TOKEN, else profile "default")')
    .showHelpAfterError('(outdial --help lists the commands)')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const context = (command: Command): Context => {
    const flags = command.optsWithGlobals() as GlobalFlags;
    const out = new Terminal(io, { json: flags.json, color: flags.color });
    let client: Outdial | undefined;
    return {
      out,
      setExit,
      async client() {
        if (!client) {
          const profile = await resolveProfile(flags.profile, io.env);
          client = new Outdial({ baseUrl: profile.url, token: profile.token, userAgent: 'outdial-cli/0.1' });
        }
        return client;
      },
    };
  };
  /** Wraps a handler: gives it a context built from the command's (global) options. */
  const action =
    <A extends unknown[]>(handler: (ctx: Context, ...args: A) => Promise<void>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      await handler(context(command), ...(args.slice(0, -1) as A));
    };

  program
    .command('login')
    .description('save the API URL and token in a profile (file mode 0600), after checking them')
    .requiredOption('--url <url>', 'gateway URL, e.g. http://127.0.0.1:8010')
    .requiredOption('--token <token>', 'API token')
    .option('--no-verify', 'save without calling the API')
    .action(
      action(async (ctx, opts: { url: string; token: string; verify: boolean }) => {
        const flags = program.opts() as GlobalFlags;
        const name = flags.profile ?? 'default';
        let url: URL;
        try {
          url = new URL(opts.url);
        } catch {
          throw new CliError('invalid_url', `--url "${opts.url}" is not a URL`);
        }
        const base = url.toString().replace(/\/+$/, '');
        let org: Record<string, unknown> | undefined;
        if (opts.verify) {
          const client = new Outdial({ baseUrl: base, token: opts.token, userAgent: 'outdial-cli/0.1' });
          const answer = await client.api.GET('/api/org');
          if (!answer.response.ok)
            throw OutdialApiError.fromResponse(answer.response.status, answer.error, answer.response.headers);
          org = answer.data as Record<string, unknown>;
        }
        const path = await saveProfile(name, { url: base, token: opts.token }, io.env);
        ctx.out.record({ type: 'login', profile: name, url: base, org_id: org?.org_id ?? org?.id, config: path });
        ctx.out.line(
          `Saved profile "${name}" (${base}${org ? `, org ${String(org.org_id ?? org.id ?? '?')}` : ''}) in ${path}`,
        );
      }),
    );

  program
    .command('logout')
    .description('remove a saved profile')
    .action(
      action(async (ctx) => {
        const name = (program.opts() as GlobalFlags).profile ?? 'default';
        const removed = await removeProfile(name, io.env);
        ctx.out.record({ type: 'logout', profile: name, removed });
        ctx.out.line(removed ? `Removed profile "${name}"` : `No profile "${name}"`);
      }),
    );

  const batches = program.command('batches').description('batch calls (each also available as `outdial <command>`)');
  addBatchCommands(batches, action, false);
  addBatchCommands(program, action, true);
  addSuppressionCommands(program.command('suppression').description('the org do-not-call list (DNC)'), action);
  return program;
}

type Action = <A extends unknown[]>(
  handler: (ctx: Context, ...args: A) => Promise<void>,
) => (...args: unknown[]) => Promise<void>;

function settingsOptions(command: Command, forCreate: boolean): Command {
  if (forCreate) command.requiredOption('--agent <id>', 'voice agent id (agent_id)');
  else command.option('--agent <id>', "voice agent id (default: the original batch's)");
  return command
    .option('--name <name>', 'batch name (default: the file name)')
    .option('--description <text>', 'description')
    .option('--from <e164>', "caller number (default: the org's first outbound number)")
    .option('--campaign <id>', 'campaign id')
    .option('--concurrency <n>', 'calls at once, 1-50 (default 5)', intOption(1, 50))
    .option('--max-attempts <n>', 'attempts per contact, 1-10 (default 3)', intOption(1, 10))
    .option(
      '--retry-on <outcomes>',
      `outcomes to retry, comma-separated (${OUTCOMES.join(', ')})`,
      listOption(OUTCOMES),
    )
    .option('--retry-delays <seconds>', 'delays between attempts, e.g. 300,1800 (the last repeats)', secondsListOption)
    .option('--retry-on-voicemail', 'also retry voicemail')
    .option('--schedule <iso>', 'start time, ISO 8601 (without offset: read in --timezone)')
    .option('--timezone <iana>', 'zone of --schedule and --end (default UTC)')
    .option('--end <iso>', 'no new attempts after this time')
    .option('--window <hours>', 'calling hours in local time, e.g. 9-18', windowOption)
    .option('--days <days>', 'calling days, e.g. mon-fri or mon,wed,fri', daysOption)
    .option('--skip-weekends', 'no calls on Saturday and Sunday')
    .option('--call-timezone <zone>', 'zone of the calling window: an IANA zone or "contact" (default)')
    .option('--delay-between-calls <seconds>', 'pause between two calls of the batch', intOption(0, 3600))
    .option('--callback-url <url>', 'batch webhooks go here')
    .option('--region <cc>', 'default region for numbers without +, e.g. US')
    .addOption(
      new Option(
        '--invalid-phones <mode>',
        'invalid numbers: skip them, or keep them (they end invalid_number)',
      ).choices(['skip', 'use_as_is']),
    )
    .option(
      '--map <field=Column>',
      'column mapping, repeatable: --map phone=Mobile --map name="Full name"',
      mappingOption,
    )
    .option('--metadata <json>', 'JSON object stored with the batch', jsonObjectOption)
    .option('--priority <n>', 'batch priority (higher first)', intOption(-1_000_000, 1_000_000))
    .option('--timeout-per-call <seconds>', 'longest a call may take', intOption(1, 86_400))
    .option('--bypass-call-guardrails', 'ignore calling windows (owner/admin; internal test lists only)')
    .option('--set <key=value>', 'any other setting, repeatable; JSON values are parsed', setOption)
    .option('--idempotency-key <key>', 'Idempotency-Key (default: a random one, so retries never create twice)');
}

function addBatchCommands(parent: Command, action: Action, shortcut: boolean): void {
  const named = (name: string) => parent.command(name);
  const describe = (name: string, text: string) => (shortcut ? `${text} (= batches ${name})` : text);

  settingsOptions(
    named('create')
      .argument('<file>', 'CSV or JSON contact list')
      .description(
        describe(
          'create',
          'create a batch from a contact list: upload, validation report, optionally watch it to the end',
        ),
      ),
    true,
  )
    .option('-w, --watch', 'follow the batch until it is final; exit 0 when completed, 10 failed, 11 cancelled')
    .action(
      action(async (ctx, file: string, opts: SettingsFlags & { watch?: boolean; idempotencyKey?: string }) => {
        const client = await ctx.client();
        const bar = ctx.out.bytesBar(`Uploading ${file}`, undefined);
        let created;
        try {
          created = await client.createBatch({ file, ...settingsFromFlags(opts) } as never, {
            idempotencyKey: opts.idempotencyKey,
            onUploadProgress: (p) => bar.update(p.loaded, p.total),
          });
        } finally {
          bar.stop();
        }
        ctx.out.record({ type: 'created', ...created });
        printCreated(ctx, created as CreatedLike);
        if (opts.watch) await watchBatch(ctx, created.batch_id as string);
      }),
    );

  named('validate')
    .argument('<file>', 'CSV or JSON contact list')
    .description(
      describe(
        'validate',
        'validate a contact list without creating anything (dry run); exit 5 when no row can be called',
      ),
    )
    .requiredOption('--agent <id>', 'voice agent id the list is meant for (agent_id)')
    .option('--region <cc>', 'default region for numbers without +')
    .option('--map <field=Column>', 'column mapping, repeatable', mappingOption)
    .addOption(new Option('--invalid-phones <mode>', 'skip or use_as_is').choices(['skip', 'use_as_is']))
    .action(
      action(async (ctx, file: string, opts: SettingsFlags) => {
        const client = await ctx.client();
        const bar = ctx.out.bytesBar(`Uploading ${file}`, undefined);
        let report;
        try {
          report = await client.validate({ file, ...settingsFromFlags(opts) } as never, {
            onUploadProgress: (p) => bar.update(p.loaded, p.total),
          });
        } finally {
          bar.stop();
        }
        ctx.out.record({ type: 'validation', ...report });
        ctx.out.line(formatValidation(report, 10));
        if ((report.valid_rows ?? 0) === 0) {
          ctx.out.note('error: nothing_to_call: the file has no valid row');
          ctx.setExit(ExitCode.nothingToCall);
        }
      }),
    );

  named('list')
    .description(describe('list', 'list batches, newest first'))
    .addOption(new Option('--status <status>', 'only this status').choices(BATCH_STATUSES as unknown as string[]))
    .option('--search <text>', 'name or id contains')
    .option('--limit <n>', 'at most this many (default 50; 0 = all)', intOption(0, 1_000_000), 50)
    .action(
      action(async (ctx, opts: { status?: string; search?: string; limit: number }) => {
        const client = await ctx.client();
        const rows: unknown[][] = [];
        for await (const batch of client.batches({
          status: opts.status,
          search: opts.search,
          page_size: 100,
        } as never)) {
          ctx.out.record(batch);
          rows.push([
            batch.batch_id,
            batch.name,
            batch.status,
            `${Math.floor(batch.progress_percent ?? 0)}%`,
            batch.total_calls,
            batch.completed,
            batch.failed,
            (batch as Record<string, unknown>).created_at,
          ]);
          if (opts.limit > 0 && rows.length >= opts.limit) break;
        }
        if (rows.length === 0) ctx.out.note('no batches');
        else
          ctx.out.line(
            formatTable(
              ['batch_id', 'name', 'status', 'progress', 'contacts', 'completed', 'failed', 'created_at'],
              rows,
            ),
          );
      }),
    );

  named('get')
    .argument('<id>', 'batch id')
    .description(describe('get', "show a batch's status and counts"))
    .action(
      action(async (ctx, id: string) => {
        const batch = await (await ctx.client()).getBatch(id);
        ctx.out.record(batch);
        ctx.out.line(formatRecord(batch as Record<string, unknown>));
      }),
    );

  named('watch')
    .argument('<id>', 'batch id')
    .description(
      describe('watch', 'follow a batch live until it is final; exit 0 when completed, 10 failed, 11 cancelled'),
    )
    .action(action(async (ctx, id: string) => watchBatch(ctx, id)));

  named('contacts')
    .argument('<id>', 'batch id')
    .description(describe('contacts', "list a batch's contacts"))
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated (${CONTACT_STATUSES.join(', ')})`,
      listOption(CONTACT_STATUSES),
    )
    .option('--search <text>', 'phone or name contains')
    .option('--limit <n>', 'at most this many (default 100; 0 = all)', intOption(0, 10_000_000), 100)
    .action(
      action(async (ctx, id: string, opts: { status?: string[]; search?: string; limit: number }) => {
        const client = await ctx.client();
        const rows: unknown[][] = [];
        let count = 0;
        for await (const contact of client.contacts(id, {
          status: opts.status?.join(','),
          search: opts.search,
          page_size: 100,
        })) {
          ctx.out.record(contact);
          rows.push([
            contact.row,
            contact.phone,
            contact.name,
            contact.status,
            contact.last_outcome,
            contact.attempts,
            contact.duration_seconds,
            contact.failure_reason,
          ]);
          if (opts.limit > 0 && ++count >= opts.limit) break;
        }
        if (rows.length === 0) ctx.out.note('no contacts');
        else
          ctx.out.line(
            formatTable(
              ['row', 'phone', 'name', 'status', 'last_outcome', 'attempts', 'duration_s', 'failure_reason'],
              rows,
            ),
          );
      }),
    );

  for (const verb of ['pause', 'resume', 'cancel', 'delete'] as const) {
    const text = {
      pause: 'pause a running batch',
      resume: 'resume a paused batch',
      cancel: 'cancel a batch (irreversible)',
      delete: 'delete a batch and its data',
    }[verb];
    named(verb)
      .argument('<id>', 'batch id')
      .description(describe(verb, text))
      .action(
        action(async (ctx, id: string) => {
          const client = await ctx.client();
          const result = verb === 'delete' ? await client.deleteBatch(id) : await client[verb](id);
          ctx.out.record({ type: verb, ...result });
          ctx.out.line(
            `${id}: ${result?.previous_status ? `${result.previous_status} → ` : ''}${result?.status ?? (verb === 'delete' ? 'deleted' : 'ok')}`,
          );
        }),
      );
  }

  named('reschedule')
    .argument('<id>', 'batch id')
    .description(describe('reschedule', 'move the start of a pending or scheduled batch'))
    .requiredOption('--at <iso>', 'new start, ISO 8601 (without offset: read in --timezone)')
    .option('--timezone <iana>', 'zone of --at')
    .action(
      action(async (ctx, id: string, opts: { at: string; timezone?: string }) => {
        const result = await (
          await ctx.client()
        ).reschedule(id, { scheduled_start_time: opts.at, ...(opts.timezone ? { timezone: opts.timezone } : {}) });
        ctx.out.record({ type: 'reschedule', ...result });
        ctx.out.line(`${id}: ${result.status}, starts ${result.scheduled_start_time}`);
      }),
    );

  settingsOptions(
    named('redial')
      .argument('<id>', 'the original batch id')
      .description(describe('redial', 'a new batch with the contacts of a batch that ended in the given statuses'))
      .requiredOption(
        '--statuses <statuses>',
        'final contact statuses or last outcomes to call again, e.g. busy,no_answer',
        listOption(FINAL_CONTACT_STATUSES),
      ),
    false,
  )
    .option('-w, --watch', 'follow the new batch until it is final')
    .action(
      action(
        async (
          ctx,
          id: string,
          opts: SettingsFlags & { statuses: string[]; watch?: boolean; idempotencyKey?: string },
        ) => {
          const client = await ctx.client();
          const created = await client.redial(
            id,
            { statuses: opts.statuses, ...settingsFromFlags(opts) },
            { idempotencyKey: opts.idempotencyKey },
          );
          ctx.out.record({ type: 'created', ...created });
          printCreated(ctx, created as CreatedLike);
          if (opts.watch) await watchBatch(ctx, created.batch_id as string);
        },
      ),
    );

  named('export')
    .argument('<id>', 'batch id')
    .description(describe('export', 'download the results CSV (streamed)'))
    .addOption(new Option('--filter <which>', 'which contacts').choices(['all', 'successful', 'failed']).default('all'))
    .option('-o, --output <file>', 'write here (default: stdout)')
    .action(
      action(async (ctx, id: string, opts: { filter: 'all' | 'successful' | 'failed'; output?: string }) => {
        const client = await ctx.client();
        if (!opts.output) {
          await client.downloadResults(id, ctx.out.io.stdout as unknown as import('node:stream').Writable, {
            filter: opts.filter,
          });
          return;
        }
        const bar = ctx.out.bytesBar(`Downloading ${opts.output}`, undefined);
        let result;
        try {
          result = await client.downloadResults(id, opts.output, {
            filter: opts.filter,
            onProgress: (p) => bar.update(p.loaded, p.total),
          });
        } finally {
          bar.stop();
        }
        ctx.out.record({ type: 'export', batch_id: id, filter: opts.filter, file: opts.output, bytes: result.bytes });
        ctx.out.note(`Wrote ${opts.output} (${result.bytes} bytes)`);
      }),
    );

  named('report')
    .argument('<id>', 'batch id')
    .description(describe('report', 'the batch report: summary, outcomes, cost, timing'))
    .addOption(new Option('--format <format>', 'json or pdf').choices(['json', 'pdf']).default('json'))
    .option('-o, --output <file>', 'write here (required for pdf; json default: stdout)')
    .action(
      action(async (ctx, id: string, opts: { format: 'json' | 'pdf'; output?: string }) => {
        const client = await ctx.client();
        if (opts.format === 'pdf') {
          if (!opts.output) throw new CliError('missing_output', 'report --format pdf needs -o FILE');
          const bar = ctx.out.bytesBar(`Downloading ${opts.output}`, undefined);
          let result;
          try {
            result = await client.downloadReportPdf(id, opts.output, {
              onProgress: (p) => bar.update(p.loaded, p.total),
            });
          } finally {
            bar.stop();
          }
          ctx.out.record({ type: 'report', format: 'pdf', batch_id: id, file: opts.output, bytes: result.bytes });
          ctx.out.note(`Wrote ${opts.output} (${result.bytes} bytes)`);
          return;
        }
        const report = await client.reportJson(id);
        const text = `${JSON.stringify(report, null, ctx.out.json ? undefined : 2)}\n`;
        if (opts.output) {
          await writeFileStreamed(opts.output, text);
          ctx.out.record({
            type: 'report',
            format: 'json',
            batch_id: id,
            file: opts.output,
            bytes: Buffer.byteLength(text),
          });
          ctx.out.note(`Wrote ${opts.output}`);
        } else {
          ctx.out.io.stdout.write(text);
        }
      }),
    );
}

function addSuppressionCommands(parent: Command, action: Action): void {
  parent
    .command('add')
    .argument('<numbers...>', 'phone numbers (E.164, or national with --region)')
    .description('add numbers to the do-not-call list')
    .option('--reason <text>', 'why')
    .option('--region <cc>', 'region for numbers without +')
    .action(
      action(async (ctx, numbers: string[], opts: { reason?: string; region?: string }) => {
        const result = await (
          await ctx.client()
        ).addSuppression(numbers, { reason: opts.reason, default_region: opts.region });
        ctx.out.record({ type: 'suppression_add', ...result });
        ctx.out.line(formatRecord(result));
      }),
    );
  parent
    .command('remove')
    .argument('<number>', 'phone number')
    .description('remove a number from the do-not-call list')
    .option('--region <cc>', 'region for a number without +')
    .action(
      action(async (ctx, number: string, opts: { region?: string }) => {
        const result = await (
          await ctx.client()
        ).removeSuppression(number, opts.region ? { default_region: opts.region } : {});
        ctx.out.record({ type: 'suppression_remove', ...result });
        ctx.out.line(`${result.phone ?? number}: ${result.removed ? 'removed' : 'was not on the list'}`);
      }),
    );
  parent
    .command('import')
    .argument('<file>', 'CSV with a phone column')
    .description('import numbers from a CSV (streamed)')
    .option('--reason <text>', 'why')
    .option('--region <cc>', 'region for numbers without +')
    .action(
      action(async (ctx, file: string, opts: { reason?: string; region?: string }) => {
        const client = await ctx.client();
        const bar = ctx.out.bytesBar(`Uploading ${file}`, undefined);
        let result;
        try {
          result = await client.importSuppression(file, {
            reason: opts.reason,
            default_region: opts.region,
            onUploadProgress: (p) => bar.update(p.loaded, p.total),
          });
        } finally {
          bar.stop();
        }
        ctx.out.record({ type: 'suppression_import', ...result });
        ctx.out.line(formatRecord(result));
      }),
    );
  parent
    .command('list')
    .description('list the do-not-call list')
    .option('--search <text>', 'number contains')
    .option('--limit <n>', 'at most this many (default 100; 0 = all)', intOption(0, 100_000_000), 100)
    .action(
      action(async (ctx, opts: { search?: string; limit: number }) => {
        const rows: unknown[][] = [];
        for await (const item of (await ctx.client()).suppression({ search: opts.search, page_size: 100 })) {
          ctx.out.record(item);
          rows.push([item.phone, item.reason, item.created_at]);
          if (opts.limit > 0 && rows.length >= opts.limit) break;
        }
        if (rows.length === 0) ctx.out.note('the list is empty');
        else ctx.out.line(formatTable(['phone', 'reason', 'created_at'], rows));
      }),
    );
}

interface CreatedLike {
  batch_id?: string;
  status?: string;
  name?: string;
  validation?: Parameters<typeof formatValidation>[0];
  estimated_cost?: number;
  estimated_duration_seconds?: number;
}

function printCreated(ctx: Context, created: CreatedLike): void {
  const c = ctx.out.colors;
  ctx.out.line(`${c.green('Created')} ${c.bold(String(created.batch_id))} "${created.name}" (${created.status})`);
  if (created.validation) ctx.out.line(formatValidation(created.validation));
  if (created.estimated_cost !== undefined || created.estimated_duration_seconds !== undefined) {
    ctx.out.line(
      `estimate: cost ${created.estimated_cost ?? '-'}, duration ${formatDuration(created.estimated_duration_seconds)}`,
    );
  }
}

/**
 * Follows a batch until it is final (live bar on a terminal, a line per change otherwise, JSON
 * lines with --json) and sets the exit code from its final status. Ctrl-C stops watching only.
 */
async function watchBatch(ctx: Context, id: string): Promise<void> {
  const client = await ctx.client();
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const bar = ctx.out.batchBar();
  let last: BatchStatus | undefined;
  const lines = new ThrottledProgressLines((line) => ctx.out.note(line));
  let lastStatus = '';
  try {
    for await (const message of client.watch(id, { signal: controller.signal })) {
      last = message.batch;
      ctx.out.record({ type: message.type, batch: message.batch });
      if (ctx.out.interactive) bar.show(message.batch);
      else if (!ctx.out.json) {
        // Without a terminal: a line when the status changes, else at most one every 5 s (never dropped).
        const status = String(message.batch.status);
        lines.push(formatProgressLine(message.batch), message.type !== 'progress' || status !== lastStatus);
        lastStatus = status;
      }
    }
    lines.flush();
  } catch (error) {
    if (controller.signal.aborted) {
      bar.stop();
      ctx.out.note(`stopped watching; ${id} carries on (outdial watch ${id})`);
      ctx.setExit(ExitCode.interrupted);
      return;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar.stop();
  }
  if (!last || !FINAL_BATCH_STATUSES.has(String(last.status))) last = await client.getBatch(id);
  last = await settledCounts(client, id, last);
  ctx.out.record({ type: 'summary', batch: last });
  const status = String(last.status);
  const c = ctx.out.colors;
  const colour = status === 'completed' ? c.green : c.red;
  ctx.out.line(colour(formatFinalSummary(last)));
  ctx.setExit(exitCodeForFinalStatus(status));
}

/**
 * The batch as read after it became final, once its counts settled: the final progress message can
 * be sent before the last outcomes are counted (seen: `completed` with `pending` 1 and
 * `in_progress` 1), and calls still in progress finish after a cancel (SPEC §4). Re-reads for up to
 * 5 s while contacts are not final; returns the last read either way.
 */
async function settledCounts(client: Outdial, id: string, batch: BatchStatus): Promise<BatchStatus> {
  let current = batch;
  const deadline = Date.now() + 5000;
  while ((current.pending ?? 0) > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    current = await client.getBatch(id);
  }
  return current;
}

async function writeFileStreamed(path: string, text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(path);
    stream.on('error', reject);
    stream.end(text, () => resolve());
  });
}
