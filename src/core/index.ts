/** src/core: the rules of SPEC 1 and the wire format of SPEC 2–3, pure and shared. */
export * from './model.ts';
export * from './result.ts';
export * from './text.ts';
export * from './json-depth.ts';
export * from './interval.ts';
export * from './time-zone.ts';
export * from './quiet-hours.ts';
export * from './message-flags.ts';
export * from './decide.ts';
export * from './language.ts';
export * from './push-payload.ts';
export * from './push-subscription.ts';
export * from './validate.ts';
export * from './wire.ts';
