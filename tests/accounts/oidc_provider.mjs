// A real OpenID provider for the tests of accounts/oidc.py (npm package oidc-provider).
//
//   node tests/accounts/oidc_provider.mjs PORT ACCOUNTS_JSON CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI
//
// ACCOUNTS_JSON is a file, read again on every request, mapping sub -> account:
//   {"alice": {"claims": {"email": ..., "roles": [...], "teams": [...]},
//              "amr": ["pwd", "mfa"], "acr": "...", "tamper": false}}
// `claims` go into the ID token and userinfo; `amr`/`acr` are what the login says it did;
// `tamper: true` changes the roles in the signed ID token (so its signature no longer fits).
// The login is a small form of our own: GET /interaction/<uid> shows it, POST
// /interaction/<uid> with `account=<sub>` signs in. GET /_test/authorizations lists the
// authorization requests seen (to assert PKCE). Prints "ready" when listening.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const [port, accountsFile, clientId, clientSecret, redirectUri, postLogoutUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));
const authorizations = [];

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
  acrValues: ['urn:test:loa:1', 'urn:test:loa:2'],
  // The ID token carries the scope's claims too (as Entra ID and Keycloak do).
  conformIdTokenClaims: false,
  claims: {
    // amr/acr/auth_time of the login, in every ID token (as Entra ID v1, ADFS, Keycloak).
    openid: ['sub', 'roles', 'groups', 'teams', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts()[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
});

function form(ctx) {
  return new Promise((resolve, reject) => {
    let body = '';
    ctx.req.on('data', (chunk) => { body += chunk; });
    ctx.req.on('end', () => resolve(new URLSearchParams(body)));
    ctx.req.on('error', reject);
  });
}

function base64url(object) {
  return Buffer.from(JSON.stringify(object)).toString('base64url');
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/_test/authorizations') {
    ctx.body = authorizations;
    return;
  }
  const interaction = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      authorizations.push(details.params);
      ctx.type = 'html';
      ctx.body = `<form method="post" action="/interaction/${details.uid}">
        <input name="account"><button>Sign in</button></form>`;
      return;
    }
    const sub = (await form(ctx)).get('account');
    const account = accounts()[sub];
    if (!account) {
      ctx.status = 400;
      ctx.body = 'unknown account';
      return;
    }
    const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    const login = { accountId: sub, amr: account.amr, acr: account.acr };
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
      login, consent: { grantId },
    });
    ctx.redirect(returnTo);
    return;
  }
  await next();
  // A man in the middle: the ID token's roles changed, its signature kept.
  if (ctx.path === '/token' && ctx.body?.id_token) {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    if (accounts()[claims.sub]?.tamper) {
      claims.roles = ['samen-teamleider'];
      ctx.body = { ...ctx.body, id_token: [header, base64url(claims), signature].join('.') };
    }
  }
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
