/**
 * Which of the target's cookies an attacker's request carries: `Set-Cookie` parsed for the attributes
 * SameSite depends on, and the rule as Chromium applies it (a cross-site page's requests carry only
 * `SameSite=None; Secure` cookies, no attribute means Lax; a same-site page carries them all; same-site is
 * schemeful, so `http://target` is cross-site to `https://target`).
 */
import { getAllHeaderValues } from '../../fetch/headers.js';
import { isPotentiallyTrustworthy, isSameSite } from '../../fetch/origin.js';
import type { Exchange } from '../types.js';

/** One parsed `Set-Cookie`. */
export interface CookieInfo {
  name: string;
  sameSite: 'none' | 'lax' | 'strict' | 'default';
  secure: boolean;
}

/** Parses the `Set-Cookie` lines of `exchange`'s response (name and the attributes SameSite depends on). */
export function cookiesOf(exchange: Exchange): CookieInfo[] {
  return getAllHeaderValues(exchange.response.headers, 'set-cookie').map((line) => {
    const [pair = '', ...attrs] = line.split(';');
    const name = pair.split('=')[0]?.trim() ?? '';
    let sameSite: CookieInfo['sameSite'] = 'default';
    let secure = false;
    for (const attr of attrs) {
      const [key = '', value = ''] = attr.split('=').map((s) => s.trim().toLowerCase());
      if (key === 'secure') secure = true;
      if (key === 'samesite' && (value === 'none' || value === 'lax' || value === 'strict')) sameSite = value;
    }
    return { name, sameSite, secure };
  });
}

/** Cookies among `cookies` that a request from `attackerOrigin` to the target would carry. */
export function carriedCookies(cookies: readonly CookieInfo[], attackerOrigin: string, targetUrl: URL): CookieInfo[] {
  const sameSite = attackerOrigin !== 'null' && isSameSite(attackerOrigin, targetUrl);
  // A Secure cookie is neither stored from nor sent to a non-secure URL (https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-storage-model; Chromium treats
  // loopback hosts as secure). Same-site requests carry every other cookie; cross-site ones only
  // SameSite=None, which Chromium requires to be Secure (without Secure it is rejected when set).
  const secureTarget = isPotentiallyTrustworthy(targetUrl);
  return cookies.filter((c) => (secureTarget || !c.secure) && (sameSite || (c.sameSite === 'none' && c.secure)));
}
