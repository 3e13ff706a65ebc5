import { describe } from 'vitest';
import { outageRecoveryTest } from './helpers/outage-recovery.js';

describe('a platform that answers again after an outage', () => {
  outageRecoveryTest('discord');
});
