import bodyParser from 'body-parser';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Why a request body could not be read, phrased for the caller (no internals). */
export interface BodyProblem {
  status: 400 | 413 | 415;
  message: string;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body, decompressing gzip, deflate or br, with `maxBytes` counted after
 * decompression (so a small compressed bomb is refused too). Every failure, whatever the
 * decoder or parser says, becomes a 400, 413 or 415 for this request alone: body-parser
 * handles the decompressor's stream errors that restify's own parser left unhandled, which
 * took the whole process down.
 */
export function createJsonBodyReader(
  maxBytes: number,
): (req: IncomingMessage & { body?: unknown }) => Promise<BodyProblem | undefined> {
  const parse = bodyParser.json({
    limit: maxBytes,
    inflate: true,
    strict: true,
    type: () => true, // the content type is checked below, so a wrong one is a 415, not skipped
    verify: (_req, _res, raw) => {
      // iconv would quietly turn invalid UTF-8 into U+FFFD; refuse it instead.
      STRICT_UTF8.decode(raw);
    },
  });
  return (req) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? ''))
      return Promise.resolve({
        status: 415,
        message: 'Send the activity as JSON, with Content-Type: application/json.',
      });
    return new Promise((resolve) => {
      // body-parser only reads the request; it never writes to the response.
      parse(req, undefined as unknown as ServerResponse, (error?: unknown) =>
        resolve(error === undefined ? undefined : describe(error, maxBytes)),
      );
    });
  };
}

function describe(error: unknown, maxBytes: number): BodyProblem {
  const { status, type } = (error ?? {}) as { status?: number; type?: string };
  if (status === 413)
    return {
      status: 413,
      message: `The body is larger than ${Math.round(maxBytes / 1024)} KB once decompressed.`,
    };
  if (status === 415)
    return {
      status: 415,
      message:
        type === 'charset.unsupported'
          ? 'Send the activity in UTF-8.'
          : 'Send the activity uncompressed, or compressed with gzip, deflate or br.',
    };
  return {
    status: 400,
    message:
      'The body could not be read: it must be one JSON object in UTF-8, and match its Content-Encoding and Content-Length.',
  };
}
