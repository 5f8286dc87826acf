import { BaseServiceEnv, EnvInt, EnvNumber, IsSecretsKey } from '@outdial/service-runtime';
import {
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Max,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

import { SimTimings } from './domain/sim-call-plan';
import { parseOutcomeWeights } from './domain/sim-outcome-distribution';

/** SIM_OUTCOME_WEIGHTS is checked at start-up with the same parser the simulator uses. */
@ValidatorConstraint({ name: 'outcomeWeights' })
class OutcomeWeightsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return this.problem(value) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property}: ${this.problem(args.value) ?? 'invalid'}`;
  }

  private problem(value: unknown): string | undefined {
    if (typeof value !== 'string') return 'must be a string like "completed:0.6,busy:0.4"';
    try {
      parseOutcomeWeights(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

export class DialerEnv extends BaseServiceEnv {
  /** The dialer's own port, so that the five services can run side by side on one machine. */
  override HTTP_PORT: number = 8013;

  /** Multiplies every simulated ring and talk time (0.01: a 30 s call lasts 0.3 s). */
  @EnvNumber()
  @IsNumber()
  @IsPositive()
  @Max(1000)
  SIM_TIME_SCALE: number = 1;

  /** Seeds the simulated outcome distribution: same seed, same outcomes, on every replica. */
  @IsString()
  @IsNotEmpty()
  SIM_SEED: string = 'outdial';

  @IsString()
  @Validate(OutcomeWeightsConstraint)
  SIM_OUTCOME_WEIGHTS: string = 'completed:0.6,no_answer:0.15,busy:0.1,voicemail:0.1,failed:0.05';

  /** Seconds a simulated phone rings before it is answered (before scaling). */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(3600)
  SIM_RING_SECONDS: number = 3;

  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(3600)
  SIM_NO_ANSWER_RING_SECONDS: number = 25;

  /** Talk time of a simulated call without `sim_duration_seconds` (before scaling). */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(86_400)
  SIM_TALK_SECONDS: number = 30;

  /** How often expired call leases are looked for. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(600_000)
  DIALER_REAPER_INTERVAL_MS: number = 1000;

  /** Added to a call's timeout before its lease expires, so a result arriving just in time still counts. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(86_400)
  DIALER_LEASE_GRACE_SECONDS: number = 30;

  /**
   * How long an answered call's `completed` waits for its asynchronous answering-machine verdict
   * before it is reported as it is (Twilio posts the verdict to its own callback, in no order with
   * the status callbacks; it comes within seconds of the end). Never held past the attempt's lease
   * either (see reportHeldUntil), so the scheduler hears of every attempt before its own timeout.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(60)
  DIALER_AMD_VERDICT_WAIT_SECONDS: number = 20;

  /** Redelivery delay of a dial request refused for lack of a slot (jittered +-50%); a rate refusal waits exactly for its token. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(60_000)
  DIALER_ADMISSION_RETRY_MS: number = 250;

  /** Deliveries a dial request waits for its agent's config to be announced before the attempt ends agent_error. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  DIALER_AGENT_WAIT_DELIVERIES: number = 10;

  /** Where providers send their status callbacks: the gateway's public address (no trailing slash). */
  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL: string = 'http://127.0.0.1:8010';

  /** Shared with the gateway: signs Outdial's requests to `http` agents and verifies their callbacks. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HTTP_PROVIDER_SIGNING_SECRET?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  TWILIO_ACCOUNT_SID?: string;

  /** Shared with the gateway, which validates X-Twilio-Signature with it. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  TWILIO_AUTH_TOKEN?: string;

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  TWILIO_API_BASE_URL: string = 'https://api.twilio.com';

  /** Voice-agent platforms' API base URLs (their public APIs by default; point them at a local server to test). */
  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  VAPI_API_BASE_URL: string = 'https://api.vapi.ai';

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  RETELL_API_BASE_URL: string = 'https://api.retellai.com';

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  ELEVENLABS_API_BASE_URL: string = 'https://api.elevenlabs.io';

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  BLAND_API_BASE_URL: string = 'https://api.bland.ai';

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true })
  BOLNA_API_BASE_URL: string = 'https://api.bolna.ai';

  /** `production` makes OUTDIAL_SECRETS_KEY mandatory. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** Opens agents' sealed provider secrets: the same value as the gateway's (32 bytes, base64). */
  @IsSecretsKey()
  OUTDIAL_SECRETS_KEY?: string;

  /** Timeout of one request to a provider's API. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(120_000)
  PROVIDER_REQUEST_TIMEOUT_MS: number = 10_000;
}

export function simTimings(env: DialerEnv): SimTimings {
  return {
    ringSeconds: env.SIM_RING_SECONDS,
    noAnswerRingSeconds: env.SIM_NO_ANSWER_RING_SECONDS,
    talkSeconds: env.SIM_TALK_SECONDS,
    timeScale: env.SIM_TIME_SCALE,
  };
}
