import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';

/**
 * Certificates for TLS fault tests, made at test time: a CA the client trusts, and leaves that are fine,
 * self-signed, expired, for another name, or from a CA nobody trusts.
 */

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const forgeKey = forge.pki.privateKeyFromPem(keyPem);
const forgePublic = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
const DAY = 86_400_000;
let serial = 1;

interface Issuer {
  cert: forge.pki.Certificate;
}

function certificate(options: {
  commonName: string;
  altNames?: Array<{ type: 2 | 7; value?: string; ip?: string }>;
  notBefore: Date;
  notAfter: Date;
  issuer?: Issuer;
  ca?: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forgePublic;
  cert.serialNumber = String(serial++).padStart(4, '0');
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const subject = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: !!options.ca }];
  if (options.altNames) extensions.push({ name: 'subjectAltName', altNames: options.altNames });
  cert.setExtensions(extensions);
  cert.sign(forgeKey, forge.md.sha256.create());
  return cert;
}

const now = Date.now();
const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
const local = [
  { type: 2 as const, value: 'localhost' },
  { type: 7 as const, ip: '127.0.0.1' },
];
const ca: Issuer = { cert: certificate({ commonName: 'post-deploy-gate test CA', ...valid, ca: true }) };
const strangerCa: Issuer = { cert: certificate({ commonName: 'Nobody trusts this CA', ...valid, ca: true }) };

const pem = (cert: forge.pki.Certificate) => forge.pki.certificateToPem(cert);

export const TEST_CA = pem(ca.cert);
/** A name only the test proxy resolves (`.test` is reserved: no real DNS answers it). */
export const PROXY_ONLY_HOST = 'shop.proxy-only.test';
export const LEAVES = {
  good: pem(certificate({ commonName: 'localhost', altNames: local, ...valid, issuer: ca })),
  selfSigned: pem(certificate({ commonName: 'localhost', altNames: local, ...valid })),
  expired: pem(
    certificate({
      commonName: 'localhost',
      altNames: local,
      notBefore: new Date(now - 60 * DAY),
      notAfter: new Date(now - DAY),
      issuer: ca,
    }),
  ),
  wrongName: pem(
    certificate({ commonName: 'other.test', altNames: [{ type: 2, value: 'other.test' }], ...valid, issuer: ca }),
  ),
  proxyOnly: pem(
    certificate({ commonName: PROXY_ONLY_HOST, altNames: [{ type: 2, value: PROXY_ONLY_HOST }], ...valid, issuer: ca }),
  ),
  unknownCa: pem(certificate({ commonName: 'localhost', altNames: local, ...valid, issuer: strangerCa })),
};

export async function startTlsServer(
  certPem: string,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer({ key: keyPem, cert: certPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
