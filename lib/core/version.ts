/** kubeseg's version, as in package.json: the CLI's, and the one its reports name. */
export const VERSION = '0.1.0';
