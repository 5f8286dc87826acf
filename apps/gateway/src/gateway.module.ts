import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Logger, Outbox, SecretBox, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { AgentBatches } from './adapters/agent-batches';
import { AgentSecretsVault } from './adapters/agent-secrets-vault';
import { BatchStatusReads } from './adapters/batch-status-reads';
import { QueueStats } from './adapters/queue-stats';
import { ReadModelBarrier } from './adapters/read-model-barrier';
import { TokenCache } from './adapters/token-cache';
import { BroadcastTokenRevocations, TokenRevocations } from './adapters/token-revocations';
import { UploadIntake } from './adapters/uploads/upload-intake';
import { UploadObjects } from './adapters/uploads/upload-objects';
import { GatewayEnv } from './gateway-env';
import { AuthGuard } from './handlers/auth/auth.guard';
import { BatchCallsController } from './handlers/batch-calls.controller';
import { BatchLifecycleModule } from './handlers/batch-lifecycle.module';
import { BatchRedialController } from './handlers/batch-redial.controller';
import { BatchReportsModule } from './handlers/batch-reports.module';
import { BatchSettingsController } from './handlers/batch-settings.controller';
import { BolnaCompatController, TrilletCompatController } from './handlers/compat.controller';
import { DirectoryModule } from './handlers/directory.module';
import { ErrorBodyFilter } from './handlers/http/error-body.filter';
import { RateLimitInterceptor } from './handlers/http/rate-limit.interceptor';
import { ProviderEventsModule } from './handlers/provider-events.module';
import { SuppressionModule } from './handlers/suppression.module';
import { DirectoryAgentsRepository } from './persistence/directory-agents.repository';
import { DIRECTORY_OUTBOX, DirectoryUnitOfWork } from './persistence/directory-unit-of-work';
import { IdempotencyKeysRepository } from './persistence/idempotency-keys.repository';
import { OrgsRepository } from './persistence/orgs.repository';
import { PhoneNumbersRepository } from './persistence/phone-numbers.repository';
import { RateLimitBucketsRepository } from './persistence/rate-limit-buckets.repository';
import { TokensRepository } from './persistence/tokens.repository';
import { AddPhoneNumberUseCase } from './usecases/add-phone-number/add-phone-number.usecase';
import { AuthenticateTokenUseCase } from './usecases/authenticate-token/authenticate-token.usecase';
import { CreateAgentUseCase } from './usecases/create-agent/create-agent.usecase';
import { CreateBatchCallUseCase } from './usecases/create-batch-call/create-batch-call.usecase';
import { IngestBatchCommandBuilder } from './usecases/create-batch-call/ingest-batch-command.builder';
import { CreateOrgUseCase } from './usecases/create-org/create-org.usecase';
import { CreateTokenUseCase } from './usecases/create-token/create-token.usecase';
import { DeleteAgentUseCase } from './usecases/delete-agent/delete-agent.usecase';
import { GetAgentBatchUseCase } from './usecases/get-agent-batch/get-agent-batch.usecase';
import { GetCsvTemplateUseCase } from './usecases/get-csv-template/get-csv-template.usecase';
import { GetSystemStatusUseCase } from './usecases/get-system-status/get-system-status.usecase';
import { ListAgentBatchExecutionsUseCase } from './usecases/list-agent-batch-executions/list-agent-batch-executions.usecase';
import { ReceiveProviderCallbackUseCase } from './usecases/receive-provider-callback/receive-provider-callback.usecase';
import { RedialBatchUseCase } from './usecases/redial-batch/redial-batch.usecase';
import { RemovePhoneNumberUseCase } from './usecases/remove-phone-number/remove-phone-number.usecase';
import { RepublishDirectoryUseCase } from './usecases/republish-directory/republish-directory.usecase';
import { RequestBatchActionUseCase } from './usecases/request-batch-action/request-batch-action.usecase';
import { RevokeTokenUseCase } from './usecases/revoke-token/revoke-token.usecase';
import { ScheduleAgentBatchUseCase } from './usecases/schedule-agent-batch/schedule-agent-batch.usecase';
import { StopAgentBatchUseCase } from './usecases/stop-agent-batch/stop-agent-batch.usecase';
import { TakeRateLimitTokenUseCase } from './usecases/take-rate-limit-token/take-rate-limit-token.usecase';
import { UpdateAgentUseCase } from './usecases/update-agent/update-agent.usecase';
import { UpdateOrgUseCase } from './usecases/update-org/update-org.usecase';
import { UpdatePhoneNumberUseCase } from './usecases/update-phone-number/update-phone-number.usecase';
import { ValidateBatchCallUseCase } from './usecases/validate-batch-call/validate-batch-call.usecase';

const REPOSITORIES = [
  OrgsRepository,
  DirectoryAgentsRepository,
  PhoneNumbersRepository,
  TokensRepository,
  IdempotencyKeysRepository,
  RateLimitBucketsRepository,
  DirectoryUnitOfWork,
];

const ADAPTERS = [
  ReadModelBarrier,
  BatchStatusReads,
  UploadObjects,
  UploadIntake,
  AgentSecretsVault,
  AgentBatches,
  QueueStats,
];

const USE_CASES = [
  AuthenticateTokenUseCase,
  CreateOrgUseCase,
  UpdateOrgUseCase,
  CreateAgentUseCase,
  UpdateAgentUseCase,
  DeleteAgentUseCase,
  AddPhoneNumberUseCase,
  UpdatePhoneNumberUseCase,
  RemovePhoneNumberUseCase,
  CreateTokenUseCase,
  RevokeTokenUseCase,
  RepublishDirectoryUseCase,
  IngestBatchCommandBuilder,
  CreateBatchCallUseCase,
  ValidateBatchCallUseCase,
  GetCsvTemplateUseCase,
  RedialBatchUseCase,
  RequestBatchActionUseCase,
  GetAgentBatchUseCase,
  ScheduleAgentBatchUseCase,
  StopAgentBatchUseCase,
  ListAgentBatchExecutionsUseCase,
  GetSystemStatusUseCase,
  ReceiveProviderCallbackUseCase,
  TakeRateLimitTokenUseCase,
];

/** Repositories, adapters and use cases, for every handler module of the gateway. */
@Global()
@Module({
  providers: [
    ...REPOSITORIES,
    ...ADAPTERS,
    ...USE_CASES,
    // The directory's events go through the runtime's transactional outbox.
    { provide: DIRECTORY_OUTBOX, useExisting: Outbox },
    {
      provide: SecretBox,
      useFactory: (env: GatewayEnv, logger: Logger) => SecretBox.forService(env.OUTDIAL_SECRETS_KEY, logger),
      inject: [SERVICE_CONFIG, SERVICE_LOGGER],
    },
    // One per process: the auth guard and the WebSocket server read it, token revocation clears from it.
    {
      provide: TokenCache,
      useFactory: (env: GatewayEnv) => new TokenCache(env.GATEWAY_AUTH_CACHE_MS),
      inject: [SERVICE_CONFIG],
    },
    // Revocations reach every gateway replica's cache at once (a core NATS broadcast).
    { provide: TokenRevocations, useClass: BroadcastTokenRevocations },
  ],
  exports: [...REPOSITORIES, ...ADAPTERS, ...USE_CASES, SecretBox, TokenCache, TokenRevocations],
})
export class GatewayCoreModule {}

/**
 * The gateway: the handler modules (their order is the OpenAPI document's path order), the
 * global auth guard, error body filter and rate limit.
 */
@Module({
  imports: [
    GatewayCoreModule,
    BatchLifecycleModule,
    DirectoryModule,
    SuppressionModule,
    BatchReportsModule,
    ProviderEventsModule,
  ],
  controllers: [
    BatchCallsController,
    BatchRedialController,
    BatchSettingsController,
    BolnaCompatController,
    TrilletCompatController,
  ],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ErrorBodyFilter },
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
})
export class GatewayModule {}
