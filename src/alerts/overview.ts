import type { Db } from '../db/open.js';
import { preparedPerHandle } from '../db/prepared.js';
import { FiringQuery, type FiringView, type FiringViewOptions } from './firing-view.js';

const queryFor = preparedPerHandle((db) => new FiringQuery(db as Db));

/** What /status and the status API show: the firing view, its statements prepared once per store. */
export function overview(db: Db, options: FiringViewOptions): FiringView {
  return queryFor(db).load(options);
}
