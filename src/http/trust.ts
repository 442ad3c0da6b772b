import tls from 'node:tls';

/**
 * The certificate authorities the gate trusts: what curl and the OS trust, not only Node's own list.
 * Node's bundled Mozilla roots, plus the operating system's store (Node 24 reads it: on Linux the OpenSSL
 * default file and directory, which SSL_CERT_FILE and SSL_CERT_DIR replace; the keychain on macOS; the
 * certificate store on Windows), plus NODE_EXTRA_CA_CERTS. Read once per process; a TLS error names them.
 */

export interface TrustStore {
  /** PEM certificates, without duplicates. */
  ca: string[];
  /** The stores used and how many certificates each gave, for tls-error evidence. */
  stores: string;
  /** Built once per store: parsing a few hundred roots takes tens of milliseconds. */
  secureContext(): tls.SecureContext;
}

let machine: TrustStore | undefined;

export function machineTrust(): TrustStore {
  return (machine ??= buildTrust());
}

/** The machine's trust plus certificates given in code (tests with their own CA). */
export function trustWith(extra: string | Buffer | Array<string | Buffer> | undefined): TrustStore {
  const base = machineTrust();
  if (!extra) return base;
  const added = (Array.isArray(extra) ? extra : [extra]).map(String);
  return store([...new Set([...base.ca, ...added])], `${base.stores}, given CA (${added.length})`);
}

function buildTrust(): TrustStore {
  const parts: Array<[string, string[]]> = [
    ["Node's bundled roots", read('bundled')],
    ['the system store', read('system')],
    ['NODE_EXTRA_CA_CERTS', read('extra')],
  ];
  const ca = [...new Set(parts.flatMap(([, certs]) => certs))];
  const stores = parts
    .filter(([name, certs]) => certs.length > 0 || name !== 'NODE_EXTRA_CA_CERTS')
    .map(([name, certs]) => `${name} (${certs.length})`)
    .join(', ');
  return store(ca, stores);
}

function store(ca: string[], stores: string): TrustStore {
  let context: tls.SecureContext | undefined;
  return { ca, stores, secureContext: () => (context ??= tls.createSecureContext({ ca })) };
}

function read(kind: 'bundled' | 'system' | 'extra'): string[] {
  try {
    return tls.getCACertificates(kind);
  } catch {
    // A store the platform cannot read counts as empty; the evidence shows the 0.
    return [];
  }
}
