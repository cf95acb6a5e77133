/**
 * Wires transport → model → views. Events only change the model; drawing happens at most
 * once per animation frame, so a burst of signals costs one render, not one per event.
 */
import { connect, getJson, postJson, endpoint } from './transport.js';
import { Model, FEED_LIMIT, NARRATIVE_LIMIT } from './state.js';
import { createHeaderView } from './view/header.js';
import { createCardsView } from './view/cards.js';
import { createFeedView } from './view/feed.js';
import { createNarrativeView } from './view/narrative.js';
import { createFooterView } from './view/footer.js';
import { createScenariosPanel } from './view/scenarios.js';

const SNAPSHOTS = {
  sidecars: ['/api/sidecars', (model, data) => model.applySidecars(data)],
  environment: ['/api/environment', (model, data) => model.applyEnvironment(data)],
  health: ['/api/health', (model, data) => model.applyHealth(data)],
};
/** Events held back while the snapshots of a (re)connect load; beyond this we just apply them. */
const MAX_HELD_EVENTS = 5000;
const REFETCH_DEBOUNCE_MS = 500;

const model = new Model({ feedLimit: FEED_LIMIT, narrativeLimit: NARRATIVE_LIMIT });
const header = createHeaderView(document);
const cards = createCardsView(document);
const feed = createFeedView(document, FEED_LIMIT);
const narrative = createNarrativeView(document, NARRATIVE_LIMIT);
const footer = createFooterView(document, endpoint);
const scenarios = createScenariosPanel(document, { getJson, postJson });

// ---- rendering -----------------------------------------------------------------------

let frame = 0;
function scheduleRender() {
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render() {
  frame = 0;
  const { regions, cards: changedCards } = model.takeDirty();
  if (regions.has('connection')) header.renderConnection(model);
  if (regions.has('environment')) header.renderEnvironment(model);
  if (regions.has('cards')) cards.render(model, changedCards);
  if (regions.has('feed')) feed.render(model);
  if (regions.has('narrative')) narrative.render(model);
  if (regions.has('health')) footer.render(model);
  if (regions.has('clock')) {
    cards.tick(model);
    footer.tick(model);
  }
  requestSnapshots(model.takeNeeds());
}

setInterval(() => {
  model.markDirty('clock');
  scheduleRender();
}, 1000);

// ---- snapshots -------------------------------------------------------------------------

async function fetchSnapshot(name) {
  const [path, apply] = SNAPSHOTS[name];
  try {
    apply(model, await getJson(path));
    model.setSnapshotError(name, false);
  } catch (error) {
    console.warn(`faultline: could not load ${path}:`, error);
    model.setSnapshotError(name, true);
  }
}

/** Debounced refetch of snapshots the model asked for (unknown sidecar, lag, environment step). */
const pending = new Set();
let refetchTimer = null;
function requestSnapshots(names) {
  for (const name of names) pending.add(name);
  if (pending.size === 0 || refetchTimer !== null || syncing) return;
  refetchTimer = setTimeout(async () => {
    const names = [...pending];
    pending.clear();
    await Promise.all(names.map(fetchSnapshot));
    refetchTimer = null;
    scheduleRender();
    if (pending.size) requestSnapshots([]);
  }, REFETCH_DEBOUNCE_MS);
}

// ---- connection ------------------------------------------------------------------------

/**
 * On every (re)connect: hold incoming events, load all snapshots, then replay the held
 * events on top, so a snapshot that raced an event never overwrites the newer state.
 */
let syncing = false;
let held = [];
let generation = 0;

/** One malformed event must not stop the stream or a replay. */
function apply(event) {
  try {
    model.applyEvent(event);
    scenarios.onEvent(event);
  } catch (error) {
    console.warn('faultline: could not apply event', event?.type, error);
  }
}

async function resync() {
  const mine = ++generation;
  syncing = true;
  held = [];
  pending.clear();
  await Promise.all([...Object.keys(SNAPSHOTS).map(fetchSnapshot), scenarios.refresh()]);
  if (mine !== generation) return;
  syncing = false;
  const replay = held;
  held = [];
  for (const event of replay) apply(event);
  scheduleRender();
}

function onEvent(event) {
  if (syncing && held.length < MAX_HELD_EVENTS) {
    held.push(event);
    return;
  }
  apply(event);
  scheduleRender();
}

function onStatus(status) {
  model.setConnection(status);
  if (status === 'connected') resync();
  else {
    generation++; // a sync in flight for the old socket is void
    syncing = false;
    for (const event of held) apply(event);
    held = [];
  }
  scheduleRender();
}

connect(onEvent, onStatus);
scheduleRender();
