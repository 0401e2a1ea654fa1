// Starts an S3-protocol server (s3rver) on 127.0.0.1 with a free port and a
// throw-away data folder, then either runs a command against it or waits.
//
//   node tests/support/s3rver_harness.mjs [--no-verify] [--bucket NAME]... -- CMD ARGS...
//       runs CMD with AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
//       and AWS_REGION set for the server, stops the server, exits with CMD's status.
//   node tests/support/s3rver_harness.mjs [--bucket NAME]...
//       prints "AWS_ENDPOINT_URL=http://127.0.0.1:PORT" and serves until SIGTERM/SIGINT.
//
// s3rver accepts the static key S3RVER / S3RVER and rejects unknown access key
// ids, but does not check Signature V4 signatures itself. Unless --no-verify is
// given, this harness checks every SigV4 Authorization header (canonical
// request, string to sign, signature; not the body hash) in front of s3rver
// and answers 403 SignatureDoesNotMatch on a mismatch, as S3 does.
// Run from the source root (node resolves s3rver from ./node_modules).
import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

const SECRETS = { S3RVER: 'S3RVER' };

function parseArgs(argv) {
  const opts = { verify: true, buckets: [], command: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { opts.command = argv.slice(i + 1); break; }
    if (a === '--no-verify') opts.verify = false;
    else if (a === '--bucket') opts.buckets.push(argv[++i]);
    else throw new Error(`s3rver_harness: unknown argument ${a}`);
  }
  return opts;
}

const awsEncode = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function canonicalQuery(raw) {
  if (!raw) return '';
  return raw.split('&').filter((p) => p.length).map((p) => {
    const eq = p.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? p : p.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(p.slice(eq + 1).replace(/\+/g, '%20'));
    return [awsEncode(k), awsEncode(v)];
  }).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
}

// Returns null when the request is correctly signed (or not SigV4-signed),
// else the reason.
export function checkSigV4(req) {
  const auth = req.headers['authorization'];
  if (!auth || !auth.startsWith('AWS4-HMAC-SHA256 ')) return null;
  const m = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})/.exec(auth);
  if (!m) return 'malformed Authorization header';
  const [, accessKey, date, region, service, signedHeaders, signature] = m;
  const secret = SECRETS[accessKey];
  if (secret === undefined) return null; // s3rver answers InvalidAccessKeyId
  const [rawPath, rawQuery = ''] = req.url.split('?', 2);
  const headerLines = signedHeaders.split(';').map((h) => {
    const v = String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ');
    return `${h}:${v}\n`;
  }).join('');
  const creq = [req.method, rawPath, canonicalQuery(rawQuery), headerLines, signedHeaders,
    req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD'].join('\n');
  const amzDate = req.headers['x-amz-date'];
  const scope = `${date}/${region}/${service}/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(creq).digest('hex')].join('\n');
  let key = createHmac('sha256', 'AWS4' + secret).update(date).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(sts).digest('hex');
  return expected === signature ? null : 'signature mismatch';
}

export async function startS3rver({ verify = true, buckets = [] } = {}) {
  const directory = mkdtempSync(join(tmpdir(), 'arxivflow-s3rver-'));
  const server = new S3rver({
    port: 0, address: '127.0.0.1', directory, silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  if (verify) {
    server.middleware.unshift(async (ctx, next) => {
      const why = checkSigV4(ctx.req);
      if (why) {
        ctx.status = 403;
        ctx.type = 'application/xml';
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
          '<Message>The request signature we calculated does not match the signature you provided. ' +
          'Check your key and signing method.</Message><RequestId>harness</RequestId></Error>';
        return;
      }
      await next();
    });
  }
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, directory,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3
// only offers through its legacy provider: re-run node with it enabled.
function needsLegacyProvider() {
  return !process.execArgv.includes('--openssl-legacy-provider') &&
    !(process.env.NODE_OPTIONS || '').includes('--openssl-legacy-provider');
}

if (import.meta.url === `file://${process.argv[1]}` && needsLegacyProvider()) {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', ...process.argv.slice(1)], { stdio: 'inherit' });
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, sig) => process.exit(code ?? (sig ? 128 : 1)));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = parseArgs(process.argv.slice(2));
  const s3 = await startS3rver(opts);
  if (!opts.command || opts.command.length === 0) {
    console.log(`AWS_ENDPOINT_URL=${s3.endpoint}`);
    const stop = async () => { await s3.stop(); process.exit(0); };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } else {
    const child = spawn(opts.command[0], opts.command.slice(1), {
      stdio: 'inherit',
      env: { ...process.env, AWS_SESSION_TOKEN: '', AWS_PROFILE: '', AWS_ENDPOINT_URL_S3: '', ...s3.env },
    });
    const code = await new Promise((resolve) => {
      child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1)));
      child.on('error', (e) => { console.error(`s3rver_harness: ${e.message}`); resolve(127); });
    });
    await s3.stop();
    process.exit(code);
  }
}
