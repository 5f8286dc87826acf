import { Module } from '@nestjs/common';
import { Logger, SecretBox, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';

import { CallProviderRegistry } from './adapters/providers/call-provider.registry';
import { HttpCallProvider } from './adapters/providers/http/http-call-provider';
import { SimCallsRepository } from './adapters/providers/simulated/sim-calls.repository';
import { SimulatedCallProvider } from './adapters/providers/simulated/simulated-call-provider';
import { SimulatedCarrier } from './adapters/providers/simulated/simulated-carrier';
import { SimulatedCarrierSweeper } from './adapters/providers/simulated/simulated-carrier-sweeper';
import { TwilioCallProvider } from './adapters/providers/twilio/twilio-call-provider';
import { VOICE_AGENT_PLATFORM_PROVIDERS } from './adapters/providers/voice-agent-platform-providers';
import { DialerEnv } from './dialer-env';
import { DialerMetrics } from './dialer-metrics';
import { DialerEventsHandler } from './handlers/dialer-events.handler';
import { ExpiredAttemptsReaper } from './handlers/expired-attempts-reaper.task';
import { HeldReportsSettler } from './handlers/held-reports-settler.task';
import { AgentsRepository } from './persistence/agents.repository';
import { AttemptsRepository } from './persistence/attempts.repository';
import { BatchStatesRepository } from './persistence/batch-states.repository';
import { OrgBudgetsRepository } from './persistence/org-budgets.repository';
import { AdmitAttemptUseCase } from './usecases/admit-attempt/admit-attempt.usecase';
import { ApplyProviderEventUseCase } from './usecases/apply-provider-event/apply-provider-event.usecase';
import { ApplyProviderEventGroupUseCase } from './usecases/apply-provider-event-group/apply-provider-event-group.usecase';
import { DeleteBatchAttemptsUseCase } from './usecases/delete-batch-attempts/delete-batch-attempts.usecase';
import { PlaceCallUseCase } from './usecases/place-call/place-call.usecase';
import { ReapExpiredAttemptsUseCase } from './usecases/reap-expired-attempts/reap-expired-attempts.usecase';
import { SettleHeldReportsUseCase } from './usecases/settle-held-reports/settle-held-reports.usecase';
import { TrackAgentUseCase } from './usecases/track-agent/track-agent.usecase';
import { TrackBatchStatusUseCase } from './usecases/track-batch-status/track-batch-status.usecase';
import { TrackOrgSettingsUseCase } from './usecases/track-org-settings/track-org-settings.usecase';

/** The dialer: call attempts, providers, the reaper. Runtime pieces come from the global RuntimeModule. */
@Module({
  controllers: [DialerEventsHandler],
  providers: [
    // persistence
    AttemptsRepository,
    OrgBudgetsRepository,
    BatchStatesRepository,
    AgentsRepository,
    // use cases
    AdmitAttemptUseCase,
    PlaceCallUseCase,
    ApplyProviderEventUseCase,
    ApplyProviderEventGroupUseCase,
    TrackOrgSettingsUseCase,
    TrackAgentUseCase,
    TrackBatchStatusUseCase,
    DeleteBatchAttemptsUseCase,
    ReapExpiredAttemptsUseCase,
    SettleHeldReportsUseCase,
    // handlers (background loops)
    ExpiredAttemptsReaper,
    HeldReportsSettler,
    // adapters
    CallProviderRegistry,
    SimulatedCallProvider,
    HttpCallProvider,
    TwilioCallProvider,
    ...VOICE_AGENT_PLATFORM_PROVIDERS,
    SimulatedCarrier,
    SimulatedCarrierSweeper,
    SimCallsRepository,
    DialerMetrics,
    {
      provide: SecretBox,
      useFactory: (env: DialerEnv, logger: Logger) => SecretBox.forService(env.OUTDIAL_SECRETS_KEY, logger),
      inject: [SERVICE_CONFIG, SERVICE_LOGGER],
    },
  ],
})
export class DialerModule {}
