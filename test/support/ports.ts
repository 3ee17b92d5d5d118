export { freePort } from '../../lib/ports.ts';
