/** Turning numbers and untrusted values into short display text. Pure functions. */

const DASH = '—';
const MAX_TEXT = 600;

/** A string from the network, or null; long texts are cut so one record cannot swamp the page. */
export function text(value, max = MAX_TEXT) {
  if (value === null || value === undefined) return null;
  const s = typeof value === 'string' ? value : String(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A finite number from the network, or null. */
export function number(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function percent(fraction) {
  const n = number(fraction);
  if (n === null) return DASH;
  return `${Math.round(Math.min(Math.max(n, 0), 1) * 100)}%`;
}

export function rate(perSecond) {
  const n = number(perSecond);
  if (n === null) return DASH;
  return `${n < 100 && !Number.isInteger(n) ? n.toFixed(1) : Math.round(n)}/s`;
}

export function millis(ms) {
  const n = number(ms);
  if (n === null) return DASH;
  if (n >= 1000) return `${(n / 1000).toFixed(n >= 10000 ? 0 : 1)} s`;
  return `${n < 10 && !Number.isInteger(n) ? n.toFixed(1) : Math.round(n)} ms`;
}

/** "4s", "2m 05s", "3h 10m": how long ago or how long for. */
export function span(ms) {
  const n = number(ms);
  if (n === null) return DASH;
  const seconds = Math.max(0, Math.floor(n / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d`;
}

/** Wall-clock time of day, HH:MM:SS, in the viewer's time zone. */
export function clock(epochMs) {
  const n = number(epochMs);
  if (n === null) return '--:--:--';
  const d = new Date(n);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((v) => String(v).padStart(2, '0')).join(':');
}

export function lower(value) {
  return typeof value === 'string' ? value.toLowerCase() : DASH;
}
