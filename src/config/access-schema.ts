import { z } from 'zod';
import { durationWithDefault } from './duration-schema.js';

export const ROLES = ['viewer', 'responder', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const role = z.enum(ROLES);
const idToRole = z.record(z.string().regex(/^-?\d+$/, 'must be a numeric id'), role).default({});

/**
 * Who may do what from chat. Ids map to roles; a user's role is the highest that any of their
 * ids, Discord roles or (Telegram) chat grants. Anyone in a configured destination is a viewer.
 */
export const accessSchema = z
  .strictObject({
    discord: z.strictObject({ users: idToRole, roles: idToRole }).default({ users: {}, roles: {} }),
    telegram: z.strictObject({ users: idToRole, chats: idToRole }).default({ users: {}, chats: {} }),
    /** A user's refusals within this window share one audit row and one answer. */
    refusalWindow: durationWithDefault('60s'),
  })
  .default({ discord: { users: {}, roles: {} }, telegram: { users: {}, chats: {} }, refusalWindow: 60_000 });

export type AccessConfig = z.infer<typeof accessSchema>;
