// printk levels (include/linux/kern_levels.h): every line the model logs carries the level the
// kernel logs it at (pr_info, pr_warn, pr_err, FW_BUG under pr_warn/pr_err, BUG/Oops lines), and
// that level, not the words in the line, says whether it reports a problem.

/** KERN_EMERG (0) .. KERN_DEBUG (7), as `dmesg -x` names them. */
export const LOGLEVEL_NAMES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warn',
  'notice',
  'info',
  'debug',
] as const;

export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_INFO = 6;

/**
 * Whether a line at this level reports a problem: KERN_WARNING or more severe (pr_warn, pr_err,
 * FW_BUG, WARN, BUG, Oops, panic). `x2apic: IRQ remapping doesn't support X2APIC mode` is
 * pr_info: information, however it reads.
 */
export function isProblemLevel(level: number): boolean {
  return level <= KERN_WARNING;
}

/** The level's name ("err", "warn", "info"), or its number when it is none of the eight. */
export function loglevelName(level: number): string {
  return LOGLEVEL_NAMES[level] ?? String(level);
}
