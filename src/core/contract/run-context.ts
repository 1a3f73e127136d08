/** What an adapter hands the core: where inputs come from, who the caller is, which cloud. */
import type { AuthSpec } from '../azure/auth';
import type { Cloud } from '../azure/cloud';
import type { InputName, InputReader } from './inputs';

export interface RunContext {
  readInput: InputReader;
  /** The input's name as the user writes it on this platform (kebab-case or camelCase), for messages. */
  displayName: (name: InputName) => string;
  auth: AuthSpec;
  cloud: Cloud;
  /** Subscription from creds / the service connection, used when subscription-id is empty. */
  defaultSubscriptionId?: string;
}
