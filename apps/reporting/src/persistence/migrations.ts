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
  {
    id: '005_lists_and_tombstones',
    sql: `
      ALTER TABLE {schema}.batches
        ADD COLUMN provider text,
        ADD COLUMN callback_url text,
        -- attempts recorded for the batch: the unfiltered calls list total without counting rows
        ADD COLUMN attempt_count int NOT NULL DEFAULT 0;
      -- Contacts by status, kept like the counters (ingested contacts only, placeholders excluded):
      -- list totals and the status breakdown without counting a million rows.
      CREATE TABLE {schema}.contact_status_counts (
        batch_id text NOT NULL,
        status text NOT NULL,
        count int NOT NULL,
        PRIMARY KEY (batch_id, status)
      );
      -- Deleted batches: a stray late event of a deleted batch must not bring it back.
      CREATE TABLE {schema}.deleted_batches (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        deleted_at timestamptz NOT NULL
      );
      CREATE INDEX contacts_batch_status_row_idx ON {schema}.contacts (batch_id, status, row);
      CREATE INDEX contacts_batch_last_attempt_idx ON {schema}.contacts (batch_id, last_attempt_at);
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE EXTENSION IF NOT EXISTS btree_gin;
      -- phone/name search: substring match (ILIKE '%...%') served by trigrams, within one batch
      CREATE INDEX contacts_search_idx ON {schema}.contacts
        USING gin (batch_id, (coalesce(phone, '') || ' ' || coalesce(name, '')) gin_trgm_ops);
      DROP INDEX {schema}.attempts_batch_idx;
      CREATE INDEX attempts_batch_order_idx ON {schema}.attempts (batch_id, started_at, attempt_id);
      CREATE INDEX batches_org_status_idx ON {schema}.batches (org_id, status);`,
  },
  {
    id: '006_webhooks',
    sql: `
      CREATE TABLE {schema}.webhook_endpoints (
        webhook_id text PRIMARY KEY,
        org_id text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        -- empty: every event type
        events text[] NOT NULL DEFAULT '{}',
        description text,
        created_at timestamptz NOT NULL,
        deleted_at timestamptz
      );
      CREATE INDEX webhook_endpoints_org_idx ON {schema}.webhook_endpoints (org_id) WHERE deleted_at IS NULL;
      -- The secret batch callback_url deliveries are signed with (one per org, made on first use).
      CREATE TABLE {schema}.callback_secrets (
        org_id text PRIMARY KEY,
        secret text NOT NULL,
        created_at timestamptz NOT NULL
      );
      -- One row per (event, target): written in the transaction that saw the event, sent by the
      -- dispatcher afterwards, so a slow receiver never holds up the event pipeline.
      CREATE TABLE {schema}.webhook_deliveries (
        delivery_id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        org_id text NOT NULL,
        batch_id text,
        -- the endpoint, or null for the batch's callback_url
        webhook_id text,
        url text NOT NULL,
        type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_status_code int,
        last_error text,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        -- an event goes once to each target, however often its cause is redelivered
        UNIQUE NULLS NOT DISTINCT (event_id, url, webhook_id)
      );
      CREATE INDEX webhook_deliveries_due_idx ON {schema}.webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_endpoint_idx ON {schema}.webhook_deliveries (webhook_id, delivery_id DESC);
      CREATE INDEX webhook_deliveries_batch_idx ON {schema}.webhook_deliveries (batch_id);`,
  },
  {
    id: '007_webhook_delivery_attempts',
    sql: `
      -- Every try of a delivery (issue 12 §5, SPEC §10): written when the dispatcher claims the
      -- delivery, completed when the receiver answered or the try failed. A try whose result never
      -- came (the sender stopped mid-try) keeps a null duration.
      CREATE TABLE {schema}.webhook_delivery_attempts (
        delivery_id bigint NOT NULL REFERENCES {schema}.webhook_deliveries (delivery_id) ON DELETE CASCADE,
        attempt int NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int,
        status_code int,
        error text,
        PRIMARY KEY (delivery_id, attempt)
      );
      -- When a delivery reached delivered or failed: the retention period counts from here.
      ALTER TABLE {schema}.webhook_deliveries ADD COLUMN finished_at timestamptz;
      UPDATE {schema}.webhook_deliveries SET finished_at = coalesce(delivered_at, next_attempt_at) WHERE status <> 'pending';
      CREATE INDEX webhook_deliveries_finished_idx ON {schema}.webhook_deliveries (finished_at) WHERE finished_at IS NOT NULL;`,
  },
  {
    id: '008_batch_activity',
    sql: `
      -- A batch's activity log (GET /api/batch-calls/{id}/activity): created, status changes with who
      -- or why, and retries scheduled, counted per minute (one row per batch and minute, not per contact).
      CREATE TABLE {schema}.batch_activity (
        id bigserial PRIMARY KEY,
        batch_id text NOT NULL,
        org_id text NOT NULL,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        actor text,
        message text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        -- retries_scheduled rows: the minute they count, so each minute has one row
        minute timestamptz
      );
      CREATE INDEX batch_activity_batch_idx ON {schema}.batch_activity (batch_id, at, id);
      CREATE UNIQUE INDEX batch_activity_retries_idx ON {schema}.batch_activity (batch_id, minute) WHERE kind = 'retries_scheduled';`,
  },
  {
    id: '009_progress_slots',
    sql: `
      -- Live progress across replicas: the last time any replica sent a batch's progress message, so
      -- that at most one goes out per batch per PROGRESS_INTERVAL_MS whatever the number of replicas.
      CREATE TABLE {schema}.progress_slots (
        batch_id text PRIMARY KEY,
        sent_at timestamptz NOT NULL
      );`,
  },
];
