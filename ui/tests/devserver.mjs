// Development server for ui/ (not shipped). Serves the page from the sources with the
// production CSP (Chart.js straight from node_modules), so an edit shows on reload:
//
//   node ui/tests/devserver.mjs --port 18090 --proxy 127.0.0.1:18080   /api and /ws forwarded to a
//                                                                      running faultline-server
//   node ui/tests/devserver.mjs --port 18091 --mock [--autostart] [--rate 1000]
//                                                                      the DEV FAKE (mockplatform.mjs):
//                                                                      launch API, a scripted scenario,
//                                                                      hostile strings everywhere
//   add --dist to serve ui/dist/ (after node ui/build.mjs) instead of the sources.
// Then open http://127.0.0.1:PORT/ . No dependencies beyond Node 18+.
import path from 'node:path';
import { serveUi, UI_ROOT } from './uiserver.mjs';
import { createMockPlatform } from './mockplatform.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : null);
const port = Number(option('--port'));
const proxy = option('--proxy');
const mock = args.includes('--mock');
if (!Number.isInteger(port) || (!proxy && !mock)) {
  console.error('usage: devserver.mjs --port PORT (--proxy HOST:PORT | --mock [--autostart] [--rate N]) [--dist]');
  process.exit(2);
}
const platform = mock ? createMockPlatform({ autostart: args.includes('--autostart'), rate: Number(option('--rate') ?? 0) }) : null;
const root = args.includes('--dist') ? path.join(UI_ROOT, 'dist') : UI_ROOT;
const { base } = await serveUi({ root, port, proxy, platform });
console.log(`dev server on ${base} (${mock ? 'DEV FAKE platform' : `proxy ${proxy}`}, page from ${path.relative(process.cwd(), root) || '.'})`);
