// The CLI's exit codes, one place.
export const EXIT_OK = 0;
/** The command ran but did nothing useful (nothing imported). */
export const EXIT_NOTHING = 1;
/** The command line itself was wrong: unknown option, missing argument. */
export const EXIT_USAGE = 2;
/** Interrupted (Ctrl-C). */
export const EXIT_INTERRUPTED = 130;
