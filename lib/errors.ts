/**
 * The kit's exit-code contract (README "Exit codes"): every command maps its failures onto these.
 * 1 is reserved for a NO-GO verdict and 4 for a CONDITIONAL one that an error-level gate could not
 * judge, so errors never use them.
 */
export const ExitCode = {
  ok: 0,
  noGo: 1,
  usage: 2,
  environment: 3,
  unjudged: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The codes verify ends with when it reached a verdict: a phase that ran verify is done with any of them. */
export const verdictCodes: readonly number[] = [ExitCode.ok, ExitCode.noGo, ExitCode.unjudged];

/** An expected failure with a message meant for a person: printed without a stack trace. */
export class KitError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Extra lines: what to do about it. */
    readonly hints: readonly string[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad or missing settings, flags or input files: the user can fix it by changing what they passed. */
export class UsageError extends KitError {
  constructor(message: string, hints: readonly string[] = []) {
    super(message, ExitCode.usage, hints);
  }
}

/** The machine or the target is not in a state the kit can work with (missing tool, unreachable port). */
export class EnvironmentError extends KitError {
  constructor(message: string, hints: readonly string[] = []) {
    super(message, ExitCode.environment, hints);
  }
}
