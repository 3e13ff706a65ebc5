import { ROLES, type AccessConfig, type Role } from '../config/access-schema.js';
import type { Invoker } from '../shared/chat.js';

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function hasRole(actual: Role | null, needed: Role): boolean {
  return actual !== null && roleRank(actual) >= roleRank(needed);
}

/**
 * The highest role any of the invoker's identities grants: their user id, their Discord roles,
 * the Telegram chat they are in; anyone in a destination opsbot posts to may view.
 */
export function resolveRole(access: AccessConfig, invoker: Invoker, isKnownDestination: boolean): Role | null {
  const granted: Role[] = [];
  if (isKnownDestination) granted.push('viewer');
  if (invoker.platform === 'discord') {
    const byUser = access.discord.users[invoker.userId];
    if (byUser) granted.push(byUser);
    for (const roleId of invoker.roleIds) {
      const byRole = access.discord.roles[roleId];
      if (byRole) granted.push(byRole);
    }
  } else {
    const byUser = access.telegram.users[invoker.userId];
    if (byUser) granted.push(byUser);
    const byChat = access.telegram.chats[invoker.chatId];
    if (byChat) granted.push(byChat);
  }
  if (granted.length === 0) return null;
  return granted.reduce((best, role) => (roleRank(role) > roleRank(best) ? role : best));
}
