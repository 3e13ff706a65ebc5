import type { AccessConfig } from '../config/access-schema.js';
import { ROLES, type Role } from '../shared/roles.js';
import { grantedRoles } from '../platforms/settings.js';
import type { Invoker } from '../shared/chat.js';

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function hasRole(actual: Role | null, needed: Role): boolean {
  return actual !== null && roleRank(actual) >= roleRank(needed);
}

/**
 * The highest role any of the invoker's identities grants under `access.<platform>` (their user id,
 * and their platform roles or the chat they are in); anyone in a destination opsbot posts to may view.
 */
export function resolveRole(access: AccessConfig, invoker: Invoker, isKnownDestination: boolean): Role | null {
  const granted: Role[] = [...(isKnownDestination ? (['viewer'] as const) : []), ...grantedRoles(invoker.platform, access, invoker)];
  if (granted.length === 0) return null;
  return granted.reduce((best, role) => (roleRank(role) > roleRank(best) ? role : best));
}
