import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3Object {
  body: Buffer;
  contentType: string | undefined;
}

export interface RecordedS3Request {
  method: string;
  /** The raw path, such as /parley-media/<tenant>/<media>. */
  path: string;
  status: number;
}

export interface FakeS3 {
  /** Endpoint for S3_ENDPOINT, such as http://127.0.0.1:43210. */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stored objects by key. */
  objects: Map<string, FakeS3Object>;
  requests: RecordedS3Request[];
  close(): Promise<void>;
}

/**
 * A small S3-compatible server on 127.0.0.1 for PutObject, GetObject and DeleteObject with
 * path-style addressing (`/<bucket>/<key>`), one bucket, and one access key.
 *
 * It checks the bucket name and recomputes the AWS Signature Version 4 of the Authorization
 * header from the method, path, query, signed headers and x-amz-content-sha256 with the secret
 * key. So a wrong secret or region, or a changed signed header, fails. It also checks that the
 * host header is signed and that x-amz-content-sha256 is the SHA-256 of the body received.
 * It does not check request time skew, virtual-hosted addressing, presigned (query string)
 * signatures, aws-chunked uploads, checksum headers, multipart uploads, ranges and conditional
 * requests. Errors use S3's XML shape with the codes S3 documents for these cases.
 */
export async function startFakeS3(options: { bucket?: string } = {}): Promise<FakeS3> {
  const bucket = options.bucket ?? 'parley-media';
  const region = 'eu-west-1';
  const accessKeyId = 'FAKEACCESSKEY0000001';
  const secretAccessKey = 'fake-secret-access-key-for-parley-tests';
  const objects = new Map<string, FakeS3Object>();
  const requests: RecordedS3Request[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const rawUrl = request.url ?? '/';
    const [rawPath = '/', rawQuery = ''] = rawUrl.split('?', 2);

    const signatureProblem = checkSignature(request, rawPath, rawQuery, body, { accessKeyId, secretAccessKey, region });
    if (signatureProblem) return sendError(response, signatureProblem.status, signatureProblem.code, signatureProblem.message);

    const [, bucketName = '', ...keyParts] = rawPath.split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    if (bucketName !== bucket) return sendError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (key === '') return sendError(response, 400, 'InvalidRequest', 'The fake supports object requests only');

    switch (request.method) {
      case 'PUT': {
        objects.set(key, { body, contentType: request.headers['content-type'] });
        response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        response.end();
        return 200;
      }
      case 'GET': {
        const object = objects.get(key);
        if (!object) return sendError(response, 404, 'NoSuchKey', 'The specified key does not exist.');
        response.writeHead(200, {
          'content-type': object.contentType ?? 'binary/octet-stream',
          'content-length': object.body.length,
          etag: `"${createHash('md5').update(object.body).digest('hex')}"`,
        });
        response.end(object.body);
        return 200;
      }
      case 'DELETE': {
        // S3 returns 204 whether or not the key existed.
        objects.delete(key);
        response.writeHead(204);
        response.end();
        return 204;
      }
      default:
        return sendError(response, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }

  const server = createServer((request, response) => {
    handle(request, response)
      .then((status) => requests.push({ method: request.method ?? '', path: (request.url ?? '').split('?')[0] ?? '', status }))
      .catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    bucket,
    accessKeyId,
    secretAccessKey,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface S3Problem {
  status: number;
  code: string;
  message: string;
}

const AUTHORIZATION_PATTERN = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
// RFC 3986 encoding, as SigV4 canonical query strings require.
const encodeRfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);

function compareCodePoints(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** Recomputes the request's SigV4 signature as S3 does and returns what is wrong, if anything. */
function checkSignature(
  request: IncomingMessage,
  rawPath: string,
  rawQuery: string,
  body: Buffer,
  keys: { accessKeyId: string; secretAccessKey: string; region: string },
): S3Problem | undefined {
  const match = AUTHORIZATION_PATTERN.exec(request.headers.authorization ?? '');
  if (!match) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  const [, accessKeyId, date = '', region = '', signedHeaderList = '', signature = ''] = match;
  if (accessKeyId !== keys.accessKeyId) {
    return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
  }
  if (region !== keys.region) {
    return { status: 400, code: 'AuthorizationHeaderMalformed', message: `the region '${region}' is wrong; expecting '${keys.region}'` };
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return { status: 403, code: 'AccessDenied', message: 'The host header must be signed' };

  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(body)) {
    return { status: 400, code: 'XAmzContentSHA256Mismatch', message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  }

  const canonicalQuery = rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [name = '', value = ''] = pair.split('=', 2);
      return [encodeRfc3986(decodeURIComponent(name)), encodeRfc3986(decodeURIComponent(value))] as const;
    })
    // Sorted by code point, as SigV4 requires, not by locale.
    .sort(([left], [right]) => compareCodePoints(left, right))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [request.method, rawPath, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');

  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, date), region), 's3'), 'aws4_request');
  const expected = hmac(signingKey, stringToSign).toString('hex');
  if (expected !== signature) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  }
  return undefined;
}

function sendError(response: ServerResponse, status: number, code: string, message: string): number {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  return status;
}
