import { Module } from '@nestjs/common';
import { DialerMetrics } from './dialer-metrics';
import { DialerEventsHandler } from './handlers/dialer-events.handler';
import { AttemptsRepository } from './persistence/attempts.repository';
import { CallProviderRegistry } from './providers/call-provider.registry';
import { SimCallsRepository } from './providers/simulated/sim-calls.repository';
import { SimulatedCallProvider } from './providers/simulated/simulated-call-provider';
import { SimulatedCarrier } from './providers/simulated/simulated-carrier';
import { SimulatedCarrierSweeper } from './providers/simulated/simulated-carrier-sweeper';
import { ApplyProviderEventUseCase } from './usecases/apply-provider-event/apply-provider-event.usecase';
import { PlaceCallUseCase } from './usecases/place-call/place-call.usecase';
import { ExpiredAttemptsReaper } from './usecases/reap-expired-attempts/expired-attempts-reaper';
import { ReapExpiredAttemptsUseCase } from './usecases/reap-expired-attempts/reap-expired-attempts.usecase';

/** The dialer: call attempts, providers, the reaper. Runtime pieces come from the global RuntimeModule. */
@Module({
  controllers: [DialerEventsHandler],
  providers: [
    AttemptsRepository,
    DialerMetrics,
    PlaceCallUseCase,
    ApplyProviderEventUseCase,
    ReapExpiredAttemptsUseCase,
    ExpiredAttemptsReaper,
    CallProviderRegistry,
    SimulatedCallProvider,
    SimulatedCarrier,
    SimulatedCarrierSweeper,
    SimCallsRepository,
  ],
})
export class DialerModule {}
