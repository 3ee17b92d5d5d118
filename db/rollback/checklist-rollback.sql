-- The deployment checklist's documented rollback ("Rollback Procedures"), as written there, so the
-- rollback drill (npm run rollback-drill) exercises exactly what an operator would run.
-- Steps the checklist names but does not spell out (re-running the original fix_rls_policies.sql,
-- reverting the service layer) cannot be drilled from here; the drill lists them as manual.

-- 1. Emergency rollback, "Disable new features immediately"
ALTER TABLE affiliate_clicks DISABLE ROW LEVEL SECURITY;
ALTER TABLE user_preferences DISABLE ROW LEVEL SECURITY;
ALTER TABLE session_analytics DISABLE ROW LEVEL SECURITY;
ALTER TABLE product_views DISABLE ROW LEVEL SECURITY;
ALTER TABLE recommendation_feedback DISABLE ROW LEVEL SECURITY;

-- 2. Partial rollback, "Revert to simple RLS policies"
DROP POLICY "Users view own affiliate clicks" ON affiliate_clicks;
CREATE POLICY "Simple user policy" ON affiliate_clicks
    FOR ALL USING (auth.uid() = user_id);
