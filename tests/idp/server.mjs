#!/usr/bin/env node
// The test OpenID provider for cdf-signin's integration tests: node-oidc-provider on
// 127.0.0.1 (a free port unless --port N), configured like Entra ID where it matters:
// `<resource>/.default` scopes give JWT access tokens for that resource, device flow,
// client credentials (secret and private_key_jwt), refresh-token rotation, required PKCE.
// Prints one JSON line {"issuer","port"} on stdout when ready; exits when stdin closes.
// --tls serves HTTPS with the test CA's server certificate (tests/fixtures/tls-*).
// Test-control endpoints under /__test/: stats, revoke-refresh-tokens, fault (a scripted
// answer: status, headers, body, stream_bytes, delay_ms, or raw_base64 for raw bytes).
// Env: IDP_ACCESS_TOKEN_TTL (s, default 3600), IDP_DEVICE_CODE_TTL (s, default 600),
// IDP_REFRESH_REUSE=revoke-grant (reusing a rotated refresh token revokes the whole grant,
// the provider's default; otherwise the old token alone is invalid).
// Refresh tokens are multi-resource, as Entra ID's are: one redeemed with the `.default`
// scope of another resource gets an access token for that resource (the grant is widened
// to it). IDP_SINGLE_RESOURCE_REFRESH=1 keeps the provider's own rule: invalid_scope.
// Stats count token requests by grant (token_refresh_token, token_device_code, ...) and
// refresh_reuse, the refresh tokens presented more than once.
// --cognite makes it a look-alike of Cognite's own identity provider (auth.cognite.com):
// the public CLI client 0404baaa-0a90-43a2-aba7-a110b53fb41c, registered with the exact
// redirect URIs http://localhost:<port>/ for the ports in IDP_COGNITE_PORTS (comma
// separated); `organization_hint` required and known (POST /__test/orgs
// {"ORG": [{"name","apiUrl","isDefault"}]} sets the organizations), an unknown one sent
// back to the redirect URI as `invalid_request` in the provider's words; JWT access
// tokens for the audience COGNITE_AUDIENCE whatever the scopes; and
// GET /api/v1/orgs/{org}/projects with such a bearer token.
import http from 'node:http';
import https from 'node:https';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// The signing key (RS256, new each start) is made on the thread pool while the provider's
// module loads: together they are most of the start-up time.
const keyPair = promisify(crypto.generateKeyPair)('rsa', { modulusLength: 2048 });
const { default: Provider } = await import('oidc-provider');

// stdout carries the ready line only (the test harness stops reading after it); every
// log line, the provider's own included, goes to stderr.
console.log = console.error;
console.info = console.error;
process.stdout.on('error', () => {});

const here = path.dirname(fileURLToPath(import.meta.url));
const argPort = process.argv.indexOf('--port');
const requestedPort = argPort > 0 ? Number(process.argv[argPort + 1]) : 0;
const tls = process.argv.includes('--tls');
const cognite = process.argv.includes('--cognite');
// Cognite's published public client for its CLI, and the audience of its tokens here.
const COGNITE_CLIENT = '0404baaa-0a90-43a2-aba7-a110b53fb41c';
const COGNITE_AUDIENCE = 'https://cdf.cognite.invalid';
const cogniteRedirects = new Set(String(process.env.IDP_COGNITE_PORTS ?? '').split(',')
  .filter(Boolean).map((p) => `http://localhost:${p.trim()}/`));
// Organization name -> its projects, set by the test through /__test/orgs.
let orgs = {};
const scheme = tls ? 'https' : 'http';
const accessTtl = Number(process.env.IDP_ACCESS_TOKEN_TTL || 3600);

// --- an in-memory adapter we can reach into (for revoking refresh tokens) ----------
const stores = new Map();
class MemoryAdapter {
  constructor(name) {
    this.name = name;
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }
  key(id) { return id; }
  async upsert(id, payload, expiresIn) {
    this.store.set(id, { payload: structuredClone(payload), expires: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    if (payload.grantId) {
      const grantKey = `grant:${payload.grantId}`;
      const grants = stores.get('_grants') ?? new Map();
      stores.set('_grants', grants);
      const list = grants.get(grantKey) ?? [];
      list.push([this.name, id]);
      grants.set(grantKey, list);
    }
    if (payload.userCode) this.store.set(`userCode:${payload.userCode}`, { ref: id });
    if (payload.uid) this.store.set(`uid:${payload.uid}`, { ref: id });
  }
  #get(id) {
    const entry = this.store.get(id);
    if (!entry) return undefined;
    if (entry.ref) return this.#get(entry.ref);
    if (entry.expires && entry.expires < Date.now()) { this.store.delete(id); return undefined; }
    return structuredClone(entry.payload);
  }
  async find(id) { return this.#get(id); }
  async findByUserCode(userCode) { return this.#get(`userCode:${userCode}`); }
  async findByUid(uid) { return this.#get(`uid:${uid}`); }
  async consume(id) {
    // A rotated refresh token simply disappears: reusing it gives invalid_grant while the
    // token that replaced it keeps working (as with Entra ID). The provider's own default,
    // where any reuse revokes the whole grant, is kept with IDP_REFRESH_REUSE=revoke-grant.
    if (this.name === 'RefreshToken' && process.env.IDP_REFRESH_REUSE !== 'revoke-grant') {
      this.store.delete(id);
      return;
    }
    const entry = this.store.get(id);
    if (entry?.payload) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { this.store.delete(id); }
  async revokeByGrantId(grantId) {
    const grants = stores.get('_grants');
    for (const [name, id] of grants?.get(`grant:${grantId}`) ?? []) stores.get(name)?.delete(id);
    grants?.delete(`grant:${grantId}`);
  }
}

// --- clients ------------------------------------------------------------------------
const certPem = fs.readFileSync(path.join(here, '..', 'fixtures', 'cert-client.pem'), 'utf8');
const certJwk = { ...crypto.createPublicKey(certPem).export({ format: 'jwk' }), use: 'sig' };

const clients = [
  {
    client_id: 'interactive-client',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // Native loopback redirects: any port is accepted for these.
    redirect_uris: ['http://localhost', 'http://localhost/', 'http://127.0.0.1', 'http://127.0.0.1/'],
  },
  {
    client_id: 'device-client',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'cc-client',
    client_secret: 'cc-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  },
  {
    client_id: 'cert-client',
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    jwks: { keys: [certJwk] },
  },
];
if (cognite) {
  clients.push({
    client_id: COGNITE_CLIENT,
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    // The provider lets any port through for a native loopback URI; the exact list
    // (IDP_COGNITE_PORTS) is checked before the request reaches it.
    redirect_uris: ['http://localhost/'],
  });
}

// `https://cluster.example/.default` -> resource `https://cluster.example`.
function resourceFromScope(scope) {
  for (const s of String(scope || '').split(' ')) {
    if (s.endsWith('/.default') && /^https?:\/\//.test(s)) return s.slice(0, -'/.default'.length);
  }
  return undefined;
}

const signingKey = (await keyPair).privateKey.export({ format: 'jwk' });

const configuration = {
  adapter: MemoryAdapter,
  clients,
  jwks: { keys: [{ ...signingKey, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: `Test User ${sub}`, preferred_username: `${sub}@example.com`, email: `${sub}@example.com` }),
  }),
  features: {
    devInteractions: { enabled: true },
    deviceFlow: { enabled: true },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, _client, oneOf) => {
        if (oneOf) return oneOf[0];
        if (cognite) return COGNITE_AUDIENCE;
        const params = ctx.oidc.params ?? {};
        let scope = params.scope;
        // Refresh and code grants without a scope: use what was granted.
        if (!scope && ctx.oidc.entities?.RefreshToken) scope = ctx.oidc.entities.RefreshToken.scope;
        return resourceFromScope(scope);
      },
      getResourceServerInfo: async (_ctx, resourceIndicator) => ({
        scope: cognite ? 'openid profile email offline_access' : `${resourceIndicator}/.default`,
        audience: resourceIndicator,
        accessTokenTTL: accessTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
      useGrantedResource: async () => true,
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  // Consent grants every requested scope and resource (the devInteractions consent page).
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    return undefined;
  },
  ttl: {
    AccessToken: accessTtl,
    ClientCredentials: accessTtl,
    DeviceCode: Number(process.env.IDP_DEVICE_CODE_TTL || 600),
    RefreshToken: 86400,
  },
  cookies: { keys: ['test-cookie-key'] },
};

let provider;
let callback;

// --- test control + counting + faults -------------------------------------------
const stats = { total: 0 };
const faults = new Map();
const countKey = (p) => {
  if (p === '/.well-known/openid-configuration') return 'discovery';
  if (p === '/v2.0/.well-known/openid-configuration') return 'v2_discovery';
  if (p === '/token') return 'token';
  if (p === '/device/auth') return 'device_authorization';
  if (p === '/auth') return 'authorization';
  if (p === '/token/revocation') return 'revocation';
  if (p === '/jwks') return 'jwks';
  if (/^\/api\/v1\/orgs\/[^/]+\/projects$/.test(p)) return 'org_projects';
  if (p === '/me') return 'userinfo';
  if (p === '/device') return 'device_verification';
  return null;
};

// Every refresh token presented so far, to count the ones presented twice.
const presented = new Set();

// Lets a refresh token (and its grant) serve `resource` too: Entra's multi-resource
// refresh tokens. The stored payloads are changed in place.
function widenRefreshToken(value, resource) {
  const rt = stores.get('RefreshToken')?.get(value)?.payload;
  if (!rt) return;
  const scope = `${resource}/.default`;
  rt.scope = [...new Set([...String(rt.scope ?? '').split(' ').filter(Boolean), scope])].join(' ');
  rt.resource = [...new Set([rt.resource ?? []].flat().concat(resource))];
  const grant = stores.get('Grant')?.get(rt.grantId)?.payload;
  if (grant) grant.resources = { ...(grant.resources ?? {}), [resource]: grant.resources?.[resource] ?? scope };
}

// Reads a token request's form, counts it, and hands the (maybe extended) form to the
// provider as an already-read body.
async function screenTokenRequest(req) {
  const form = new URLSearchParams(await readBody(req));
  const grant = (form.get('grant_type') ?? '').replace('urn:ietf:params:oauth:grant-type:', '');
  stats[`token_${grant}`] = (stats[`token_${grant}`] ?? 0) + 1;
  if (grant === 'refresh_token') {
    const value = form.get('refresh_token') ?? '';
    if (presented.has(value)) stats.refresh_reuse = (stats.refresh_reuse ?? 0) + 1;
    presented.add(value);
    const resource = resourceFromScope(form.get('scope'));
    if (resource && process.env.IDP_SINGLE_RESOURCE_REFRESH !== '1' && !form.has('resource')) {
      widenRefreshToken(value, resource);
      form.set('resource', resource);
    }
  }
  req.body = form.toString();
}

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c) => { data += c; });
    req.on('end', () => resolve(data));
  });
}

const fixtures = path.join(here, '..', 'fixtures');
const handler = async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const p = url.pathname;
  if (p.startsWith('/__test/')) {
    const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (p === '/__test/stats') return json(200, stats);
    if (p === '/__test/revoke-refresh-tokens' && req.method === 'POST') {
      await readBody(req);
      const n = stores.get('RefreshToken')?.size ?? 0;
      stores.get('RefreshToken')?.clear();
      return json(200, { revoked: n });
    }
    if (p === '/__test/fault' && req.method === 'POST') {
      let spec;
      try { spec = JSON.parse((await readBody(req)) || '{}'); } catch (e) { return json(400, { error: `bad JSON: ${e.message}` }); }
      if (typeof spec.path !== 'string' || !spec.path.startsWith('/')) return json(400, { error: 'path (starting with /) is required' });
      faults.set(spec.path, { ...spec, times: spec.times ?? 1 });
      return json(200, { ok: true });
    }
    if (p === '/__test/orgs' && req.method === 'POST') {
      try { orgs = JSON.parse((await readBody(req)) || '{}'); } catch (e) { return json(400, { error: `bad JSON: ${e.message}` }); }
      return json(200, { ok: true });
    }
    if (p === '/__test/fault' && req.method === 'DELETE') { faults.clear(); return json(200, { ok: true }); }
    return json(404, { error: 'unknown test endpoint' });
  }
  stats.total += 1;
  const key = countKey(p);
  if (key) stats[key] = (stats[key] ?? 0) + 1;
  const fault = faults.get(p);
  if (fault && fault.times > 0) {
    fault.times -= 1;
    if (fault.delay_ms) await new Promise((r) => { setTimeout(r, fault.delay_ms); });
    // A fault without a status only delays: the provider then answers as usual.
    if (fault.raw_base64 !== undefined) {
      // Bytes exactly as given (status line, headers, body), then the connection closes:
      // a close-delimited body, or one that is not UTF-8.
      await readBody(req);
      req.socket.end(Buffer.from(fault.raw_base64, 'base64'));
      return;
    }
    if (fault.status !== undefined) {
      await readBody(req);
      res.writeHead(fault.status, { 'content-type': fault.content_type ?? 'text/plain', ...(fault.headers ?? {}) });
      if (fault.stream_bytes) {
        // A huge answer, streamed (never held in memory) until sent or the client hangs up.
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let left = fault.stream_bytes;
        res.on('error', () => {});
        res.write(fault.body ?? '');
        const pump = () => {
          while (left > 0 && !res.destroyed) {
            left -= chunk.length;
            if (!res.write(chunk)) { res.once('drain', pump); return; }
          }
          res.end();
        };
        pump();
        return;
      }
      res.end(fault.body ?? '');
      return;
    }
  }
  // Entra ID honours offline_access whatever the prompt; OpenID Connect (and so this
  // provider) drops it when a prompt is given without `consent`. So every interactive
  // request asks for consent (the browser scripts click through it), and Entra's
  // `select_account`, unknown here, becomes `login`. `prompt=none` is left alone.
  if (cognite && p === '/auth' && req.method === 'GET' && cogniteAuthorize(url, res)) return;
  if (cognite && p.startsWith('/api/v1/orgs/')) { await orgProjects(req, res, p); return; }
  if (p === '/auth' && req.method === 'GET') {
    const prompts = new Set((url.searchParams.get('prompt') ?? '').split(' ').filter(Boolean));
    if (!prompts.has('none')) {
      if (prompts.delete('select_account')) prompts.add('login');
      prompts.add('consent');
      url.searchParams.set('prompt', [...prompts].join(' '));
      req.url = `${url.pathname}${url.search}`;
    }
  }
  if (p === '/token' && req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    await screenTokenRequest(req);
  }
  if (p === '/v2.0/.well-known/openid-configuration') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  callback(req, res);
};
// The Cognite IdP's checks of an authorization request, before the provider sees it:
// the exact redirect URI, then a known organization. Returns true when it answered.
function cogniteAuthorize(url, res) {
  const q = url.searchParams;
  if (q.get('client_id') !== COGNITE_CLIENT) return false;
  const redirect = q.get('redirect_uri') ?? '';
  if (!cogniteRedirects.has(redirect)) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`redirect_uri ${redirect} is not registered for this client`);
    return true;
  }
  const org = q.get('organization_hint');
  if (org && Object.hasOwn(orgs, org)) return false;
  const back = new URL(redirect);
  back.searchParams.set('error', 'invalid_request');
  back.searchParams.set('error_description', org ? `Organization '${org}' was not found` : 'organization_hint is required');
  if (q.get('state')) back.searchParams.set('state', q.get('state'));
  res.writeHead(303, { location: back.toString() });
  res.end();
  return true;
}

// GET /api/v1/orgs/{org}/projects: the organization's projects for a valid access token
// of this provider (signature, expiry, issuer), as the Cognite IdP answers it.
async function orgProjects(req, res, p) {
  const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  const org = decodeURIComponent(p.split('/')[4]);
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  let claims;
  try {
    const [h, c, sig] = token.split('.');
    const ok = crypto.verify('sha256', Buffer.from(`${h}.${c}`), (await keyPair).publicKey, Buffer.from(sig, 'base64url'));
    claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (!ok || claims.exp * 1000 < Date.now() || claims.iss !== issuer) throw new Error('invalid token');
  } catch {
    return json(401, { error: { code: 401, message: 'Unauthorized' } });
  }
  if (req.method !== 'GET') return json(405, { error: { code: 405, message: 'Method not allowed' } });
  if (!Object.hasOwn(orgs, org)) return json(404, { error: { code: 404, message: `Organization '${org}' was not found` } });
  return json(200, { items: orgs[org] });
}

let issuer;
const server = tls
  ? https.createServer({
    cert: fs.readFileSync(path.join(fixtures, 'tls-server.pem')),
    key: fs.readFileSync(path.join(fixtures, 'tls-server.key')),
  }, handler)
  : http.createServer(handler);

server.listen(requestedPort, '127.0.0.1', () => {
  const { port } = server.address();
  // The issuer must carry the real port, known only now.
  issuer = `${scheme}://127.0.0.1:${port}`;
  provider = new Provider(issuer, configuration);
  callback = provider.callback();
  process.stdout.write(`${JSON.stringify({ issuer: `${scheme}://127.0.0.1:${port}`, port })}\n`);
});

process.stdin.on('error', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
