import { Inject, Injectable } from '@nestjs/common';
import { CreateBatchResult, Subjects } from '@outdial/contracts';
import { RpcClient, SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';

import { ReadModelBarrier } from '../../adapters/read-model-barrier';
import { UploadObjects } from '../../adapters/uploads/upload-objects';
import { requestFingerprint } from '../../domain/request-fingerprint';
import { GatewayEnv } from '../../gateway-env';
import { IdempotencyKeysRepository } from '../../persistence/idempotency-keys.repository';
import { CreateBatchCallCommand, CreateBatchCallOutcome } from './create-batch-call.command';
import { IngestBatchCommandBuilder } from './ingest-batch-command.builder';

/** How long a key is remembered (Stripe-style: a day). */
const KEY_TTL_HOURS = 24;
/** How often a request waits on the same key's request in progress. */
const POLL_MS = 100;
/** The route in every fingerprint: the native create and its compatibility twins share keys. */
const FINGERPRINT_ROUTE = 'POST /api/batch-calls';

/**
 * Creates a batch of calls (SPEC §3, §9): the gateway's checks (IngestBatchCommandBuilder), then
 * ingest builds the batch from the stored upload (`ingest.create_batch` RPC, bounded by
 * GATEWAY_CREATE_TIMEOUT_MS), then read-your-writes: the answer goes out once reporting has the
 * batch (its status and totals; the contacts list counts contacts still on their way as pending).
 * Waiting for every contact would hold a 1M-row create for reporting's whole absorption (~2 min
 * here) after ingest is done.
 *
 * `Idempotency-Key` (SPEC §9): the first request with a key claims it (a row with no response yet,
 * inserted atomically, so two concurrent requests cannot both run); a later request with the same
 * key and the same fingerprint (route, upload bytes, settings) gets the stored response, or waits
 * for the one in progress (up to GATEWAY_CREATE_TIMEOUT_MS, then 409 `conflict`); a different
 * fingerprint is 422 `idempotency_key_reused`. A failed create releases the key so the client can
 * retry. An upload that no create used (replayed, refused) is deleted.
 */
@Injectable()
export class CreateBatchCallUseCase {
  constructor(
    private readonly commands: IngestBatchCommandBuilder,
    private readonly rpc: RpcClient,
    private readonly readModel: ReadModelBarrier,
    private readonly keys: IdempotencyKeysRepository,
    private readonly uploads: UploadObjects,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async execute(command: CreateBatchCallCommand): Promise<CreateBatchCallOutcome> {
    if (!command.idempotencyKey) return { result: await this.create(command), replayed: false };
    const fingerprint = requestFingerprint(FINGERPRINT_ROUTE, command.upload.sha256, command.settings);
    let ran = false;
    const outcome = await this.once(command.auth.org_id, command.idempotencyKey, fingerprint, () => {
      ran = true;
      return this.create(command);
    }).catch(async (error) => {
      if (!ran) await this.uploads.discard(command.upload);
      throw error;
    });
    if (!ran) await this.uploads.discard(command.upload);
    return outcome;
  }

  private async create(command: CreateBatchCallCommand): Promise<CreateBatchResult> {
    const ingestCommand = await this.commands.build(
      command.auth,
      command.settings,
      command.upload,
      command.initialStatus,
    );
    const result = await this.rpc.request(
      Subjects.ingestCreateBatch,
      ingestCommand,
      this.config.GATEWAY_CREATE_TIMEOUT_MS,
    );
    await this.readModel.wait(command.auth.org_id, result.batch_id, { exists: true });
    return result;
  }

  /** Runs `create` once per (org, key); repeats get its stored answer (see the class comment). */
  private async once(
    orgId: string,
    key: string,
    fingerprint: string,
    create: () => Promise<CreateBatchResult>,
  ): Promise<CreateBatchCallOutcome> {
    const deadline = Date.now() + this.config.GATEWAY_CREATE_TIMEOUT_MS;
    for (;;) {
      await this.keys.deleteExpired(orgId, key, KEY_TTL_HOURS);
      if (await this.keys.claim(orgId, key, fingerprint)) {
        let result: CreateBatchResult;
        try {
          result = await create();
        } catch (error) {
          await this.keys.release(orgId, key);
          throw error;
        }
        await this.keys.complete(orgId, key, result);
        return { result, replayed: false };
      }
      const row = await this.keys.find<CreateBatchResult>(orgId, key);
      if (!row) continue; // released between our insert and select: claim again
      if (row.fingerprint !== fingerprint) {
        throw new ServiceError(
          'idempotency_key_reused',
          'this Idempotency-Key was already used with a different request (other file or settings); use a new key',
          {
            idempotency_key: key,
          },
        );
      }
      if (row.response !== null) return { result: row.response, replayed: true };
      if (Date.now() > deadline)
        throw new ServiceError('conflict', 'a request with this Idempotency-Key is still in progress; retry later', {
          idempotency_key: key,
        });
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
