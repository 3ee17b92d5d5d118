-- Accounts and subscribers that differ only in the case of their e-mail address (the UNIQUE
-- constraints compare exact strings, so these slip through).
select 'duplicate_emails'::text as name, 'E-mail addresses equal up to case'::text as title, 'error'::text as level,
       format('%s rows share the address %s', t.n, t.email) as detail,
       'Merge the accounts, then enforce uniqueness on lower(email).'::text as remediation,
       t.tbl as object, jsonb_build_object('expected', 1, 'actual', t.n) as metadata
from (
  select 'public.users' as tbl, lower(email) as email, count(*) as n from public.users group by lower(email) having count(*) > 1
  union all
  select 'public.profiles', lower(email), count(*) from public.profiles group by lower(email) having count(*) > 1
  union all
  select 'public.newsletter_signups', lower(email), count(*) from public.newsletter_signups group by lower(email) having count(*) > 1
) as t
where cardinality($1::text[]) >= 0
order by 6, 4;
