/**
 * The self-healing conversation in words: detectors' signs and conditions, the sidecars'
 * speech acts, the platform's responses and healing episodes, as feed lines, and conditions
 * and episodes also as narrative entries. It keeps no state of its own: what a condition
 * changes on a card, tile or group row is the sidecars, environment and groups regions' job.
 */
import { millis, number, percent, rate, text } from '../format.js';
import { SITUATIONS, conditionTone, episodeTone, known, signTone, situationTone } from '../vocabulary.js';

/** @param ctx  the model's context (state.js): feed, narrate */
export function createHealing(ctx) {
  return {
    events: {
      sign(e, atMs) {
        const subject = text(e.subject, 80) ?? 'queue';
        const sign = text(e.sign, 40) ?? '?';
        const value = subject === 'buffer' ? `${percent(e.value)} full` : String(number(e.value) ?? '—');
        ctx.feed({ atMs, type: 'sign', sidecarId: text(e.sidecarId, 128), tone: signTone(sign), label: 'sign', text: `${subject} ${sign} (${value})` });
      },

      condition(e, atMs) {
        const condition = text(e.condition, 40);
        const confidence = text(e.confidence, 40);
        const situation = text(e.situation, 40);
        const tone = known(situation, SITUATIONS) ? situationTone(situation) : conditionTone(condition);
        const previous = text(e.previous, 40);
        const detector = text(e.detector, 80);
        // Brokers and consumer groups have no card; their name stands where a sidecar's would.
        const subject = text(e.sidecarId, 128) || text(e.subject, 160);
        ctx.feed({
          atMs, type: 'condition', sidecarId: subject, tone, label: 'condition',
          text: `${previous && previous !== condition ? `${previous} → ` : ''}${condition ?? '?'} (${confidence ?? '?'})${detector ? ` by ${detector}` : ''}`,
        });
        ctx.narrate({
          atMs, kind: 'condition', sidecarId: subject, tone,
          badge: condition ?? '?', detail: confidence, sentence: text(e.sentence) ?? '',
        });
      },

      'speech-act'(e, atMs) {
        const about = text(e.about, 40);
        // Liveness only (the sidecars region's); a heartbeat every two seconds is not news.
        if (about === 'HEARTBEAT') return;
        const act = text(e.act, 40) ?? '?';
        const parts = [act];
        if (e.request) parts.push(text(e.request, 60));
        if (about) parts.push(about);
        if (e.urgency) parts.push(`[${text(e.urgency, 40)}]`);
        const urgent = e.urgency === 'IMMEDIATE';
        ctx.feed({
          atMs, type: 'speech-act', sidecarId: text(e.sidecarId, 128), tone: act === 'REQUEST' ? (urgent ? 'bad' : 'warn') : 'info', label: act === 'REQUEST' ? 'request' : 'report',
          text: `${parts.join(' ')}: ${text(e.text) ?? ''}`,
        });
      },

      response(e, atMs) {
        const act = text(e.act, 40) ?? '?';
        let command = '';
        if (e.command !== null && typeof e.command === 'object') {
          const op = text(e.command.op, 40) ?? '?';
          const r = number(e.command.rate);
          command = ` [${op}${r !== null ? ` ${rate(r)}` : ''}]`;
        }
        const tone = act === 'DENY' ? 'warn' : act === 'COMMAND' ? 'info' : act === 'DELIVER' ? 'ok' : 'muted';
        ctx.feed({
          atMs, type: 'response', sidecarId: text(e.target, 128), tone, label: 'platform →',
          text: `${act}${command}: ${text(e.text) ?? ''}`,
        });
      },

      episode(e, atMs) {
        const outcome = text(e.outcome, 40) ?? '?';
        const sidecarId = text(e.sidecarId, 128);
        const tone = episodeTone(outcome);
        const sentence = text(e.sentence) ?? '';
        ctx.feed({
          atMs, type: 'episode', sidecarId, tone, label: 'episode',
          text: `${outcome} after ${millis(e.elapsedMs)}: ${sentence}`,
        });
        ctx.narrate({ atMs, kind: 'episode', sidecarId, tone, badge: outcome, detail: `after ${millis(e.elapsedMs)}`, sentence });
      },
    },
  };
}
