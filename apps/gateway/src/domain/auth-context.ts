import { MemberRole } from '@outdial/contracts';

/** Who a request acts for: the org and role its API token decides (SPEC §9 tenancy and roles). */
export interface AuthContext {
  org_id: string;
  role: MemberRole;
  token_id: string;
}
