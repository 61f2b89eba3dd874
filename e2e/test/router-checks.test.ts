import { DOMAIN, FOREIGN_HOST, RouterChecks, type Answer, type Get } from '../router-checks';

const REDIRECT_PORT = 8080;
const NOT_FOUND: Answer = { status: 404, body: 'no app answers on this name\n' };

/** A router on its redirect port: 301 to https for `redirected` names, the router's 404 for others. */
function routerRedirecting(redirected: (host: string) => boolean): Get {
  return async (host, urlPath = '/', port = 8443) => {
    if (port !== REDIRECT_PORT) throw new Error(`asked port ${port}, not the redirect port`);
    return redirected(host) ? { status: 301, location: `https://${host}${urlPath}`, body: '' } : NOT_FOUND;
  };
}

async function redirectProblems(get: Get): Promise<string[]> {
  const problems: string[] = [];
  await new RouterChecks(get, problems, () => undefined).redirect(REDIRECT_PORT);
  return problems;
}

describe('the router\'s plain HTTP check', () => {
  it('passes a router that redirects the apps\' names and answers 404 to a name of another domain', async () => {
    expect(await redirectProblems(routerRedirecting((host) => host.endsWith(`.${DOMAIN}`)))).toEqual([]);
  });

  it('finds a router that redirects a name of another domain to https', async () => {
    expect(await redirectProblems(routerRedirecting(() => true))).toEqual([
      `plain HTTP for ${FOREIGN_HOST} answered 301 https://${FOREIGN_HOST}/a/b?c=d, not the router's 404`,
    ]);
  });

  it('finds a router that does not redirect an app\'s name', async () => {
    expect(await redirectProblems(routerRedirecting(() => false))).toEqual(['plain HTTP answered 404 undefined, not 301 to https']);
  });
});
