/** The gates the brief names: every end-to-end report must hold each, with evidence. */
export const BRIEF_GATES = [
  'api-latency',
  'availability',
  'load-delivered',
  'degradation',
  'database',
  'preference-accuracy',
  'attribution',
  'real-data',
  'security',
  'data-integrity',
] as const;
