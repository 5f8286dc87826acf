import { IsInt, IsString, Max, Min } from 'class-validator';
import { BaseServiceEnv, EnvInt } from '@outdial/service-runtime';

export class GatewayEnv extends BaseServiceEnv {
  /** SPEC §11: the gateway listens on 8010 (GATEWAY_PORT). */
  @EnvInt() @IsInt() @Min(0) @Max(65535)
  override HTTP_PORT: number = 8010;

  @IsString()
  override HTTP_HOST: string = '0.0.0.0';

  /** Largest upload accepted (SPEC §2: 100 MB), enforced while streaming. */
  @EnvInt() @IsInt() @Min(1)
  GATEWAY_MAX_UPLOAD_BYTES: number = 100 * 1024 * 1024;

  /** Largest JSON request body. */
  @EnvInt() @IsInt() @Min(1024)
  GATEWAY_MAX_JSON_BYTES: number = 20 * 1024 * 1024;

  /** How long a create may take (a 1M-row file is ingested within it). */
  @EnvInt() @IsInt() @Min(1000)
  GATEWAY_CREATE_TIMEOUT_MS: number = 300_000;
}
