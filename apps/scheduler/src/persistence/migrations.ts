import { Migration } from '@outdial/service-runtime';

export const SCHEDULER_MIGRATIONS: Migration[] = [
  {
    id: '001_batches_contacts',
    sql: `
      CREATE TABLE {schema}.batches (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        status text NOT NULL,
        agent_id text NOT NULL,
        provider text NOT NULL,
        from_number text NOT NULL,
        settings jsonb NOT NULL,
        concurrency integer NOT NULL,
        total_contacts integer NOT NULL,
        contacts_received integer NOT NULL DEFAULT 0,
        final_count integer NOT NULL DEFAULT 0,
        inflight integer NOT NULL DEFAULT 0,
        scheduled_start_time timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX batches_active ON {schema}.batches (status) WHERE status IN ('scheduled', 'running');

      CREATE TABLE {schema}.contacts (
        contact_id text PRIMARY KEY,
        batch_id text NOT NULL,
        org_id text NOT NULL,
        row integer NOT NULL,
        phone text NOT NULL,
        timezone text,
        priority integer NOT NULL DEFAULT 0,
        variables jsonb NOT NULL,
        status text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        attempts integer NOT NULL DEFAULT 0,
        last_outcome text,
        next_retry_at timestamptz,
        released_at timestamptz,
        last_attempt_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- The claimable rows, partially indexed (ARCHITECTURE: 65 -> 455-705 claims/s).
      CREATE INDEX contacts_claimable ON {schema}.contacts (batch_id, priority DESC, row) WHERE status IN ('pending', 'queued');
      CREATE INDEX contacts_released ON {schema}.contacts (released_at) WHERE status IN ('dialing', 'in_progress');`,
  },
  {
    id: '002_lifecycle_windows_orgs',
    sql: `
      -- The zones whose calling window must be open for the contact (SPEC §3), e.g. "America/New_York".
      ALTER TABLE {schema}.contacts ADD COLUMN zone_key text NOT NULL DEFAULT 'UTC';
      ALTER TABLE {schema}.contacts ADD COLUMN final_reason text;
      ALTER TABLE {schema}.batches ADD COLUMN last_release_at timestamptz;
      ALTER TABLE {schema}.batches ADD COLUMN end_time timestamptz;
      ALTER TABLE {schema}.batches ADD COLUMN previous_status text;
      -- Batches with work left: completed_at is set once every contact is final (completed, or cancelled and drained).
      DROP INDEX {schema}.batches_active;
      CREATE INDEX batches_open ON {schema}.batches (status) WHERE completed_at IS NULL;
      -- The distinct zone keys of a batch, so a release pass knows which are open without scanning contacts.
      CREATE TABLE {schema}.batch_zones (
        batch_id text NOT NULL,
        zone_key text NOT NULL,
        PRIMARY KEY (batch_id, zone_key)
      );
      -- Org limits and compliance guard, from the gateway's org events (highest version wins).
      CREATE TABLE {schema}.orgs (
        org_id text PRIMARY KEY,
        max_concurrent_calls integer NOT NULL,
        calls_per_second numeric NOT NULL,
        compliance_guard boolean NOT NULL,
        version integer NOT NULL
      );
      -- Deleted batches, so late events of a deleted batch are dropped instead of retried.
      CREATE TABLE {schema}.deleted_batches (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        deleted_at timestamptz NOT NULL
      );`,
  },
  {
    id: '010_circuit_breaker',
    sql: `
      -- The org's auto-pause rule (CircuitBreakerSettings) from its settings event; NULL = defaults.
      ALTER TABLE {schema}.orgs ADD COLUMN circuit_breaker jsonb;
      -- Each batch's recent attempt results (domain/circuit-breaker.ts BreakerState), updated with its outcomes.
      ALTER TABLE {schema}.batches ADD COLUMN breaker jsonb NOT NULL DEFAULT '{"buckets": [], "agent_error_run": 0}';`,
  },
  {
    id: '011_claim_by_zone',
    sql: `
      -- The claimable rows per zone (issue 16): a release pass claims from the zones open now only, so its
      -- cost does not grow with the contacts waiting in closed zones (a claim walking the old
      -- (batch_id, priority DESC, row) index read every closed contact ahead of the open ones).
      CREATE INDEX contacts_claimable_zone ON {schema}.contacts (batch_id, zone_key, priority DESC, row)
        WHERE status IN ('pending', 'queued');
      DROP INDEX {schema}.contacts_claimable;`,
  },
];
