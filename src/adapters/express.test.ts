import express from 'express';
import { createServer } from 'node:http';
import { describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './express.js';
import type { PolicySource } from './select.js';

async function start(policy: PolicySource<express.Request>) {
  let hits = 0;
  const app = express();
  app.use((_req, res, next) => {
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  });
  app.use(cors(policy));
  app.use((_req, _res, next) => {
    hits++;
    next();
  });
  app.get('/data', (_req, res) => {
    res.send('data');
  });
  app.options('/opt', (_req, res) => {
    res.send('options-app');
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const { url, close } = await listen(createServer(app));
  return { url, close, hits: () => hits };
}

describeAdapter('express', start);
describeDynamicPolicies<express.Request>('express', (req) => req.headers.host, start);
