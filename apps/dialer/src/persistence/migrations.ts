import { Migration } from '@outdial/service-runtime';

/** The dialer's schema (`dialer`): its attempts, and the simulated carrier's own calls. */
export const DIALER_MIGRATIONS: Migration[] = [
  {
    id: '001_attempts',
    sql: `
      CREATE TABLE {schema}.attempts (
        attempt_id text PRIMARY KEY,
        contact_id text NOT NULL,
        attempt int NOT NULL CHECK (attempt >= 1),
        batch_id text NOT NULL,
        org_id text NOT NULL,
        provider text NOT NULL,
        provider_call_id text,
        status text NOT NULL CHECK (status IN ('admitted', 'dialing', 'ringing', 'in_progress', 'ended')),
        outcome text,
        requested_at timestamptz NOT NULL,
        started_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz,
        duration_seconds numeric,
        failure_reason text,
        recording_url text,
        transcript text,
        lease_expires_at timestamptz NOT NULL,
        timeout_seconds int NOT NULL,
        -- At most once per attempt: a second admission of the same (contact, attempt) conflicts here.
        UNIQUE (contact_id, attempt),
        CHECK ((status = 'ended') = (outcome IS NOT NULL AND ended_at IS NOT NULL))
      );
      -- The reaper only ever looks at attempts still open.
      CREATE INDEX attempts_open_lease_idx ON {schema}.attempts (lease_expires_at) WHERE status <> 'ended';`,
  },
  {
    id: '002_sim_calls',
    sql: `
      -- The simulated carrier's own state. It stands for an external system: never joined with attempts.
      CREATE TABLE {schema}.sim_calls (
        call_id text PRIMARY KEY,
        attempt_id text NOT NULL,
        to_phone text NOT NULL,
        outcome text NOT NULL,
        placed_at timestamptz NOT NULL,
        answer_due_at timestamptz,
        end_due_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('ringing', 'answered', 'ended')),
        answered_at timestamptz,
        ended_at timestamptz,
        duration_seconds numeric
      );
      -- The sweeper only ever looks at calls still live.
      CREATE INDEX sim_calls_live_idx ON {schema}.sim_calls (end_due_at) WHERE state <> 'ended';`,
  },
  {
    id: '003_admission',
    sql: `
      -- Who admitted an attempt and when (the call-start rate is measured on admitted_at).
      ALTER TABLE {schema}.attempts ADD COLUMN admitted_by text, ADD COLUMN admitted_at timestamptz;
      -- An open attempt IS a slot (a lease that expires at lease_expires_at): counting the open
      -- attempts of an org or batch is counting its slots, so no counter can drift from the truth.
      CREATE INDEX attempts_open_org_batch_idx ON {schema}.attempts (org_id, batch_id) WHERE status <> 'ended';
      CREATE INDEX attempts_batch_idx ON {schema}.attempts (batch_id);

      -- One row per org: its limits (from v1.org.settings_changed, highest version wins) and its
      -- shared call-rate token bucket. Every admission of the org locks this row: that lock is what
      -- makes the limits hold across replicas.
      CREATE TABLE {schema}.org_budgets (
        org_id text PRIMARY KEY,
        max_concurrent_calls int NOT NULL CHECK (max_concurrent_calls >= 1),
        calls_per_second double precision NOT NULL CHECK (calls_per_second > 0),
        compliance_guard boolean NOT NULL DEFAULT true,
        settings_version int NOT NULL DEFAULT 0,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL
      );

      -- The latest batch status seen on v1.batch.status_changed (or 'deleted').
      CREATE TABLE {schema}.batch_states (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        status text NOT NULL,
        changed_at timestamptz NOT NULL
      );

      -- Agents as the gateway announces them (provider + non-secret config), highest version wins.
      CREATE TABLE {schema}.agents (
        org_id text NOT NULL,
        agent_id text NOT NULL,
        provider text NOT NULL,
        config jsonb NOT NULL,
        deleted boolean NOT NULL,
        version int NOT NULL,
        PRIMARY KEY (org_id, agent_id)
      );

      -- Deleted batches whose calls were still open: their attempts go once they end.
      CREATE TABLE {schema}.deleted_batches (
        batch_id text PRIMARY KEY,
        deleted_at timestamptz NOT NULL
      );`,
  },
  {
    id: '004_amd_verdicts',
    sql: `
      -- Who answered, as answering-machine detection said (Twilio AnsweredBy), once known.
      ALTER TABLE {schema}.attempts ADD COLUMN answered_by text;
      -- The agent asked to hang up on a machine (config hangup_on_machine): done at the verdict.
      ALTER TABLE {schema}.attempts ADD COLUMN hangup_on_machine boolean NOT NULL DEFAULT false;
      -- An attempt ended 'completed' while its asynchronous AMD verdict was still owed: its
      -- call-finished is held until the verdict arrives or this instant passes (see the late-event
      -- table in domain/attempt-transitions.ts). NULL: nothing held.
      ALTER TABLE {schema}.attempts ADD COLUMN report_held_until timestamptz;
      ALTER TABLE {schema}.attempts ADD CONSTRAINT attempts_held_only_when_ended CHECK (report_held_until IS NULL OR status = 'ended');
      CREATE INDEX attempts_report_held_idx ON {schema}.attempts (report_held_until) WHERE report_held_until IS NOT NULL;`,
  },
  {
    id: '005_voice_agent_platforms',
    sql: `
      -- Agents' provider secrets as the gateway sealed them (AES-256-GCM, OUTDIAL_SECRETS_KEY); opened only to dial.
      ALTER TABLE {schema}.agents ADD COLUMN sealed_secrets text;
      -- The agent of an attempt (its per-agent max_concurrent_calls counts open attempts), and the
      -- platform's own cost of the call when its webhook says.
      ALTER TABLE {schema}.attempts ADD COLUMN agent_id text, ADD COLUMN cost numeric;
      CREATE INDEX attempts_open_agent_idx ON {schema}.attempts (org_id, agent_id) WHERE status <> 'ended';
      -- Webhooks that do not name the attempt (ElevenLabs' initiation failures) find it by the platform's call id.
      CREATE INDEX attempts_provider_call_idx ON {schema}.attempts (provider, provider_call_id) WHERE provider_call_id IS NOT NULL;`,
  },
  {
    id: '006_slot_counters_and_admission_function',
    sql: `
      -- Issue 16: the slots in use are kept IN ROWS instead of counted with count(*) at every
      -- admission. One row per (org, scope, key, shard): scope 'org' (key ''), 'batch' (key batch_id),
      -- 'agent' (key agent_id). The open calls of a scope are the SUM over its shards:
      --   shard 0     takes:   +1 per attempt inserted open (only admission does, under the org's
      --                        org_budgets row lock, inside admit_attempt below);
      --   shards 1-8  returns: -1 when an open attempt ends or is deleted (its end, the reaper's
      --                        lease expiry, an admission given back), spread over 8 rows by the
      --                        attempt id so ends of one org do not queue on one row, and never
      --                        on the rows admission writes (admissions never wait for ends).
      -- The triggers below are the only writers: the guarded UPDATE ... WHERE status <> 'ended'
      -- moves a row to 'ended' once, so each attempt gives its slot back exactly once.
      -- Issue 15: why no later attempt of the batch can succeed (provider_not_configured,
      -- agent_not_found), carried on v1.call.finished so the scheduler ends the batch failed.
      ALTER TABLE {schema}.attempts ADD COLUMN unrecoverable_reason text;

      CREATE TABLE {schema}.open_slots (
        org_id text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('org', 'batch', 'agent')),
        key text NOT NULL,
        shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 8),
        open int NOT NULL,
        PRIMARY KEY (org_id, scope, key, shard)
      );
      INSERT INTO {schema}.open_slots (org_id, scope, key, shard, open)
        SELECT org_id, 'org', '', 0, count(*) FROM {schema}.attempts WHERE status <> 'ended' GROUP BY org_id
        UNION ALL
        SELECT org_id, 'batch', batch_id, 0, count(*) FROM {schema}.attempts WHERE status <> 'ended' GROUP BY org_id, batch_id
        UNION ALL
        SELECT org_id, 'agent', agent_id, 0, count(*) FROM {schema}.attempts
         WHERE status <> 'ended' AND agent_id IS NOT NULL GROUP BY org_id, agent_id;

      -- +1 / -1 on the attempt's org, batch and agent rows (one statement; the org row first, so
      -- every writer of an (org, shard) takes its rows in the same order).
      CREATE FUNCTION {schema}.attempts_count_slots() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        r record;
        d int;
        s smallint;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          r := NEW; d := 1; s := 0;
        ELSIF TG_OP = 'DELETE' THEN
          r := OLD; d := -1; s := 1 + ((hashtext(OLD.attempt_id) % 8) + 8) % 8;
        ELSIF NEW.status = 'ended' THEN
          r := OLD; d := -1; s := 1 + ((hashtext(OLD.attempt_id) % 8) + 8) % 8;
        ELSE
          -- An ended attempt re-opened (no code path does this): counted back, so the sum stays exact.
          r := NEW; d := 1; s := 1 + ((hashtext(NEW.attempt_id) % 8) + 8) % 8;
        END IF;
        INSERT INTO {schema}.open_slots AS o (org_id, scope, key, shard, open)
          SELECT r.org_id, v.scope, v.key, s, d
            FROM (VALUES (1, 'org', ''), (2, 'batch', r.batch_id), (3, 'agent', r.agent_id)) AS v(n, scope, key)
           WHERE v.key IS NOT NULL
           ORDER BY v.n
        ON CONFLICT (org_id, scope, key, shard) DO UPDATE SET open = o.open + EXCLUDED.open;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER attempts_slot_taken AFTER INSERT ON {schema}.attempts
        FOR EACH ROW WHEN (NEW.status <> 'ended') EXECUTE FUNCTION {schema}.attempts_count_slots();
      CREATE TRIGGER attempts_slot_status AFTER UPDATE OF status ON {schema}.attempts
        FOR EACH ROW WHEN ((OLD.status = 'ended') <> (NEW.status = 'ended')) EXECUTE FUNCTION {schema}.attempts_count_slots();
      CREATE TRIGGER attempts_slot_dropped AFTER DELETE ON {schema}.attempts
        FOR EACH ROW WHEN (OLD.status <> 'ended') EXECUTE FUNCTION {schema}.attempts_count_slots();

      -- Admission in ONE round trip (issue 16): the org row lock is held for this statement only.
      -- Mirrors domain/admission.ts (decideAdmission, batchAllowsDial, pastNotAfter) and
      -- domain/org-token-bucket.ts (takeToken); test/admission-sql.int-spec.ts checks it at the edges.
      -- The time is read AFTER the lock is granted (clock_timestamp() + the service clock's offset),
      -- so the admissions of one org are in time order and the bucket never runs backwards.
      -- Verdicts: admitted (attempt inserted open; the trigger takes its slots), reconciled (this
      -- attempt id or (contact, attempt) exists: out_attempt is it), declined (out_limit =
      -- batch_not_running | outside_window; nothing recorded), refused (out_limit = batch | agent |
      -- org | rate, out_retry_ms for rate; nothing recorded).
      CREATE FUNCTION {schema}.admit_attempt(
        p_attempt_id text, p_contact_id text, p_attempt int, p_batch_id text, p_org_id text, p_agent_id text,
        p_provider text, p_requested_at timestamptz, p_timeout_seconds int, p_lease_grace_seconds int,
        p_admitted_by text, p_batch_concurrency int, p_agent_max int, p_not_after timestamptz,
        p_clock_offset_ms double precision, p_default_max int, p_default_cps double precision, p_default_guard boolean)
      RETURNS TABLE (out_verdict text, out_limit text, out_retry_ms int, out_now timestamptz, out_attempt {schema}.attempts)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        b {schema}.org_budgets;
        v_now timestamptz;
        v_existing {schema}.attempts;
        v_status text;
        v_changed timestamptz;
        v_org int;
        v_batch int;
        v_agent int;
        v_tokens double precision;
        v_limit text;
        v_row {schema}.attempts;
      BEGIN
        -- Before the lock, without it: a slot limit already reached by the committed counters is
        -- refused at once (counters only fall by committed ends, so this can only refuse a request
        -- an instant early, never admit one): requests waiting for a slot do not queue on the lock.
        IF NOT EXISTS (SELECT 1 FROM {schema}.attempts a
                        WHERE a.attempt_id = p_attempt_id OR (a.contact_id = p_contact_id AND a.attempt = p_attempt)) THEN
          SELECT coalesce(sum(o.open) FILTER (WHERE o.scope = 'org'), 0),
                 coalesce(sum(o.open) FILTER (WHERE o.scope = 'batch'), 0),
                 coalesce(sum(o.open) FILTER (WHERE o.scope = 'agent'), 0)
            INTO v_org, v_batch, v_agent
            FROM {schema}.open_slots o
           WHERE o.org_id = p_org_id
             AND ((o.scope = 'org' AND o.key = '') OR (o.scope = 'batch' AND o.key = p_batch_id)
                  OR (o.scope = 'agent' AND o.key = p_agent_id));
          v_limit := CASE
            WHEN p_batch_concurrency IS NOT NULL AND v_batch >= p_batch_concurrency THEN 'batch'
            WHEN p_agent_max IS NOT NULL AND v_agent >= p_agent_max THEN 'agent'
            WHEN v_org >= (SELECT max_concurrent_calls FROM {schema}.org_budgets WHERE org_id = p_org_id) THEN 'org'
          END;
          IF v_limit IS NOT NULL THEN
            RETURN QUERY SELECT 'refused'::text, v_limit, NULL::int,
                                clock_timestamp() + p_clock_offset_ms * interval '1 millisecond', NULL::{schema}.attempts;
            RETURN;
          END IF;
        END IF;

        SELECT * INTO b FROM {schema}.org_budgets WHERE org_id = p_org_id FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO {schema}.org_budgets (org_id, max_concurrent_calls, calls_per_second, compliance_guard, settings_version, tokens, refilled_at)
            VALUES (p_org_id, p_default_max, p_default_cps, p_default_guard, 0, greatest(1, p_default_cps),
                    clock_timestamp() + p_clock_offset_ms * interval '1 millisecond')
            ON CONFLICT (org_id) DO NOTHING;
          SELECT * INTO b FROM {schema}.org_budgets WHERE org_id = p_org_id FOR UPDATE;
        END IF;
        v_now := clock_timestamp() + p_clock_offset_ms * interval '1 millisecond';

        SELECT * INTO v_existing FROM {schema}.attempts a
         WHERE a.attempt_id = p_attempt_id OR (a.contact_id = p_contact_id AND a.attempt = p_attempt) LIMIT 1;
        IF FOUND THEN
          RETURN QUERY SELECT 'reconciled'::text, NULL::text, NULL::int, v_now, v_existing;
          RETURN;
        END IF;

        SELECT s.status, s.changed_at INTO v_status, v_changed FROM {schema}.batch_states s WHERE s.batch_id = p_batch_id;
        IF FOUND AND v_status <> 'running' AND NOT (p_requested_at > v_changed) THEN
          RETURN QUERY SELECT 'declined'::text, 'batch_not_running'::text, NULL::int, v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;
        IF p_not_after IS NOT NULL AND v_now >= p_not_after THEN
          RETURN QUERY SELECT 'declined'::text, 'outside_window'::text, NULL::int, v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;

        SELECT coalesce(sum(o.open) FILTER (WHERE o.scope = 'org'), 0),
               coalesce(sum(o.open) FILTER (WHERE o.scope = 'batch'), 0),
               coalesce(sum(o.open) FILTER (WHERE o.scope = 'agent'), 0)
          INTO v_org, v_batch, v_agent
          FROM {schema}.open_slots o
         WHERE o.org_id = p_org_id
           AND ((o.scope = 'org' AND o.key = '') OR (o.scope = 'batch' AND o.key = p_batch_id)
                OR (o.scope = 'agent' AND o.key = p_agent_id));
        IF p_batch_concurrency IS NOT NULL AND v_batch >= p_batch_concurrency THEN
          RETURN QUERY SELECT 'refused'::text, 'batch'::text, NULL::int, v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;
        IF p_agent_max IS NOT NULL AND v_agent >= p_agent_max THEN
          RETURN QUERY SELECT 'refused'::text, 'agent'::text, NULL::int, v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;
        IF v_org >= b.max_concurrent_calls THEN
          RETURN QUERY SELECT 'refused'::text, 'org'::text, NULL::int, v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;

        -- takeToken: refill for the time elapsed (never backwards), bucket size max(1, cps).
        v_tokens := least(greatest(1, b.calls_per_second),
                          greatest(0, b.tokens)
                          + greatest(0, extract(epoch FROM v_now - b.refilled_at)::double precision) * b.calls_per_second);
        IF v_tokens < 1 - 1e-9 THEN
          RETURN QUERY SELECT 'refused'::text, 'rate'::text, ceil((1 - v_tokens) / b.calls_per_second * 1000)::int,
                              v_now, NULL::{schema}.attempts;
          RETURN;
        END IF;
        -- ON CONFLICT: an attempt recorded already ended outside the org lock (provider unknown,
        -- not admitted in time) by another replica an instant ago: reconciled, no token spent.
        INSERT INTO {schema}.attempts
          (attempt_id, contact_id, attempt, batch_id, org_id, provider, status, requested_at, lease_expires_at,
           timeout_seconds, admitted_by, admitted_at, agent_id)
          VALUES (p_attempt_id, p_contact_id, p_attempt, p_batch_id, p_org_id, p_provider, 'admitted', p_requested_at,
                  v_now + (p_timeout_seconds + p_lease_grace_seconds) * interval '1 second',
                  p_timeout_seconds, p_admitted_by, v_now, p_agent_id)
          ON CONFLICT DO NOTHING
          RETURNING * INTO v_row;
        IF NOT FOUND THEN
          SELECT * INTO v_existing FROM {schema}.attempts a
           WHERE a.attempt_id = p_attempt_id OR (a.contact_id = p_contact_id AND a.attempt = p_attempt) LIMIT 1;
          RETURN QUERY SELECT 'reconciled'::text, NULL::text, NULL::int, v_now, v_existing;
          RETURN;
        END IF;
        UPDATE {schema}.org_budgets
           SET tokens = greatest(0, v_tokens - 1), refilled_at = greatest(b.refilled_at, v_now)
         WHERE org_id = p_org_id;
        RETURN QUERY SELECT 'admitted'::text, NULL::text, NULL::int, v_now, v_row;
      END
      $fn$;`,
  },
  {
    id: '007_grouped_provider_event_ends',
    sql: `
      -- Issue 16: the ends of a group of provider events (ApplyProviderEventGroupUseCase) in ONE
      -- statement. Each end is guarded like AttemptsRepository.end with an expected state (still open,
      -- same status and verdict as when decided); a guard that misses returns no row and the caller
      -- applies that attempt's events again alone. The attempt rows are locked first, in attempt_id
      -- order; then they are ended one at a time in (org_id, returned-slot shard, attempt_id) order:
      -- each end takes its org's counter rows of its shard (trigger attempts_count_slots, org row
      -- first), so two groups, on any replicas, take those rows in the same order and cannot
      -- deadlock; a single end holds one shard only; the reaper claims in the same order.
      CREATE FUNCTION {schema}.end_attempts(p_ends jsonb) RETURNS SETOF {schema}.attempts LANGUAGE plpgsql AS $fn$
      DECLARE
        e record;
        v_row {schema}.attempts;
      BEGIN
        -- The attempt rows first, in attempt id order (as advanceMany / recordDialingMany lock them).
        PERFORM 1 FROM {schema}.attempts
          WHERE attempt_id IN (SELECT y.attempt_id FROM jsonb_to_recordset(p_ends) AS y(attempt_id text))
          ORDER BY attempt_id FOR UPDATE;
        FOR e IN
          SELECT x.* FROM jsonb_to_recordset(p_ends) AS x(
                   attempt_id text, outcome text, ended_at timestamptz, duration_seconds numeric, failure_reason text,
                   answered_at timestamptz, provider_call_id text, recording_url text, transcript text,
                   answered_by text, report_held_until timestamptz, cost numeric,
                   expected_status text, expected_answered_by text)
            JOIN {schema}.attempts a ON a.attempt_id = x.attempt_id
           ORDER BY a.org_id, ((hashtext(x.attempt_id) % 8) + 8) % 8, x.attempt_id
        LOOP
          UPDATE {schema}.attempts t
             SET status = 'ended',
                 outcome = e.outcome,
                 ended_at = e.ended_at,
                 duration_seconds = e.duration_seconds,
                 failure_reason = e.failure_reason,
                 answered_at = COALESCE(t.answered_at, e.answered_at),
                 provider_call_id = COALESCE(t.provider_call_id, e.provider_call_id),
                 recording_url = e.recording_url,
                 transcript = e.transcript,
                 answered_by = COALESCE(t.answered_by, e.answered_by),
                 report_held_until = e.report_held_until,
                 cost = e.cost
           WHERE t.attempt_id = e.attempt_id AND t.status <> 'ended'
             AND t.status = e.expected_status AND t.answered_by IS NOT DISTINCT FROM e.expected_answered_by
          RETURNING t.* INTO v_row;
          IF FOUND THEN
            RETURN NEXT v_row;
          END IF;
        END LOOP;
      END
      $fn$;`,
  },
  {
    id: '008_grouped_admission',
    sql: `
      -- Issue 16: the dial requests a replica holds at once admitted in ONE statement and ONE
      -- transaction: each is decided by admit_attempt (006) exactly as alone, in the order given
      -- within an org, so one org's budget row is locked once per group instead of once per request
      -- (per-request lock hand-offs were most of PostgreSQL's admission cost with several admitters
      -- queued on the row). Orgs are taken in org_id order, so two groups (any replicas) cannot
      -- deadlock: every write of admission (org_budgets, attempts, open_slots shard 0) comes after
      -- its org's row lock. The lock is held until the group commits; a group is small (the DIAL
      -- consumer's concurrency) and all under one lock is what "one at a time per org" means anyway.
      -- p_requests: a JSON array of objects with admit_attempt's parameters (without p_), plus "i",
      -- the caller's index, returned as out_i so verdicts can be matched to requests.
      CREATE FUNCTION {schema}.admit_attempts(
        p_requests jsonb, p_lease_grace_seconds int, p_admitted_by text, p_clock_offset_ms double precision,
        p_default_max int, p_default_cps double precision, p_default_guard boolean)
      RETURNS TABLE (out_i int, out_verdict text, out_limit text, out_retry_ms int, out_now timestamptz,
                     out_attempt {schema}.attempts)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        q record;
      BEGIN
        FOR q IN
          SELECT x.* FROM jsonb_to_recordset(p_requests) AS x(
                   i int, attempt_id text, contact_id text, attempt int, batch_id text, org_id text, agent_id text,
                   provider text, requested_at timestamptz, timeout_seconds int, batch_concurrency int,
                   agent_max int, not_after timestamptz)
           ORDER BY x.org_id, x.i
        LOOP
          RETURN QUERY SELECT q.i, r.* FROM {schema}.admit_attempt(
            q.attempt_id, q.contact_id, q.attempt, q.batch_id, q.org_id, q.agent_id, q.provider, q.requested_at,
            q.timeout_seconds, p_lease_grace_seconds, p_admitted_by, q.batch_concurrency, q.agent_max, q.not_after,
            p_clock_offset_ms, p_default_max, p_default_cps, p_default_guard) r;
        END LOOP;
      END
      $fn$;`,
  },
  {
    id: '009_slot_returns_per_statement',
    sql: `
      -- Issue 16, 3 replicas: a slot given back by an end was a per-row trigger (006) that took the
      -- org, batch and agent counter rows of the attempt's shard (by attempt id): a group of 64 ends
      -- spans all 8 shards, so every group of ends, on every replica, queued on the same rows until
      -- commit (end_attempts ~385 ms a statement with 3 dialers). Now the move to 'ended' is counted
      -- once per STATEMENT: the statement's ends summed per (org, scope, key), written to ONE shard,
      -- chosen by the transaction (1 + txid % 8, the same for all its statements), rows in (org_id,
      -- org-batch-agent, key) order. Concurrent transactions on different shards never wait for each
      -- other; on the same shard they take rows in one order (a transaction that ends attempts in
      -- several statements across orgs is the reaper, one at a time). Inserts (shard 0, under the org
      -- lock) and deletions keep the per-row trigger. The sums are unchanged: exactness as before.
      DROP TRIGGER attempts_slot_status ON {schema}.attempts;
      CREATE FUNCTION {schema}.attempts_count_slot_moves() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO {schema}.open_slots AS o (org_id, scope, key, shard, open)
          SELECT m.org_id, v.scope, v.key, (1 + txid_current() % 8)::smallint, sum(m.d)::int
            FROM (SELECT CASE WHEN n.status = 'ended' THEN -1 ELSE 1 END AS d,
                         CASE WHEN n.status = 'ended' THEN o.org_id ELSE n.org_id END AS org_id,
                         CASE WHEN n.status = 'ended' THEN o.batch_id ELSE n.batch_id END AS batch_id,
                         CASE WHEN n.status = 'ended' THEN o.agent_id ELSE n.agent_id END AS agent_id
                    FROM moved_old o JOIN moved_new n ON n.attempt_id = o.attempt_id
                   WHERE (o.status = 'ended') <> (n.status = 'ended')) m
            CROSS JOIN LATERAL (VALUES (1, 'org', ''), (2, 'batch', m.batch_id), (3, 'agent', m.agent_id)) AS v(n, scope, key)
           WHERE v.key IS NOT NULL
           GROUP BY m.org_id, v.n, v.scope, v.key
          HAVING sum(m.d) <> 0
           ORDER BY m.org_id, v.n, v.key
        ON CONFLICT (org_id, scope, key, shard) DO UPDATE SET open = o.open + EXCLUDED.open;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER attempts_slot_moves AFTER UPDATE ON {schema}.attempts
        REFERENCING OLD TABLE AS moved_old NEW TABLE AS moved_new
        FOR EACH STATEMENT EXECUTE FUNCTION {schema}.attempts_count_slot_moves();

      -- The ends of a group in ONE UPDATE (its slots given back once, by the statement trigger above),
      -- after the attempt rows were locked in attempt id order (as advanceMany / recordDialingMany
      -- lock them). Each end guarded as AttemptsRepository.end with an expected state; a guard that
      -- misses returns no row (the caller applies that attempt's events again alone).
      CREATE OR REPLACE FUNCTION {schema}.end_attempts(p_ends jsonb) RETURNS SETOF {schema}.attempts LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM 1 FROM {schema}.attempts
          WHERE attempt_id IN (SELECT y.attempt_id FROM jsonb_to_recordset(p_ends) AS y(attempt_id text))
          ORDER BY attempt_id FOR UPDATE;
        RETURN QUERY
          UPDATE {schema}.attempts t
             SET status = 'ended',
                 outcome = e.outcome,
                 ended_at = e.ended_at,
                 duration_seconds = e.duration_seconds,
                 failure_reason = e.failure_reason,
                 answered_at = COALESCE(t.answered_at, e.answered_at),
                 provider_call_id = COALESCE(t.provider_call_id, e.provider_call_id),
                 recording_url = e.recording_url,
                 transcript = e.transcript,
                 answered_by = COALESCE(t.answered_by, e.answered_by),
                 report_held_until = e.report_held_until,
                 cost = e.cost
            FROM jsonb_to_recordset(p_ends) AS e(
                   attempt_id text, outcome text, ended_at timestamptz, duration_seconds numeric, failure_reason text,
                   answered_at timestamptz, provider_call_id text, recording_url text, transcript text,
                   answered_by text, report_held_until timestamptz, cost numeric,
                   expected_status text, expected_answered_by text)
           WHERE t.attempt_id = e.attempt_id AND t.status <> 'ended'
             AND t.status = e.expected_status AND t.answered_by IS NOT DISTINCT FROM e.expected_answered_by
          RETURNING t.*;
      END
      $fn$;`,
  },
  {
    id: '010_sim_calls_next_step_index',
    sql: `
      -- The simulated carrier's sweep for overdue steps (SimCallsRepository.claimOverdue) ran a
      -- sequential scan over every call ever placed, ended ones included, once per tick per replica
      -- (bench/scale: ~0.4 ms of PostgreSQL per contact with 1 dialer, three times that with 3).
      -- Indexed on the very expression it filters on, live calls only.
      CREATE INDEX sim_calls_next_step_idx ON {schema}.sim_calls
        ((CASE WHEN state = 'ringing' AND answer_due_at IS NOT NULL THEN answer_due_at ELSE end_due_at END))
        WHERE state <> 'ended';`,
  },
];
