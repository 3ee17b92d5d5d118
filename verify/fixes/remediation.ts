/**
 * What a person does about a finding the kit cannot fix mechanically: the sentence its check gives
 * (the `remediation` column of verify/sql/checks/security/, or the monitoring view finding's) and a
 * link (Supabase's linter page for the splinter lint it mirrors, else the kit's gate page).
 */
import type { Finding } from './block.ts';

const LINTER = 'https://supabase.com/docs/guides/database/database-linter?lint=';

const LINKS: Readonly<Record<string, string>> = {
  rls_disabled_in_public: `${LINTER}0013_rls_disabled_in_public`,
  policy_exists_rls_disabled: `${LINTER}0007_policy_exists_rls_disabled`,
  auth_rls_initplan: `${LINTER}0003_auth_rls_initplan`,
  multiple_permissive_policies: `${LINTER}0006_multiple_permissive_policies`,
  rls_policy_always_true: `${LINTER}0024_permissive_rls_policy`,
  policy_applies_to_public:
    'https://supabase.com/docs/guides/database/postgres/row-level-security#specify-roles-in-your-policies',
  anonymous_rows_readable: 'docs/gates/security.md',
  unindexed_foreign_keys: `${LINTER}0001_unindexed_foreign_keys`,
  function_search_path_mutable: `${LINTER}0011_function_search_path_mutable`,
  security_definer_executable_by_anon: `${LINTER}0028_anon_security_definer_function_executable`,
  duplicate_indexes: `${LINTER}0009_duplicate_index`,
  rls_enabled_no_policy: `${LINTER}0008_rls_enabled_no_policy`,
  truth_schema_reachable: 'docs/gates/security.md',
  monitoring_view_missing: 'docs/gates/monitoring.md',
  monitoring_view_broken: 'docs/gates/monitoring.md',
};

export function remediation(
  finding: Pick<Finding, 'lint' | 'remediation'>,
  why: string | undefined,
): { sentence: string; link: string } {
  const advice = finding.remediation ?? 'Review the finding by hand.';
  return {
    sentence: why === undefined ? advice : `${advice} (No mechanical fix: ${why}.)`,
    link: LINKS[finding.lint] ?? 'docs/gates/security.md',
  };
}
