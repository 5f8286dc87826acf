import { Injectable } from '@nestjs/common';
import { ProviderName } from '@outdial/contracts';
import { CallProvider } from './call-provider';
import { SimulatedCallProvider } from './simulated/simulated-call-provider';

/**
 * The providers this dialer can place calls with, by name. Only `simulated` exists so far; an
 * attempt for any other provider ends `failed` ("provider not available") without dialing.
 */
@Injectable()
export class CallProviderRegistry {
  private readonly providers = new Map<ProviderName, CallProvider>();

  constructor(simulated: SimulatedCallProvider) {
    this.providers.set(simulated.name, simulated);
  }

  get(name: ProviderName): CallProvider | undefined {
    return this.providers.get(name);
  }
}
