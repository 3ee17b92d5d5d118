/**
 * What every entry script exports besides its options: the lifecycle functions and one function
 * per journey (each the `exec` of its scenario).
 */
export { setup } from './setup.ts';
export { handleSummary } from './summary.ts';
export { swipingUser } from '../journeys/swiping-user.ts';
export { returningUser } from '../journeys/returning-user.ts';
export { anonymousBrowser } from '../journeys/anonymous-browser.ts';
export { networkPostback } from '../journeys/network-postback.ts';
export { rlsProbe } from '../journeys/rls-probe.ts';
