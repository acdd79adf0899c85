// The browser-mode server's security checks, each a small pure function so the server reads as a list of gates
// and the tests can name what they break. Everything here assumes the server listens on 127.0.0.1 only.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-run token: 32 random bytes, base64url (43 characters, safe in a URL and a cookie). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed a character at a time from response timings. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer TOKEN`, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  return m ? m[1] : null;
}

/**
 * Cookies are shared by every port of a host, so two Molscape servers on one machine would overwrite each other's
 * cookie under one name: the port is part of the name.
 */
export const cookieName = (port: number): string => `molscape_token_${port}`;

export function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * DNS-rebinding defence: a page from evil.example whose name was re-pointed at 127.0.0.1 still sends
 * `Host: evil.example:PORT`, so only the loopback names with our own port are served.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * A request that carries an Origin must come from our own page. Top-level navigations and same-origin GETs
 * send none, which is fine: they still need the token. `Origin: null` (sandboxed frames, file://) is foreign.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/**
 * The page's Content-Security-Policy: everything from our own origin, nothing inline, no eval, no framing.
 * Depictions come as data: or blob: images; the only socket is our own event stream.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response, static or API, success or refusal. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The token is in the page's URL: never send it on as a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': 'no-store',
  };
}
