/**
 * The connection region: whether the event stream is connected, and the server's refusal of
 * this page. A connection that comes or goes is a feed line; a stream that lagged behind
 * makes every snapshot stale.
 */
import { number, text } from '../format.js';

/** @param ctx  the model's context (state.js): changed, need, feed */
export function createConnection(ctx) {
  let state = 'disconnected';
  let refusal = null;

  return {
    /** 'connected', 'disconnected' or whatever the transport reported last. */
    get state() { return state; },
    /**
     * The server's sentence for why it refuses this page (401: no or a wrong access token;
     * 403: a foreign Origin), or null. Kept until a later call gets through.
     */
    get refusal() { return refusal; },

    set(next) {
      if (next === state) return;
      const wasConnected = state === 'connected';
      state = next;
      ctx.changed('connection');
      if (next === 'connected') ctx.feed({ type: 'link', tone: 'ok', label: 'link', text: 'Connected to the platform' });
      else if (wasConnected) ctx.feed({ type: 'link', tone: 'bad', label: 'link', text: 'Connection lost; reconnecting…' });
    },

    /** @param {string | null} sentence  the refusal's `error` sentence, or null once admitted */
    setRefusal(sentence) {
      const next = text(sentence);
      if (next === refusal) return;
      refusal = next;
      ctx.changed('connection');
    },

    events: {
      lagged(e, atMs) {
        ctx.feed({ atMs, type: 'lagged', tone: 'warn', label: 'lagged', text: `Missed ${number(e.missed) ?? 'some'} event(s); resynchronising` });
        ctx.need('sidecars', 'environment', 'health');
      },
    },
  };
}
