import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BatchSettings, CreateBatchCommand, CreateBatchResult, ProviderName, Subjects, toValidatedInstance, UploadReference, ValidateBatchResult } from '@outdial/contracts';
import { Database, NatsBus, RpcClient, SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';
import { DateTime } from 'luxon';
import { AuthContext } from '../../handlers/auth/auth-context';
import { GatewayEnv } from '../../gateway-env';
import { ReadModelBarrier } from '../../adapters/read-model-barrier';
import { CreateBatchRequest } from '../../handlers/dto/create-batch-request.dto';

/**
 * Checks what only the gateway knows (agent, caller number, settings), fills in the defaults of
 * SPEC §3, and asks ingest to build the batch from the stored upload.
 */
@Injectable()
export class CreateBatchUseCase {
  constructor(
    private readonly db: Database,
    private readonly rpc: RpcClient,
    private readonly bus: NatsBus,
    private readonly readModel: ReadModelBarrier,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  /** `initialStatus: 'pending'`: created but not started until scheduled (the Bolna-style compatibility create). */
  async execute(auth: AuthContext, raw: Record<string, unknown>, upload: UploadReference, options: { initialStatus?: 'pending' } = {}): Promise<CreateBatchResult> {
    const command = await this.prepare(auth, raw, upload, options);
    const result = await this.rpc.request<CreateBatchResult>(Subjects.ingestCreateBatch, command, this.config.GATEWAY_CREATE_TIMEOUT_MS);
    // Read-your-writes: the 201 goes out once reporting has the batch (its status and totals; the
    // contacts list counts contacts still on their way as pending). Waiting for every contact would
    // hold a 1M-row create for reporting's whole absorption (~2 min here) after ingest is done.
    await this.readModel.wait(auth.org_id, result.batch_id, { exists: true });
    return result;
  }

  /** Validate-only (dry run): the same checks and report as a create; nothing is stored. */
  async validate(auth: AuthContext, raw: Record<string, unknown>, upload: UploadReference): Promise<ValidateBatchResult> {
    const command = await this.prepare(auth, raw, upload);
    return this.rpc.request<ValidateBatchResult>(Subjects.ingestValidateBatch, command, this.config.GATEWAY_CREATE_TIMEOUT_MS);
  }

  /** The command for ingest; a request refused here deletes its upload (ingest never sees it). */
  private async prepare(auth: AuthContext, raw: Record<string, unknown>, upload: UploadReference, options: { initialStatus?: 'pending' } = {}): Promise<CreateBatchCommand> {
    try {
      const request = toValidatedInstance(CreateBatchRequest, raw, 'create batch request');
      const agent = await this.agent(auth.org_id, request.agent_id);
      const fromNumber = await this.fromNumber(auth.org_id, request.from_number);
      const settings = this.settings(request);
      return {
        org_id: auth.org_id,
        batch_id: `batch_${randomUUID().replace(/-/g, '')}`,
        upload: { object_name: upload.object_name, filename: upload.filename, content_type: upload.content_type, size: upload.size },
        name: request.name ?? defaultName(upload.filename),
        agent_id: request.agent_id,
        provider: agent.provider,
        from_number: fromNumber,
        initial_status: options.initialStatus ?? (settings.scheduled_start_time ? 'scheduled' : 'running'),
        settings,
        ...(request.column_mapping ? { column_mapping: request.column_mapping } : {}),
      };
    } catch (error) {
      await this.discard(upload);
      throw error;
    }
  }

  async discard(upload: UploadReference): Promise<void> {
    const store = await this.bus.uploads();
    await store.delete(upload.object_name).catch(() => undefined);
  }

  private async agent(orgId: string, agentId: string): Promise<{ kind: string; provider: ProviderName }> {
    const rows = await this.db.query<{ kind: string; provider: ProviderName }>(`SELECT kind, provider FROM gateway.agents WHERE org_id = $1 AND agent_id = $2`, [orgId, agentId]);
    if (rows.length === 0) throw new ServiceError('not_found', `agent ${agentId} not found`, { field: 'agent_id' });
    if (rows[0].kind !== 'voice') throw new ServiceError('agent_not_voice', `agent ${agentId} is a ${rows[0].kind} agent; only voice agents can place calls`, { field: 'agent_id' });
    return rows[0];
  }

  private async fromNumber(orgId: string, requested?: string): Promise<string> {
    if (requested) {
      const rows = await this.db.query(`SELECT 1 FROM gateway.phone_numbers WHERE org_id = $1 AND e164 = $2 AND outbound_enabled`, [orgId, requested.trim()]);
      if (rows.length === 0) throw new ServiceError('from_number_not_allowed', `${requested} is not an outbound-enabled number of this organization`, { field: 'from_number' });
      return requested.trim();
    }
    const rows = await this.db.query<{ e164: string }>(`SELECT e164 FROM gateway.phone_numbers WHERE org_id = $1 AND outbound_enabled ORDER BY created_at, e164 LIMIT 1`, [orgId]);
    if (rows.length === 0) throw new ServiceError('from_number_not_allowed', 'the organization has no outbound-enabled number; register one first', { field: 'from_number' });
    return rows[0].e164;
  }

  private settings(request: CreateBatchRequest): BatchSettings {
    const zone = request.timezone ?? 'UTC';
    if (!DateTime.now().setZone(zone).isValid) {
      throw new ServiceError('validation_failed', `timezone "${zone}" is not an IANA time zone`, [{ field: 'timezone', problems: ['must be an IANA time zone'] }]);
    }
    const settings = new BatchSettings();
    settings.timezone = zone;
    if (request.concurrency !== undefined) settings.concurrency = request.concurrency;
    if (request.max_attempts !== undefined) settings.max_attempts = request.max_attempts;
    if (request.retry_policy) settings.retry_policy = request.retry_policy;
    if (request.timeout_per_call_seconds !== undefined) settings.timeout_per_call_seconds = request.timeout_per_call_seconds;
    if (request.scheduled_start_time) settings.scheduled_start_time = toUtcIso(request.scheduled_start_time, zone, 'scheduled_start_time');
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
}

/** An ISO 8601 time without an offset is read in the batch's time zone. */
function toUtcIso(value: string, zone: string, field: string): string {
  const parsed = DateTime.fromISO(value, { zone, setZone: false });
  if (!parsed.isValid) throw new ServiceError('validation_failed', `${field} is not an ISO 8601 time`, [{ field, problems: ['must be ISO 8601'] }]);
  return parsed.toUTC().toISO()!;
}

function defaultName(filename: string): string {
  return filename.replace(/\.[^.]+$/, '') || 'Untitled batch';
}
