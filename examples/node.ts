import { createServer } from 'node:http';
import { withCors } from 'corsight/node';

export const handler = withCors(
  {
    origins: ['https://app.example.com', 'https://*.example.com'],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type'],
  },
  (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ hello: 'from node', method: req.method }));
  },
);

export const server = createServer(handler); // server.listen(3000)
