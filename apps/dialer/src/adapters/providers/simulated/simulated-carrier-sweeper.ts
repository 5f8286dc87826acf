import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Logger, SERVICE_LOGGER } from '@outdial/service-runtime';
import { PeriodicTask } from '../../../handlers/periodic-task';
import { SimulatedCarrier } from './simulated-carrier';

const SWEEP_INTERVAL_MS = 500;

/** Every replica sweeps; SKIP LOCKED shares the overdue calls between them. */
@Injectable()
export class SimulatedCarrierSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(carrier: SimulatedCarrier, @Inject(SERVICE_LOGGER) logger: Logger) {
    this.task = new PeriodicTask('simulated-carrier-sweep', SWEEP_INTERVAL_MS, () => carrier.sweepOverdue(), logger.child({ component: 'simulated-carrier' }));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
