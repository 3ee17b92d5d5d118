/**
 * The deployment checklist the report is signed against ("Database Deployment Checklist - Aclue
 * Production Implementation", version 2.0), as data: its sections and lines, and for each line the
 * gates that answer it. A line with no gate cannot be measured by the kit (backups, staffing,
 * post-deployment monitoring) and is listed for manual sign-off. The wording is the checklist's.
 */

export interface ChecklistLine {
  readonly text: string;
  /** Gate ids (verify/gates/<id>.ts) whose results answer this line; empty = manual sign-off. */
  readonly gates: readonly string[];
  /** What the gates measure instead, when that is less than the line claims: the report says so beside it. */
  readonly proxy?: string;
}

export interface ChecklistSection {
  readonly title: string;
  readonly lines: readonly ChecklistLine[];
}

const manual = (text: string): ChecklistLine => ({ text, gates: [] });
const by = (text: string, ...gates: string[]): ChecklistLine => ({ text, gates });
const proxy = (text: string, measured: string, ...gates: string[]): ChecklistLine => ({ text, gates, proxy: measured });

export const checklist: readonly ChecklistSection[] = [
  {
    title: 'Pre-Deployment Preparation — Backup and Safety Measures',
    lines: [
      manual('Create Full Database Backup'),
      manual('Export Current Schema'),
      by('Document Current RLS Policies', 'security'),
      by('Test current API endpoints functionality', 'availability', 'real-data'),
      by('Confirm authentication system operational status', 'availability'),
      manual('Document any critical business processes'),
    ],
  },
  {
    title: 'Pre-Deployment Preparation — Testing Environment Validation',
    lines: [
      manual('Create Supabase staging project'),
      manual('Import current production schema'),
      manual('Test migration scripts in staging'),
      by('Performance Baseline Measurement', 'database', 'degradation'),
    ],
  },
  {
    title: 'Deployment Phase 1 — Deploy Missing Tables',
    lines: [
      manual('Execute Table Creation Script'),
      by('5 new tables created', 'deployment'),
      by('All tables have RLS enabled', 'security'),
      by('All indexes created successfully', 'deployment'),
      by('All triggers operational', 'deployment'),
    ],
  },
  {
    title: 'Deployment Phase 1 — Deploy Enhanced RLS Policies',
    lines: [
      manual('Execute RLS Enhancement Script'),
      by('Verify Policy Implementation', 'security'),
      by('All tables have performance-optimised policies', 'security'),
      by('Service role policies implemented', 'security'),
      by('Anonymous user support configured', 'security'),
      by('Auth function calls optimised', 'security'),
    ],
  },
  {
    title: 'Deployment Phase 1 — Performance Monitoring Setup',
    lines: [
      manual('Deploy Monitoring Queries'),
      by('Enable pg_stat_statements', 'monitoring'),
      by('Baseline metrics established', 'degradation'),
    ],
  },
  {
    title: 'Deployment Phase 2 — Database Service Deployment',
    lines: [
      by('Verify connection management', 'database'),
      by('Test Core Operations', 'preference-accuracy', 'attribution'),
      by('All database operations functional', 'real-data'),
      by('Error handling working correctly', 'availability'),
      manual('Logging operational'),
    ],
  },
  {
    title: 'Deployment Phase 2 — API Endpoint Updates',
    lines: [
      by('Verify real data integration', 'real-data'),
      by('Test preference-based recommendations', 'preference-accuracy', 'recommendation-accuracy', 'real-data'),
      by('Confirm mock data removal', 'real-data'),
      by('Verify RLS policy enforcement', 'security'),
      by('Test user-scoped data access', 'security'),
      by('Confirm service role operations', 'security'),
      by('Endpoints returning real data', 'real-data'),
      by('Authentication working with RLS', 'security', 'availability'),
      by('Performance within acceptable limits', 'api-latency'),
    ],
  },
  {
    title: 'Deployment Phase 3 — Performance Validation',
    lines: [
      proxy(
        'Query execution times improved',
        'a proxy: no endpoint and no top statement got 4x slower from the baseline run to the peak run; an improvement over the database before the deployment is not measured',
        'degradation',
        'statement-regressions',
      ),
      by('Index usage optimised', 'database'),
      by('RLS policy performance enhanced', 'security'),
      by('Simulate concurrent user load', 'load-delivered'),
      by('Test database connection limits', 'database'),
      by('Verify response time targets', 'api-latency'),
      by('Query response time: <100ms (90th percentile)', 'api-latency'),
      by('Index usage ratio: >80%', 'database'),
      by('Connection utilisation: <70%', 'database'),
    ],
  },
  {
    title: 'Deployment Phase 3 — Business Metrics Validation',
    lines: [
      by('User preference calculations accurate', 'preference-accuracy'),
      by('Affiliate attribution working', 'attribution'),
      by('Analytics data consistent', 'data-integrity'),
      by('Data relationships maintained', 'data-integrity', 'attribution-history'),
    ],
  },
  {
    title: 'Deployment Phase 3 — Security Validation',
    lines: [
      by('Test RLS Policy Enforcement', 'security'),
      by('Test Service Role Access', 'security'),
      by('Test Anonymous User Support', 'security'),
      by('User data properly isolated', 'security'),
      by('Service role has full access', 'security'),
      by('Anonymous access restricted to public data', 'security'),
    ],
  },
  {
    title: 'Post-Deployment Monitoring',
    lines: [
      manual('Query Performance Monitoring'),
      manual('Error Rate Monitoring'),
      manual('Business Metrics Tracking'),
      manual('Daily Performance Reviews'),
      manual('Capacity Planning'),
      manual('User Experience Metrics'),
    ],
  },
  {
    title: 'Rollback Procedures — Critical Issue Detection',
    lines: [
      by('Query performance degradation >300%', 'degradation', 'statement-regressions'),
      by('Authentication system failures', 'availability'),
      by('Data integrity violations', 'data-integrity'),
      by('RLS policy security breaches', 'security'),
    ],
  },
  {
    title: 'Success Criteria — Technical Success Metrics',
    lines: [
      by('95th percentile query response time <200ms', 'api-latency'),
      by('Index usage ratio >75%', 'database'),
      by('Zero critical security vulnerabilities', 'security'),
      proxy(
        '99.9% database uptime',
        "a proxy: fewer than 0.1% of requests failed during one load run of minutes; uptime over days or weeks is the monitoring's to show",
        'availability',
      ),
      by('Zero data integrity issues', 'data-integrity'),
      by('All RLS policies functioning correctly', 'security'),
      by('Support 10x current user load', 'load-delivered'),
      manual('Database growth <20% of capacity'),
      by('Connection pooling optimised', 'database'),
    ],
  },
  {
    title: 'Success Criteria — Business Success Metrics',
    lines: [
      by('Recommendation accuracy improved', 'recommendation-accuracy'),
      manual('Page load times <2 seconds'),
      by('Zero authentication failures', 'availability'),
      by('Affiliate attribution working 100%', 'attribution'),
      by('Conversion tracking operational', 'attribution'),
      by('Revenue reporting accurate', 'attribution'),
      manual('User behaviour insights available'),
      manual('Business intelligence dashboards functional'),
      manual('ML training data collection operational'),
    ],
  },
  {
    title: 'Final Deployment Sign-off',
    lines: [
      manual('All migration scripts tested in staging'),
      by('Performance benchmarks met', 'api-latency', 'load-delivered', 'degradation', 'database'),
      by('Security validation complete', 'security'),
      manual('Monitoring systems operational'),
      by('Rollback procedures tested', 'rollback-drill'),
      manual('Team training completed'),
      manual('Database Administrator sign-off'),
      manual('Lead Developer sign-off'),
      manual('DevOps Engineer sign-off'),
      manual('Product Owner sign-off'),
    ],
  },
];
