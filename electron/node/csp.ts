// The Content-Security-Policy for every page of the app, in Electron and in browser mode.
// Only our own scripts; Monaco needs inline styles and blob/same-origin workers; the API socket
// is same-origin (browser mode). No remote content of any kind.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
