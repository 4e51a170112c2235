/**
 * A CORS server that writes its answers by hand, each preceded by an unsolicited interim response (a
 * `100 Continue` unless told otherwise), as some proxies and application servers do. It grants `origin`
 * (or every origin `origin(sent)` accepts) for GET and PUT with credentials, on keep-alive connections. For the tests of every path that reads
 * answers through the net layer (scan, explain, corsight/testing).
 */
import { rawServer, type TestServer } from './servers.js';

export function interimCorsServer(
  origin: string | ((sent: string) => boolean),
  interim = 'HTTP/1.1 100 Continue\r\n\r\n',
): Promise<TestServer & { requests: string[] }> {
  const requests: string[] = [];
  return rawServer((socket) => {
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const [line = ''] = head.split('\r\n');
        const method = line.split(' ')[0] ?? '';
        requests.push(line);
        const sent = /^origin:\s*(.*)$/im.exec(head)?.[1]?.trim();
        const headers = ['Vary: Origin'];
        if (sent !== undefined && (typeof origin === 'string' ? sent === origin : origin(sent))) {
          headers.push(`Access-Control-Allow-Origin: ${sent}`, 'Access-Control-Allow-Credentials: true');
          if (method === 'OPTIONS') {
            headers.push('Access-Control-Allow-Methods: GET, PUT', 'Access-Control-Allow-Headers: content-type');
          }
        }
        const body = method === 'OPTIONS' ? '' : '{"secret":"s3cr3t"}';
        const status = method === 'OPTIONS' ? '204 No Content' : '200 OK';
        const length = method === 'OPTIONS' ? [] : [`Content-Length: ${body.length}`];
        socket.write(`${interim}HTTP/1.1 ${status}\r\n${[...headers, ...length].join('\r\n')}\r\n\r\n${body}`);
      }
    });
  }).then((server) => Object.assign(server, { requests }));
}
