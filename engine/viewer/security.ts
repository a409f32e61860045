/**
 * What the viewer's server answers and the headers it answers with. It binds 127.0.0.1, but a web page can still
 * reach it: through DNS rebinding (a name of the page's own that it re-points at 127.0.0.1, so the browser sends
 * `Host: that-name:PORT` and treats the answer as same-origin) or by a plain cross-site request. So only requests
 * addressed to a loopback name on the server's own port are answered, a request carrying a foreign Origin is
 * refused, and every answer tells the browser not to sniff, not to leak the address, not to let another origin
 * embed or frame it, and (for the viewer's page) to run nothing but the viewer's own scripts.
 */

/** The loopback names a browser on this machine uses to reach the server. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host header values the server on `port` answers: the loopback names with the port (browsers omit only :80). */
export function allowedHosts(port: number): Set<string> {
  const out = new Set<string>();
  for (const n of LOOPBACK_NAMES) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

/** Origin header values the server on `port` accepts (the viewer's own page under any of its loopback names). */
export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`));
}

export type Refusal = { status: 421 | 403; message: string };

/**
 * Why a request with these `host` and `origin` headers must not be answered by the server on `port`, or undefined
 * when it may be. Host names are compared case-insensitively; anything else (other names, other ports, userinfo,
 * a trailing dot, no Host at all) is refused.
 */
export function refuseRequest(host: string | undefined, origin: string | undefined, port: number): Refusal | undefined {
  if (!host || !allowedHosts(port).has(host.toLowerCase())) {
    return { status: 421, message: `misdirected request: this server answers only http://127.0.0.1:${port}/ (and localhost)` };
  }
  if (origin !== undefined && !allowedOrigins(port).has(origin.toLowerCase())) {
    return { status: 403, message: 'forbidden: cross-origin request' };
  }
  return undefined;
}

/**
 * The CSP source (scheme://host[:port]) of an XYZ tile URL template, or undefined when it has none of its own
 * (a relative template is covered by 'self'; anything but http(s) is not allowed at all).
 */
export function tileSource(template: string): string | undefined {
  let u: URL;
  try {
    u = new URL(template.replace(/\{-?[xyz]\}/g, '0'));
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  // URL has already punycoded and lower-cased the host; braces left in it (e.g. {s}) are not a valid source
  if (!/^[a-z0-9.\-[\]:]+$/.test(u.host)) return undefined;
  return u.origin;
}

/**
 * The viewer's Content-Security-Policy. The bundle (viewer/dist) is module scripts, one stylesheet and fetches to
 * its own server; deck.gl/luma.gl/loaders.gl make images from data: and blob: URLs and may start blob: workers;
 * the panel's swatches and ramps are inline style attributes (style-src 'unsafe-inline'; <style> elements stay
 * 'self' where browsers know style-src-elem). The base-map tile host, when given, is allowed for images and
 * fetches, nothing else.
 */
export function contentSecurityPolicy(tilesUrl?: string): string {
  const tiles = tilesUrl ? tileSource(tilesUrl) : undefined;
  const extra = tiles ? ` ${tiles}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "style-src-elem 'self'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self'${extra}`,
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every answer of the server (its Content-Security-Policy given). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': csp,
  };
}
