/**
 * Informational (1xx) responses are legal HTTP (https://www.rfc-editor.org/rfc/rfc9110#name-informational-1xx):
 * "A client MUST be able to parse one or more 1xx responses received prior to a final response, even if the
 * client does not expect one." Browsers skip them. undici skips 102 and 103, but destroys the connection on a
 * `100 Continue` it did not ask for (lib/dispatcher/client-h1.js, onHeadersComplete: `statusCode === 100` ->
 * SocketError 'bad response'), and has no option to change that. So a server answering
 * `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK...` read as "connection closed (bad response)".
 *
 * The fix is the smallest one that keeps undici's parser in charge: on each connection, the status code of an
 * interim `100` response is rewritten to `102` as the bytes are read, which undici treats as what it is — an
 * interim response to skip before the final one. Only the bytes where a response starts are looked at (after
 * each request is written, and after each interim header block, 100 or 102/103); everything else passes
 * through untouched. llhttp's own rules still apply (CRLF line ends; an HTTP/1.0 interim closes the connection).
 */
import type { Duplex } from 'node:stream';

// "HTTP/1.x 1" — how an interim response's status line starts; its code follows in the next two bytes.
const prefix = Buffer.from('HTTP/1.1 1', 'latin1');
const statusLineLength = prefix.length + 2;
const versionMinor = 7;
const statusLast = 11;

type State = 'status' | 'interim' | 'pass';

/**
 * What the start of a response (possibly short) is: an interim response other than 101 (whose header block
 * is skipped), `100` in particular (rewritten), anything else (passed on), or not known yet.
 */
function classify(bytes: Buffer, at: number): 'continue' | 'interim' | 'final' | 'unknown' {
  // Read in place (no subarray per response): this runs at the start of every response on every connection.
  const n = Math.min(bytes.length - at, statusLineLength);
  for (let i = 0; i < Math.min(n, prefix.length); i++) {
    const byte = bytes[at + i];
    if (i === versionMinor ? byte !== 0x30 && byte !== 0x31 : byte !== prefix[i]) return 'final';
  }
  if (n < statusLineLength) return 'unknown';
  const code = bytes.toString('latin1', at + prefix.length - 1, at + statusLineLength);
  if (!/^1\d\d$/.test(code) || code === '101') return 'final'; // 101 is an upgrade, which undici handles
  return code === '100' ? 'continue' : 'interim';
}

/**
 * Makes undici treat an unsolicited `100 Continue` on `socket` as the interim response it is (see above).
 * Call on every socket the connector hands to undici, TLS or not. Returns the socket.
 */
export function acceptInformational<S extends Duplex>(socket: S): S {
  let state: State = 'status';
  let held: Buffer | undefined;
  // The last bytes of an interim header block seen so far, to find its end across chunk boundaries.
  let tail = '';
  let sawResponse = false;

  /** Finds the end of an interim header block (CRLF CRLF) in `chunk` from `from`; -1 if not there yet. */
  function endOfInterim(chunk: Buffer, from: number): number {
    const text = tail + chunk.toString('latin1', from);
    const end = text.indexOf('\r\n\r\n');
    if (end === -1) {
      tail = text.slice(-3);
      return -1;
    }
    const skipped = tail.length;
    tail = '';
    return from + end + 4 - skipped;
  }

  /** Rewrites interim 100s in `chunk` in place and returns what may go to the parser now (null: hold all). */
  function filter(input: Buffer): Buffer | null {
    let chunk = held === undefined ? input : Buffer.concat([held, input]);
    held = undefined;
    let at = 0;
    while (at < chunk.length && state !== 'pass') {
      sawResponse = true;
      if (state === 'status') {
        const kind = classify(chunk, at);
        if (kind === 'unknown') {
          held = Buffer.from(chunk.subarray(at));
          chunk = chunk.subarray(0, at);
          break;
        }
        if (kind === 'final') {
          state = 'pass';
          break;
        }
        if (kind === 'continue') {
          if (chunk === input) chunk = Buffer.from(chunk); // never write into a buffer the stream may reuse
          chunk[at + statusLast] = 0x32; // 100 -> 102
        }
        state = 'interim';
        tail = '';
        at += statusLineLength;
      }
      // In an interim header block: skip to its end, where the next status line starts.
      const end = endOfInterim(chunk, at);
      if (end === -1) break;
      at = end;
      state = 'status';
    }
    return chunk.length === 0 ? null : chunk;
  }

  const read = socket.read.bind(socket);
  socket.read = function readFiltered(size?: number) {
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null) {
      // At the end of the stream, give the parser whatever was held so it can report a short response.
      if (held !== undefined && (socket.readableEnded || socket.destroyed)) {
        const rest = held;
        held = undefined;
        return rest;
      }
      return null;
    }
    if (state === 'pass' || typeof chunk === 'string') return chunk;
    return filter(chunk);
  } as S['read'];

  const write = socket.write.bind(socket) as (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
  // Named parameters rather than `...args`: every request passes here, and a rest array and a spread call per
  // write are garbage for nothing (Writable.write takes an absent encoding or callback as undefined).
  socket.write = function writeTracked(chunk: unknown, encoding?: unknown, callback?: unknown) {
    // A new request starts a new response. With one request at a time per connection (pipelining 1) and no
    // request bodies, each write after a response began is the next request.
    if (sawResponse) {
      state = 'status';
      held = undefined;
      tail = '';
      sawResponse = false;
    }
    return write(chunk, encoding, callback);
  } as S['write'];
  return socket;
}
