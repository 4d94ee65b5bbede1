// `pnpm mailbox`: reads the development mailbox, where the auth service writes outgoing mail when
// no SMTP server is configured (MAILBOX_DIR, default .omni/mailbox).
//   pnpm mailbox              the latest 20 messages: number, date, recipient, subject
//   pnpm mailbox --all        every message
//   pnpm mailbox show         the newest message in full
//   pnpm mailbox show <n|id>  message number n of the list, or the one whose id starts with id
import { loadConfig } from '../packages/core/src/config/config.js';
import { readMailbox, resolveMailboxDir, type MailboxEntry } from '../subgraphs/auth/src/email/mailbox.js';

// Reading mail needs neither secret; placeholders let the shared config parse (the environment wins).
const config = loadConfig({
  INTERNAL_CONTEXT_SECRET: 'not-used-by-the-mailbox-reader-0000000000',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
  ...process.env,
});
const dir = resolveMailboxDir(config.mail.mailboxDir);
const LIST_LIMIT = 20;

function list(messages: MailboxEntry[], all: boolean): string {
  if (messages.length === 0) return `Mailbox ${dir} is empty.\n`;
  const shown = all ? messages : messages.slice(-LIST_LIMIT);
  const first = messages.length - shown.length;
  const rows = shown.map((m, i) => `${String(first + i + 1).padStart(4)}  ${formatDate(m.date)}  ${m.to.padEnd(36)}  ${m.subject}`);
  const more = first > 0 ? [`(${first} older; pnpm mailbox --all lists them)`] : [];
  return [`Mailbox ${dir}: ${messages.length} message(s)`, `   #  ${'date'.padEnd(19)}  ${'to'.padEnd(36)}  subject`, ...rows, ...more, 'Read one with: pnpm mailbox show <#|id>', ''].join('\n');
}

function show(messages: MailboxEntry[], selector: string | undefined): string {
  const index = selector === undefined ? messages.length : /^\d+$/.test(selector) ? Number(selector) : NaN;
  const found = Number.isNaN(index) ? messages.filter((m) => m.id.startsWith(selector ?? '')) : [messages[index - 1]].filter(Boolean);
  if (found.length !== 1 || !found[0]) throw new Error(found.length > 1 ? `"${selector}" matches several messages` : `no message ${selector ?? ''} in ${dir}`);
  const m = found[0];
  return [`Date:    ${m.date}`, `To:      ${m.to}`, `Subject: ${m.subject}`, `Id:      ${m.id}`, `File:    ${m.file}`, '', m.text.trimEnd(), ''].join('\n');
}

function formatDate(date: string): string {
  const parsed = new Date(date);
  return Number.isNaN(parsed.getTime()) ? date.padEnd(19) : parsed.toISOString().slice(0, 19).replace('T', ' ');
}

async function main() {
  const [command, argument] = process.argv.slice(2);
  const messages = await readMailbox(dir);
  if (command === 'show') process.stdout.write(show(messages, argument));
  else if (command === undefined || command === '--all') process.stdout.write(list(messages, command === '--all'));
  else throw new Error(`unknown command "${command}"; use: pnpm mailbox [--all] | pnpm mailbox show [<#|id>]`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pnpm mailbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
