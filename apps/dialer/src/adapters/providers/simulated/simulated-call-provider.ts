import { Inject, Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';
import { SERVICE_CONFIG } from '@outdial/service-runtime';

import { DialerEnv, simTimings } from '../../../dialer-env';
import { planSimCall, SimTimings } from '../../../domain/sim-call-plan';
import { chooseOutcome, parseOutcomeWeights, WeightedOutcome } from '../../../domain/sim-outcome-distribution';
import { parseSimScript, scriptedOutcome, SimScript, SimScriptError } from '../../../domain/sim-script';
import { CallProvider, CallProviderError, PlaceCallRequest } from '../call-provider';
import { SimulatedCarrier } from './simulated-carrier';

/**
 * The `simulated` provider: decides the call's outcome (the contact's script, else the seeded
 * distribution) and hands it to the simulated carrier, whose callbacks come back as provider events.
 */
@Injectable()
export class SimulatedCallProvider implements CallProvider {
  readonly name: ProviderName = 'simulated';
  private readonly weights: WeightedOutcome[];
  private readonly timings: SimTimings;
  private readonly seed: string;

  constructor(
    @Inject(SERVICE_CONFIG) env: DialerEnv,
    private readonly carrier: SimulatedCarrier,
  ) {
    this.weights = parseOutcomeWeights(env.SIM_OUTCOME_WEIGHTS);
    this.timings = simTimings(env);
    this.seed = env.SIM_SEED;
  }

  async placeCall(request: PlaceCallRequest): Promise<{ provider_call_id: string }> {
    const script = this.script(request);
    const outcome =
      scriptedOutcome(script, request.attempt) ??
      chooseOutcome(this.weights, this.seed, request.contact_id, request.attempt);
    const plan = planSimCall(outcome, this.timings, script.durationSeconds);
    return { provider_call_id: await this.carrier.place(request.attempt_id, request.to, plan) };
  }

  private script(request: PlaceCallRequest): SimScript {
    try {
      return parseSimScript(request.variables);
    } catch (error) {
      // A broken script is the caller's mistake: the attempt fails with the message, nothing is dialed.
      if (error instanceof SimScriptError) {
        const failure = new CallProviderError(error.message, 'failed');
        // PlaceCallUseCase logs the caller's mistake as one debug line, counted (issue 15).
        failure.cause = error;
        throw failure;
      }
      throw error;
    }
  }
}
