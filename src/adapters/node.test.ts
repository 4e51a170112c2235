import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { withCors } from './node.js';
import type { PolicySource } from './select.js';

async function start(policy: PolicySource<IncomingMessage>) {
  let hits = 0;
  const app = (req: IncomingMessage, res: ServerResponse) => {
    hits++;
    if (req.url === '/data' && req.method === 'GET') return void res.end('data');
    if (req.url === '/opt' && req.method === 'OPTIONS') return void res.end('options-app');
    if (req.url === '/boom') {
      // A plain Node handler's error path: it answers 500 itself.
      res.statusCode = 500;
      return void res.end('boom');
    }
    res.statusCode = 404;
    res.end('not found');
  };
  const cors = withCors(policy, app);
  const server = createServer((req, res) => {
    res.setHeader('Vary', 'Accept-Encoding'); // an outer layer's Vary must survive
    void cors(req, res);
  });
  const { url, close } = await listen(server);
  return { url, close, hits: () => hits };
}

describeAdapter('node', start);
describeDynamicPolicies<IncomingMessage>('node', (req) => req.headers.host, start);
