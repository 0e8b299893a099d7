/** Whole-number options of the commands, refused with the range when out of it. */
import { InvalidArgumentError, Option } from 'commander';

export function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** How long the signed links in a run's email stay valid. */
export const linkDaysOption = () => new Option('--link-days <n>', 'how long the links in a run\'s email stay valid').default(7).argParser(integerIn(1, 90));
