// A real OpenID provider for the tests: the `oidc-provider` npm package (the certified
// implementation behind many production providers), on loopback, with its development
// login screens, one confidential client for krilin, and accounts whose email is
// `<login>@example.com` (verified).
import Provider from 'oidc-provider';

export async function startProvider({ port, redirectUri, emailVerified = true }) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'krilin',
      client_secret: 'krilin-test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: emailVerified, name: `User ${id}` }),
    }),
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
  });
  provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  const server = await new Promise((resolve) => { const s = provider.listen(port, '127.0.0.1', () => resolve(s)); });
  return { issuer, close: () => new Promise((r) => server.close(r)) };
}

// Drives the provider's development login and consent screens like a browser would,
// from the authorization URL to the redirect back to the client; returns that URL.
export async function signInAt(authorizationUrl, login) {
  const jar = new Map();
  const remember = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = authorizationUrl;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } });
    remember(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location'), url).toString();
      if (!next.startsWith(new URL(authorizationUrl).origin)) return next;  // back to the client
      url = next;
      continue;
    }
    const html = await res.text();
    const form = html.match(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/);
    if (!form) throw new Error(`no form at ${url}: ${res.status} ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const input of form[2].matchAll(/<input[^>]*>/g)) {
      const name = input[0].match(/name="([^"]+)"/)?.[1];
      const value = input[0].match(/value="([^"]*)"/)?.[1] ?? '';
      if (name) fields.set(name, value);
    }
    if (fields.has('login')) { fields.set('login', login); fields.set('password', 'anything'); }
    const post = await fetch(new URL(form[1], url), {
      method: 'POST', redirect: 'manual', body: fields,
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    remember(post);
    if (post.status < 300 || post.status >= 400) throw new Error(`form post answered ${post.status}`);
    const next = new URL(post.headers.get('location'), url).toString();
    if (!next.startsWith(new URL(authorizationUrl).origin)) return next;
    url = next;
  }
  throw new Error('too many steps');
}
