// The policy-expression edits the fix-it kinds rely on, on text as pg_policies deparses it.
import { describe, expect, it } from 'vitest';
import { sameExpr } from '../../verify/fixes/block.ts';
import { orTerms, unparen, wrapAuthCalls } from '../../verify/fixes/expr.ts';

describe('fix-it expression edits', () => {
  it('splits a top-level OR only, ignoring ORs in parentheses and string literals', () => {
    expect(orTerms('((( SELECT auth.uid() AS uid) = user_id) OR (user_id IS NULL))')).toEqual([
      '(( SELECT auth.uid() AS uid) = user_id)',
      '(user_id IS NULL)',
    ]);
    expect(orTerms("((a OR b) AND (c = ' OR '::text))")).toEqual(["(a OR b) AND (c = ' OR '::text)"]);
  });

  it('removes only parentheses that enclose the whole expression', () => {
    expect(unparen('((a = b))')).toBe('a = b');
    expect(unparen('(a) = (b)')).toBe('(a) = (b)');
  });

  it('wraps bare auth calls and current_setting once, leaving wrapped ones alone', () => {
    expect(wrapAuthCalls('(auth.uid() = id)')).toBe('((select auth.uid()) = id)');
    expect(wrapAuthCalls("((auth.role() = 'service_role'::text) AND (( SELECT auth.uid() AS uid) = id))")).toBe(
      "(((select auth.role()) = 'service_role'::text) AND (( SELECT auth.uid() AS uid) = id))",
    );
    expect(wrapAuthCalls("(current_setting('app.x'::text, true) = 'y'::text)")).toBe(
      "((select current_setting('app.x'::text, true)) = 'y'::text)",
    );
  });

  it('compares conditions ignoring the alias PostgreSQL gives a wrapped call', () => {
    expect(sameExpr('((select auth.uid()) = id)', '(( SELECT auth.uid() AS uid) = id)')).toBe(true);
    expect(sameExpr('((select auth.uid()) = id)', '((select auth.uid()) = user_id)')).toBe(false);
  });
});
