import express from 'express';
import { createPolicy } from 'corsight';
import { cors } from 'corsight/express';

export const policy = createPolicy({
  origins: ['https://app.example.com', 'https://*.example.com'],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['content-type'],
  exposeHeaders: ['x-request-id'],
  maxAge: 600,
});

export const app = express();
app.use(cors(policy)); // before routes and before authentication
app.get('/api/data', (_req, res) => {
  res.set('x-request-id', '42').json({ hello: 'from express' });
});
app.put('/api/data', (_req, res) => {
  res.status(204).end();
});
// app.listen(3000)
