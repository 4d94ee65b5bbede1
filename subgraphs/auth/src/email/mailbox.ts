// The development mailbox: without SMTP, every message becomes one RFC 5322 `.eml` file in a
// directory an operator reads with `pnpm mailbox` (or any mail client). File names start with the
// message's creation time, so a plain sort lists them oldest first.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEmail } from './mime.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Relative directories are taken from the repository root, whatever the working directory. */
export function resolveMailboxDir(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(REPO_ROOT, dir);
}

export function mailboxFileName(id: string, createdAt: Date): string {
  return `${createdAt.toISOString().replace(/[-:.]/g, '')}-${id}.eml`;
}

/**
 * Writes via a temporary file and a rename, so a reader never sees half a message. The name is
 * derived from the message, so a retried job replaces its own file instead of adding a copy.
 */
export async function writeMailboxFile(dir: string, name: string, raw: Buffer): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  await writeFile(temporary, raw, { mode: 0o600 });
  await rename(temporary, target);
  return target;
}

export interface MailboxEntry {
  /** The outbox message id (from the file name). */
  id: string;
  file: string;
  date: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * The messages in the mailbox, oldest first, optionally only those created at or after `since`
 * (read from the file names, so older files are not opened). An absent directory is empty.
 */
export async function readMailbox(dir: string, since?: Date): Promise<MailboxEntry[]> {
  const first = since ? mailboxFileName('', since).slice(0, -'-.eml'.length) : '';
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.eml') && name >= first).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(names.map((name) => readMailboxFile(join(dir, name))));
}

export async function readMailboxFile(file: string): Promise<MailboxEntry> {
  const { headers, text } = parseEmail(await readFile(file, 'utf8'));
  const id = /-([0-9a-f-]{36})\.eml$/.exec(file)?.[1] ?? '';
  return {
    id,
    file,
    date: headers.get('date') ?? '',
    to: headers.get('to') ?? '',
    subject: headers.get('subject') ?? '',
    text,
  };
}
