import { InvalidArgumentError, Option } from 'commander';

/** The plain-text format answers to both `txt` and `text` in every command. */
const PLAIN_TEXT_NAMES = ['txt', 'text'] as const;

/**
 * `-f, --format <format>` with the given formats, `plain` first among them being the default. Both
 * `txt` and `text` are accepted for `plain`, which is what the action receives either way.
 */
export function formatOption<F extends string>(formats: readonly F[], plain: F & (typeof PLAIN_TEXT_NAMES)[number]): Option {
  const alias = PLAIN_TEXT_NAMES.find((name) => name !== plain)!;
  const choices: string[] = formats.flatMap((f) => (f === plain ? [f, alias] : [f]));
  const option = new Option('-f, --format <format>', 'output format').default(plain).argParser((value: string) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    return value === alias ? plain : value;
  });
  option.argChoices = choices; // listed in the help
  return option;
}
