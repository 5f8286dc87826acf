import { Injectable } from '@nestjs/common';
import { DIAL_DECLINE_REASONS } from '@outdial/contracts';
import { Database, Metrics } from '@outdial/service-runtime';
import { Counter, Gauge, Histogram } from 'prom-client';

import { AttemptsRepository } from './persistence/attempts.repository';

/** The dialer's metrics, on the runtime's registry (served at /metrics). */
@Injectable()
export class DialerMetrics {
  readonly callsStarted: Counter<'provider'>;
  readonly callsFinished: Counter<'outcome'>;
  readonly activeCalls: Gauge<'org'>;
  readonly dialLatency: Histogram;
  readonly admissions: Counter<'result' | 'limit'>;
  readonly admissionLatency: Histogram;
  readonly declined: Counter<'reason'>;
  readonly providerEventsIgnored: Counter<'kind' | 'reason'>;
  readonly providerGroupRetries: Counter;
  readonly reportsHeld: Counter;
  readonly reportsSettled: Counter<'by' | 'revised'>;
  readonly machineHangups: Counter<'result'>;
  readonly simScriptInvalid: Counter;
  readonly unrecoverable: Counter<'reason'>;
  readonly admissionsGivenBack: Counter;

  constructor(metrics: Metrics, db: Database, attempts: AttemptsRepository) {
    const registers = [metrics.registry];
    this.callsStarted = new Counter({
      name: 'outdial_calls_started_total',
      help: 'Calls a provider accepted, by provider (this replica)',
      labelNames: ['provider'],
      registers,
    });
    this.callsFinished = new Counter({
      name: 'outdial_calls_finished_total',
      help: 'Attempts ended, by outcome (by the replica that ended them)',
      labelNames: ['outcome'],
      registers,
    });
    this.activeCalls = new Gauge({
      name: 'outdial_active_calls',
      help: 'Attempts not yet ended, per org, across all replicas (every replica reports the same value: aggregate with max)',
      labelNames: ['org'],
      registers,
      // Read at scrape time from the attempts table: a per-process count would drift whenever one
      // replica starts a call and another finishes it. The partial index keeps this cheap.
      async collect() {
        try {
          const rows = await attempts.countOpenByOrg(db.pool);
          this.reset();
          for (const row of rows) this.set({ org: row.org_id }, row.open);
        } catch {
          /* database unreachable: keep the last values; /health/ready reports the outage */
        }
      },
    });
    this.dialLatency = new Histogram({
      name: 'outdial_dial_latency_seconds',
      help: 'From the dial request (requested_at) to the provider accepting the call',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.admissions = new Counter({
      name: 'outdial_dial_admissions_total',
      help: 'Admission decisions: result granted, or refused with the limit that refused (batch | org | rate); each refusal is retried',
      labelNames: ['result', 'limit'],
      registers,
    });
    this.admissionLatency = new Histogram({
      name: 'outdial_admission_latency_seconds',
      help: 'From the dial request (requested_at) to its admission (slot and token taken)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.declined = new Counter({
      name: 'outdial_dial_declined_total',
      help: 'Dial requests declined right before dialing (nothing dialed, nothing recorded), by reason',
      labelNames: ['reason'],
      registers,
    });
    this.providerEventsIgnored = new Counter({
      name: 'outdial_provider_events_ignored_total',
      help: 'Provider events that changed nothing (repeated, stale, after the end, or an AMD verdict too late to count), by kind and reason',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.providerGroupRetries = new Counter({
      name: 'outdial_provider_event_group_retries_total',
      help: 'Provider events decided again in a later round of their group because another writer moved their attempt first (expected with replicas and a fast carrier)',
      registers,
    });
    this.reportsHeld = new Counter({
      name: 'outdial_call_reports_held_total',
      help: 'Answered calls whose call-finished was held for an asynchronous AMD verdict',
      registers,
    });
    this.reportsSettled = new Counter({
      name: 'outdial_call_reports_settled_total',
      help: 'Held call-finished reports released: by the verdict or by the end of the wait; revised = the verdict changed the outcome',
      labelNames: ['by', 'revised'],
      registers,
    });
    this.simScriptInvalid = new Counter({
      name: 'outdial_sim_outcomes_invalid_total',
      help: 'Simulated calls not placed because the contact sim_outcomes / sim_duration_seconds was malformed',
      registers,
    });
    this.unrecoverable = new Counter({
      name: 'outdial_attempts_unrecoverable_total',
      help: 'Attempts ended with an unrecoverable_reason (provider not configured, agent not found)',
      labelNames: ['reason'],
      registers,
    });
    this.admissionsGivenBack = new Counter({
      name: 'outdial_admissions_given_back_total',
      help: 'Admissions taken back because the provider provably placed nothing (429/503/unreachable); retried later',
      registers,
    });
    this.machineHangups = new Counter({
      name: 'outdial_machine_hangups_total',
      help: 'Calls hung up on a machine verdict (agent hangup_on_machine): result done, or refused (the call had already ended, or the provider refused)',
      labelNames: ['result'],
      registers,
    });
    // Every decline reason is a series from the start (at 0), so dashboards and alerts see a rate
    // of 0 instead of no data before the first decline.
    for (const reason of DIAL_DECLINE_REASONS) this.declined.inc({ reason }, 0);
  }
}
