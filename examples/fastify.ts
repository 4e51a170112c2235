import Fastify from 'fastify';
import corsight from 'corsight/fastify';

export async function build() {
  const app = Fastify();
  await app.register(corsight, {
    policy: {
      origins: ['https://app.example.com', 'https://*.example.com'],
      credentials: true,
      methods: ['PUT', 'DELETE'],
      requestHeaders: ['content-type'],
    },
  });
  app.get('/api/data', async () => ({ hello: 'from fastify' }));
  // A route with its own policy: any origin, no credentials.
  app.get('/public', { config: { cors: { origins: ['*'] } } }, async () => ({ public: true }));
  return app; // (await build()).listen({ port: 3000 })
}
