/**
 * The popup's first getStatus, asked by its entry before the UI's modules load (B5): the
 * background answers while the page's script is still being fetched and run, instead of after
 * the first render. Also starts the active-tab query, which the second read needs.
 */
import { sendMessage, type StatusView } from '../shared/protocol.ts';
import { activeTabUrl } from './browser.ts';

export interface EarlyStatus {
  /** The background's answer to the first getStatus (no tab URL). */
  readonly reply: Promise<StatusView>;
  /** The active tab's URL, asked at the same moment. */
  readonly tabUrl: Promise<string | undefined>;
  /** The answer if it has already arrived, so the first render can show it. */
  arrived(): StatusView | undefined;
}

/** Sends the first getStatus and the tab query now. */
export function askStatusEarly(): EarlyStatus {
  let got: StatusView | undefined;
  const reply = sendMessage('getStatus', {});
  reply.then(
    (s) => {
      got = s;
    },
    () => undefined,
  );
  return { reply, tabUrl: activeTabUrl(), arrived: () => got };
}
