/**
 * The client-side model: what the page knows about the platform, built from snapshots
 * (/api/sidecars, /api/environment, /api/health, /api/consumer-groups) and then kept current
 * by events. It composes one reducer per region (state/: connection, sidecars, environment
 * and brokers, consumer groups, health, the self-healing conversation, fault and scenario
 * runs) over one log (the feed and the narrative): every event goes to each region that
 * follows its type. It never touches the DOM; it records which regions changed (`takeDirty`)
 * and which snapshots it would like refetched (`takeNeeds`), and main.js decides when to
 * render and fetch.
 */
import { number, text } from './format.js';
import { createLog } from './state/log.js';
import { createConnection } from './state/connection.js';
import { createSidecars } from './state/sidecars.js';
import { createEnvironment } from './state/environment.js';
import { createGroups } from './state/groups.js';
import { createHealth } from './state/health.js';
import { createHealing } from './state/healing.js';
import { createRuns } from './state/runs.js';

export const FEED_LIMIT = 200;
export const NARRATIVE_LIMIT = 100;

/** Regions a view can redraw; 'clock' is the once-a-second refresh of relative times. */
export const REGIONS = ['connection', 'environment', 'brokers', 'groups', 'health', 'cards', 'feed', 'narrative', 'clock'];

/** Event types the model leaves to others: the launch panel follows these itself (view/launch.js). */
const FOLLOWED_ELSEWHERE = new Set(['launch', 'replay']);

export class Model {
  constructor({ feedLimit = FEED_LIMIT, narrativeLimit = NARRATIVE_LIMIT } = {}) {
    /** Server clock minus local clock, from the latest event's `atMs`. */
    this.clockOffsetMs = 0;
    this.replayClock = null;
    this.dirty = new Set(REGIONS);
    this.dirtyCards = new Set();
    this.needs = new Set();

    /** What a region may do to the rest of the model: mark what changed, ask for a snapshot, log. */
    const ctx = {
      changed: (region) => { this.dirty.add(region); },
      changedCard: (id) => { this.dirty.add('cards'); this.dirtyCards.add(id); },
      need: (...snapshots) => { for (const name of snapshots) this.needs.add(name); },
      feed: (entry) => this.log.pushFeed(entry),
      narrate: (entry) => this.log.pushNarrative(entry),
    };
    this.log = createLog(ctx, { feedLimit, narrativeLimit }, () => this.serverNow());
    this.regions = {
      connection: createConnection(ctx),
      sidecars: createSidecars(ctx),
      environment: createEnvironment(ctx),
      groups: createGroups(ctx),
      health: createHealth(ctx),
      healing: createHealing(ctx),
      runs: createRuns(ctx),
    };
    /** Event type → the regions' handlers for it, in the order of `regions`. */
    this.handlers = new Map();
    for (const region of Object.values(this.regions)) {
      for (const [type, handle] of Object.entries(region.events)) {
        if (!this.handlers.has(type)) this.handlers.set(type, []);
        this.handlers.get(type).push(handle);
      }
    }
  }

  // ---- what views read ------------------------------------------------------------------

  get connection() { return this.regions.connection.state; }
  /** The server's refusal sentence for this page, or null (state/connection.js). */
  get refusal() { return this.regions.connection.refusal; }
  /** @type {Map<string, object>} sidecar id → sidecar */
  get sidecars() { return this.regions.sidecars.byId; }
  get environment() { return this.regions.environment.environment; }
  /** @type {Map<string, object>} consumer group name → its latest lag and condition */
  get groups() { return this.regions.groups.byName; }
  get health() { return this.regions.health.health; }
  /** Local time (Date.now()) at which `health` was fetched, to keep uptime ticking. */
  get healthAtMs() { return this.regions.health.fetchedAtMs; }
  /** Snapshot names whose last fetch failed. */
  get snapshotErrors() { return this.regions.health.snapshotErrors; }
  /** Oldest first; each entry has a growing `id` so views can render only what is new. */
  get feed() { return this.log.feed; }
  get narrative() { return this.log.narrative; }

  /**
   * Now, on the server's clock (for "last seen Ns ago" against server timestamps). In a
   * replay, the recorded clock at the player's position, running at its speed.
   */
  serverNow() {
    const replay = this.replayClock;
    if (replay) return replay.atMs + (replay.paused ? 0 : (Date.now() - replay.receivedAt) * replay.speed);
    return Date.now() + this.clockOffsetMs;
  }

  /** True while the page shows a replay. */
  get replaying() { return this.replayClock !== null; }

  /**
   * A replay's clock, from its status ({atMs, speed, paused}); null for live. A replayed
   * event's stamp then no longer sets the clock: a viewer joining a replay receives every
   * event played so far at once, oldest first.
   */
  setReplayClock(clock) {
    this.replayClock = clock ? { atMs: clock.atMs, speed: clock.speed, paused: clock.paused, receivedAt: Date.now() } : null;
    this.markDirty('clock');
  }

  // ---- what main.js drives --------------------------------------------------------------

  markDirty(region) {
    this.dirty.add(region);
  }

  takeDirty() {
    const taken = { regions: this.dirty, cards: this.dirtyCards };
    this.dirty = new Set();
    this.dirtyCards = new Set();
    return taken;
  }

  takeNeeds() {
    const taken = this.needs;
    this.needs = new Set();
    return taken;
  }

  setConnection(state) { this.regions.connection.set(state); }
  /** @param {string | null} sentence  the refusal's `error` sentence, or null once admitted */
  setRefusal(sentence) { this.regions.connection.setRefusal(sentence); }
  setSnapshotError(name, failed) { this.regions.health.setSnapshotError(name, failed); }

  /** Replace the registry from /api/sidecars, keeping live signal values the snapshot lacks. */
  applySidecars(list) { this.regions.sidecars.applySnapshot(list); }
  /** The environment and its brokers from /api/environment. */
  applyEnvironment(raw) { this.regions.environment.applySnapshot(raw); }
  /** Replace the consumer groups from /api/consumer-groups. */
  applyGroups(list) { this.regions.groups.applySnapshot(list); }
  applyHealth(raw) { this.regions.health.applySnapshot(raw); }

  /** One platform event (docs/protocol.md), to every region that follows its type. */
  applyEvent(event) {
    const atMs = number(event.atMs);
    if (atMs !== null && this.replayClock === null) this.clockOffsetMs = atMs - Date.now();
    if (FOLLOWED_ELSEWHERE.has(event.type)) return;
    const handlers = this.handlers.get(event.type);
    if (!handlers) {
      this.unknown(event, atMs);
      return;
    }
    for (const handle of handlers) handle(event, atMs);
  }

  /** An event no region knows: shown in the feed as its JSON, muted. */
  unknown(e, atMs) {
    let body = '';
    try { body = JSON.stringify(e); } catch { body = ''; }
    this.log.pushFeed({ atMs, type: 'unknown', tone: 'muted', label: text(e.type, 40) ?? 'event', text: text(body, 300) ?? '' });
  }
}
