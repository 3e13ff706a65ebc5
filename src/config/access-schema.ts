import { z } from 'zod';
import { durationWithDefault } from './duration-schema.js';
import { perPlatformSection } from '../platforms/settings.js';


/**
 * Who may do what from chat. Each platform's section maps its ids (users, and its roles or chats)
 * to roles; a user's role is the highest any of them grants. Anyone in a configured destination is a viewer.
 */
export const accessSchema = z
  .strictObject({
    ...perPlatformSection('access'),
    /** A user's refusals within this window share one audit row and one answer. */
    refusalWindow: durationWithDefault('60s'),
  })
  .prefault({});

export type AccessConfig = z.infer<typeof accessSchema>;
