import { Hono } from 'hono';
import { cors } from 'corsight/hono';

export const app = new Hono();
app.use(
  '*',
  cors({
    origins: ['https://app.example.com', 'https://*.example.com'],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type'],
  }),
);
app.get('/api/data', (c) => c.json({ hello: 'from hono' }));
// Node: serve({ fetch: app.fetch, port: 3000 }) from @hono/node-server; Bun/Deno/workers: export default app
