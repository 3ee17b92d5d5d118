/**
 * The kit's custom k6 metrics (contract with verify: names and tags are read by verify/k6).
 */
import { Counter, Trend } from 'k6/metrics';

/** Rows or writes the Data API granted one user on another user's data. Must stay 0. */
export const rlsLeaks = new Counter('aclue_rls_leaks');
/** 401/403 on a user's own resource with the user's own valid token. Tag `name`. */
export const authFailures = new Counter('aclue_auth_failures');
/** One per affiliate click the API recorded; tag `click_id` lets verify find each one in the database. */
export const clicksCreated = new Counter('aclue_clicks_created');
/** One per write the API acknowledged; tags `entity` and `id`, for verify's real-data reconciliation. */
export const writes = new Counter('aclue_writes');
/** Database time the server reported in `Server-Timing: db;dur=`, ms. Tag `name`. */
export const dbTime = new Trend('aclue_db_time', true);
