import { BatchSettings, CallTiming, RetryPolicy, toValidatedInstance } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';
import { DateTime } from 'luxon';

/** The settings of a create request (SPEC §3) that become the batch's BatchSettings. */
export interface RequestedBatchSettings {
  description?: string;
  campaign_id?: string;
  metadata?: Record<string, unknown>;
  concurrency?: number;
  max_attempts?: number;
  retry_policy?: RetryPolicy;
  scheduled_start_time?: string;
  timezone?: string;
  end_time?: string;
  call_timing?: CallTiming;
  callback_url?: string;
  default_region?: string;
  invalid_phone_handling?: 'skip' | 'use_as_is';
  priority?: number;
  bypass_call_guardrails?: boolean;
  timeout_per_call_seconds?: number;
}

/**
 * SPEC §3 defaults and normalization: the zone defaults to UTC and must be an IANA zone (or a
 * zone luxon reads), times without an offset are read in it and stored in UTC, the region is
 * upper-cased. Throws `validation_failed` naming the field.
 */
export function batchSettingsOf(request: RequestedBatchSettings): BatchSettings {
  const zone = request.timezone ?? 'UTC';
  // Whether luxon knows the zone does not depend on the instant: any fixed one will do (no clock here).
  if (!DateTime.fromMillis(0).setZone(zone).isValid) {
    throw new ServiceError('validation_failed', `timezone "${zone}" is not an IANA time zone`, [
      { field: 'timezone', problems: ['must be an IANA time zone'] },
    ]);
  }
  const settings = new BatchSettings();
  settings.timezone = zone;
  if (request.concurrency !== undefined) settings.concurrency = request.concurrency;
  if (request.max_attempts !== undefined) settings.max_attempts = request.max_attempts;
  if (request.retry_policy) settings.retry_policy = request.retry_policy;
  if (request.timeout_per_call_seconds !== undefined)
    settings.timeout_per_call_seconds = request.timeout_per_call_seconds;
  if (request.scheduled_start_time)
    settings.scheduled_start_time = toUtcIso(request.scheduled_start_time, zone, 'scheduled_start_time');
  if (request.end_time) settings.end_time = toUtcIso(request.end_time, zone, 'end_time');
  if (request.call_timing) settings.call_timing = request.call_timing;
  if (request.callback_url) settings.callback_url = request.callback_url;
  if (request.default_region) settings.default_region = request.default_region.toUpperCase();
  if (request.invalid_phone_handling) settings.invalid_phone_handling = request.invalid_phone_handling;
  if (request.priority !== undefined) settings.priority = request.priority;
  if (request.bypass_call_guardrails !== undefined) settings.bypass_call_guardrails = request.bypass_call_guardrails;
  if (request.campaign_id) settings.campaign_id = request.campaign_id;
  if (request.description) settings.description = request.description;
  if (request.metadata) settings.metadata = request.metadata;
  return toValidatedInstance(BatchSettings, JSON.parse(JSON.stringify(settings)), 'batch settings');
}

/** An ISO 8601 time without an offset is read in the batch's time zone. */
export function toUtcIso(value: string, zone: string, field: string): string {
  const parsed = DateTime.fromISO(value, { zone, setZone: false });
  if (!parsed.isValid)
    throw new ServiceError('validation_failed', `${field} is not an ISO 8601 time`, [
      { field, problems: ['must be ISO 8601'] },
    ]);
  return parsed.toUTC().toISO()!;
}

/** A batch without a name is named after its file (extension dropped), else "Untitled batch". */
export function defaultBatchName(filename: string): string {
  return filename.replace(/\.[^.]+$/, '') || 'Untitled batch';
}
