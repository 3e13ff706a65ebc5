import type { Comparison } from '../config/trigger-schema.js';

export const COMPARISON_SYMBOL: Record<Comparison, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };
