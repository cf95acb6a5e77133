/**
 * Which platform events deserve a toast, and what it says. Errors and turning points only:
 * never a signal, a sign or a routine condition change (the narrative has those).
 * Every text is the server's own sentence or built from known words, shown as text.
 */
import { text } from './format.js';
import { scenarioOutcome } from './vocabulary.js';

/** @returns {{tone: 'ok'|'warn'|'bad'|'info', text: string} | null} */
export function toastFor(event) {
  switch (event?.type) {
    case 'scenario':
      if (event.phase !== 'finished') return null;
      return scenarioOutcome(event) === 'passed'
        ? { tone: 'ok', text: text(event.text) ?? 'Scenario passed.' }
        : { tone: 'bad', text: text(event.text) ?? 'Scenario failed.' };
    case 'fault': {
      const sentence = text(event.sentence) ?? `Fault ${text(event.action, 40) ?? ''}`;
      if (event.action === 'injected') return { tone: 'warn', text: sentence };
      if (event.action === 'reverted') return { tone: 'ok', text: sentence };
      if (event.action === 'failed') return { tone: 'bad', text: sentence };
      return null;
    }
    case 'restore':
      return { tone: event.green === true ? 'ok' : 'warn', text: text(event.sentence) ?? 'Restore finished.' };
    case 'condition':
      // A broker going DOWN is announced once, on the change; its readings are not.
      if (event.subjectKind === 'broker' && event.condition === 'DOWN' && event.previous !== 'DOWN') {
        return { tone: 'bad', text: text(event.sentence) ?? `${text(event.subject, 40) ?? 'A broker'} is down.` };
      }
      return null;
    case 'episode':
      if (event.outcome === 'healed') return { tone: 'ok', text: text(event.sentence) ?? 'Episode healed.' };
      if (event.outcome === 'not-healed') return { tone: 'bad', text: text(event.sentence) ?? 'Episode not healed.' };
      return null;
    case 'environment':
      if (event.status !== 'failed') return null;
      return { tone: 'bad', text: `${text(event.kind, 40) ?? 'Environment'}: ${text(event.step, 80) ?? 'a step'} failed${event.detail ? `: ${text(event.detail)}` : ''}` };
    default:
      return null;
  }
}
