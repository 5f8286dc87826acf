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
];
