/**
 * A replay's status (`{"type":"replay",...}` on the stream, GET/POST /api/replay) parsed
 * into plain values, and how its positions read. Everything from the network is checked
 * here; the replay bar (view/replay.js) shows only what this returns.
 */
import { number, text } from './format.js';

/** The speeds the bar offers: the server plays at 1×, 2× or 4× (wire::SPEEDS). */
export const SPEEDS_SHOWN = [1, 2, 4];

/**
 * @returns {{file: string, name: string|null, environment: string, durationMs: number,
 *   positionMs: number, atMs: number, speed: number, paused: boolean, finished: boolean,
 *   events: number, played: number, generation: number,
 *   breakAt: {offset: number, reason: string}|null} | null}  null when it is not a status
 */
export function parseReplayStatus(raw) {
  if (raw === null || typeof raw !== 'object') return null;
  const durationMs = number(raw.durationMs);
  const positionMs = number(raw.positionMs);
  const atMs = number(raw.atMs);
  const generation = number(raw.generation);
  const speed = number(raw.speed);
  if (durationMs === null || positionMs === null || atMs === null || generation === null || !SPEEDS_SHOWN.includes(speed)) return null;
  const offset = number(raw.breakAt?.offset);
  return {
    file: text(raw.file, 300) ?? '?',
    name: text(raw.name, 120),
    environment: text(raw.environment, 40) ?? '?',
    durationMs: Math.max(0, durationMs),
    positionMs: Math.min(Math.max(0, positionMs), Math.max(0, durationMs)),
    atMs,
    speed,
    paused: raw.paused === true,
    finished: raw.finished === true,
    events: number(raw.events) ?? 0,
    played: number(raw.played) ?? 0,
    generation,
    breakAt: offset === null ? null : { offset, reason: text(raw.breakAt.reason, 300) ?? 'unreadable' },
  };
}

/** A position as m:ss (h:mm:ss from an hour on); `—` when it is not a number. */
export function clockText(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}:${seconds}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${seconds}`;
}
