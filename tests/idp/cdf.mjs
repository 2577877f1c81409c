#!/usr/bin/env node
// A fake Cognite Data Fusion API for cdf-signin's integration tests: node built-ins only.
// Listens on 127.0.0.1 (a free port unless --port N) and prints ONE JSON line on stdout when
// ready: {"port": N, "base_url": "http://127.0.0.1:N"}; logs go to stderr (never a token or a
// key). Exits when stdin closes, so it dies with the test process.
//
// It checks `Authorization: Bearer <JWT>` the way CDF does: the signature against the
// issuer's JWKS (RS256, PS256, ES256; the JWKS is fetched again when a kid is unknown),
// `exp`/`nbf`, `iss` equal to the issuer, `aud` one of the accepted audiences. A failure is
// HTTP 401 {"error":{"code":401,"message":"Unauthorized"}}, as CDF answers.
//
// Routes:
//   GET  /api/v1/token/inspect        {subject, projects, capabilities} (the fixture; subject
//                                     is the token's sub, else its client_id)
//   GET  /login/status                legacy API keys, header `api-key: KEY` (HTTP 200 always)
//   ANY  /api/v1/projects/{p}/...     401 for a project the token is not in (as CDF); else
//                                     `GET .../{resource}` and `POST .../{resource}/list` give
//                                     {"items": []}, anything else 404
//   GET  /_stats                      request counts and the last auth kind, for tests
//
// Options (argv, or the environment variable in brackets):
//   --issuer URL          required [CDF_ISSUER]: discovery at {URL}/.well-known/openid-configuration,
//                         its jwks_uri, and the `iss` a token must carry
//   --keys-from URL       also trust the signing keys of this issuer (repeatable) while still
//                         requiring `iss` = --issuer: lets a test reach the issuer check with a
//                         correctly signed token from another provider
//   --audience URL        an accepted `aud` (repeatable) [CDF_AUDIENCES, comma-separated];
//                         default: this server's own base URL, as CDF wants its cluster URL
//   --any-audience        skip the audience check
//   --api-key KEY[=PROJECT]  a legacy API key /login/status accepts (repeatable; project
//                         default my-project) [CDF_API_KEYS, comma-separated]
//   --inspect FILE        the token/inspect body [CDF_INSPECT_FIXTURE];
//                         default tests/fixtures/cdf/inspect.json
//   --projects a,b        replace the inspect body's projects with these names (groups kept
//                         for names the fixture has; '' for none) [CDF_PROJECTS]
//   --leeway SECS         clock skew allowed on exp/nbf, default 0 [CDF_LEEWAY]
//   --port N              default 0 (a free port)
// A TLS issuer with a private CA: start node with NODE_EXTRA_CA_CERTS=<ca.pem>.
//
// GET /_stats answers, for example:
//   {"total": 3, "routes": {"GET /api/v1/token/inspect": 2, "GET /login/status": 1},
//    "auth": {"last": "bearer", "accepted": 2, "rejected": {"expired": 1}},
//    "last_client": {"x-cdp-sdk": "CognitePythonSDK:8.22.0", "x-cdp-app": "cdf-signin", ...},
//    "jwks_fetches": 1}
// `auth.last` is the kind of the last request's credential: "bearer", "api-key", "basic",
// "other" or "none"; `rejected` counts 401s by reason (signature, expired, not_yet_valid,
// issuer, audience, unknown_kid, malformed, algorithm, missing).
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

// stdout carries the ready line only; every log line goes to stderr.
console.log = console.error;
console.info = console.error;
process.stdout.on('error', () => {});
const log = (...a) => console.error('fake-cdf:', ...a);

// --- options --------------------------------------------------------------------------
const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const many = (name) => {
  const out = [];
  for (let i = 0; i < argv.length; i += 1) if (argv[i] === name && i + 1 < argv.length) out.push(argv[i + 1]);
  return out;
};
const one = (name, envName, dflt) => {
  const v = many(name);
  if (v.length) return v[v.length - 1];
  if (envName && process.env[envName] !== undefined) return process.env[envName];
  return dflt;
};
const list = (s) => String(s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const fail = (msg) => { log(msg); process.exit(2); };

const issuer = one('--issuer', 'CDF_ISSUER');
if (!issuer) fail('--issuer URL (or CDF_ISSUER) is required');
const keysFrom = many('--keys-from');
const anyAudience = argv.includes('--any-audience');
const audienceArgs = [...many('--audience'), ...list(process.env.CDF_AUDIENCES)];
const apiKeys = new Map();
for (const spec of [...many('--api-key'), ...list(process.env.CDF_API_KEYS)]) {
  const eq = spec.indexOf('=');
  if (eq > 0) apiKeys.set(spec.slice(0, eq), spec.slice(eq + 1));
  else apiKeys.set(spec, 'my-project');
}
const inspectFile = one('--inspect', 'CDF_INSPECT_FIXTURE', path.join(here, '..', 'fixtures', 'cdf', 'inspect.json'));
const projectsOverride = one('--projects', 'CDF_PROJECTS');
const leeway = Number(one('--leeway', 'CDF_LEEWAY', '0'));
const requestedPort = Number(one('--port', null, '0'));

let inspectBody;
try {
  inspectBody = JSON.parse(fs.readFileSync(inspectFile, 'utf8'));
} catch (e) {
  fail(`cannot read the inspect fixture ${inspectFile}: ${e.message}`);
}
if (projectsOverride !== undefined) {
  const known = new Map((inspectBody.projects ?? []).map((p) => [p.projectUrlName, p.groups]));
  inspectBody.projects = list(projectsOverride).map((name, i) => ({
    projectUrlName: name,
    groups: known.get(name) ?? [1000000000000001 + i],
  }));
}
// Filled in once the port (and so the default audience, our own base URL) is known.
let audiences = new Set();
const projectNames = () => new Set((inspectBody.projects ?? []).map((p) => p.projectUrlName));

// --- keys -------------------------------------------------------------------------------
// Every trusted key: {source, kid, alg, key: KeyObject}. One entry per issuer we trust.
const sources = [issuer, ...keysFrom].map((iss) => ({ issuer: iss.replace(/\/+$/, ''), keys: [], fetchedAt: 0 }));
const stats = { total: 0, routes: {}, auth: { last: 'none', accepted: 0, rejected: {} }, last_client: {}, jwks_fetches: 0 };

async function getJson(url) {
  const res = await fetch(url, { redirect: 'error' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function loadKeys(source) {
  const discovery = await getJson(`${source.issuer}/.well-known/openid-configuration`);
  if (typeof discovery.jwks_uri !== 'string') throw new Error(`${source.issuer}: discovery has no jwks_uri`);
  const jwks = await getJson(discovery.jwks_uri);
  stats.jwks_fetches += 1;
  const keys = [];
  for (const jwk of jwks.keys ?? []) {
    if (jwk.use && jwk.use !== 'sig') continue;
    try {
      keys.push({ kid: jwk.kid, alg: jwk.alg, kty: jwk.kty, key: crypto.createPublicKey({ key: jwk, format: 'jwk' }) });
    } catch (e) {
      log(`skipping a JWKS key of ${source.issuer} (kid ${jwk.kid}): ${e.message}`);
    }
  }
  source.keys = keys;
  source.fetchedAt = Date.now();
}

function candidates(kid) {
  return sources.flatMap((s) => s.keys).filter((k) => kid === undefined || k.kid === kid);
}

// An unknown kid may mean the provider rotated its keys: fetch again, at most once a second.
async function keysFor(kid) {
  let found = candidates(kid);
  if (found.length === 0) {
    const stale = sources.filter((s) => Date.now() - s.fetchedAt > 1000);
    await Promise.all(stale.map((s) => loadKeys(s).catch((e) => log(`refetching keys failed: ${e.message}`))));
    found = candidates(kid);
  }
  return found;
}

// --- token checks ---------------------------------------------------------------------
const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const algs = {
  RS256: { hash: 'sha256', kty: 'RSA', opts: {} },
  RS384: { hash: 'sha384', kty: 'RSA', opts: {} },
  RS512: { hash: 'sha512', kty: 'RSA', opts: {} },
  PS256: { hash: 'sha256', kty: 'RSA', opts: { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  PS384: { hash: 'sha384', kty: 'RSA', opts: { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  ES256: { hash: 'sha256', kty: 'EC', opts: { dsaEncoding: 'ieee-p1363' } },
  ES384: { hash: 'sha384', kty: 'EC', opts: { dsaEncoding: 'ieee-p1363' } },
};

class Reject extends Error {
  constructor(reason, detail) { super(detail ?? reason); this.reason = reason; }
}

async function verifyJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Reject('malformed', 'not a JWS compact token');
  let header;
  let claims;
  try {
    header = b64json(parts[0]);
    claims = b64json(parts[1]);
  } catch {
    throw new Reject('malformed', 'header or claims are not base64url JSON');
  }
  const alg = algs[header.alg];
  if (!alg) throw new Reject('algorithm', `alg ${header.alg} is not accepted`);
  const keys = (await keysFor(header.kid)).filter((k) => k.kty === alg.kty && (!k.alg || k.alg === header.alg));
  if (keys.length === 0) throw new Reject('unknown_kid', `no ${header.alg} key with kid ${header.kid}`);
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2], 'base64url');
  const ok = keys.some((k) => {
    try { return crypto.verify(alg.hash, data, { key: k.key, ...alg.opts }, sig); } catch { return false; }
  });
  if (!ok) throw new Reject('signature', 'the signature does not verify');
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number') throw new Reject('expired', 'no exp claim');
  if (now >= claims.exp + leeway) throw new Reject('expired', `expired ${now - claims.exp} s ago`);
  if (typeof claims.nbf === 'number' && now + leeway < claims.nbf) throw new Reject('not_yet_valid', 'nbf is in the future');
  if (claims.iss !== issuer) throw new Reject('issuer', `iss ${claims.iss} is not ${issuer}`);
  if (!anyAudience) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => audiences.has(String(a).replace(/\/+$/, '')))) throw new Reject('audience', `aud ${JSON.stringify(claims.aud)} is not accepted`);
  }
  return claims;
}


// --- HTTP -------------------------------------------------------------------------------
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': crypto.randomUUID(),
  });
  res.end(text);
}
const unauthorized = (res) => send(res, 401, { error: { code: 401, message: 'Unauthorized' } });

function authKind(req) {
  const h = req.headers.authorization;
  if (h === undefined) return req.headers['api-key'] !== undefined ? 'api-key' : 'none';
  const scheme = h.split(' ')[0].toLowerCase();
  return scheme === 'bearer' ? 'bearer' : scheme === 'basic' ? 'basic' : 'other';
}

// The bearer token's claims, or null after answering 401.
async function authenticate(req, res) {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  try {
    if (!m) throw new Reject('missing', 'no Bearer token');
    const claims = await verifyJwt(m[1]);
    stats.auth.accepted += 1;
    return claims;
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    stats.auth.rejected[e.reason] = (stats.auth.rejected[e.reason] ?? 0) + 1;
    log(`401 ${req.method} ${req.url}: ${e.message}`);
    unauthorized(res);
    return null;
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      // The Python SDK gzips request bodies (Content-Encoding: gzip).
      try {
        resolve((req.headers['content-encoding'] ?? '').includes('gzip') ? zlib.gunzipSync(raw) : raw);
      } catch (e) { reject(e); }
    });
  });
}

const clientHeaders = ['x-cdp-sdk', 'x-cdp-app', 'cdf-version', 'user-agent', 'accept', 'accept-encoding', 'content-encoding'];

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = url.pathname;
  if (p === '/_stats') return send(res, 200, stats);

  stats.total += 1;
  const route = `${req.method} ${p}`;
  stats.routes[route] = (stats.routes[route] ?? 0) + 1;
  stats.auth.last = authKind(req);
  stats.last_client = Object.fromEntries(clientHeaders.filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]]));
  await readBody(req);

  if (p === '/api/v1/token/inspect' && req.method === 'GET') {
    const claims = await authenticate(req, res);
    if (!claims) return undefined;
    return send(res, 200, { ...inspectBody, subject: claims.sub ?? claims.client_id ?? claims.azp ?? claims.oid });
  }

  if (p === '/login/status' && req.method === 'GET') {
    const key = req.headers['api-key'];
    const project = typeof key === 'string' ? apiKeys.get(key) : undefined;
    if (project === undefined) {
      return send(res, 200, { data: { user: '', loggedIn: false, project: '', projectId: -1 } });
    }
    return send(res, 200, {
      data: { user: 'cdf-signin-test@serviceaccount', loggedIn: true, project, projectId: 5977964818434649, apiKeyId: 4173309265208123 },
    });
  }

  const pm = /^\/api\/v1\/projects\/([^/]+)(\/.*)?$/.exec(p);
  if (pm) {
    const claims = await authenticate(req, res);
    if (!claims) return undefined;
    const project = decodeURIComponent(pm[1]);
    if (!projectNames().has(project)) {
      log(`401 ${route}: the token has no access to project ${project}`);
      return unauthorized(res);
    }
    const rest = pm[2] ?? '/';
    if ((req.method === 'GET' && /^\/[A-Za-z0-9]+$/.test(rest)) || (req.method === 'POST' && /^\/[A-Za-z0-9]+\/list$/.test(rest))) {
      return send(res, 200, { items: [] });
    }
  }

  return send(res, 404, { error: { code: 404, message: `${route} is not served by the fake CDF API` } });
}

// --- start ----------------------------------------------------------------------------
try {
  await Promise.all(sources.map(loadKeys));
} catch (e) {
  fail(`cannot load the signing keys: ${e.message}`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    log(`500 ${req.method} ${req.url}: ${e.stack ?? e}`);
    if (!res.headersSent) send(res, 500, { error: { code: 500, message: 'Internal server error' } });
    else res.destroy();
  });
});
server.listen(requestedPort, '127.0.0.1', () => {
  const { port } = server.address();
  const baseUrl = `http://127.0.0.1:${port}`;
  audiences = new Set((audienceArgs.length ? audienceArgs : [baseUrl]).map((a) => a.replace(/\/+$/, '')));
  process.stdout.write(`${JSON.stringify({ port, base_url: baseUrl })}\n`);
  log(`listening on ${baseUrl} (issuer ${issuer}, ${(inspectBody.projects ?? []).length} projects, ${apiKeys.size} API keys)`);
});

// Exit when the test harness goes away (it holds our stdin).
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
