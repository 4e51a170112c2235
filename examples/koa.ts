import Koa from 'koa';
import { cors } from 'corsight/koa';

export const app = new Koa();
app.use(
  cors({
    origins: ['https://app.example.com', 'https://*.example.com'],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type'],
  }),
);
app.use((ctx) => {
  if (ctx.path === '/api/data') ctx.body = { hello: 'from koa' };
});
// app.listen(3000)
