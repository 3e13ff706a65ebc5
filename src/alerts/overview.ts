import type { Db } from '../db/open.js';
import { FiringQuery, type FiringView, type FiringViewOptions } from './firing-view.js';

const queries = new WeakMap<Db, FiringQuery>();

/** What /status and the status API show: the firing view, its statements prepared once per store. */
export function overview(db: Db, options: FiringViewOptions): FiringView {
  let query = queries.get(db);
  if (!query) {
    query = new FiringQuery(db);
    queries.set(db, query);
  }
  return query.load(options);
}
