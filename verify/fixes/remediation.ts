/**
 * What a person does about a finding the kit cannot fix mechanically: one sentence and a link
 * (Supabase's linter page for the splinter lint it mirrors, else the kit's gate page).
 */
const LINTER = 'https://supabase.com/docs/guides/database/database-linter?lint=';

const ADVICE: Readonly<Record<string, { sentence: string; link: string }>> = {
  rls_disabled_in_public: {
    sentence:
      'Enable row level security on the table and write the policies its clients need in the same migration (enabling it alone closes the table to every client).',
    link: `${LINTER}0013_rls_disabled_in_public`,
  },
  policy_exists_rls_disabled: {
    sentence: 'Enable row level security so the policies take effect, after checking they say what the table needs.',
    link: `${LINTER}0007_policy_exists_rls_disabled`,
  },
  auth_rls_initplan: {
    sentence: 'Wrap each auth.*() / current_setting() call as (select …) by hand.',
    link: `${LINTER}0003_auth_rls_initplan`,
  },
  multiple_permissive_policies: {
    sentence:
      'Combine the permissive policies for this role and action into one, splitting any FOR ALL policy per action first.',
    link: `${LINTER}0006_multiple_permissive_policies`,
  },
  rls_policy_always_true: {
    sentence: 'Replace the true condition with the rule that role should follow, or drop the policy.',
    link: `${LINTER}0024_permissive_rls_policy`,
  },
  policy_applies_to_public: {
    sentence: 'Add the TO clause naming the role the policy is for.',
    link: 'https://supabase.com/docs/guides/database/postgres/row-level-security#specify-roles-in-your-policies',
  },
  anonymous_rows_readable: {
    sentence:
      'Decide who may read rows without an owner; usually only the service role, so the SELECT policy keeps its owner clause alone.',
    link: 'docs/gates/security.md',
  },
  unindexed_foreign_keys: {
    sentence: "Create an index leading with the foreign key's columns.",
    link: `${LINTER}0001_unindexed_foreign_keys`,
  },
  function_search_path_mutable: {
    sentence:
      "Pin the function's search_path (ALTER FUNCTION … SET search_path = '') after qualifying every name its body uses.",
    link: `${LINTER}0011_function_search_path_mutable`,
  },
  security_definer_executable_by_anon: {
    sentence: 'Granted to anon by name: confirm it is meant as a public RPC, or revoke EXECUTE from anon.',
    link: `${LINTER}0028_anon_security_definer_function_executable`,
  },
  duplicate_indexes: {
    sentence: 'Drop all but one of the identical indexes, keeping the one a constraint uses.',
    link: `${LINTER}0009_duplicate_index`,
  },
  rls_enabled_no_policy: {
    sentence: "Add the policies the table's clients need, or a comment saying it is service-only.",
    link: `${LINTER}0008_rls_enabled_no_policy`,
  },
  truth_schema_reachable: {
    sentence:
      "Remove the API roles' access to kit_truth and any function, view or policy in an exposed schema that reads it.",
    link: 'docs/gates/security.md',
  },
  monitoring_view_missing: {
    sentence: "Create performance_monitoring_view on this server's pg_stat_statements column names.",
    link: 'docs/gates/monitoring.md',
  },
  monitoring_view_broken: {
    sentence: "Recreate performance_monitoring_view on this server's pg_stat_statements column names.",
    link: 'docs/gates/monitoring.md',
  },
};

export function remediation(lint: string, why: string | undefined): { sentence: string; link: string } {
  const advice = ADVICE[lint] ?? { sentence: 'Review the finding by hand.', link: 'docs/gates/security.md' };
  return {
    sentence: why === undefined ? advice.sentence : `${advice.sentence} (No mechanical fix: ${why}.)`,
    link: advice.link,
  };
}
