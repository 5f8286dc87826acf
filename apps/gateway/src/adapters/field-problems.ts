import { FieldError } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';

/** Field problems found by the domain's rules as the API's 400: `validation_failed`, `details` = the problems. */
export function throwIfProblems(problems: FieldError[]): void {
  if (problems.length > 0) {
    throw new ServiceError(
      'validation_failed',
      `invalid request: ${problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; ')}`,
      problems,
    );
  }
}
