/** Every verb the CLI knows, in the order `funtainer help` lists them. */
import type { Command } from '../io.js';
import { buildCommand } from './build.js';
import { deployCommand } from './deploy.js';
import { describeCommand } from './describe.js';
import { invokeCommand } from './invoke.js';
import { listCommand } from './list.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { logsCommand } from './logs.js';
import { namespaceCommand } from './namespace.js';
import { newCommand } from './new.js';
import { removeCommand } from './remove.js';
import { scaleCommand } from './scale.js';
import { secretCommand } from './secret.js';
import { statusCommand } from './status.js';
import { templateCommand } from './template.js';
import { upCommand } from './up.js';
import { versionCommand } from './version.js';

export const COMMANDS: readonly Command[] = [
  upCommand, buildCommand, deployCommand, invokeCommand, listCommand, describeCommand, removeCommand, logsCommand,
  scaleCommand, secretCommand, namespaceCommand, newCommand, templateCommand, loginCommand, logoutCommand, statusCommand, versionCommand,
];

export function findCommand(verb: string): Command | undefined {
  return COMMANDS.find((c) => c.name === verb || c.aliases?.includes(verb));
}
