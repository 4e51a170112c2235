import http from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../program.js';
import { runLab } from './lab.js';

function get(port: number, path: string, origin: string): Promise<{ status: number; acao: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers: { Host: `corsight-lab.test:${port}`, Origin: origin } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            acao: res.headers['access-control-allow-origin'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('corsight lab', () => {
  it('serves the lab, prints endpoints and --resolve values, and stops on abort', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const controller = new AbortController();
    const running = runLab({ color: false }, out, controller.signal);
    while (!text.includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 10));
    expect(text).toContain('--resolve corsight-lab.test:127.0.0.1');
    expect(text).toMatch(/\/prefix\s+prefix-match/);
    expect(text).toMatch(/\/exact-allowlist\s+nothing \[secure control\]/);
    const port = Number(/http {3}http:\/\/corsight-lab\.test:(\d+)/.exec(text)?.[1]);
    expect(await get(port, '/prefix', 'http://corsight-lab.test.corsight-attacker.com')).toEqual({
      status: 200,
      acao: undefined,
    });
    expect(await get(port, '/reflect-public', 'https://x.example')).toEqual({ status: 200, acao: 'https://x.example' });
    controller.abort();
    await running;
    await expect(get(port, '/prefix', 'https://x.example')).rejects.toThrow();
  });

  it('rejects a bad port with a usage error (exit 2)', async () => {
    let written = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
    try {
      expect(await run(['lab', '--port', '99999'])).toBe(2);
    } finally {
      stderr.mockRestore();
    }
    expect(written).toContain('--port must be a port number from 0 to 65535, got "99999"');
  });
});
