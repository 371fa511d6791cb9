import { HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/** Where a refusal's headers go: the reply it is answered with. */
interface ReplyHeaders {
  header(name: string, value: string): unknown;
}

/** 429 with Retry-After: this client (address or principal) has its share under way or used up. */
export function tooMany(res: ReplyHeaders, retryAfterSeconds: number, message: string): HttpException {
  res.header('Retry-After', String(retryAfterSeconds));
  return new HttpException({ code: 'RATE_LIMITED', message }, HttpStatus.TOO_MANY_REQUESTS);
}

/** 503 with Retry-After: the server has as much of this work under way as it takes at once. */
export function busy(res: ReplyHeaders, retryAfterSeconds: number, message: string): HttpException {
  res.header('Retry-After', String(retryAfterSeconds));
  return new ServiceUnavailableException({ code: 'BUSY', message });
}
