/**
 * The client-side model: what the page knows about the platform, built from snapshots
 * (/api/sidecars, /api/environment, /api/health, /api/consumer-groups) and then kept current
 * by events. It never
 * touches the DOM; it records which regions changed (`takeDirty`) and which snapshots it
 * would like refetched (`takeNeeds`), and main.js decides when to render and fetch.
 */
import { text, number, percent, millis, rate } from './format.js';
import { SITUATIONS, known, statusTone, conditionTone, situationTone, episodeTone, signTone, scenarioOutcome } from './vocabulary.js';

export const FEED_LIMIT = 200;
export const NARRATIVE_LIMIT = 100;

/** Regions a view can redraw; 'clock' is the once-a-second refresh of relative times. */
export const REGIONS = ['connection', 'environment', 'brokers', 'groups', 'health', 'cards', 'feed', 'narrative', 'clock'];

export class Model {
  constructor({ feedLimit = FEED_LIMIT, narrativeLimit = NARRATIVE_LIMIT } = {}) {
    this.feedLimit = feedLimit;
    this.narrativeLimit = narrativeLimit;
    this.connection = 'disconnected';
    /**
     * The server's sentence for why it refuses this page (401: no or a wrong access token;
     * 403: a foreign Origin), or null. Kept until a later call gets through.
     */
    this.refusal = null;
    this.environment = null;
    /** @type {Map<string, object>} consumer group name → its latest lag and condition */
    this.groups = new Map();
    this.health = null;
    /** Local time (Date.now()) at which `health` was fetched, to keep uptime ticking. */
    this.healthAtMs = 0;
    /** @type {Map<string, object>} sidecar id → sidecar */
    this.sidecars = new Map();
    /** Oldest first; each entry has a growing `id` so views can render only what is new. */
    this.feed = [];
    this.narrative = [];
    /** Server clock minus local clock, from the latest event's `atMs`. */
    this.clockOffsetMs = 0;
    this.nextEntryId = 1;
    this.dirty = new Set(REGIONS);
    this.dirtyCards = new Set();
    this.needs = new Set();
    /** Snapshot names whose last fetch failed (e.g. the server is down, or wants a token). */
    this.snapshotErrors = new Set();
  }

  setSnapshotError(name, failed) {
    if (failed === this.snapshotErrors.has(name)) return;
    if (failed) this.snapshotErrors.add(name);
    else this.snapshotErrors.delete(name);
    this.dirty.add('health');
  }

  /** Now, on the server's clock (for "last seen Ns ago" against server timestamps). */
  serverNow() {
    return Date.now() + this.clockOffsetMs;
  }

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

  // ---- connection -------------------------------------------------------------------

  setConnection(state) {
    if (state === this.connection) return;
    const wasConnected = this.connection === 'connected';
    this.connection = state;
    this.dirty.add('connection');
    if (state === 'connected') this.pushFeed({ type: 'link', tone: 'ok', label: 'link', text: 'Connected to the platform' });
    else if (wasConnected) this.pushFeed({ type: 'link', tone: 'bad', label: 'link', text: 'Connection lost; reconnecting…' });
  }

  /** @param {string | null} sentence  the refusal's `error` sentence, or null once admitted */
  setRefusal(sentence) {
    const next = text(sentence);
    if (next === this.refusal) return;
    this.refusal = next;
    this.dirty.add('connection');
  }

  // ---- snapshots --------------------------------------------------------------------

  /** Replace the registry from /api/sidecars, keeping live signal values the snapshot lacks. */
  applySidecars(list) {
    if (!Array.isArray(list)) return;
    const next = new Map();
    for (const raw of list) {
      if (raw === null || typeof raw !== 'object') continue;
      const id = text(raw.sidecarId, 128);
      if (!id) continue;
      const previous = this.sidecars.get(id);
      next.set(id, {
        ...(previous ?? blankSidecar(id)),
        type: text(raw.type, 40),
        status: text(raw.status, 40),
        // Signals can be newer than the registry's last heartbeat; last seen never goes back.
        lastSeenMs: maxOrNull(number(raw.lastSeenMs), previous?.lastSeenMs ?? null),
        jmxEndpoint: text(raw.jmxEndpoint, 200),
        workload: text(raw.workload, 200),
        host: text(raw.host, 200),
        version: text(raw.version, 40),
        heartbeatIntervalMs: number(raw.heartbeatIntervalMs),
        condition: text(raw.condition, 40),
        confidence: text(raw.confidence, 40),
        sentence: text(raw.sentence),
        bufferFill: number(raw.bufferFill) ?? previous?.bufferFill ?? null,
        targetRate: number(raw.targetRate) ?? previous?.targetRate ?? null,
        ...sidecarWarnings(raw),
      });
    }
    this.sidecars = next;
    this.dirty.add('cards');
    for (const id of next.keys()) this.dirtyCards.add(id);
  }

  /** The environment and its brokers; each broker's `metrics` is its latest `broker` reading. */
  applyEnvironment(raw) {
    if (raw === null || typeof raw !== 'object') return;
    const brokers = Array.isArray(raw.brokers)
      ? raw.brokers
          .filter((b) => b !== null && typeof b === 'object')
          .map((b) => ({
            id: text(b.id, 20), host: text(b.host, 200), port: number(b.port), state: text(b.state, 20),
            ...brokerReading(b.metrics ?? {}),
            condition: text(b.metrics?.condition, 40),
            sentence: text(b.metrics?.sentence),
          }))
      : [];
    this.environment = {
      kind: text(raw.kind, 40),
      state: text(raw.state, 40),
      bootstrapServers: text(raw.bootstrapServers, 400),
      brokers,
      underReplicatedPartitions: number(raw.underReplicatedPartitions),
      error: text(raw.error),
    };
    this.dirty.add('environment').add('brokers');
  }

  /** Replace the consumer groups from /api/consumer-groups. */
  applyGroups(list) {
    if (!Array.isArray(list)) return;
    this.groups = new Map();
    for (const raw of list) {
      const name = text(raw?.group, 200);
      if (!name) continue;
      this.groups.set(name, {
        name, ...lagReading(raw),
        condition: text(raw.condition, 40), confidence: text(raw.confidence, 40), sentence: text(raw.sentence),
      });
    }
    this.dirty.add('groups');
  }

  applyHealth(raw) {
    if (raw === null || typeof raw !== 'object') return;
    const rejected = raw.rejected !== null && typeof raw.rejected === 'object' ? raw.rejected : {};
    const byTopic = new Map();
    if (rejected.byTopic !== null && typeof rejected.byTopic === 'object') {
      for (const [topic, reasons] of Object.entries(rejected.byTopic)) {
        if (reasons === null || typeof reasons !== 'object') continue;
        const counts = new Map();
        for (const [reason, count] of Object.entries(reasons)) counts.set(text(reason, 80), number(count) ?? 0);
        byTopic.set(text(topic, 120), counts);
      }
    }
    const discovery = raw.discovery !== null && typeof raw.discovery === 'object' ? raw.discovery : {};
    this.health = {
      status: text(raw.status, 40),
      uptimeMs: number(raw.uptimeMs),
      environment: text(raw.environment, 40),
      sidecars: number(raw.sidecars),
      discovery: {
        replayed: discovery.replayed === true,
        records: number(discovery.records),
        elapsedMs: number(discovery.elapsedMs),
      },
      rejectedTotal: number(rejected.total) ?? 0,
      rejectedByTopic: byTopic,
    };
    this.healthAtMs = Date.now();
    this.dirty.add('health');
  }

  // ---- events -----------------------------------------------------------------------

  applyEvent(event) {
    const atMs = number(event.atMs);
    if (atMs !== null) this.clockOffsetMs = atMs - Date.now();
    switch (event.type) {
      case 'signal': return this.onSignal(event, atMs);
      case 'sidecar-status': return this.onSidecarStatus(event, atMs);
      case 'discovery-replayed': return this.onDiscoveryReplayed(event, atMs);
      case 'sign': return this.onSign(event, atMs);
      case 'condition': return this.onCondition(event, atMs);
      case 'speech-act': return this.onSpeechAct(event, atMs);
      case 'response': return this.onResponse(event, atMs);
      case 'episode': return this.onEpisode(event, atMs);
      case 'rejected': return this.onRejected(event, atMs);
      case 'environment': return this.onEnvironment(event, atMs);
      case 'lagged': return this.onLagged(event, atMs);
      case 'fault': return this.onFault(event, atMs);
      case 'restore': return this.onRestore(event, atMs);
      case 'scenario': return this.onScenario(event, atMs);
      // Once a second per broker and every two seconds per group: numbers for tiles and
      // charts, never feed lines.
      case 'broker': return this.onBroker(event);
      case 'consumer-lag': return this.onConsumerLag(event);
      // The launch panel follows these itself (view/launch.js).
      case 'launch': return undefined;
      default: return this.onUnknown(event, atMs);
    }
  }

  onSignal(e, atMs) {
    const sidecar = this.sidecarFor(e.sidecarId);
    if (!sidecar) return;
    sidecar.bufferFill = number(e.bufferFill);
    sidecar.targetRate = number(e.targetRate);
    sidecar.sendRate = number(e.sendRate);
    sidecar.requestLatencyMs = number(e.requestLatencyMs);
    sidecar.txErrors = number(e.txErrors);
    sidecar.retries = number(e.retries);
    sidecar.queueFullErrors = number(e.queueFullErrors);
    // A snapshot from the sidecar proves it is alive, between heartbeats too. When the
    // platform published it (its clock, like lastSeenMs), not the sidecar's stamp: a sidecar
    // clock that is off must not move "last seen".
    if (atMs !== null && (sidecar.lastSeenMs === null || atMs > sidecar.lastSeenMs)) sidecar.lastSeenMs = atMs;
    this.touchCard(sidecar.id);
    // Deliberately not in the feed: about one per second per sidecar would drown it.
  }

  onSidecarStatus(e, atMs) {
    const sidecar = this.sidecarFor(e.sidecarId);
    if (!sidecar) return;
    sidecar.status = text(e.status, 40);
    const lastSeen = number(e.lastSeenMs);
    if (lastSeen !== null) sidecar.lastSeenMs = lastSeen;
    if (e.sidecarType) sidecar.type = text(e.sidecarType, 40);
    if (typeof e.workload === 'string') sidecar.workload = text(e.workload, 200);
    if (typeof e.host === 'string') sidecar.host = text(e.host, 200);
    if (e.jmxEndpoint !== undefined) sidecar.jmxEndpoint = text(e.jmxEndpoint, 200);
    const warnedBefore = [sidecar.clockWarning, sidecar.idConflict];
    Object.assign(sidecar, sidecarWarnings(e));
    this.touchCard(sidecar.id);
    const previous = text(e.previous, 40);
    if (previous && previous === sidecar.status) {
      // Only a warning changed: the feed says which, or that it cleared.
      const [clockBefore, conflictBefore] = warnedBefore;
      const news = [
        sidecar.idConflict !== conflictBefore ? sidecar.idConflict ?? `${sidecar.id}: only one sidecar reports under this id again.` : null,
        sidecar.clockWarning !== clockBefore ? sidecar.clockWarning ?? `${sidecar.id}'s clock agrees with the platform's again.` : null,
      ].filter(Boolean);
      if (!news.length) return;
      this.pushFeed({
        atMs, type: 'sidecar-status', sidecarId: sidecar.id, tone: sidecar.idConflict || sidecar.clockWarning ? 'warn' : 'info',
        label: 'status', text: news.join(' '),
      });
      return;
    }
    this.pushFeed({
      atMs, type: 'sidecar-status', sidecarId: sidecar.id, tone: statusTone(sidecar.status), label: 'status',
      text: previous ? `${sidecar.status} (was ${previous})` : `${sidecar.status ?? 'unknown'}, discovered`,
    });
  }

  onDiscoveryReplayed(e, atMs) {
    this.pushFeed({
      atMs, type: 'discovery-replayed', tone: 'info', label: 'discovery',
      text: `Registry replayed: ${number(e.sidecars) ?? '?'} sidecar(s) from ${number(e.records) ?? '?'} record(s) in ${millis(e.elapsedMs)}`,
    });
    this.needs.add('sidecars').add('health');
  }

  onSign(e, atMs) {
    const subject = text(e.subject, 80) ?? 'queue';
    const sign = text(e.sign, 40) ?? '?';
    const value = subject === 'buffer' ? `${percent(e.value)} full` : String(number(e.value) ?? '—');
    this.pushFeed({ atMs, type: 'sign', sidecarId: text(e.sidecarId, 128), tone: signTone(sign), label: 'sign', text: `${subject} ${sign} (${value})` });
  }

  onCondition(e, atMs) {
    const sidecar = this.sidecarFor(e.sidecarId);
    const condition = text(e.condition, 40);
    const confidence = text(e.confidence, 40);
    const situation = text(e.situation, 40);
    const sentence = text(e.sentence);
    if (e.subjectKind === 'broker') this.setBrokerCondition(text(e.brokerId, 20), condition, sentence);
    if (e.subjectKind === 'consumer-group') this.setGroupCondition(text(e.group, 200), condition, confidence, sentence);
    if (sidecar) {
      sidecar.condition = condition;
      sidecar.confidence = confidence;
      sidecar.situation = situation;
      sidecar.sentence = condition === 'STABLE' ? null : sentence;
      this.touchCard(sidecar.id);
    }
    const tone = known(situation, SITUATIONS) ? situationTone(situation) : conditionTone(condition);
    const previous = text(e.previous, 40);
    const detector = text(e.detector, 80);
    // Brokers and consumer groups have no card; their name stands where a sidecar's would.
    const subject = sidecar?.id ?? text(e.subject, 160);
    this.pushFeed({
      atMs, type: 'condition', sidecarId: subject, tone, label: 'condition',
      text: `${previous && previous !== condition ? `${previous} → ` : ''}${condition ?? '?'} (${confidence ?? '?'})${detector ? ` by ${detector}` : ''}`,
    });
    this.pushNarrative({
      atMs, kind: 'condition', sidecarId: subject, tone,
      badge: condition ?? '?', detail: confidence, sentence: sentence ?? '',
    });
  }

  onBroker(e) {
    const broker = this.environment?.brokers.find((b) => b.id === text(e.brokerId, 20));
    if (!broker) {
      this.needs.add('environment');
      return;
    }
    Object.assign(broker, brokerReading(e));
    this.dirty.add('brokers');
  }

  onConsumerLag(e) {
    const name = text(e.group, 200);
    if (!name) return;
    const group = this.groups.get(name) ?? { name, condition: null, confidence: null, sentence: null };
    this.groups.set(name, { ...group, ...lagReading(e) });
    this.dirty.add('groups');
  }

  setBrokerCondition(id, condition, sentence) {
    const broker = this.environment?.brokers.find((b) => b.id === id);
    if (!broker) return;
    broker.condition = condition;
    broker.sentence = condition === 'STABLE' ? null : sentence;
    this.dirty.add('brokers');
  }

  setGroupCondition(name, condition, confidence, sentence) {
    if (!name) return;
    const group = this.groups.get(name) ?? { name, ...lagReading({}), updatedMs: null };
    this.groups.set(name, { ...group, condition, confidence, sentence: condition === 'STABLE' ? null : sentence });
    this.dirty.add('groups');
  }

  onSpeechAct(e, atMs) {
    const sidecarId = text(e.sidecarId, 128);
    const about = text(e.about, 40);
    const sidecar = this.sidecarFor(sidecarId, { create: false });
    if (about === 'HEARTBEAT') {
      // Liveness only; a heartbeat every two seconds is not news.
      if (sidecar && atMs !== null) { sidecar.lastSeenMs = Math.max(sidecar.lastSeenMs ?? 0, atMs); this.touchCard(sidecar.id); }
      return;
    }
    const act = text(e.act, 40) ?? '?';
    const parts = [act];
    if (e.request) parts.push(text(e.request, 60));
    if (about) parts.push(about);
    if (e.urgency) parts.push(`[${text(e.urgency, 40)}]`);
    const urgent = e.urgency === 'IMMEDIATE';
    this.pushFeed({
      atMs, type: 'speech-act', sidecarId, tone: act === 'REQUEST' ? (urgent ? 'bad' : 'warn') : 'info', label: act === 'REQUEST' ? 'request' : 'report',
      text: `${parts.join(' ')}: ${text(e.text) ?? ''}`,
    });
  }

  onResponse(e, atMs) {
    const act = text(e.act, 40) ?? '?';
    let command = '';
    if (e.command !== null && typeof e.command === 'object') {
      const op = text(e.command.op, 40) ?? '?';
      const r = number(e.command.rate);
      command = ` [${op}${r !== null ? ` ${rate(r)}` : ''}]`;
    }
    const tone = act === 'DENY' ? 'warn' : act === 'COMMAND' ? 'info' : act === 'DELIVER' ? 'ok' : 'muted';
    this.pushFeed({
      atMs, type: 'response', sidecarId: text(e.target, 128), tone, label: 'platform →',
      text: `${act}${command}: ${text(e.text) ?? ''}`,
    });
  }

  onEpisode(e, atMs) {
    const outcome = text(e.outcome, 40) ?? '?';
    const sidecarId = text(e.sidecarId, 128);
    const tone = episodeTone(outcome);
    const sentence = text(e.sentence) ?? '';
    this.pushFeed({
      atMs, type: 'episode', sidecarId, tone, label: 'episode',
      text: `${outcome} after ${millis(e.elapsedMs)}: ${sentence}`,
    });
    this.pushNarrative({ atMs, kind: 'episode', sidecarId, tone, badge: outcome, detail: `after ${millis(e.elapsedMs)}`, sentence });
  }

  onRejected(e, atMs) {
    const topic = text(e.topic, 120) ?? '?';
    const reason = text(e.reason, 80) ?? '?';
    if (this.health) {
      this.health.rejectedTotal += 1;
      const counts = this.health.rejectedByTopic.get(topic) ?? new Map();
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
      this.health.rejectedByTopic.set(topic, counts);
      this.dirty.add('health');
    } else {
      this.needs.add('health');
    }
    this.pushFeed({ atMs, type: 'rejected', tone: 'warn', label: 'rejected', text: `${topic}: ${reason}${e.detail ? ` (${text(e.detail)})` : ''}` });
  }

  onEnvironment(e, atMs) {
    const status = text(e.status, 40) ?? '?';
    const tone = status === 'failed' ? 'bad' : status === 'done' ? 'ok' : 'info';
    const detail = text(e.detail);
    const elapsed = status === 'started' ? '' : ` in ${millis(e.elapsedMs)}`;
    this.pushFeed({
      atMs, type: 'environment', tone, label: 'environment',
      text: `${text(e.kind, 40) ?? ''} ${text(e.step, 80) ?? '?'} ${status}${elapsed}${detail ? `: ${detail}` : ''}`.trim(),
    });
    this.needs.add('environment');
  }

  onLagged(e, atMs) {
    this.pushFeed({ atMs, type: 'lagged', tone: 'warn', label: 'lagged', text: `Missed ${number(e.missed) ?? 'some'} event(s); resynchronising` });
    this.needs.add('sidecars').add('environment').add('health');
  }

  onFault(e, atMs) {
    const action = text(e.action, 40) ?? '?';
    const tone = action === 'failed' ? 'bad' : action === 'injected' ? 'warn' : 'ok';
    this.pushFeed({ atMs, type: 'fault', tone, label: `fault ${action}`, text: text(e.sentence) ?? '' });
    this.needs.add('environment');
  }

  onRestore(e, atMs) {
    const tone = e.green === true ? 'ok' : 'warn';
    const sentence = text(e.sentence) ?? '';
    this.pushFeed({ atMs, type: 'restore', tone, label: 'restore', text: sentence });
    this.pushNarrative({ atMs, kind: 'restore', sidecarId: null, tone, badge: e.green === true ? 'GREEN' : 'NOT GREEN', detail: null, sentence });
    this.needs.add('environment').add('sidecars');
  }

  onScenario(e, atMs) {
    const phase = text(e.phase, 40) ?? '?';
    const sentence = text(e.text) ?? '';
    const tone = phase === 'finished' ? (scenarioOutcome(e) === 'passed' ? 'ok' : 'bad') : 'info';
    this.pushFeed({ atMs, type: 'scenario', tone, label: `scenario ${phase}`, text: sentence });
    if (phase === 'finished' || phase === 'recovered') {
      this.pushNarrative({ atMs, kind: 'scenario', sidecarId: null, tone, badge: phase.toUpperCase(), detail: text(e.scenarioId, 80), sentence });
    }
  }

  onUnknown(e, atMs) {
    let body = '';
    try { body = JSON.stringify(e); } catch { body = ''; }
    this.pushFeed({ atMs, type: 'unknown', tone: 'muted', label: text(e.type, 40) ?? 'event', text: text(body, 300) ?? '' });
  }

  // ---- helpers ----------------------------------------------------------------------

  /** The sidecar an event is about; an unknown id gets a placeholder card and a registry refetch. */
  sidecarFor(rawId, { create = true } = {}) {
    const id = text(rawId, 128);
    if (!id) return null;
    let sidecar = this.sidecars.get(id);
    if (!sidecar && create) {
      sidecar = blankSidecar(id);
      this.sidecars.set(id, sidecar);
      this.dirty.add('cards');
      this.needs.add('sidecars');
    }
    return sidecar ?? null;
  }

  touchCard(id) {
    this.dirty.add('cards');
    this.dirtyCards.add(id);
  }

  pushFeed(entry) {
    this.feed.push({ sidecarId: null, ...entry, atMs: entry.atMs ?? this.serverNow(), id: this.nextEntryId++ });
    if (this.feed.length > this.feedLimit) this.feed.splice(0, this.feed.length - this.feedLimit);
    this.dirty.add('feed');
  }

  pushNarrative(entry) {
    this.narrative.push({ ...entry, atMs: entry.atMs ?? this.serverNow(), id: this.nextEntryId++ });
    if (this.narrative.length > this.narrativeLimit) this.narrative.splice(0, this.narrative.length - this.narrativeLimit);
    this.dirty.add('narrative');
  }
}

function maxOrNull(a, b) {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** A broker's JMX reading (a `broker` event, or `metrics` in /api/environment). */
function brokerReading(r) {
  return {
    reachable: typeof r.reachable === 'boolean' ? r.reachable : null,
    underReplicatedPartitions: number(r.underReplicatedPartitions),
    offlinePartitions: number(r.offlinePartitions),
    activeController: number(r.activeController),
    requestHandlerIdlePct: number(r.requestHandlerIdlePct),
    networkProcessorIdlePct: number(r.networkProcessorIdlePct),
  };
}

/** A consumer group's lag (a `consumer-lag` event, or a row of /api/consumer-groups). */
function lagReading(r) {
  return {
    lagMessages: number(r.lagMessages),
    lagSeconds: number(r.lagSeconds),
    partitions: number(r.partitions),
    measuredPartitions: number(r.measuredPartitions),
    /** "topic-partition" names of the partitions whose lag is unknown. */
    unknownPartitions: partitionNames(r.unknownPartitions),
    /** "topic-partition" names of the partitions stuck behind an open transaction. */
    stuckPartitions: partitionNames(r.stuckPartitions),
    stale: r.stale === true,
    measuredMs: number(r.measuredMs),
    /** Every finding's sentence, the one that sets the condition first. */
    findings: Array.isArray(r.findings) ? r.findings.slice(0, 10).map((f) => text(f?.sentence)).filter(Boolean) : [],
  };
}

/** `[{topic, partition}]` from the network as "topic-partition" strings (at most 100). */
function partitionNames(list) {
  if (!Array.isArray(list)) return [];
  return list.slice(0, 100)
    .map((p) => (text(p?.topic, 250) !== null && number(p?.partition) !== null ? `${text(p.topic, 250)}-${p.partition}` : null))
    .filter(Boolean);
}

function blankSidecar(id) {
  return {
    id, type: null, status: null, lastSeenMs: null, jmxEndpoint: null, workload: null, host: null, version: null,
    heartbeatIntervalMs: null, condition: null, confidence: null, situation: null, sentence: null,
    bufferFill: null, targetRate: null, sendRate: null, requestLatencyMs: null,
    txErrors: null, retries: null, queueFullErrors: null,
    clockOffsetMs: null, clockWarning: null, idConflict: null,
  };
}

/** A sidecar's clock offset and warning sentences, from /api/sidecars or a sidecar-status event. */
function sidecarWarnings(raw) {
  return {
    clockOffsetMs: number(raw.clockOffsetMs),
    clockWarning: text(raw.clockWarning),
    idConflict: text(raw.idConflict),
  };
}
