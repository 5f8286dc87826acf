import { MEMBER_ROLES, MemberRole } from '@outdial/contracts';
import {
  BaseServiceEnv,
  createPool,
  Database,
  ensureDatabaseExists,
  IsSecretsKey,
  loadConfig,
  Outbox,
  runMigrations,
  SecretBox,
  ServiceError,
} from '@outdial/service-runtime';
import { IsOptional, IsString } from 'class-validator';

import { AgentSecretsVault } from '../../adapters/agent-secrets-vault';
import { TokenCache } from '../../adapters/token-cache';
import { LocalTokenRevocations } from '../../adapters/token-revocations';
import { ORG_ID_PATTERN } from '../../domain/directory-rules';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { GATEWAY_MIGRATIONS } from '../../persistence/migrations';
import { OrgsRepository } from '../../persistence/orgs.repository';
import { PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';
import { TokensRepository } from '../../persistence/tokens.repository';
import { AddPhoneNumberUseCase } from '../../usecases/add-phone-number/add-phone-number.usecase';
import { CreateAgentUseCase } from '../../usecases/create-agent/create-agent.usecase';
import { CreateOrgUseCase } from '../../usecases/create-org/create-org.usecase';
import { CreateTokenUseCase } from '../../usecases/create-token/create-token.usecase';
import { DeleteAgentUseCase } from '../../usecases/delete-agent/delete-agent.usecase';
import { EnsureDefaultOrgUseCase } from '../../usecases/ensure-default-org/ensure-default-org.usecase';
import { RemovePhoneNumberUseCase } from '../../usecases/remove-phone-number/remove-phone-number.usecase';
import { RepublishDirectoryUseCase } from '../../usecases/republish-directory/republish-directory.usecase';
import { RevokeTokenUseCase } from '../../usecases/revoke-token/revoke-token.usecase';
import { UpdateAgentUseCase } from '../../usecases/update-agent/update-agent.usecase';
import { UpdateOrgUseCase } from '../../usecases/update-org/update-org.usecase';
import { UpdatePhoneNumberUseCase } from '../../usecases/update-phone-number/update-phone-number.usecase';
import { CreateAgentBody, CreatePhoneNumberBody, UpdateAgentBody, UpdateOrgBody } from '../dto/directory.dto';
import { agentView, orgView, phoneNumberView, tokenView } from '../dto/directory.views';
import { validateBody } from '../http/json-body';

const USAGE = `usage: npm run admin -- <command> [options]

  bootstrap [--token SECRET]              org "default" with an owner token, agent-demo, +12025550100
  create-org --id ID [--name NAME] [--max-concurrent-calls N] [--calls-per-second N] [--compliance-guard true|false]
  set-limits --org ID [--max-concurrent-calls N] [--calls-per-second N] [--compliance-guard true|false] [--name NAME]
  list-orgs
  create-token --org ID --role owner|admin|member [--name NAME]     prints the token once
  list-tokens --org ID
  revoke-token --org ID --id TOKEN_ID
  create-agent --org ID [--id AGENT] --name NAME [--kind voice|text]
               [--provider simulated|http|twilio|vapi|retell|elevenlabs|bland|bolna]
               [--endpoint-url URL] [--variables a,b,c] [--config JSON]
               [--api-key-env VAR] [--webhook-secret-env VAR]   (the platform's secrets, read from
               these environment variables so they stay out of shell history; stored encrypted)
  update-agent --org ID --id AGENT [--name N] [--kind K] [--provider P] [--endpoint-url URL] [--variables a,b] [--config JSON]
               [--api-key-env VAR] [--webhook-secret-env VAR]
  delete-agent --org ID --id AGENT
  list-agents --org ID
  add-number --org ID --number +E164 [--provider P] [--inbound-only]
  set-number --org ID --number +E164 [--outbound-enabled true|false] [--provider P]
  remove-number --org ID --number +E164
  list-numbers --org ID
  republish                               send every org's settings and every agent to the services again

Changes to org limits and agents reach the scheduler and dialers through the gateway's outbox: at
once when a gateway is running, otherwise when it starts. Output is JSON.`;

const COMMAND_OPTIONS: Record<string, string[]> = {
  bootstrap: ['token'],
  'create-org': ['id', 'name', 'max-concurrent-calls', 'calls-per-second', 'compliance-guard'],
  'set-limits': ['org', 'name', 'max-concurrent-calls', 'calls-per-second', 'compliance-guard'],
  'list-orgs': [],
  'create-token': ['org', 'role', 'name'],
  'list-tokens': ['org'],
  'revoke-token': ['org', 'id'],
  'create-agent': [
    'org',
    'id',
    'name',
    'kind',
    'provider',
    'endpoint-url',
    'variables',
    'config',
    'api-key-env',
    'webhook-secret-env',
  ],
  'update-agent': [
    'org',
    'id',
    'name',
    'kind',
    'provider',
    'endpoint-url',
    'variables',
    'config',
    'api-key-env',
    'webhook-secret-env',
  ],
  'delete-agent': ['org', 'id'],
  'list-agents': ['org'],
  'add-number': ['org', 'number', 'provider', 'inbound-only'],
  'set-number': ['org', 'number', 'outbound-enabled', 'provider'],
  'remove-number': ['org', 'number'],
  'list-numbers': ['org'],
  republish: [],
};

/** A mistake in how the CLI was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

function options(command: string, args: string[]): Record<string, string> {
  const allowed = COMMAND_OPTIONS[command];
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    if (!allowed.includes(name))
      throw new UsageError(
        `${command} has no option --${name}${allowed.length ? ` (options: ${allowed.map((o) => `--${o}`).join(' ')})` : ''}`,
      );
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) out[name] = 'true';
    else {
      out[name] = next;
      i++;
    }
  }
  return out;
}

function required(opts: Record<string, string>, name: string): string {
  const value = opts[name];
  if (!value || value === 'true') throw new UsageError(`--${name} is required`);
  return value;
}

/** Numbers and booleans as the API takes them, so the DTOs' validation gives the same messages. */
function numberOpt(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}
function boolOpt(value: string | undefined): boolean | string | undefined {
  if (value === undefined) return undefined;
  return value === 'true' ? true : value === 'false' ? false : value;
}
function defined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

function agentFields(opts: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  let config: unknown;
  if (opts.config !== undefined) {
    try {
      config = JSON.parse(opts.config);
    } catch {
      throw new UsageError('--config must be JSON text, e.g. \'{"endpoint_url":"https://agent.example.com"}\'');
    }
  }
  if (opts['endpoint-url'] !== undefined)
    config = { ...((config as object) ?? {}), endpoint_url: opts['endpoint-url'] };
  for (const [option, field] of [
    ['api-key-env', 'api_key'],
    ['webhook-secret-env', 'webhook_secret'],
  ] as const) {
    if (opts[option] === undefined) continue;
    const value = env[opts[option]];
    if (!value) throw new UsageError(`--${option} names ${opts[option]}, which is not set in the environment`);
    config = { ...((config as object) ?? {}), [field]: value };
  }
  return defined({
    name: opts.name,
    kind: opts.kind,
    provider: opts.provider,
    variables:
      opts.variables !== undefined
        ? opts.variables
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : undefined,
    config,
  });
}

/** The CLI's settings: the database, and the key that seals agents' provider secrets (as the gateway's). */
class AdminEnv extends BaseServiceEnv {
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  @IsSecretsKey()
  OUTDIAL_SECRETS_KEY?: string;
}

/** The CLI lists everything at once (the API pages at PAGE_SIZE.max). */
const ALL = { page: 1, page_size: 1_000_000 };

/**
 * The directory's repositories and use cases over the CLI's own connection. Its outbox is the
 * runtime's, never started: the CLI only writes events to the outbox table, in the same
 * transaction as the change, and a running gateway's relay publishes them (at once, or when one
 * starts). Nothing here touches NATS, so no publisher or metrics are ever used.
 */
export class AdminDirectory {
  readonly orgs: OrgsRepository;
  readonly agents: DirectoryAgentsRepository;
  readonly numbers: PhoneNumbersRepository;
  readonly tokens: TokensRepository;
  readonly createOrg: CreateOrgUseCase;
  readonly updateOrg: UpdateOrgUseCase;
  readonly createAgent: CreateAgentUseCase;
  readonly updateAgent: UpdateAgentUseCase;
  readonly deleteAgent: DeleteAgentUseCase;
  readonly addNumber: AddPhoneNumberUseCase;
  readonly updateNumber: UpdatePhoneNumberUseCase;
  readonly removeNumber: RemovePhoneNumberUseCase;
  readonly createToken: CreateTokenUseCase;
  readonly revokeToken: RevokeTokenUseCase;
  readonly republish: RepublishDirectoryUseCase;
  readonly ensureDefaultOrg: EnsureDefaultOrgUseCase;

  constructor(db: Database, secrets: SecretBox) {
    // Enqueue only (the CLI publishes nothing): a running gateway's outbox relay publishes the events.
    const unitOfWork = new DirectoryUnitOfWork(db, Outbox.enqueueOnly(db));
    const vault = new AgentSecretsVault(secrets);
    this.orgs = new OrgsRepository(db);
    this.agents = new DirectoryAgentsRepository(db);
    this.numbers = new PhoneNumbersRepository(db);
    this.tokens = new TokensRepository(db);
    this.createOrg = new CreateOrgUseCase(unitOfWork, this.orgs);
    this.updateOrg = new UpdateOrgUseCase(unitOfWork, this.orgs);
    this.createAgent = new CreateAgentUseCase(unitOfWork, this.orgs, this.agents, vault);
    this.updateAgent = new UpdateAgentUseCase(unitOfWork, this.agents, vault);
    this.deleteAgent = new DeleteAgentUseCase(unitOfWork, this.agents);
    this.addNumber = new AddPhoneNumberUseCase(unitOfWork, this.orgs, this.numbers);
    this.updateNumber = new UpdatePhoneNumberUseCase(this.numbers);
    this.removeNumber = new RemovePhoneNumberUseCase(this.numbers);
    this.createToken = new CreateTokenUseCase(unitOfWork, this.orgs, this.tokens);
    // The CLI's process has no token cache worth keeping: a revocation reaches running gateways within GATEWAY_AUTH_CACHE_MS.
    this.revokeToken = new RevokeTokenUseCase(
      unitOfWork,
      this.orgs,
      this.tokens,
      new LocalTokenRevocations(new TokenCache(0)),
    );
    this.republish = new RepublishDirectoryUseCase(unitOfWork, this.orgs, this.agents);
    this.ensureDefaultOrg = new EnsureDefaultOrgUseCase(
      this.createOrg,
      this.createAgent,
      this.addNumber,
      this.agents,
      this.numbers,
      this.tokens,
    );
  }
}

/**
 * The admin CLI: orgs, tokens, agents, numbers and org limits, in the gateway's schema. `env`
 * (default: the process's) gives DATABASE_URL, OUTDIAL_SECRETS_KEY and the variables that
 * `--api-key-env` / `--webhook-secret-env` name.
 */
export async function runAdmin(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') return USAGE;
  if (!COMMAND_OPTIONS[command]) throw new UsageError(`unknown command "${command}"`);
  const opts = options(command, rest);
  const config = loadConfig(AdminEnv, env);
  await ensureDatabaseExists(config.DATABASE_URL);
  const db = new Database(createPool(config.DATABASE_URL, 2), 'gateway');
  const directory = new AdminDirectory(db, new SecretBox(config.OUTDIAL_SECRETS_KEY));
  try {
    await runMigrations(db, GATEWAY_MIGRATIONS);
    const out = await run(command, opts, directory, env);
    return JSON.stringify(out);
  } finally {
    await db.close();
  }
}

async function run(
  command: string,
  opts: Record<string, string>,
  directory: AdminDirectory,
  env: NodeJS.ProcessEnv,
): Promise<unknown> {
  switch (command) {
    case 'bootstrap': {
      const result = await directory.ensureDefaultOrg.execute({ token: opts.token });
      return {
        org_id: 'default',
        org_created: result.orgCreated,
        ...(result.createdToken ? { token: result.createdToken } : {}),
      };
    }
    case 'create-org': {
      const id = required(opts, 'id');
      if (!ORG_ID_PATTERN.test(id))
        throw new UsageError('--id must be 1-63 of a-z, 0-9, "_", "-", starting with a letter or digit');
      const limits = validateBody(
        UpdateOrgBody,
        defined({
          max_concurrent_calls: numberOpt(opts['max-concurrent-calls']),
          calls_per_second: numberOpt(opts['calls-per-second']),
          compliance_guard: boolOpt(opts['compliance-guard']),
        }),
      );
      return orgView(await directory.createOrg.execute({ org_id: id, name: opts.name ?? id, limits }), 'owner');
    }
    case 'set-limits': {
      const changes = validateBody(
        UpdateOrgBody,
        defined({
          name: opts.name,
          max_concurrent_calls: numberOpt(opts['max-concurrent-calls']),
          calls_per_second: numberOpt(opts['calls-per-second']),
          compliance_guard: boolOpt(opts['compliance-guard']),
        }),
      );
      if (Object.values(changes).every((v) => v === undefined))
        throw new UsageError(
          'give at least one of --max-concurrent-calls, --calls-per-second, --compliance-guard, --name',
        );
      return orgView(await directory.updateOrg.execute({ org_id: required(opts, 'org'), changes }), 'owner');
    }
    case 'list-orgs':
      return (await directory.orgs.list()).map((org) => orgView(org, 'owner'));
    case 'create-token': {
      const role = required(opts, 'role');
      if (!MEMBER_ROLES.includes(role as MemberRole)) throw new UsageError('--role must be owner, admin or member');
      const created = await directory.createToken.execute({
        org_id: required(opts, 'org'),
        role: role as MemberRole,
        name: opts.name ?? role,
        created_by: 'admin-cli',
      });
      return {
        ...tokenView(created),
        token: created.token,
        note: 'the token is shown only now; only its hash is stored',
      };
    }
    case 'list-tokens':
      return (await directory.tokens.list(required(opts, 'org'), ALL)).items.map(tokenView);
    case 'revoke-token':
      return tokenView(
        await directory.revokeToken.execute({ org_id: required(opts, 'org'), token_id: required(opts, 'id') }),
      );
    case 'create-agent': {
      const body = validateBody(
        CreateAgentBody,
        defined({ agent_id: opts.id, ...agentFields(opts, env), name: opts.name ?? opts.id }),
      );
      return agentView(await directory.createAgent.execute({ org_id: required(opts, 'org'), agent: body }));
    }
    case 'update-agent': {
      const body = validateBody(UpdateAgentBody, agentFields(opts, env));
      return agentView(
        await directory.updateAgent.execute({
          org_id: required(opts, 'org'),
          agent_id: required(opts, 'id'),
          changes: body,
        }),
      );
    }
    case 'delete-agent':
      await directory.deleteAgent.execute({ org_id: required(opts, 'org'), agent_id: required(opts, 'id') });
      return { agent_id: opts.id, deleted: true };
    case 'list-agents':
      return (await directory.agents.list(required(opts, 'org'), ALL)).items.map((row) => agentView(row));
    case 'add-number': {
      const body = validateBody(
        CreatePhoneNumberBody,
        defined({ number: required(opts, 'number'), provider: opts.provider }),
      );
      return phoneNumberView(
        await directory.addNumber.execute({
          org_id: required(opts, 'org'),
          e164: body.number,
          outbound_enabled: opts['inbound-only'] !== 'true',
          provider: body.provider ?? 'simulated',
        }),
      );
    }
    case 'set-number': {
      const enabled = boolOpt(opts['outbound-enabled']);
      if (enabled !== undefined && typeof enabled !== 'boolean')
        throw new UsageError('--outbound-enabled must be true or false');
      return phoneNumberView(
        await directory.updateNumber.execute({
          org_id: required(opts, 'org'),
          e164: required(opts, 'number'),
          outbound_enabled: enabled,
          provider: opts.provider,
        }),
      );
    }
    case 'remove-number':
      await directory.removeNumber.execute({ org_id: required(opts, 'org'), e164: required(opts, 'number') });
      return { number: opts.number, removed: true };
    case 'list-numbers':
      return (await directory.numbers.list(required(opts, 'org'), ALL)).items.map(phoneNumberView);
    case 'republish':
      return { events: await directory.republish.execute() };
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** A ServiceError from the directory, as a CLI user wants to read it. */
export function describeError(error: unknown): string {
  if (error instanceof ServiceError) {
    const details = Array.isArray(error.details)
      ? error.details
          .map(
            (d: { field: string; problems: string[] }) =>
              `\n  --${d.field.replace(/_/g, '-')}: ${d.problems.join(', ')}`,
          )
          .join('')
      : '';
    return `error (${error.code}): ${error.message}${details}`;
  }
  if ((error as { code?: string }).code === '23503')
    return 'error: the organization does not exist (create it with create-org)';
  return `error: ${(error as Error).message}`;
}

if (require.main === module) {
  runAdmin(process.argv.slice(2)).then(
    (output) => {
      process.stdout.write(`${output}\n`);
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
