/**
 * `npm run lint:deps`: the import rules of ARCHITECTURE.md, checked on src/, commands/ and jobs/.
 * It fails on any import circle, and on any import that runs back up the layers below
 * (a file may import its own layer or a lower one) unless it is one of the exceptions listed.
 */
/** Every file of src/, commands/ and jobs/ belongs to one layer (the rule `unlayered` checks it). */
/** A platform's settings (env, config sections, pacing, role grants) sit at the bottom, so the config is built from them. */
const PLATFORM_SETTINGS = '^src/platforms/(settings|settings-contract|[^/]+/settings)\\.ts$';

const LAYERS = [
  ['base', `^src/(shared|time)/|^src/(linear-regex|validation|project-root|startup-error)\\.ts$|${PLATFORM_SETTINGS}`],
  ['infrastructure', '^src/(config|db|redis)/'],
  /** Instances, their beats and the leader lease: on the store, for the features and the root above. */
  ['cluster', '^src/cluster/'],
  ['platforms', '^src/platforms/(?!(settings|settings-contract|[^/]+/settings)\\.ts$)'],
  ['routing', '^src/routing/'],
  ['delivery', '^src/delivery/'],
  ['escalation', '^src/escalation/'],
  ['alerts', '^src/alerts/'],
  ['heartbeats', '^src/heartbeats/'],
  ['heal', '^src/heal/'],
  ['triggers', '^src/triggers/'],
  /** Code-growth governance: measuring the repositories a team names, for the ops cycle above. */
  ['governance', '^src/governance/'],
  ['reports', '^src/reports/'],
  ['telemetry', '^src/telemetry/'],
  ['operations', '^src/operations/'],
  ['chat', '^src/chat/'],
  ['commands', '^commands/'],
  ['http', '^src/http/'],
  ['dashboard', '^src/dashboard/'],
  /** `opsbot doctor`'s checks of a setup, over everything a start would open. */
  ['doctor', '^src/doctor/'],
  ['jobs', '^jobs/'],
  ['root', '^src/(app|main|launch)\\.ts$|^src/(start|cli)/'],
];

/** Imports allowed to run back up, each as { from, to, why }: none today, at most 4 (ARCHITECTURE.md). */
const ALLOWED_UPWARD = [];
if (ALLOWED_UPWARD.length > 4) throw new Error('.dependency-cruiser.cjs: at most 4 imports may run back up the layers (issue 15)');

const upward = LAYERS.slice(0, -1).map(([name, path], index) => ({
  name: `up-from-${name}`,
  comment: `${name} may import only its own layer or a lower one (see ARCHITECTURE.md)`,
  severity: 'error',
  from: { path, pathNot: ALLOWED_UPWARD.map((a) => `^${a.from}$`) },
  to: { path: LAYERS.slice(index + 1).map(([, higher]) => `(${higher})`).join('|') },
}));

/** An allowed file may still import upward only the one file it is allowed. */
const allowedOnly = ALLOWED_UPWARD.map((allowed) => {
  const index = LAYERS.findIndex(([, path]) => new RegExp(path).test(allowed.from));
  const others = ALLOWED_UPWARD.filter((a) => a.from === allowed.from).map((a) => `^${a.to}$`);
  return {
    name: `up-from-${LAYERS[index][0]}`,
    comment: `${allowed.from} may import upward only what ALLOWED_UPWARD lists`,
    severity: 'error',
    from: { path: `^${allowed.from}$` },
    to: { path: LAYERS.slice(index + 1).map(([, higher]) => `(${higher})`).join('|'), pathNot: others },
  };
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'an import circle', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'unlayered',
      comment: 'a file that no layer in LAYERS names: add its folder to the right layer',
      severity: 'error',
      from: { path: '^(src|commands|jobs)/', pathNot: LAYERS.map(([, path]) => `(${path})`).join('|') },
      to: {},
    },
    ...upward,
    ...allowedOnly,
  ],
  options: {
    parser: 'swc',
    includeOnly: '^(src|commands|jobs)/',
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
