// Express 4 (installed as the `express4` alias) runs the same table as Express 5: same middleware, older
// router and final handler (finalhandler 1.x).
import { createRequire } from 'node:module';
import { createServer, type RequestListener } from 'node:http';
import { describeAdapter } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './express.js';

type Handler = (
  req: unknown,
  res: { setHeader(n: string, v: string): void; send(b: string): void },
  next: () => void,
) => void;
interface App extends RequestListener {
  use(h: unknown): void;
  get(p: string, h: Handler): void;
  options(p: string, h: Handler): void;
  set(k: string, v: string): void;
}
const express4 = createRequire(import.meta.url)('express4') as (() => App) & { version?: string };

describeAdapter('express 4', async (policy) => {
  let hits = 0;
  const app = express4();
  app.set('env', 'test'); // keeps the final handler from printing the expected /boom stack
  app.use((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  });
  app.use(cors(policy));
  app.use((_req: unknown, _res: unknown, next: () => void) => {
    hits++;
    next();
  });
  app.get('/data', (_req, res) => res.send('data'));
  app.options('/opt', (_req, res) => res.send('options-app'));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const { url, close } = await listen(createServer(app));
  return { url, close, hits: () => hits };
});
