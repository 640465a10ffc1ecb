// A worker script named in a message or in workerData, where only strings travel: a URL's href
// ("file:..."), made a URL again, or a path, as it is. Imports nothing, so that the job's process
// (job-process.ts), which loads no engine, can use it too.

/** The script to start a Worker with, from the string it was sent as (String(url) or a path). */
export function workerEntry(sent: string): URL | string {
  return sent.startsWith('file:') ? new URL(sent) : sent;
}
