import { withCors } from 'corsight/fetch';

// Bun, Deno and Cloudflare Workers call fetch(request) on the default export.
export default {
  fetch: withCors(
    {
      origins: ['https://app.example.com', 'https://*.example.com'],
      credentials: true,
      methods: ['PUT', 'DELETE'],
      requestHeaders: ['content-type'],
    },
    (req: Request) => Response.json({ hello: 'from fetch', url: new URL(req.url).pathname }),
  ),
};
