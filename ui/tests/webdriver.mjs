// A small W3C WebDriver client over fetch: just what the desktop test and the desktop bench
// need to drive the real Tauri window through tauri-driver (which hands the session to
// WebKitWebDriver).
import { eventually } from './harness.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }

  async call(method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = answer?.value?.message ?? answer?.value?.error ?? `HTTP ${response.status}`;
      throw new Error(`${method} ${path}: ${error}`);
    }
    return answer.value;
  }

  /** Opens the application (an absolute path to the Tauri binary) in a new session. */
  async open(application) {
    const value = await this.call('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
    });
    this.session = value.sessionId;
  }

  async close() {
    if (this.session) await this.call('DELETE', `/session/${this.session}`).catch(() => {});
    this.session = null;
  }

  /** Element ids for a CSS selector (empty when none match). */
  async findAll(selector) {
    const found = await this.call('POST', `/session/${this.session}/elements`, { using: 'css selector', value: selector });
    return found.map((element) => element[ELEMENT]);
  }

  async click(element) {
    await this.call('POST', `/session/${this.session}/element/${element}/click`, {});
  }

  /**
   * Clicks the first element matching `selector` once there is one (30 s at most; the error
   * names `what`). The launch panel redraws its choices as pre-flight answers arrive, so a
   * found element may be replaced before the click: then it tries again.
   */
  async clickWhenReady(selector, what) {
    await eventually(async () => {
      const [element] = await this.findAll(selector);
      if (!element) return false;
      return this.click(element).then(() => true, () => false);
    }, { timeoutMs: 30000, what });
  }

  async text(element) {
    return this.call('GET', `/session/${this.session}/element/${element}/text`);
  }

  async attribute(element, name) {
    return this.call('GET', `/session/${this.session}/element/${element}/attribute/${name}`);
  }

  /**
   * Runs `script` in the page as an asynchronous function body: its last argument is the
   * callback whose value comes back.
   */
  async executeAsync(script, args = []) {
    return this.call('POST', `/session/${this.session}/execute/async`, { script, args });
  }

  /** The window as a PNG. */
  async screenshot() {
    return Buffer.from(await this.call('GET', `/session/${this.session}/screenshot`), 'base64');
  }
}
