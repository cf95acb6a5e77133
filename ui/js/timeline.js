/**
 * What the charts draw, kept apart from drawing: a series per metric and subject, the fault
 * bands (injection → revert) and the detection / recovery markers. Events only append here;
 * the chart view reads it out at most a few times a second (`version` tells it whether
 * anything changed).
 *
 * Times are the platform's clock (`atMs`), so a sidecar's skewed clock cannot misplace its
 * points against the faults.
 */
import { Series } from './series.js';
import { number, text } from './format.js';

export const WINDOW_MS = 5 * 60 * 1000;
/** A fresh page shows at least this much, so its first minute is not a sliver at the right edge. */
export const MIN_WINDOW_MS = 60 * 1000;
/** One point per quarter second per series at most: 1200 points cover the window. */
const BUCKET_MS = 250;
const CAPACITY = WINDOW_MS / BUCKET_MS;
/** Bands and markers beyond these are long out of the window. */
const MAX_BANDS = 50;
const MAX_MARKERS = 100;

/** The charts, in display order: which event feeds each and how its value is read. */
export const METRICS = [
  { id: 'fill', title: 'Buffer fill', unit: '%', event: 'signal', subject: 'sidecarId', read: (e) => scaled(e.bufferFill, 100), max: 100 },
  { id: 'rate', title: 'Send rate', unit: 'msg/s', event: 'signal', subject: 'sidecarId', read: (e) => number(e.sendRate) },
  { id: 'latency', title: 'Request latency', unit: 'ms', event: 'signal', subject: 'sidecarId', read: (e) => number(e.requestLatencyMs) },
  { id: 'lag', title: 'Consumer lag', unit: 'records', event: 'consumer-lag', subject: 'group', read: (e) => (e.stale === true ? null : number(e.lagMessages)) }, // a stale reading has no figures
];

export class Timeline {
  constructor() {
    /** metric id → (subject → Series) */
    this.series = new Map(METRICS.map((m) => [m.id, new Map()]));
    /** {id, label, fromMs, toMs (null while active)}, oldest first */
    this.bands = [];
    /** {kind: 'detected' | 'recovered', atMs, label} */
    this.markers = [];
    /** Newest event time seen, and the first one that put anything on the charts. */
    this.nowMs = 0;
    this.firstMs = null;
    /** Bumped on every change, so a view can skip redrawing an unchanged timeline. */
    this.version = 0;
    /** Detection is the first departure from STABLE after an injection... */
    this.awaitingDetection = false;
    /** ...recovery the scenario's "recovered" or, outside a scenario, that subject's return to STABLE. */
    this.detectedSubject = null;
    this.scenarioRunning = false;
  }

  applyEvent(event) {
    const atMs = number(event.atMs);
    if (atMs === null) return;
    if (atMs > this.nowMs) this.nowMs = atMs;
    this.firstMs ??= atMs;
    switch (event.type) {
      case 'signal':
      case 'consumer-lag': return this.onSample(event, atMs);
      case 'fault': return this.onFault(event, atMs);
      case 'restore': return this.closeBands(() => true, atMs);
      case 'condition': return this.onCondition(event, atMs);
      case 'scenario': return this.onScenario(event, atMs);
      default: return undefined;
    }
  }

  /** The active faults from GET /api/faults after a (re)connect: open what is missing, close what is gone. */
  applyActiveFaults(list, nowMs) {
    if (!Array.isArray(list)) return;
    const active = new Set();
    for (const fault of list) {
      const id = text(fault?.id, 120);
      if (!id) continue;
      active.add(id);
      if (!this.bands.some((b) => b.id === id && b.toMs === null)) {
        this.openBand(id, text(fault.description, 160) ?? describeFault(fault.fault), number(fault.appliedAtMs) ?? nowMs);
      }
    }
    this.closeBands((band) => !active.has(band.id), nowMs);
  }

  onSample(event, atMs) {
    for (const metric of METRICS) {
      if (metric.event !== event.type) continue;
      const subject = text(event[metric.subject], 128);
      const value = metric.read(event);
      if (!subject || value === null) continue;
      const bySubject = this.series.get(metric.id);
      let series = bySubject.get(subject);
      if (!series) bySubject.set(subject, (series = new Series(CAPACITY, BUCKET_MS)));
      series.append(atMs, value);
    }
    this.version++;
  }

  onFault(event, atMs) {
    const id = text(event.faultId, 120);
    if (!id) return;
    if (event.action === 'injected') {
      // A ramp replaces a fault on the same spot under the same id: one band, still open.
      if (!this.bands.some((b) => b.id === id && b.toMs === null)) this.openBand(id, describeFault(event.fault), atMs);
      this.awaitingDetection = true;
    } else if (event.action === 'reverted') {
      this.closeBands((band) => band.id === id, atMs);
    }
  }

  onCondition(event, atMs) {
    const subject = text(event.subject, 160) ?? text(event.sidecarId, 128);
    const leftStable = event.condition !== 'STABLE' && (event.previous === 'STABLE' || event.previous === null);
    if (this.awaitingDetection && leftStable) {
      this.awaitingDetection = false;
      this.detectedSubject = subject;
      this.mark('detected', atMs, `${subject} ${text(event.condition, 40)}`);
    } else if (this.detectedSubject !== null && !this.scenarioRunning && event.condition === 'STABLE' && subject === this.detectedSubject) {
      this.detectedSubject = null;
      this.mark('recovered', atMs, `${subject} STABLE`);
    }
  }

  onScenario(event, atMs) {
    if (event.phase === 'started') this.scenarioRunning = true;
    else if (event.phase === 'finished') this.scenarioRunning = false;
    else if (event.phase === 'recovered') {
      this.detectedSubject = null;
      this.mark('recovered', atMs, 'all STABLE');
    }
  }

  openBand(id, label, fromMs) {
    this.bands.push({ id, label, fromMs, toMs: null });
    if (this.bands.length > MAX_BANDS) this.bands.splice(0, this.bands.length - MAX_BANDS);
    this.version++;
  }

  closeBands(which, atMs) {
    for (const band of this.bands) {
      if (band.toMs === null && which(band)) {
        band.toMs = atMs;
        this.version++;
      }
    }
  }

  mark(kind, atMs, label) {
    this.markers.push({ kind, atMs, label });
    if (this.markers.length > MAX_MARKERS) this.markers.splice(0, this.markers.length - MAX_MARKERS);
    this.version++;
  }

  /** How far back the charts look: from the first data, at least a minute, at most the window. */
  spanAt(nowMs) {
    return Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, nowMs - (this.firstMs ?? nowMs)));
  }

  /** Bands that overlap the window ending at `nowMs`. */
  visibleBands(nowMs) {
    return this.bands.filter((b) => (b.toMs ?? nowMs) >= nowMs - WINDOW_MS);
  }
}

/** "latency broker 1 500 ms" — a short label for a fault value (shown as text). */
export function describeFault(fault) {
  if (fault === null || typeof fault !== 'object') return 'fault';
  const parts = [text(fault.kind, 40) ?? 'fault'];
  if (fault.broker !== undefined) parts.push(`broker ${text(fault.broker, 20)}`);
  if (fault.producer !== undefined) parts.push(text(fault.producer, 64));
  if (fault.consumer !== undefined) parts.push(text(fault.consumer, 64));
  if (fault.mode !== undefined) parts.push(text(fault.mode, 20));
  if (number(fault.ms) !== null) parts.push(`${fault.ms} ms`);
  if (number(fault.rate) !== null) parts.push(`${fault.rate} msg/s`);
  if (number(fault.kbps) !== null) parts.push(`${fault.kbps} KB/s`);
  if (number(fault.workers) !== null) parts.push(`${fault.workers} workers`);
  return parts.join(' ');
}

function scaled(value, factor) {
  const n = number(value);
  return n === null ? null : n * factor;
}
