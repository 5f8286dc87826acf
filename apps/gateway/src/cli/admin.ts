import { randomUUID } from 'node:crypto';
import { BaseServiceEnv, createPool, Database, ensureDatabaseExists, loadConfig, runMigrations } from '@outdial/service-runtime';
import { hashToken, newToken } from '../auth/token-hash';
import { ensureDefaultOrg } from '../directory/default-org';
import { GATEWAY_MIGRATIONS } from '../migrations';

const USAGE = `usage: npm run admin -- <command> [options]
  bootstrap [--token SECRET]                         org "default", owner token, agent-demo, +12025550100
  create-org --id ID [--name NAME]
  create-token --org ID --role owner|admin|member [--name NAME]   prints the token once
  create-agent --org ID --id AGENT [--name N] [--kind voice|text] [--provider simulated|http|twilio]
  add-number --org ID --number +E164 [--provider P] [--inbound-only]
  set-limits --org ID [--max-concurrent-calls N] [--calls-per-second N] [--compliance-guard true|false]`;

function options(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) out[arg.slice(2)] = 'true';
    else {
      out[arg.slice(2)] = next;
      i++;
    }
  }
  return out;
}

function required(opts: Record<string, string>, name: string): string {
  const value = opts[name];
  if (!value || value === 'true') throw new Error(`--${name} is required\n${USAGE}`);
  return value;
}

function positiveNumber(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

/** The admin CLI: orgs, tokens, agents, numbers and org limits, straight in the gateway's schema. */
export async function runAdmin(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') return USAGE;
  const opts = options(rest);
  const config = loadConfig(BaseServiceEnv);
  await ensureDatabaseExists(config.DATABASE_URL);
  const db = new Database(createPool(config.DATABASE_URL, 2), 'gateway');
  try {
    await runMigrations(db, GATEWAY_MIGRATIONS);
    switch (command) {
      case 'bootstrap': {
        const result = await ensureDefaultOrg(db, opts.token);
        return JSON.stringify({ org_id: 'default', org_created: result.orgCreated, ...(result.createdToken ? { token: result.createdToken } : {}) });
      }
      case 'create-org': {
        const id = required(opts, 'id');
        await db.query(`INSERT INTO gateway.orgs (org_id, name) VALUES ($1, $2)`, [id, opts.name ?? id]);
        return JSON.stringify({ org_id: id });
      }
      case 'create-token': {
        const role = required(opts, 'role');
        if (!['owner', 'admin', 'member'].includes(role)) throw new Error('--role must be owner, admin or member');
        const token = newToken();
        const tokenId = `tok_${randomUUID().replace(/-/g, '')}`;
        await db.query(`INSERT INTO gateway.tokens (token_id, org_id, name, role, token_hash) VALUES ($1, $2, $3, $4, $5)`, [
          tokenId,
          required(opts, 'org'),
          opts.name ?? role,
          role,
          hashToken(token),
        ]);
        return JSON.stringify({ token_id: tokenId, role, token });
      }
      case 'create-agent': {
        const kind = opts.kind ?? 'voice';
        if (!['voice', 'text'].includes(kind)) throw new Error('--kind must be voice or text');
        await db.query(`INSERT INTO gateway.agents (org_id, agent_id, name, kind, provider) VALUES ($1, $2, $3, $4, $5)`, [
          required(opts, 'org'),
          required(opts, 'id'),
          opts.name ?? opts.id,
          kind,
          opts.provider ?? 'simulated',
        ]);
        return JSON.stringify({ agent_id: opts.id, kind });
      }
      case 'add-number': {
        const number = required(opts, 'number');
        if (!/^\+[1-9]\d{6,14}$/.test(number)) throw new Error('--number must be E.164, e.g. +12025550100');
        await db.query(`INSERT INTO gateway.phone_numbers (org_id, e164, outbound_enabled, provider) VALUES ($1, $2, $3, $4)`, [
          required(opts, 'org'),
          number,
          opts['inbound-only'] !== 'true',
          opts.provider ?? 'simulated',
        ]);
        return JSON.stringify({ number });
      }
      case 'set-limits': {
        const org = required(opts, 'org');
        if (opts['max-concurrent-calls']) await db.query(`UPDATE gateway.orgs SET max_concurrent_calls = $2 WHERE org_id = $1`, [org, positiveNumber(opts['max-concurrent-calls'], 'max-concurrent-calls')]);
        if (opts['calls-per-second']) await db.query(`UPDATE gateway.orgs SET calls_per_second = $2 WHERE org_id = $1`, [org, positiveNumber(opts['calls-per-second'], 'calls-per-second')]);
        if (opts['compliance-guard']) await db.query(`UPDATE gateway.orgs SET compliance_guard = $2 WHERE org_id = $1`, [org, opts['compliance-guard'] === 'true']);
        const rows = await db.query(`SELECT org_id, max_concurrent_calls, calls_per_second, compliance_guard FROM gateway.orgs WHERE org_id = $1`, [org]);
        if (rows.length === 0) throw new Error(`org ${org} not found`);
        return JSON.stringify(rows[0]);
      }
      default:
        throw new Error(`unknown command ${command}\n${USAGE}`);
    }
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  runAdmin(process.argv.slice(2)).then(
    (output) => {
      process.stdout.write(`${output}\n`);
    },
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
