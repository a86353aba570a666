// A real OpenID Connect provider (the certified `oidc-provider` package, 8.x: the line that supports
// Node 20; 9.x wants Node 22) for the single sign-on
// tests, started by tests/oidc_server.py. Test-friendly on purpose, and nothing else:
// - any account id is an email address; it is verified unless it starts with "unverified";
// - the interaction page lists a link that signs in as the account named in ?account=, or
//   refuses the request (?deny=1, the provider answers error=access_denied);
// - consent is granted at once (a school's own app asks no consent of its staff).
// Settings from the environment: PORT, ISSUER (default http://localhost:PORT), CLIENT_ID,
// CLIENT_SECRET, REDIRECT_URIS (comma list), JWKS_FILE (a private JWK set to sign with, so the
// tests can make tokens with the provider's own key).
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = process.env.ISSUER || `http://localhost:${port}`;
const redirectUris = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
const jwks = process.env.JWKS_FILE ? JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8')) : undefined;

function claimsOf(accountId) {
  const local = accountId.split('@')[0];
  return {
    sub: accountId,
    email: accountId,
    email_verified: !accountId.startsWith('unverified'),
    name: local.split(/[._-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' '),
  };
}

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID || 'senco',
    client_secret: process.env.CLIENT_SECRET || 'senco-secret',
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks,
  cookies: { keys: ['test-only-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true, methods: ['S256'] },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match || ctx.method !== 'GET') {
    await next();
    return;
  }
  const { account, deny } = ctx.query;
  if (deny) {
    await provider.interactionFinished(ctx.req, ctx.res, {
      error: 'access_denied', error_description: 'The person refused',
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }
  if (account) {
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: String(account) } }, {
      mergeWithLastSubmission: false,
    });
    ctx.respond = false;
    return;
  }
  await provider.interactionDetails(ctx.req, ctx.res); // 4xx if the interaction is unknown
  ctx.type = 'html';
  ctx.body = `<!doctype html><title>Test provider</title><h1>Test provider: sign in</h1>
<form method="get" action="${escape(ctx.path)}">
<label for="account">Account email</label> <input id="account" name="account" type="email">
<button type="submit">Sign in</button></form>
<p><a href="${escape(ctx.path)}?deny=1">Refuse</a></p>`;
});

const server = provider.listen(port, '127.0.0.1', () => {
  // The test fixture waits for this line to learn the port (PORT=0 picks a free one).
  console.log(`listening ${server.address().port}`);
});
