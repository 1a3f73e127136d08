/**
 * The few kubeconfig fields needed to call one cluster's API server: the current context's
 * server, CA and credentials. Everything else in the file is ignored.
 */
import { parseDocument } from 'yaml';

/** What a parsed kubeconfig holds: YAML's JSON-compatible values. */
type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export type KubeconfigProblem = 'syntax' | 'incomplete' | 'external-auth';

export class KubeconfigError extends Error {
  constructor(
    readonly problem: KubeconfigProblem,
    message: string,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export interface KubeAccess {
  readonly contextName: string;
  /** https URL of the API server, without a trailing slash. */
  readonly server: string;
  /** PEM of the cluster CA; absent: the system's trusted roots. */
  readonly caPem?: string;
  readonly token?: string;
  readonly clientCertPem?: string;
  readonly clientKeyPem?: string;
}

type Obj = { [key: string]: YamlValue };
const isObj = (v: YamlValue | undefined): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: YamlValue | undefined): string | undefined => {
  // Unquoted YAML numbers and booleans are text to kubectl (e.g. a context named 2024).
  const text = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;
};

export function readKubeconfig(text: string): KubeAccess {
  const doc = parse(text);
  const contexts = named(doc.contexts, 'context');
  const contextName = str(doc['current-context']) ?? contexts.keys().next().value;
  if (contextName === undefined) throw new KubeconfigError('incomplete', 'the kubeconfig has no context');
  const context = contexts.get(contextName);
  if (!context)
    throw new KubeconfigError('incomplete', `the kubeconfig's current context '${contextName}' is not defined`);

  const clusterName = str(context.cluster);
  const cluster = clusterName === undefined ? undefined : named(doc.clusters, 'cluster').get(clusterName);
  if (clusterName === undefined || !cluster)
    throw new KubeconfigError('incomplete', `context '${contextName}' names no defined cluster`);
  const server = str(cluster.server)?.replace(/\/+$/, '');
  if (!server) throw new KubeconfigError('incomplete', `cluster '${clusterName}' of the kubeconfig has no server`);
  if (!/^https:\/\//i.test(server))
    throw new KubeconfigError(
      'incomplete',
      `the API server ${server} is not an https URL; the product sends credentials over TLS only`,
    );
  if (cluster['insecure-skip-tls-verify'] === true) {
    throw new KubeconfigError(
      'incomplete',
      `cluster '${clusterName}' of the kubeconfig skips TLS verification; the product only talks to a verified API server`,
    );
  }

  const userName = str(context.user);
  const user = userName === undefined ? undefined : named(doc.users, 'user').get(userName);
  if (userName === undefined || !user)
    throw new KubeconfigError('incomplete', `context '${contextName}' names no defined user`);
  const token = str(user.token);
  const clientCertPem = decodeData(user['client-certificate-data'], 'client-certificate-data');
  const clientKeyPem = decodeData(user['client-key-data'], 'client-key-data');
  if (!token && !(clientCertPem && clientKeyPem)) {
    if (user.exec !== undefined || user['auth-provider'] !== undefined) {
      throw new KubeconfigError(
        'external-auth',
        'the cluster signs users in with Microsoft Entra ID (kubelogin); its user kubeconfig holds no token or client certificate',
      );
    }
    throw new KubeconfigError(
      'incomplete',
      `user '${userName}' of the kubeconfig has neither a token nor a client certificate and key`,
    );
  }
  return {
    contextName,
    server,
    caPem: decodeData(cluster['certificate-authority-data'], 'certificate-authority-data'),
    token,
    clientCertPem: clientKeyPem ? clientCertPem : undefined,
    clientKeyPem: clientCertPem ? clientKeyPem : undefined,
  };
}

function parse(text: string): Obj {
  let doc: unknown;
  if (text.trimStart().startsWith('{')) {
    // JSON is YAML too, and kubectl accepts it; JSON.parse is exact for it.
    try {
      doc = JSON.parse(text);
    } catch {
      throw new KubeconfigError('syntax', 'the kubeconfig could not be read (invalid JSON)');
    }
  } else {
    doc = parseYaml(text);
  }
  if (!isObj(doc as YamlValue)) throw new KubeconfigError('syntax', 'the kubeconfig is not a mapping');
  return doc as Obj;
}

/**
 * YAML through the `yaml` library. Its errors are reported by code and line only: its pretty
 * messages quote the source, and a kubeconfig holds tokens and keys.
 */
function parseYaml(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? lineOf(text, first.pos[0]);
    throw new KubeconfigError('syntax', `the kubeconfig could not be read at line ${line} (${first.code})`);
  }
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** `[{name, <field>: {...}}]` → name → the inner mapping. */
function named(list: YamlValue | undefined, field: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  if (!Array.isArray(list)) return out;
  for (const entry of list) {
    if (!isObj(entry)) continue;
    const name = str(entry.name);
    const inner = entry[field];
    if (name !== undefined && isObj(inner)) out.set(name, inner);
  }
  return out;
}

function decodeData(value: YamlValue | undefined, field: string): string | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text))
    throw new KubeconfigError('syntax', `${field} of the kubeconfig is not base64`);
  return Buffer.from(text, 'base64').toString('utf8');
}
