/**
 * Wires transport → model → views. Events only change the model and the timeline; drawing
 * happens at most once per animation frame (the charts at most a few times a second), so a
 * burst of signals costs one render, not one per event.
 */
import { appShell, connect, getJson, postJson, deleteJson, exportReport, endpoint, onRefusal } from './transport.js';
import { Model, FEED_LIMIT, NARRATIVE_LIMIT } from './state.js';
import { Timeline } from './timeline.js';
import { toastFor } from './notable.js';
import { createPresenterMode } from './view/presenter.js';
import { installShortcuts } from './view/keyboard.js';
import { createHeaderView } from './view/header.js';
import { createCardsView } from './view/cards.js';
import { createFeedView, createNarrativeView } from './view/entries.js';
import { createFooterView } from './view/footer.js';
import { createScenariosPanel } from './view/scenarios.js';
import { createReportExport } from './view/report.js';
import { createBrokersView } from './view/brokers.js';
import { createGroupsView } from './view/groups.js';
import { createChartsView } from './view/charts.js';
import { createOodaView } from './view/ooda.js';
import { createToasts } from './view/toasts.js';
import { createSpotlight } from './view/spotlight.js';
import { createRecordingButton } from './view/recording.js';
import { createReplayControls } from './view/replay.js';
import { createLaunchPanel } from './view/launch.js';
import { createContainersView } from './view/containers.js';
import { showBundledSidecar } from './view/bundled-sidecar.js';
import { showOpenRecording } from './view/open-recording.js';

const model = new Model({ feedLimit: FEED_LIMIT, narrativeLimit: NARRATIVE_LIMIT });
const timeline = new Timeline();

const SNAPSHOTS = {
  sidecars: ['/api/sidecars', (data) => model.applySidecars(data)],
  environment: ['/api/environment', (data) => model.applyEnvironment(data)],
  health: ['/api/health', (data) => model.applyHealth(data)],
  groups: ['/api/consumer-groups', (data) => model.applyGroups(data)],
  faults: ['/api/faults', (data) => {
    timeline.applyActiveFaults(data, model.serverNow());
    spotlight.applyActiveFaults(data);
  }],
};
/** Events held back while the snapshots of a (re)connect load; beyond this we just apply them. */
const MAX_HELD_EVENTS = 5000;
/**
 * A replayed event older than this (on the replay's clock) raises no toast: a viewer joining
 * a replay receives everything played so far at once, and only what happens now is news.
 */
const STALE_TOAST_MS = 5000;
const REFETCH_DEBOUNCE_MS = 500;

const toasts = createToasts(document);
const header = createHeaderView(document);
const cards = createCardsView(document);
const feed = createFeedView(document, FEED_LIMIT);
const narrative = createNarrativeView(document, NARRATIVE_LIMIT);
const footer = createFooterView(document, endpoint);
const brokers = createBrokersView(document);
const groups = createGroupsView(document);
const charts = createChartsView(document, timeline, () => model.serverNow());
const ooda = createOodaView(document);
const spotlight = createSpotlight(document);
const report = createReportExport(document, { exportReport, toast: toasts });
const scenarios = createScenariosPanel(document, { getJson, postJson, toast: toasts, report });
const recording = createRecordingButton(document, { getJson, postJson, deleteJson, toast: toasts });
const replay = createReplayControls(document, {
  getJson, postJson, toast: toasts,
  onClock: (clock) => {
    model.setReplayClock(clock);
    charts.request();
    scheduleRender();
  },
});
const launch = createLaunchPanel(document, {
  getJson, postJson, toast: toasts, serverNow: () => model.serverNow(),
  // Starting or stopping changes everything the snapshots describe.
  onChange: () => requestSnapshots(['environment', 'sidecars', 'health', 'groups']),
});
const containers = createContainersView(document, { getJson, postJson, toast: toasts });
showBundledSidecar(document, appShell() ?? undefined);
showOpenRecording(document, appShell() ?? undefined, toasts);
const presenter = createPresenterMode(document, { onChange: () => charts.applyTheme() });
installShortcuts(document, {
  runScenario: scenarios.runAt,
  restoreAll: scenarios.restoreAll,
  togglePresenter: presenter.toggle,
});

// ---- rendering -----------------------------------------------------------------------

let frame = 0;
let containerTicks = 0;
function scheduleRender() {
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render() {
  frame = 0;
  const { regions, cards: changedCards } = model.takeDirty();
  if (regions.has('connection')) header.renderConnection(model);
  if (regions.has('environment')) header.renderEnvironment(model);
  if (regions.has('brokers')) brokers.render(model);
  if (regions.has('groups')) groups.render(model);
  if (regions.has('cards')) cards.render(model, changedCards);
  if (regions.has('feed')) feed.render(model);
  if (regions.has('narrative')) narrative.render(model);
  // The footer's discovery line depends on whether an environment runs at all.
  if (regions.has('health') || regions.has('environment')) footer.render(model);
  if (regions.has('clock')) {
    cards.tick(model);
    footer.tick(model);
    launch.tick();
    // The containers view follows the engine every 3 s while a docker environment is up.
    if (model.environment?.kind === 'docker' && ++containerTicks % 3 === 1) containers.refresh();
  }
  // After the tiles and cards it may light; toasts step aside from what it lit.
  toasts.keepClear(spotlight.render());
  requestSnapshots(model.takeNeeds());
}

// A new size moves the panels: the toasts must stay clear of the subject at every size.
window.addEventListener('resize', scheduleRender);

setInterval(() => {
  model.markDirty('clock');
  charts.request(); // the window slides with the clock
  scheduleRender();
}, 1000);

// ---- snapshots -------------------------------------------------------------------------

async function fetchSnapshot(name) {
  const [path, apply] = SNAPSHOTS[name];
  try {
    apply(await getJson(path));
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

/** Everyone who follows the stream. One malformed event must not stop the stream or a replay. */
const followers = [
  (event) => model.applyEvent(event),
  (event) => timeline.applyEvent(event),
  (event) => scenarios.onEvent(event),
  (event) => launch.onEvent(event),
  (event) => ooda.onEvent(event),
  (event) => spotlight.onEvent(event),
  (event) => {
    if (model.replaying && event.atMs < model.serverNow() - STALE_TOAST_MS) return;
    const toast = toastFor(event);
    if (toast) toasts.show(toast.tone, toast.text);
  },
];

function apply(event) {
  for (const follow of followers) {
    try {
      follow(event);
    } catch (error) {
      console.warn('faultline: could not apply event', event?.type, error);
    }
  }
  charts.request();
}

async function resync() {
  const mine = ++generation;
  syncing = true;
  held = [];
  pending.clear();
  await Promise.all([...Object.keys(SNAPSHOTS).map(fetchSnapshot), scenarios.refresh(), launch.refresh(), recording.refresh(), replay.refresh()]);
  if (mine !== generation) return;
  syncing = false;
  const backlog = held;
  held = [];
  for (const event of backlog) apply(event);
  scheduleRender();
}

function onEvent(event) {
  // The replay's status sets the clock the events after it are judged by: never held back.
  if (event?.type === 'replay') {
    replay.onEvent(event);
    scheduleRender();
    return;
  }
  if (syncing && held.length < MAX_HELD_EVENTS) {
    held.push(event);
    return;
  }
  apply(event);
  scheduleRender();
}

function onStatus(status) {
  const wasConnected = model.connection === 'connected';
  model.setConnection(status);
  if (status === 'connected') resync();
  else {
    if (wasConnected) toasts.error('Connection to the platform lost; reconnecting…');
    generation++; // a sync in flight for the old socket is void
    syncing = false;
    for (const event of held) apply(event);
    held = [];
  }
  scheduleRender();
}

onRefusal((sentence) => {
  model.setRefusal(sentence);
  scheduleRender();
});
connect(onEvent, onStatus);
scheduleRender();
