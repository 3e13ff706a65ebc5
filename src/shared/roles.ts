/** The chat roles, lowest first: each may do what the ones before it may. */
export const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
