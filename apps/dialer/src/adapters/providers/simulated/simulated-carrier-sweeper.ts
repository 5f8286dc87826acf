import { Injectable } from '@nestjs/common';
import { BackgroundTasks } from '@outdial/service-runtime';

import { SimulatedCarrier } from './simulated-carrier';

const SWEEP_INTERVAL_MS = 500;

/**
 * The simulated carrier's own loop (a runtime background task): ends the calls whose timers died
 * with the replica that placed them. Every replica sweeps; SKIP LOCKED shares the overdue calls between them.
 */
@Injectable()
export class SimulatedCarrierSweeper {
  constructor(tasks: BackgroundTasks, carrier: SimulatedCarrier) {
    tasks.every('simulated-carrier-sweep', SWEEP_INTERVAL_MS, () => carrier.sweepOverdue());
  }
}
