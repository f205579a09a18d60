/** Every failure the service knows how to explain; one code, one meaning. */
export enum ErrorCode {
  InvalidInput = 'invalid_input',
  NotFound = 'not_found',
  Forbidden = 'forbidden',
  Conflict = 'conflict',
  StorageUnavailable = 'storage_unavailable',
  Unknown = 'unknown',
}

/** A failure with a code and a message fit to show the user (what happened, what to do next). */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Plain English, safe to show in Teams: says what to do next. */
    readonly userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'CodedError';
  }
}

/** Input from a user or a caller was not acceptable; nothing was changed. */
export class InvalidInputError extends CodedError {
  constructor(userMessage: string) {
    super(ErrorCode.InvalidInput, userMessage);
    this.name = 'InvalidInputError';
  }
}

/** The thing asked for does not exist; the message says how to find the right one. */
export class NotFoundError extends CodedError {
  constructor(userMessage: string) {
    super(ErrorCode.NotFound, userMessage);
    this.name = 'NotFoundError';
  }
}

/** The person lacks the role the action needs; the message says who can grant it. */
export class ForbiddenError extends CodedError {
  constructor(userMessage: string) {
    super(ErrorCode.Forbidden, userMessage);
    this.name = 'ForbiddenError';
  }
}

/** Someone changed the same thing first; re-read and try again. */
export class ConflictError extends CodedError {
  constructor(userMessage: string, options?: { cause?: unknown }) {
    super(ErrorCode.Conflict, userMessage, options);
    this.name = 'ConflictError';
  }
}

/** Storage did not answer; the operation changed nothing and may be retried. */
export class StorageUnavailableError extends CodedError {
  constructor(cause: unknown) {
    super(
      ErrorCode.StorageUnavailable,
      'Our storage is not answering just now, so nothing was changed. Please try again in a minute.',
      { cause },
    );
    this.name = 'StorageUnavailableError';
  }
}

/** Wraps anything thrown into a CodedError so one final handler can treat all failures alike. */
export function asCodedError(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  return new CodedError(
    ErrorCode.Unknown,
    'Sorry, something went wrong on our side and nothing was changed. Please try again.',
    { cause: error },
  );
}
