import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrgQuery, ReportingSystemCounts, Subjects } from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';

import { GetSystemCountsUseCase } from '../usecases/get-system-counts/get-system-counts.usecase';

/** Reporting's part of `GET /api/system/status` over request/reply. Handlers only translate. */
@Controller()
export class SystemHandler {
  constructor(private readonly systemCountsUseCase: GetSystemCountsUseCase) {}

  @RpcHandler(Subjects.reportingSystemCounts)
  systemCounts(@Payload() query: OrgQuery): Promise<ReportingSystemCounts> {
    return this.systemCountsUseCase.execute(query);
  }
}
