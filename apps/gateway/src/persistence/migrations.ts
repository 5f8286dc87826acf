import { Migration } from '@outdial/service-runtime';

export const GATEWAY_MIGRATIONS: Migration[] = [
  {
    id: '001_directory',
    sql: `
      CREATE TABLE {schema}.orgs (
        org_id text PRIMARY KEY,
        name text NOT NULL,
        max_concurrent_calls integer NOT NULL DEFAULT 5,
        calls_per_second numeric NOT NULL DEFAULT 1,
        compliance_guard boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE {schema}.tokens (
        token_id text PRIMARY KEY,
        org_id text NOT NULL REFERENCES {schema}.orgs (org_id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE {schema}.agents (
        org_id text NOT NULL REFERENCES {schema}.orgs (org_id) ON DELETE CASCADE,
        agent_id text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('voice', 'text')),
        provider text NOT NULL,
        variables jsonb NOT NULL DEFAULT '[]',
        config jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, agent_id)
      );
      CREATE TABLE {schema}.phone_numbers (
        org_id text NOT NULL REFERENCES {schema}.orgs (org_id) ON DELETE CASCADE,
        e164 text NOT NULL,
        outbound_enabled boolean NOT NULL DEFAULT true,
        provider text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, e164)
      );`,
  },
  {
    // Directory changes travel as versioned events (OrgSettingsChangedEvent, AgentChangedEvent):
    // `version` grows by one on every change, also across an agent's delete and re-create (the
    // tombstone keeps it), so consumers can keep the highest. `token_hint` lets owners tell
    // tokens apart without the secret.
    id: '002_directory_versions',
    sql: `
      ALTER TABLE {schema}.orgs ADD COLUMN version integer NOT NULL DEFAULT 1, ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE {schema}.agents ADD COLUMN version integer NOT NULL DEFAULT 1, ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE {schema}.phone_numbers ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE {schema}.tokens ADD COLUMN token_hint text, ADD COLUMN created_by text;
      CREATE TABLE {schema}.agent_tombstones (
        org_id text NOT NULL REFERENCES {schema}.orgs (org_id) ON DELETE CASCADE,
        agent_id text NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        provider text NOT NULL,
        version integer NOT NULL,
        deleted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, agent_id)
      );`,
  },
  {
    // Idempotency-Key on creates (SPEC §9): the first request claims the key (response NULL),
    // its response is stored once the batch exists; the same key with another fingerprint is refused.
    id: '010_idempotency_keys',
    sql: `
      CREATE TABLE {schema}.idempotency_keys (
        org_id text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (org_id, key)
      );`,
  },
  {
    // Voice-agent platform agents (issue 17): their API key and webhook secret, sealed with
    // AES-256-GCM under OUTDIAL_SECRETS_KEY; never returned by the API.
    id: '011_agent_sealed_secrets',
    sql: `ALTER TABLE {schema}.agents ADD COLUMN sealed_secrets text, ADD COLUMN secret_names jsonb NOT NULL DEFAULT '[]';`,
  },
  {
    id: '012_org_circuit_breaker',
    // The org's auto-pause rule (CircuitBreakerSettings); NULL = the defaults.
    sql: `ALTER TABLE {schema}.orgs ADD COLUMN circuit_breaker jsonb;`,
  },
  {
    // The API rate limit's token buckets, shared by every gateway replica (issue 15): one row per
    // API token, `tokens` left (fractional) at `at_ms` (the database's clock, ms since the epoch).
    // UNLOGGED: a crash empties it, which only refills every bucket.
    id: '013_rate_limit_buckets',
    sql: `
      CREATE UNLOGGED TABLE {schema}.rate_limit_buckets (
        bucket_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        at_ms double precision NOT NULL,
        allowed boolean NOT NULL
      );`,
  },
  {
    // How many tokens the last take granted: one statement takes the tokens of several requests of
    // one API token that arrived together (TakeRateLimitTokenUseCase), RETURNING needs the count.
    id: '014_rate_limit_granted',
    sql: `ALTER TABLE {schema}.rate_limit_buckets ADD COLUMN granted integer NOT NULL DEFAULT 0;`,
  },
];
