/**
 * Input a user sent that breaks a rule. Each violation names the field and the rule; `message` is
 * the Chinese text for the user. The English error message (for logs) lists field and rule only,
 * never the rejected values, which may be secrets.
 */
export interface Violation {
  /** The request field, e.g. `names[2]`, `eab.hmacKey`, `csr`. */
  field: string;
  /** The rule, e.g. `wildcardPosition`, `eabHmacInvalid`. */
  rule: string;
  /** Chinese, for the user. */
  message: string;
}

export class InputRejectedError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(`input rejected: ${violations.map((v) => `${v.field} breaks ${v.rule}`).join('; ')}`);
    this.name = 'InputRejectedError';
  }
}

/** The thing asked for does not exist or is not the caller's (the two are not told apart). */
export class NotFoundError extends Error {
  constructor(readonly resource: string) {
    super(`${resource} not found`);
    this.name = 'NotFoundError';
  }
}

/** The request is valid but the resource is not in a state that allows it (e.g. revoking twice). */
export class ConflictError extends Error {
  constructor(
    readonly rule: string,
    /** Chinese, for the user. */
    readonly userMessage: string,
  ) {
    super(`conflict: ${rule}`);
    this.name = 'ConflictError';
  }
}
