// ApiError: every failed call, whether the server answered with its error envelope
// ({"error": {code, message, retryable, app_id?, details?}}) or could not be reached.
// `hint` is the sentence a toast shows: what the person can do about it.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly appId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { retryable?: boolean; appId?: string; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.appId = opts.appId;
    this.details = opts.details;
  }

  get hint(): string {
    return hintFor(this);
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

// Builds an ApiError from a response body (the envelope, or anything else a proxy sent).
export function errorFromBody(status: number, body: unknown): ApiError {
  const env = (body as { error?: Record<string, unknown> } | null)?.error;
  if (env && typeof env.code === 'string') {
    return new ApiError(status, env.code, typeof env.message === 'string' ? env.message : 'Something went wrong.', {
      retryable: env.retryable === true,
      appId: typeof env.app_id === 'string' ? env.app_id : undefined,
      details: (env.details as Record<string, unknown> | undefined) ?? undefined,
    });
  }
  return new ApiError(status, status >= 500 ? 'server_error' : 'unexpected_answer', `The server answered ${status}.`, {
    retryable: status >= 500,
  });
}

export const networkError = () =>
  new ApiError(0, 'network_error', 'Krilin could not be reached.', { retryable: true });

// What to do, in a sentence, for the errors a person can act on. The server's own message
// says what happened; this says what next.
export function hintFor(e: ApiError): string {
  switch (e.code) {
    case 'network_error':
      return 'Check your connection; Krilin will retry when you try again.';
    case 'invalid_credentials':
      return 'Check the email and password, then try again.';
    case 'wrong_password':
      return 'Type your current password exactly as you set it.';
    case 'too_many_attempts':
      return 'Too many tries: wait a few minutes before the next one.';
    case 'invalid_mfa_code':
      return 'Type the current 6-digit code from your authenticator app; check that its clock is right.';
    case 'email_taken':
      return 'Sign in instead, or use another email.';
    case 'weak_password':
    case 'common_password':
    case 'password_too_short':
      return 'Choose a longer passphrase: a few unrelated words work well.';
    case 'version_conflict':
      return 'It changed elsewhere; the latest version is shown — make your change again.';
    case 'app_not_installed':
      return 'Install the app from the App catalog first.';
    case 'app_disabled':
      return 'Turn the app back on in the App catalog.';
    case 'not_granted':
    case 'grant_revoked':
      return 'Reinstall the app that needs it to grant the permission again.';
    case 'overloaded':
    case 'unavailable':
      return 'Try again in a moment.';
    case 'signed_out':
      return 'Sign in again to continue.';
    default:
      if (e.retryable || e.status >= 500) return 'Try again in a moment; if it keeps failing, check the server log.';
      return 'Check what you entered, then try again.';
  }
}
