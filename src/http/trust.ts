import tls from 'node:tls';

/**
 * The certificate authorities the gate trusts: what curl and the OS trust, not only Node's own list.
 * Node's bundled Mozilla roots, plus the operating system's store (Node 24 reads it: on Linux the OpenSSL
 * default file and directory, which SSL_CERT_FILE and SSL_CERT_DIR replace; the keychain on macOS; the
 * certificate store on Windows), plus NODE_EXTRA_CA_CERTS. Read once per process, and only when a TLS
 * connection needs it (reading a system store of a few hundred roots takes ~100 ms); a TLS error names them.
 */

export interface TrustStore {
  /** The stores used and how many certificates each gave, for tls-error evidence. */
  stores(): string;
  /** All the roots in one context, built once. */
  secureContext(): tls.SecureContext;
}

interface Roots {
  ca: string[];
  stores: string;
}

let machine: Roots | undefined;

function machineRoots(): Roots {
  if (machine) return machine;
  const parts: Array<[string, string[]]> = [
    ["Node's bundled roots", read('bundled')],
    ['the system store', read('system')],
    ['NODE_EXTRA_CA_CERTS', read('extra')],
  ];
  const stores = parts
    .filter(([name, certs]) => certs.length > 0 || name !== 'NODE_EXTRA_CA_CERTS')
    .map(([name, certs]) => `${name} (${certs.length})`)
    .join(', ');
  return (machine = { ca: [...new Set(parts.flatMap(([, certs]) => certs))], stores });
}

const machineContext = lazy(() => tls.createSecureContext({ ca: machineRoots().ca }));

/** The machine's trust, plus certificates given in code (tests with their own CA). */
export function trustWith(extra: string | Buffer | Array<string | Buffer> | undefined): TrustStore {
  if (!extra) return { stores: () => machineRoots().stores, secureContext: machineContext };
  const added = (Array.isArray(extra) ? extra : [extra]).map(String);
  return {
    stores: () => `${machineRoots().stores}, given CA (${added.length})`,
    secureContext: lazy(() => tls.createSecureContext({ ca: [...new Set([...machineRoots().ca, ...added])] })),
  };
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function read(kind: 'bundled' | 'system' | 'extra'): string[] {
  try {
    return tls.getCACertificates(kind);
  } catch {
    // A store the platform cannot read counts as empty; the evidence shows the 0.
    return [];
  }
}
