import { Controller, Get } from '@nestjs/common';

import { GetSystemStatusUseCase, SystemStatus } from '../usecases/get-system-status/get-system-status.usecase';
import { Auth, AuthContext } from './auth/auth-context';

/** SPEC §8 system status (any role of the org). */
@Controller('api/system')
export class SystemStatusController {
  constructor(private readonly systemStatus: GetSystemStatusUseCase) {}

  @Get('status')
  status(@Auth() auth: AuthContext): Promise<SystemStatus> {
    return this.systemStatus.execute({ auth });
  }
}
