// Linux errno values the modeled kernel returns (include/uapi/asm-generic/errno-base.h, errno.h).
export const ENOENT = 2;
export const EIO = 5;
export const ENXIO = 6;
export const ENOMEM = 12;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ERANGE = 34;
export const ENOSYS = 38;
export const ENOTSUPP = 524;

const NAMES: Record<number, string> = {
  [ENOENT]: 'ENOENT',
  [EIO]: 'EIO',
  [ENXIO]: 'ENXIO',
  [ENOMEM]: 'ENOMEM',
  [EBUSY]: 'EBUSY',
  [EEXIST]: 'EEXIST',
  [ENODEV]: 'ENODEV',
  [EINVAL]: 'EINVAL',
  [ENOSPC]: 'ENOSPC',
  [ERANGE]: 'ERANGE',
  [ENOSYS]: 'ENOSYS',
  [ENOTSUPP]: 'ENOTSUPP',
};

/** "-28 (ENOSPC)" for a negative return value. */
export function errnoName(ret: number): string {
  return ret < 0 ? `${ret} (${NAMES[-ret] ?? 'E?'})` : String(ret);
}
