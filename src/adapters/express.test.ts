import express from 'express';
import { createServer } from 'node:http';
import { describeAdapter } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './express.js';

describeAdapter('express', async (policy) => {
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
});
