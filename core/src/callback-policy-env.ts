/**
 * The callback policy's three environment variables, one zod shape shared by the gateway's and the worker's
 * config modules so both read them the same way (and report a bad CIDR the same way):
 *
 *   callback_allow_private  true/false (default false): loopback, RFC 1918, CGNAT, ULA and internal names
 *   callback_allow_cidrs    comma list of CIDRs or addresses callbacks may go to (beats the private rule)
 *   callback_deny_cidrs     comma list of CIDRs or addresses callbacks never go to
 */
import { z } from 'zod';
import { callbackPolicy, type CallbackPolicy } from './callback-policy.js';
import { envBoolean } from './env.js';
import { parseCidrList, type Cidr } from './ip-address.js';

function envCidrList() {
  return z
    .string()
    .default('')
    .transform((raw, ctx): readonly Cidr[] => {
      const { cidrs, invalid } = parseCidrList(raw);
      if (invalid.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${invalid.map((v) => `"${v}"`).join(', ')} is not a CIDR (use 10.0.0.0/8, fd00::/8 or an address)` });
        return z.NEVER;
      }
      return cidrs;
    });
}

export const callbackPolicyEnvShape = {
  callback_allow_private: envBoolean(false),
  callback_allow_cidrs: envCidrList(),
  callback_deny_cidrs: envCidrList(),
};

export function callbackPolicyFromEnv(raw: { callback_allow_private: boolean; callback_allow_cidrs: readonly Cidr[]; callback_deny_cidrs: readonly Cidr[] }): CallbackPolicy {
  return callbackPolicy({ allowPrivate: raw.callback_allow_private, allow: raw.callback_allow_cidrs, deny: raw.callback_deny_cidrs });
}
