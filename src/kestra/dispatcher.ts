import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']

/**
 * One keep-alive pool for the run. Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY like other tools;
 * loopback addresses never go through the proxy.
 */
export function createDispatcher(connections: number, env = process.env): Dispatcher {
  const options = { connections, keepAliveTimeout: 10_000 }
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').trim()
  if ((!httpProxy && !httpsProxy) || noProxy === '*') return new Agent(options)
  return new EnvHttpProxyAgent({
    ...options,
    httpProxy,
    httpsProxy,
    noProxy: [noProxy, ...LOOPBACK].filter(Boolean).join(',')
  })
}
