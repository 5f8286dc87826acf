import { Module } from '@nestjs/common';
import { DialerMetrics } from './dialer-metrics';
import { DialerEventsHandler } from './handlers/dialer-events.handler';
import { AgentsRepository } from './persistence/agents.repository';
import { AttemptsRepository } from './persistence/attempts.repository';
import { BatchStatesRepository } from './persistence/batch-states.repository';
import { OrgBudgetsRepository } from './persistence/org-budgets.repository';
import { CallProviderRegistry } from './providers/call-provider.registry';
import { HttpCallProvider } from './providers/http/http-call-provider';
import { TwilioCallProvider } from './providers/twilio/twilio-call-provider';
import { VOICE_AGENT_PLATFORM_PROVIDERS } from './providers/voice-agent-platform-providers';
import { Logger, SecretBox, SERVICE_CONFIG, SERVICE_LOGGER } from '@outdial/service-runtime';
import { DialerEnv } from './dialer-env';
import { SimCallsRepository } from './providers/simulated/sim-calls.repository';
import { SimulatedCallProvider } from './providers/simulated/simulated-call-provider';
import { SimulatedCarrier } from './providers/simulated/simulated-carrier';
import { SimulatedCarrierSweeper } from './providers/simulated/simulated-carrier-sweeper';
import { ApplyProviderEventUseCase } from './usecases/apply-provider-event/apply-provider-event.usecase';
import { DeleteBatchAttemptsUseCase } from './usecases/delete-batch-attempts/delete-batch-attempts.usecase';
import { AdmitAttempt } from './usecases/place-call/admit-attempt';
import { PlaceCallUseCase } from './usecases/place-call/place-call.usecase';
import { TrackOrgStateUseCase } from './usecases/track-org-state/track-org-state.usecase';
import { ExpiredAttemptsReaper } from './usecases/reap-expired-attempts/expired-attempts-reaper';
import { ReapExpiredAttemptsUseCase } from './usecases/reap-expired-attempts/reap-expired-attempts.usecase';
import { HeldReportsSettler } from './usecases/settle-held-reports/held-reports-settler';
import { SettleHeldReportsUseCase } from './usecases/settle-held-reports/settle-held-reports.usecase';

/** The dialer: call attempts, providers, the reaper. Runtime pieces come from the global RuntimeModule. */
@Module({
  controllers: [DialerEventsHandler],
  providers: [
    AttemptsRepository,
    OrgBudgetsRepository,
    BatchStatesRepository,
    AgentsRepository,
    DialerMetrics,
    AdmitAttempt,
    PlaceCallUseCase,
    TrackOrgStateUseCase,
    DeleteBatchAttemptsUseCase,
    ApplyProviderEventUseCase,
    ReapExpiredAttemptsUseCase,
    ExpiredAttemptsReaper,
    SettleHeldReportsUseCase,
    HeldReportsSettler,
    CallProviderRegistry,
    SimulatedCallProvider,
    HttpCallProvider,
    TwilioCallProvider,
    ...VOICE_AGENT_PLATFORM_PROVIDERS,
    {
      provide: SecretBox,
      useFactory: (env: DialerEnv, logger: Logger) => SecretBox.forService(env.OUTDIAL_SECRETS_KEY, logger),
      inject: [SERVICE_CONFIG, SERVICE_LOGGER],
    },
    SimulatedCarrier,
    SimulatedCarrierSweeper,
    SimCallsRepository,
  ],
})
export class DialerModule {}
