import type { Migration } from '@outdial/service-runtime';

/**
 * The reporting read model. Batch counters are kept incrementally (a status read never counts a
 * million contacts); each write applies its change under the batch row lock, so the counters always
 * equal a recount of `contacts`.
 */
export const migrations: Migration[] = [
  {
    id: '001_batches',
    sql: `
      CREATE TABLE {schema}.batches (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        -- the 'at' of the status change applied last: an older change arriving late is ignored
        status_at timestamptz,
        agent_id text NOT NULL,
        from_number text NOT NULL,
        concurrency int NOT NULL,
        max_attempts int NOT NULL,
        total_calls int NOT NULL,
        final_count int NOT NULL DEFAULT 0,
        completed_count int NOT NULL DEFAULT 0,
        failed_count int NOT NULL DEFAULT 0,
        in_progress_count int NOT NULL DEFAULT 0,
        -- final contacts dialed at least once: the pace behind estimated_completion
        dialed_final_count int NOT NULL DEFAULT 0,
        duration_sum double precision NOT NULL DEFAULT 0,
        duration_count int NOT NULL DEFAULT 0,
        cost_so_far numeric(16, 4) NOT NULL DEFAULT 0,
        estimated_cost numeric(16, 4) NOT NULL DEFAULT 0,
        variable_columns jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL,
        scheduled_start_time timestamptz,
        start_time timestamptz,
        completed_at timestamptz,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX batches_org_idx ON {schema}.batches (org_id, created_at DESC);`,
  },
  {
    id: '002_contacts',
    sql: `
      CREATE TABLE {schema}.contacts (
        contact_id text PRIMARY KEY,
        batch_id text NOT NULL,
        org_id text NOT NULL,
        -- row and phone are null while only a placeholder exists (its chunk has not arrived yet)
        row int,
        phone text,
        name text,
        variables jsonb,
        status text NOT NULL,
        final boolean NOT NULL DEFAULT false,
        -- the scheduler's version last applied; 0 = never updated by the scheduler
        version int NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 0,
        last_outcome text,
        last_attempt_at timestamptz,
        next_retry_at timestamptz,
        duration_seconds double precision,
        failure_reason text,
        call_id text,
        -- attempt number the call_* fields come from: an older attempt finishing late is ignored
        call_attempt int,
        recording_url text,
        transcript text
      );
      CREATE INDEX contacts_batch_row_idx ON {schema}.contacts (batch_id, row);
      -- status errors (first 100) and the failed export walk only failed contacts
      CREATE INDEX contacts_failed_idx ON {schema}.contacts (batch_id, row) WHERE final AND status <> 'completed';
      CREATE INDEX contacts_successful_idx ON {schema}.contacts (batch_id, row) WHERE final AND status = 'completed';`,
  },
  {
    id: '003_attempts',
    sql: `
      CREATE TABLE {schema}.attempts (
        attempt_id text PRIMARY KEY,
        batch_id text NOT NULL,
        contact_id text NOT NULL,
        org_id text NOT NULL,
        attempt int NOT NULL,
        provider text NOT NULL,
        provider_call_id text,
        status text NOT NULL,
        outcome text,
        started_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz,
        duration_seconds double precision,
        cost numeric(16, 4),
        failure_reason text,
        recording_url text,
        transcript text
      );
      CREATE INDEX attempts_batch_idx ON {schema}.attempts (batch_id, started_at);
      CREATE INDEX attempts_contact_idx ON {schema}.attempts (contact_id, attempt);`,
  },
  {
    id: '004_processed_events',
    sql: `
      -- ids of events already applied: a redelivery is recognized and changes nothing
      CREATE TABLE {schema}.processed_events (
        event_id text PRIMARY KEY,
        processed_at timestamptz NOT NULL
      );`,
  },
];
