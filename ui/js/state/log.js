/**
 * The feed and the narrative: two capped lists of entries, oldest first. Every entry gets an
 * `id` that grows across both lists, so a view draws only the entries it has not drawn yet.
 */

/**
 * @param ctx  the model's context (state.js): `changed(region)` marks 'feed' or 'narrative'
 * @param limits  `feedLimit` and `narrativeLimit`: how many entries each list keeps
 * @param now  the time (ms, server clock) for an entry that carries no `atMs`
 */
export function createLog(ctx, { feedLimit, narrativeLimit }, now) {
  const feed = [];
  const narrative = [];
  let nextEntryId = 1;

  function push(list, limit, region, entry) {
    list.push({ ...entry, atMs: entry.atMs ?? now(), id: nextEntryId++ });
    if (list.length > limit) list.splice(0, list.length - limit);
    ctx.changed(region);
  }

  return {
    feed,
    narrative,
    /** A feed line: {type, tone, label, text, sidecarId?, atMs?}. */
    pushFeed: (entry) => push(feed, feedLimit, 'feed', { sidecarId: null, ...entry }),
    /** A narrative entry: {kind, tone, badge, detail, sentence, sidecarId, atMs?}. */
    pushNarrative: (entry) => push(narrative, narrativeLimit, 'narrative', entry),
  };
}
